"""How long a learning-curve job has left, from the runs it has finished.

The job (ui/jobs.py ``learning``) trains TL and DL at each size, smallest first, and repeats a
size's runs over more random states only when its first run took under REPEAT_UNDER_SECONDS. A run
still to come is expected to take what the finished runs of its protocol and size took on average;
a size not measured yet is scaled from the protocol's nearest measured size by (n / m)^p, p the
slope of log time against log size between its two largest measured sizes (within 1 to 3), or
ONE_SIZE_EXPONENT while one size is measured. A whole training's time grows more slowly than one
evaluation's (about N^2.5, ui/progress.py) on the Studio's sizes: replayed on ethanol's default
learning curves (benchmarks/learning_estimate.py, 500 and 1000 training points), 2.5 overstated the
time left up to 5.3 x after the first runs, 1.5 by at most 1.8 x (and 0.3-1.8 x throughout).
A protocol not measured at all borrows the other's runs. The same expected time decides whether a
size will be repeated. Nothing is known before the first run ends, and the page says so; there is
no bound here: each run is a whole training, whose own bound (ui/progress.py) is far too loose to
add up usefully.
"""

from __future__ import annotations

import math
from collections import defaultdict

from fflux_studio.ui import jobs
from fflux_studio.ui.progress import seconds_text

PROTOCOLS = ("tl", "dl")
MIN_EXPONENT, MAX_EXPONENT = 1.0, 3.0
ONE_SIZE_EXPONENT = 1.5


class LearningEstimate:
    """The time left and the share done of one learning-curve job of ``sizes`` x ``repeats``."""

    def __init__(self, sizes, repeats: int):
        self.sizes, self.repeats = sorted(sizes), repeats
        self.seconds: dict[tuple[str, int], list[float]] = defaultdict(list)

    def add(self, row: dict) -> None:
        """One finished run (a LearningPoint's row: protocol, size, seconds)."""
        self.seconds[row["protocol"], row["size"]].append(row["seconds"])

    @property
    def runs_done(self) -> int:
        return sum(len(times) for times in self.seconds.values())

    @property
    def elapsed(self) -> float:
        """Seconds the finished runs took (the worker's wall time of each)."""
        return sum(sum(times) for times in self.seconds.values())

    def expected(self, protocol: str, size: int) -> float | None:
        """Seconds one run of ``protocol`` at ``size`` is expected to take; None before any run ended."""
        own = self.seconds.get((protocol, size))
        if own:
            return sum(own) / len(own)
        for candidates in (protocol,), tuple(p for p in PROTOCOLS if p != protocol):
            measured = {m: sum(times) / len(times) for (p, m), times in self.seconds.items() if p in candidates}
            if measured:
                m = min(measured, key=lambda m: (abs(math.log(size / m)), m))
                return measured[m] * (size / m) ** self.exponent(measured)
        return None

    @staticmethod
    def exponent(mean_seconds: dict[int, float]) -> float:
        """How a run's time grows with size: the slope between the two largest measured sizes."""
        if len(mean_seconds) < 2:
            return ONE_SIZE_EXPONENT
        (small, t_small), (large, t_large) = sorted(mean_seconds.items())[-2:]
        slope = math.log(max(t_large, 1e-9) / max(t_small, 1e-9)) / math.log(large / small)
        return min(max(slope, MIN_EXPONENT), MAX_EXPONENT)

    def planned_runs(self, protocol: str, size: int) -> int | None:
        """Runs the job will make of ``protocol`` at ``size``: all repeats if its first run is (or is
        expected to be) quick, else one; None when nothing is known yet."""
        own = self.seconds.get((protocol, size))
        first = own[0] if own else self.expected(protocol, size)
        if first is None:
            return None
        return self.repeats if first < jobs.REPEAT_UNDER_SECONDS else 1

    def left(self) -> float | None:
        """Seconds the runs still to come are expected to take; None before the first run ended."""
        total = 0.0
        for size in self.sizes:
            for protocol in PROTOCOLS:
                planned, each = self.planned_runs(protocol, size), self.expected(protocol, size)
                if planned is None or each is None:
                    return None
                total += max(planned - len(self.seconds.get((protocol, size), ())), 0) * each
        return total

    def fraction(self) -> float:
        """Share done: by expected time once a run ended, before that 0."""
        left = self.left()
        return 0.0 if left is None else self.elapsed / max(self.elapsed + left, 1e-9)

    def words(self) -> str:
        """The time left as the page says it."""
        left = self.left()
        if left is None:
            return "time left not known until the first run ends"
        if left <= 0:
            return "finishing"
        runs = f"{self.runs_done} run{'s' if self.runs_done != 1 else ''}"
        return f"typically ≈ {seconds_text(left)} left ({runs} measured, larger sizes scaled)"
