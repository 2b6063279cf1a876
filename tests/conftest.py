"""Shared fixtures: where the real reference data lives, skipping clearly when it is absent."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FEREBUS = SHARED_DATA / "ferebus-paper-data" / "likelihood"
ICHOR = SHARED_DATA / "ichor-examples"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real FEREBUS and ICHOR data in ../shared/data (present in CI, absent in a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (it sits beside the repository in CI)")
    return SHARED_DATA
