"""Shared fixtures: where the real reference data lives, skipping clearly when it is absent."""

import threading
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


class CancelAt:
    """An optimiser callback that keeps every event and sets ``token`` (the cancel token) at the
    ``iteration``-th event of ``phase`` (any phase when None)."""

    def __init__(self, iteration: int, phase: str | None = None):
        self.iteration, self.phase = iteration, phase
        self.token = threading.Event()
        self.events = []

    def __call__(self, event) -> None:
        self.events.append(event)
        if event.iteration == self.iteration and self.phase in (None, event.phase):
            self.token.set()


@pytest.fixture
def cancel_at():
    return CancelAt
