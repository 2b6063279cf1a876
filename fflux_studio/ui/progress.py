"""An honest, rough estimate of how far a run is and how long it has left, from its events alone.

Iteration budgets are upper bounds that L-BFGS-B rarely reaches, so the estimate assumes each
optimiser run takes as many iterations as the finished runs of this protocol took on average
(1.5 times the current count while that is larger, never more than the budget), and that one
iteration costs what the current run's iterations cost, scaled by (n / m)^2 from a subset of m
points to the full set of n (between the n^2 kernel build and the n^3 factorisation). Until one
optimiser run has finished the count is a guess, and the page says the time left is not known yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fflux_studio.protocols.growth import stage_sizes

FIRST_GUESS = 60


@dataclass
class ProgressEstimate:
    """Runs of a protocol in order: TL = n_seeds seeding runs, its growth stages, one relaxation;
    DL = its starts."""

    protocol: str
    runs: int
    seed_budget: int
    main_budget: int
    n_train: int
    subset: int
    stages: tuple = ()
    iterations: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    order: list = field(default_factory=list)
    elapsed: float = 0.0

    @classmethod
    def for_settings(cls, protocol: str, settings, n_train: int, n_features: int) -> "ProgressEstimate":
        main = settings.pso_max_iterations if settings.optimizer == "pso" else settings.max_iterations
        if protocol == "tl":
            subset = settings.subset_size(n_train, n_features)
            stages = tuple(stage_sizes(settings.stages, subset, n_train))
            return cls("tl", settings.n_seeds + len(stages) + 1, settings.seed_max_iterations, main, n_train,
                       subset, stages)
        starts = settings.n_starts if settings.optimizer == "lbfgs" else 1
        return cls("dl", starts, main, main, n_train, n_train)

    def update(self, event: dict) -> None:
        if event["phase"] == "selection":
            return
        key = (event["phase"], event["source"])
        if key not in self.iterations:
            self.order.append(key)
        previous = self.seconds.get(key, (event["seconds"], event["seconds"]))[0]
        self.iterations[key] = event["iteration"]
        self.seconds[key] = (previous, event["seconds"])
        self.elapsed = max(self.elapsed, event["seconds"])

    def _budget(self, index: int) -> int:
        return self.seed_budget if self.protocol == "tl" and index < self.runs - 1 else self.main_budget

    def _size(self, index: int) -> int:
        if self.protocol != "tl" or index == self.runs - 1:
            return self.n_train
        seeds = self.runs - 1 - len(self.stages)
        return self.subset if index < seeds else self.stages[index - seeds]

    @property
    def measured(self) -> bool:
        """Whether an optimiser run of this protocol has finished, so the iteration count the estimate
        assumes was measured rather than guessed (FIRST_GUESS); a single-start DL run never is."""
        return len(self.order) > 1

    def remaining(self) -> float | None:
        """Seconds left (estimate), or None before the first iteration."""
        if not self.order:
            return None
        finished = [self.iterations[k] for k in self.order[:-1]]
        typical = sum(finished) / len(finished) if finished else FIRST_GUESS
        current = len(self.order) - 1
        first, last = self.seconds[self.order[-1]]
        rate = max(last - first, 1e-3) / max(self.iterations[self.order[-1]], 1)
        left = 0.0
        for index in range(current, self.runs):
            done = self.iterations[self.order[-1]] if index == current else 0
            expected = min(self._budget(index), max(typical, 1.5 * done))
            scale = (self._size(index) / self._size(current)) ** 2
            left += max(expected - done, 0.0) * rate * scale
        return left

    def fraction(self) -> float:
        left = self.remaining()
        if left is None:
            return 0.0
        return self.elapsed / max(self.elapsed + left, 1e-9)
