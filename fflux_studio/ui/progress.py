"""How long a training or a comparison has left, honestly: a bound, and a typical figure only when
one can be known.

The bound counts every optimiser run the job can still make (progress_plan.py) at its budget:
L-BFGS-B's ``max_iterations`` (its stall rule bounds nothing without knowing the optimum), PSO's
``pso_max_iterations`` swarms. Each evaluation costs what this job measured at that size (the most
recent cost if it rose), times COST_MARGIN for a machine that gets busier; a size not measured yet
is scaled from the nearest measured one by (n / m)^3 upwards and (n / m)^1 downwards, the extremes
of benchmarks/likelihood_cost.py's exponents (one thread, ln L + gradient: 1.2 from 63 to 125
points, 2.0, 2.7, 2.4 by doublings up to 1000). A bound whose end, even without the margin, passes
the earliest end promised is said to be raised.

The typical figure assumes each run takes as many iterations as the finished runs like it (same
optimiser, size and kind of start) did on average (1.5 times the current count while that is larger) and sizes scale by
TYPICAL_EXPONENT; it is None until such a run finished, in this job or in the session's previous job
on the same points (the first single start of a session is never measured). PSO's
stall rule gives a lower bound instead: ``pso_stall_iterations`` unchanged iterations still to come.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fflux_studio.ui.progress_plan import Leg, plan

COST_MARGIN = 1.5
TYPICAL_EXPONENT = 2.5
BOUND_EXPONENT_UP, BOUND_EXPONENT_DOWN = 3.0, 1.0
GRADIENT_OVER_VALUE = 2.2
"""ln L + gradient against ln L alone, benchmarks/likelihood_cost.py (one thread): 1.6-2.3 from 63 to 1000 points."""
LBFGS_EVALUATIONS_PER_ITERATION = 2.0
"""The bound's L-BFGS-B evaluations per iteration, unless more were measured (usually 1.0-1.3)."""
RECENT = 10


@dataclass
class _Leg:
    """What the events said so far about one optimiser run."""

    iterations: int = 0
    evaluations: int = 0
    stall_value: float = math.inf
    stall_count: int = 0


@dataclass
class ProgressEstimate:
    """The time left of one job (a training, or a comparison's TL then DL), from its events alone."""

    legs: list[Leg]
    seen: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)
    current: int = -1
    elapsed: float = 0.0
    offset: float = 0.0
    promised: float = math.inf
    raised: bool = False
    history: list = field(default_factory=list)
    n_features: int = 0

    @classmethod
    def for_settings(cls, protocol: str, settings, n_train: int, n_features: int) -> "ProgressEstimate":
        return cls.for_job([(protocol, settings)], n_train, n_features)

    @classmethod
    def for_job(cls, runs, n_train: int, n_features: int, earlier: "ProgressEstimate | None" = None
                ) -> "ProgressEstimate":
        """``runs``: (protocol, settings) in the order the job trains them (a comparison: TL, DL);
        ``earlier``: the session's previous job, whose finished runs count as this one's if it
        trained the same number of points and features."""
        estimate = cls([leg for protocol, settings in runs for leg in plan(protocol, settings, n_train, n_features)],
                       n_features=n_features)
        if earlier is not None and earlier.legs[-1].size == n_train and earlier.n_features == n_features:
            estimate.history = earlier.history + earlier.finished()
        return estimate

    def ended(self) -> "ProgressEstimate":
        """The job ended done: its last run finished too."""
        self.current = len(self.legs)
        return self

    def finished(self) -> list[tuple[tuple, int]]:
        """(Leg.like, iterations) of each optimiser run of this job that has finished."""
        return [(self.legs[i].like, self.seen[i].iterations) for i in range(self.current) if i in self.seen]

    def measured(self, size: int, kind: str, seconds: float, evaluations: int) -> None:
        """A cost measured elsewhere (``kind`` ``gradient`` or ``value``): figures before the job starts."""
        self.costs.setdefault((size, kind), []).append((seconds, evaluations))

    def update(self, event: dict, protocol: str | None = None) -> None:
        """One optimiser event (``Iteration.as_dict()``) of ``protocol`` (default: the current one's)."""
        protocol = protocol or self.legs[max(self.current, 0)].protocol
        index = next((i for i, leg in enumerate(self.legs) if leg.key == (protocol, event["phase"], event["source"])),
                     None)
        if index is None or index < self.current:  # not a run of the plan: only the clock moves on
            self.elapsed = max(self.elapsed, self.offset + event["seconds"])
            return
        if self.current >= 0 and protocol != self.legs[self.current].protocol:
            self.offset = self.elapsed  # a comparison's next protocol restarts its clock
        now = self.offset + event["seconds"]
        leg, seen = self.legs[index], self.seen.setdefault(index, _Leg())
        spent, evaluations = now - self.elapsed, event["evaluations"] - seen.evaluations
        if evaluations > 0 and (index == self.current or leg.hidden == 0):
            self.costs.setdefault(_cost_key(leg), []).append((spent, evaluations))
        self.current, self.elapsed = index, max(self.elapsed, now)
        seen.iterations, seen.evaluations = event["iteration"], event["evaluations"]
        if leg.kind == "pso":
            value = -event["log_likelihood"]
            if math.isfinite(seen.stall_value) and abs(value - seen.stall_value) <= leg.tolerance * abs(seen.stall_value):
                seen.stall_count += 1
            else:
                seen.stall_value, seen.stall_count = value, 0
        bound = self.bound()
        if bound is not None:
            self.raised = self.raised or self.elapsed + bound / COST_MARGIN > self.promised
            self.promised = min(self.promised, self.elapsed + bound)

    # --- the three figures -------------------------------------------------------------------

    def bound(self) -> float | None:
        """Seconds left at most (the budgets at the measured costs with a margin); None before any cost."""
        return self._sum("bound")

    def typical(self) -> float | None:
        """Seconds left if the remaining runs are like the finished ones; None when none finished."""
        return self._sum("typical")

    def lower(self) -> float | None:
        """Seconds left at least (PSO's stall rule; one iteration per L-BFGS-B run), at typical costs."""
        return self._sum("lower")

    def fraction(self) -> float:
        """Share of the job done, against the typical end, else the bound's (never full before the end)."""
        left = self.typical()
        left = self.bound() if left is None else left
        return 0.0 if left is None else self.elapsed / max(self.elapsed + left, 1e-9)

    def words(self) -> str:
        """The time left as the page says it."""
        bound, typical, lower = self.bound(), self.typical(), self.lower()
        if bound is None:
            return "time left not known yet"
        most = f"at most {seconds_text(bound, math.ceil)}"
        if self.raised:
            most += " (raised: evaluations got slower than measured)"
        if typical is not None:
            return f"typically ≈ {seconds_text(typical)} left, {most}"
        if lower is not None and lower >= 1.0:
            return f"at least {seconds_text(lower, math.floor)}, {most} left"
        return f"{most} left, if the optimisers use their whole budgets (they usually stop much sooner)"

    # --- how they are counted ----------------------------------------------------------------

    def _sum(self, mode: str) -> float | None:
        if not self.costs:
            return None
        total = 0.0
        for index in range(max(self.current, 0), len(self.legs)):
            leg, seen = self.legs[index], self.seen.get(index, _Leg())
            evaluations = self._evaluations(leg, seen, mode)
            if evaluations is None:
                return None
            total += evaluations * self._cost(leg.size, _cost_key(leg)[1], mode)
            if index > self.current and leg.hidden:
                total += leg.hidden * self._cost(leg.hidden_size, "gradient", mode)
        return total

    def _evaluations(self, leg: Leg, seen: _Leg, mode: str) -> float | None:
        """Evaluations still to come in ``leg`` (None: a typical count not known)."""
        if leg.kind == "select":
            return leg.budget - seen.evaluations
        done = seen.iterations
        if leg.kind == "pso":
            per_iteration = leg.swarm if mode != "bound" else max(leg.swarm, self._measured_rate("pso") or 0)
            opening = leg.swarm if seen.evaluations == 0 else 0
            least = max(leg.stall - seen.stall_count, 1) if done else leg.stall + 1
            if mode == "bound":
                return opening + (leg.budget - done) * per_iteration
            if mode == "lower":
                return opening + least * per_iteration
            typical = self._typical_iterations(leg)
            return None if typical is None else opening + max(typical - done, least) * per_iteration
        measured = self._measured_rate("lbfgs")
        if mode == "bound":
            return (leg.budget - done) * max(LBFGS_EVALUATIONS_PER_ITERATION, measured or 0.0)
        if mode == "lower":
            return 0.0 if done else 1.0
        typical = self._typical_iterations(leg)
        if typical is None:
            return None
        return (min(leg.budget, max(typical, 1.5 * done)) - done) * (measured or 1.0)

    def _typical_iterations(self, leg: Leg) -> float | None:
        """Mean iterations of the finished runs like ``leg``: this job's, else the session's earlier jobs'.

        Not of other runs: TL's sources (random starts on a subset) took 7-10 times the iterations of
        its warm-started relaxation (benchmarks/progress_estimate.py, ethanol at 1000 points)."""
        counts = [n for k, n in self.finished() if k == leg.like] or [n for k, n in self.history if k == leg.like]
        return sum(counts) / len(counts) if counts else None

    def _measured_rate(self, kind: str) -> float | None:
        """Evaluations per iteration over the runs of ``kind`` so far (a swarm's first draw left out)."""
        runs = [(self.legs[i], s) for i, s in self.seen.items() if self.legs[i].kind == kind and s.iterations]
        if not runs:
            return None
        opening = sum(leg.swarm for leg, _ in runs) if kind == "pso" else 0
        return (sum(s.evaluations for _, s in runs) - opening) / sum(s.iterations for _, s in runs)

    def _cost(self, size: int, kind: str, mode: str) -> float:
        """Seconds per evaluation of ``kind`` at ``size``, from the nearest measured size (same kind first)."""
        measured_size, measured_kind = min(self.costs, key=lambda k: (abs(math.log(size / k[0])), k[1] != kind))
        samples = self.costs[(measured_size, measured_kind)]
        mean = sum(s for s, _ in samples) / sum(e for _, e in samples)
        recent = samples[-RECENT:]
        latest = sum(s for s, _ in recent) / sum(e for _, e in recent)
        ratio = size / measured_size
        if mode == "bound":
            cost = max(mean, latest) * COST_MARGIN
            cost *= ratio ** (BOUND_EXPONENT_UP if ratio > 1 else BOUND_EXPONENT_DOWN)
            return cost * (GRADIENT_OVER_VALUE if (measured_kind, kind) == ("value", "gradient") else 1.0)
        cost = latest * ratio ** TYPICAL_EXPONENT
        if measured_kind != kind:
            cost *= GRADIENT_OVER_VALUE if kind == "gradient" else 1 / GRADIENT_OVER_VALUE
        return cost


def _cost_key(leg: Leg) -> tuple[int, str]:
    return leg.size, "gradient" if leg.kind == "lbfgs" else "value"


def seconds_text(value: float, rounding=round) -> str:
    """Seconds as read: a bound rounded up (``math.ceil``), a least rounded down (``math.floor``)."""
    if value < 10:
        return f"{rounding(round(value * 10, 6)) / 10:.1f} s"  # round(…, 6): 7.8 * 10 is not 78.000000001
    if value < 120:
        return f"{rounding(round(value, 6)):.0f} s"
    if value < 7200:
        return f"{rounding(round(value / 60, 6)):.0f} min"
    return f"{rounding(round(value / 3600, 6)):.0f} h"
