"""What a campaign tells its watcher: one event per change of a task's state."""

from __future__ import annotations

from dataclasses import dataclass, field

STATES = ("queued", "running", "trained", "skipped", "failed", "cancelled")
FINAL = ("trained", "skipped", "failed", "cancelled")


@dataclass(frozen=True)
class TaskEvent:
    """Task ``key`` (``atom``, ``property``) entered ``state``; ``record`` is its manifest entry once final
    (ln L, test errors, seconds, message)."""

    key: str
    atom: str
    property: str
    state: str
    record: dict = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.state in FINAL
