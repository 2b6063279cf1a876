"""Every knob of a training protocol, with defaults that were measured (benchmarks/protocols.py)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from fflux_studio.gpr.kernels import KERNEL_NAMES
from fflux_studio.gpr.likelihood import DEFAULT_NUGGET, LIKELIHOODS
from fflux_studio.sizes import size_count, size_value

OPTIMIZERS = ("lbfgs", "pso")
SELECTIONS = ("likelihood", "rmse")
MIN_POINTS_PER_FEATURE = 3
SMALL_SET_MARGIN = 1.2
CHOICES = {"kernel": KERNEL_NAMES, "likelihood": LIKELIHOODS, "optimizer": OPTIMIZERS, "seed_optimizer": OPTIMIZERS,
           "selection": SELECTIONS}
"""The allowed values of every field that is a choice, for the CLI's and the Studio's menus."""


@dataclass(frozen=True)
class ProtocolSettings:
    """Settings of a DL or TL run.

    ``optimizer`` is the DL search and the TL relaxation; ``seed_optimizer`` fits the TL source models.
    ``subset`` is a fraction of the training set or a count (sizes.py; 40.0 is kept as the count 40);
    a fraction is raised to at least 3 x n_features points, a count below that is an error. PSO options follow
    FEREBUS (search box in its p = ln(2 theta)); ``pso_radius`` (in ln theta) is the half-width of
    the swarm drawn around the seed when the relaxation is a PSO. ``seed_max_iterations`` is the
    small budget of each source fit. ``ftol``/``gtol`` are L-BFGS-B's tolerances, and it
    also stops when ln L rose by at most ``stall_tolerance`` (relative) in ``stall_iterations``
    iterations (see optimize/lbfgs.py; 0 turns that off).
    TL: ``stages`` are the fractions of the training set the seed is refitted on before the full
    set (growth.py; () for none); ``revive_floor`` the least log theta a feature re-enters each
    stage with (None: off); ``precondition`` makes the L-BFGS-B relaxation use the last subset's
    curvature (tl.py); ``stage_ftol`` is the looser L-BFGS-B ``ftol`` of the growth stages, which
    only need to bring the seed near the larger set's optimum. ``small_set_direct`` makes TL with
    L-BFGS-B sources train like a single-start DL (no sources) when seeding cannot pay off
    (:meth:`seeding_pays`).
    """

    kernel: str = "rbf"
    likelihood: str = "concentrated"
    nugget: float = DEFAULT_NUGGET
    random_state: int | None = 0
    optimizer: str = "lbfgs"
    seed_optimizer: str = "lbfgs"
    n_seeds: int = 3
    subset: float | int = 0.1
    selection: str = "likelihood"
    n_starts: int = 1
    max_iterations: int = 1000
    seed_max_iterations: int = 200
    ftol: float = 2.2e-9
    gtol: float = 1e-3
    stall_tolerance: float = 1e-7
    stall_iterations: int = 10
    log_theta_min: float = -20.0
    log_theta_max: float = 7.0
    pso_swarm: int = 50
    pso_max_iterations: int = 1000
    pso_inertia: float = 0.729
    pso_cognitive: float = 1.494
    pso_social: float = 1.494
    pso_search_min: float = 0.0
    pso_search_max: float = 3.0
    pso_tolerance: float = 1e-8
    pso_stall_iterations: int = 50
    pso_radius: float = 0.5
    stages: tuple = (0.3,)
    revive_floor: float | None = -6.0
    precondition: bool = True
    stage_ftol: float = 1e-6
    small_set_direct: bool = True

    def __post_init__(self):
        for name, allowed in CHOICES.items():
            _choice(name, getattr(self, name), allowed)
        if not self.nugget >= 0.0:
            raise ValueError(f"nugget must be >= 0, got {self.nugget!r}")
        for name in ("n_seeds", "n_starts", "max_iterations", "seed_max_iterations", "pso_swarm",
                     "pso_max_iterations", "pso_stall_iterations", "stall_iterations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        object.__setattr__(self, "subset", size_value(self.subset, "subset"))
        if any(not 0.0 < f < 1.0 for f in self.stages):
            raise ValueError(f"stages must be fractions in (0, 1), got {self.stages!r}")
        if not self.log_theta_min < self.log_theta_max:
            raise ValueError("log_theta_min must be below log_theta_max")
        if not self.pso_search_min < self.pso_search_max:
            raise ValueError("pso_search_min must be below pso_search_max")
        if not (self.ftol > 0 and self.stage_ftol > 0 and self.gtol > 0 and self.pso_radius > 0):
            raise ValueError("ftol, stage_ftol, gtol and pso_radius must be positive")
        if not (self.pso_tolerance >= 0 and self.stall_tolerance >= 0):
            raise ValueError("pso_tolerance and stall_tolerance must not be negative")

    def subset_size(self, n_points: int, n_features: int) -> int:
        """Points per source model for a training set of ``n_points`` x ``n_features``."""
        minimum = MIN_POINTS_PER_FEATURE * n_features
        size = size_count(self.subset, n_points, "subset")
        if isinstance(self.subset, float):
            size = max(size, minimum)
        elif size < minimum:
            raise ValueError(f"subset of {size} points is smaller than {MIN_POINTS_PER_FEATURE} x "
                             f"{n_features} features = {minimum}")
        if size >= n_points:
            raise ValueError(f"subset of {size} points is not smaller than the training set ({n_points} points); "
                             "train directly (DL) instead")
        return size

    def seeding_pays(self, n_points: int, n_features: int) -> bool:
        """False when sources of 3 points per feature would exceed 1.2 x the ``subset`` fraction of the set.

        Such sources cost too much beside the full-set search they seed. Measured with
        benchmarks/tl_vs_dl.py (CPU time, median of 3 random states), TL with sources took 1.0-4.8 x
        the time of one L-BFGS-B start on the demos at N = 100, 200 and 500 (3 x features = 13-90 %
        of N), but 0.65 x on NMA C1 (887 points, 30 features: 10.1 %), hence the margin over the
        10 % default. A subset given as a count is the user's explicit choice and always seeds.
        """
        if not isinstance(self.subset, float):
            return True
        return MIN_POINTS_PER_FEATURE * n_features <= SMALL_SET_MARGIN * self.subset * n_points

    def smallest_seeded_set(self, n_features: int) -> int | None:
        """The fewest training points on which :meth:`seeding_pays` (None: every set seeds)."""
        if not (self.small_set_direct and self.seed_optimizer == "lbfgs" and isinstance(self.subset, float)):
            return None
        return math.ceil(round(MIN_POINTS_PER_FEATURE * n_features / (SMALL_SET_MARGIN * self.subset), 9))

    def as_dict(self) -> dict:
        return asdict(self)


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
