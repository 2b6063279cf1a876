"""How many training points fit in this machine's memory.

One training holds about ``ARRAYS_PER_TRAINING`` N x N float64 arrays at once: the likelihood's
K and R, the landscape's own two, and the model's R while it is fitted. The budget is
``BUDGET_FRACTION`` of the memory available when asked (psutil), so that a second session, the
browser and the operating system keep the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import psutil

ARRAYS_PER_TRAINING = 5
BUDGET_FRACTION = 0.5
BYTES_PER_VALUE = 8


@dataclass(frozen=True)
class MemoryBudget:
    """The bytes one training may use and the largest training set that fits in them."""

    available: int
    budget: int

    @classmethod
    def now(cls, available: int | None = None) -> "MemoryBudget":
        """The budget from the memory available now (or from ``available`` bytes)."""
        available = psutil.virtual_memory().available if available is None else int(available)
        return cls(available, int(BUDGET_FRACTION * available))

    @property
    def max_points(self) -> int:
        return math.isqrt(self.budget // (ARRAYS_PER_TRAINING * BYTES_PER_VALUE))

    @staticmethod
    def needed(n_points: int) -> int:
        """Bytes a training on ``n_points`` holds at once."""
        return ARRAYS_PER_TRAINING * BYTES_PER_VALUE * n_points**2

    def check(self, n_points: int) -> None:
        """ValueError saying what fits when ``n_points`` do not."""
        if n_points > self.max_points:
            raise ValueError(f"{n_points} training points need about {_gb(self.needed(n_points))} "
                             f"({ARRAYS_PER_TRAINING} arrays of {n_points} x {n_points} numbers), more than the "
                             f"memory budget of {_gb(self.budget)}; train on at most {self.max_points} points")

    def describe(self) -> str:
        return (f"at most {self.max_points} training points: the memory budget is {_gb(self.budget)} "
                f"({BUDGET_FRACTION:.0%} of the {_gb(self.available)} available)")


def _gb(n_bytes: int) -> str:
    return f"{n_bytes / 1e9:.2g} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.2g} MB"
