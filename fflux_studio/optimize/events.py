"""What optimisers report to whoever listens (live plots, progress bars), and how they are stopped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Cancelled(Exception):
    """Raised inside an optimiser when its cancel token is set; the run stops at once.

    ``result`` is the interrupted optimiser run's best point (an OptimizeResult with status
    ``cancelled``), or None when it had evaluated no point yet.
    """

    result = None


@dataclass(frozen=True)
class Iteration:
    """One optimiser iteration.

    ``phase`` is ``seeding``, ``selection``, ``relaxation`` (TL) or ``direct`` (DL); ``source`` is the
    source model (seeding) or start (DL multi-start) index, None otherwise; ``log_likelihood`` and
    ``log_theta`` are the best point of this optimiser run so far; ``seconds`` is the wall time since
    the protocol started; ``evaluations`` counts likelihood evaluations in this optimiser run.
    """

    phase: str
    source: int | None
    iteration: int
    log_likelihood: float
    log_theta: np.ndarray
    seconds: float
    evaluations: int

    def as_dict(self) -> dict:
        """Plain types only, safe to put on a queue for another thread or process."""
        return {"phase": self.phase, "source": self.source, "iteration": self.iteration,
                "log_likelihood": float(self.log_likelihood), "log_theta": np.asarray(self.log_theta).tolist(),
                "seconds": float(self.seconds), "evaluations": int(self.evaluations)}


def check_cancel(cancel) -> None:
    """Raise Cancelled when ``cancel`` (anything with ``is_set()``, e.g. threading.Event) is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled("cancelled")
