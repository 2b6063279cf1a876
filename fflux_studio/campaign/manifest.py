"""The campaign's manifest (``campaign.json`` in its folder): every task's key, status and numbers.

Rewritten atomically after every finished task, so an interrupted campaign (SIGINT, a killed
node) leaves a manifest that says what is done, and the next run can trust it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from fflux_studio import __version__
from fflux_studio.campaign.files import write_atomically
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import read_model

MANIFEST_NAME = "campaign.json"
DONE = ("trained", "skipped")


def load_records(folder) -> dict[str, dict]:
    """Key -> record of the campaign last run in ``folder`` (empty when there was none)."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text())
        return {record["key"]: record for record in document["models"]}
    except (ValueError, KeyError, TypeError) as err:
        raise InputError(path, f"not a campaign manifest ({err}); move it away to start afresh") from None


def reusable(record: dict | None, path) -> bool:
    """A record whose model is done and whose file (``path``) is still there and reads back."""
    if record is None or record.get("status") not in DONE:
        return False
    try:
        read_model(path)
    except (OSError, InputError):
        return False
    return True


def counts(records) -> dict[str, int]:
    return dict(Counter(record["status"] for record in records))


def manifest(records: list[dict], **about) -> dict:
    """The manifest document: ``models`` in task order, status counts, and what the run was about."""
    return {"fflux_studio": __version__, **about, "counts": counts(records), "models": records}


def write_manifest(folder, document: dict) -> Path:
    return write_atomically(Path(folder) / MANIFEST_NAME, json.dumps(document, indent=2) + "\n")
