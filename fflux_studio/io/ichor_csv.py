"""ICHOR per-atom CSVs (SPEC §7), both layouts:

- ``{ATOM}_features_with_properties.csv``: ``f1..fN, iqa, integration_error, q00 … q44s``;
- ``{ATOM}_processed_data_alf_{o}_{x}_{xy}.csv``: ``point_id, point_name, f{i}_{ATOM}…, wfn_energy,
  iqa, integration_error, q00 … q44s`` (the name gives the ALF).

Rows whose integration error |L| reaches 1e-3 are dropped, as ICHOR does, and counted in the notes.
``wfn_energy`` is the molecule's energy, not the atom's, so it is not a target.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.units import MAX_INTEGRATION_ERROR, default_unit

_NAME = re.compile(r"^(?P<atom>[A-Za-z]{1,2}\d+)_(features_with_properties|processed_data(_alf_(?P<alf>\d+_\d+_\d+))?)",
                   re.IGNORECASE)
_FEATURE = re.compile(r"^f(?P<index>\d+)(_(?P<atom>[A-Za-z]{1,2}\d+))?(/(?P<unit>.+))?$")
_SKIPPED = {"", "point_id", "point_name", "wfn_energy"}


def _atom_name(text: str) -> str:
    """``o1``, ``CL1`` → ``O1``, ``Cl1``: element as in the periodic table, then its index."""
    letters = text.rstrip("0123456789")
    return letters.capitalize() + text[len(letters):]


def is_ichor_csv(path: Path, header: list[str]) -> bool:
    """Whether a CSV with this name and header row is one of ICHOR's layouts (else FEREBUS's)."""
    names = {h.strip() for h in header}
    return bool(_NAME.match(path.name)) or bool({"integration_error", "point_id"} & names) or any(
        (m := _FEATURE.match(h.strip())) and m["atom"] for h in header)


def read_header(path: Path) -> list[str]:
    """The first row of a CSV; InputError if it cannot be read as text."""
    try:
        with path.open(newline="") as handle:
            return next(csv.reader(handle), [])
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"not a text CSV file ({err})") from None


def _rows(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="") as handle:
            return list(csv.reader(handle))
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"not a text CSV file ({err})") from None


def _columns(path: Path, header: list[str]):
    features, properties, error_column, atoms = {}, [], None, set()
    for column, name in enumerate(header):
        if name in _SKIPPED or name.startswith("Unnamed:"):  # pandas writes its index as "Unnamed: 0"
            continue
        if match := _FEATURE.match(name):
            index = int(match["index"])
            if index in features:
                raise InputError(path, f"feature f{index} appears twice", line=1, field=name)
            features[index] = column
            if match["atom"]:
                atoms.add(_atom_name(match["atom"]))
        elif name == "integration_error":
            error_column = column
        elif name in (p for p, _ in properties):
            raise InputError(path, f"column {name!r} appears twice", line=1, field=name)
        else:
            properties.append((name, column))
    if not features:
        raise InputError(path, "no feature columns (f1, f2, … or f1_O1, …) in the header", line=1)
    missing = sorted(set(range(1, max(features) + 1)) - set(features))
    if missing:
        raise InputError(path, f"feature f{missing[0]} is missing (features f1..f{max(features)} expected)", line=1)
    if not properties:
        raise InputError(path, "no property column (iqa, q00, …) in the header", line=1)
    if len(atoms) > 1:
        raise InputError(path, f"feature columns name several atoms ({', '.join(sorted(atoms))})", line=1)
    return [features[i] for i in sorted(features)], properties, error_column, atoms


def read_ichor_csv(path) -> Dataset:
    """Read one ICHOR per-atom CSV into a one-atom Dataset."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise InputError(path, "the file is empty")
    header = [h.strip() for h in rows[0]]
    feature_columns, properties, error_column, atoms = _columns(path, header)
    numeric = feature_columns + [c for _, c in properties] + ([error_column] if error_column is not None else [])
    values = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(path, f"{len(row)} cells, the header has {len(header)}", line=number)
        parsed = np.empty(len(header))
        for column in numeric:
            cell = row[column].strip()
            try:
                parsed[column] = float(cell)
            except ValueError:
                raise InputError(path, f"non-numeric value {cell[:40]!r}", line=number, field=header[column]) from None
            if not np.isfinite(parsed[column]):
                raise InputError(path, f"value {cell!r} is not finite", line=number, field=header[column])
        values.append(parsed)
    if not values:
        raise InputError(path, "no data rows after the header")
    values = np.array(values)
    notes = []
    if error_column is not None:
        keep = np.abs(values[:, error_column]) < MAX_INTEGRATION_ERROR
        if not keep.any():
            raise InputError(path, f"every row has an integration error |L| >= {MAX_INTEGRATION_ERROR:g}")
        if not keep.all():
            notes.append(f"dropped {int((~keep).sum())} of {len(keep)} rows with integration error "
                         f"|L| >= {MAX_INTEGRATION_ERROR:g} (ICHOR's rule)")
        values = values[keep]
    match = _NAME.match(path.name)
    atom = _atom_name(match["atom"]) if match else (atoms.pop() if atoms else "A1")
    alf = tuple(int(i) for i in match["alf"].split("_")) if match and match["alf"] else None
    features = AtomFeatures(atom, values[:, feature_columns], alf=alf)
    targets = {atom: {name: values[:, column].copy() for name, column in properties}}
    units = {name: default_unit(name) for name, _ in properties}
    system = path.resolve().parent.name or atom
    return Dataset(system, {atom: features}, targets, units, provenance=str(path), notes=notes)
