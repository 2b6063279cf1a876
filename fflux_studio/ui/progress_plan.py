"""The optimiser runs a job will make, in order, with each one's budget: what the time-left bound
counts. It follows protocols/tl.py and dl.py step by step (a TL run on a set too small to seed is
one full-set search), so the bound covers every run that can happen and no run that cannot."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fflux_studio.protocols.growth import stage_sizes


@dataclass(frozen=True)
class Leg:
    """One optimiser run, named as its events name it (phase, source).

    ``kind`` is ``lbfgs`` (value and gradient per evaluation), ``pso`` (a swarm of values per
    iteration) or ``select`` (one value per source); ``budget`` the most iterations it may take
    (for ``select``: its evaluations); ``stall`` and ``tolerance`` PSO's stopping rule;
    ``hidden`` gradient evaluations at ``hidden_size`` before it that send no event (the curvature
    taken on the previous subset).
    """

    protocol: str
    phase: str
    source: int | None
    size: int
    kind: str
    budget: int
    swarm: int = 1
    stall: int = 0
    tolerance: float = 0.0
    hidden: int = 0
    hidden_size: int = 0
    warm: bool = False

    @property
    def key(self) -> tuple:
        return self.protocol, self.phase, self.source

    @property
    def like(self) -> tuple:
        """Runs with the same ``like`` take alike iteration counts: the same optimiser, size and start
        (random, or warm from a previous fit: TL's stages and relaxation)."""
        return self.kind, self.size, self.warm


def plan(protocol: str, settings, n_train: int, n_features: int) -> list[Leg]:
    """Every optimiser run of ``protocol`` with ``settings`` on ``n_train`` x ``n_features``."""
    if protocol == "dl":
        if settings.optimizer == "pso":
            return [_search(settings, "pso", "dl", "direct", 0, n_train, settings.pso_max_iterations)]
        return [_search(settings, "lbfgs", "dl", "direct", i, n_train, settings.max_iterations)
                for i in range(settings.n_starts)]
    main = settings.pso_max_iterations if settings.optimizer == "pso" else settings.max_iterations
    seeded_by_lbfgs = settings.seed_optimizer == "lbfgs"
    if settings.small_set_direct and seeded_by_lbfgs and not settings.seeding_pays(n_train, n_features):
        return [_search(settings, settings.optimizer, "tl", "relaxation", None, n_train, main)]
    subset = settings.subset_size(n_train, n_features)
    legs = [_search(settings, settings.seed_optimizer, "tl", "seeding", i, subset, settings.seed_max_iterations)
            for i in range(settings.n_seeds)]
    legs.append(Leg("tl", "selection", None, n_train, "select", settings.n_seeds))
    curvature = n_features + 1 if settings.precondition else 0
    previous = subset
    for k, size in enumerate(stage_sizes(settings.stages, subset, n_train)):
        leg = _search(settings, settings.seed_optimizer, "tl", "seeding", settings.n_seeds + k, size,
                      settings.seed_max_iterations)
        legs.append(_with_curvature(leg, curvature if seeded_by_lbfgs else 0, previous))
        previous = size
    relaxation = _search(settings, settings.optimizer, "tl", "relaxation", None, n_train, main)
    legs.append(_with_curvature(relaxation, curvature if settings.optimizer == "lbfgs" else 0, previous))  # warm
    return legs


def _search(settings, optimizer: str, protocol: str, phase: str, source, size: int, budget: int) -> Leg:
    if optimizer == "pso":
        return Leg(protocol, phase, source, size, "pso", budget, settings.pso_swarm, settings.pso_stall_iterations,
                   settings.pso_tolerance)
    return Leg(protocol, phase, source, size, "lbfgs", budget)


def _with_curvature(leg: Leg, evaluations: int, size: int) -> Leg:
    """A warm-started run, after the curvature taken on the previous subset."""
    return replace(leg, hidden=evaluations, hidden_size=size, warm=True)
