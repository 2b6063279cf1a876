"""Global-best particle swarm exactly as FEREBUS-v7 runs it, plus a swarm drawn around a seed.

FEREBUS searches p = ln(l) per feature, with k = exp(-0.5 sum_h l_h d_h^2), so theta = l / 2 and
log theta = p - ln 2 (natural logs; checked against its source, rbf_kernel.f90, and against the
ferebus.log traces, whose final p map onto the theta written to the .model files). Its search box
[search_min, search_max] = [0, 3] is in p. The swarm moves without bounds after the first draw; a
particle whose R is not positive definite is re-drawn (position and velocity) in the box; the
global best is updated after the whole swarm has moved; the run stops when the best cost's relative
change has stayed <= tolerance for ``stall_iterations`` iterations, or at ``max_iterations``.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.gpr import NotPositiveDefinite
from fflux_studio.optimize.progress import OptimizeResult, Reporter
from fflux_studio.optimize.status import BUDGET_REACHED, STALLED

LN2 = float(np.log(2.0))
MAX_REDRAWS = 1000


def to_log_theta(p):
    """FEREBUS's search parameter p = ln(2 theta) to our log theta."""
    return np.asarray(p, dtype=float) - LN2


def to_ferebus(log_theta):
    return np.asarray(log_theta, dtype=float) + LN2


class _Swarm:
    """Draws (and re-draws) particles uniformly in a box of p with velocities in +-(max - min)."""

    def __init__(self, reporter: Reporter, rng, low, high):
        self.reporter, self.rng, self.low, self.high = reporter, rng, low, high

    def draw(self):
        position = self.rng.uniform(self.low, self.high)
        span = self.high - self.low
        return position, self.rng.uniform(-span, span)

    def cost(self, position, velocity):
        """-ln L at ``position``; a failed particle is re-drawn, so position/velocity may change."""
        for _ in range(MAX_REDRAWS):
            value, _ = self.reporter.try_evaluate(to_log_theta(position), gradient=False)
            if value is not None:
                return -value, position, velocity
            position, velocity = self.draw()
        raise NotPositiveDefinite(f"{MAX_REDRAWS} re-drawn particles all failed: R is never positive definite")


def pso(likelihood, *, rng=None, swarm: int = 50, max_iterations: int = 1000, inertia: float = 0.729,
        cognitive: float = 1.494, social: float = 1.494, search_min=0.0, search_max=3.0,
        tolerance: float = 1e-8, stall_iterations: int = 50, initial=None, callback=None, cancel=None,
        phase: str = "direct", source=None, started=None) -> OptimizeResult:
    """Maximise ln L with FEREBUS's PSO; ``search_min``/``search_max`` are in FEREBUS's p = ln(2 theta).

    ``initial`` (log theta), if given, replaces the first particle's position: the seeded variant.
    """
    rng = np.random.default_rng(rng)
    d = likelihood.kernel.n_features
    low = np.broadcast_to(np.asarray(search_min, dtype=float), (d,)).copy()
    high = np.broadcast_to(np.asarray(search_max, dtype=float), (d,)).copy()
    reporter = Reporter(likelihood, phase, source, callback, cancel, started)
    box = _Swarm(reporter, rng, low, high)
    drawn = [box.draw() for _ in range(swarm)]
    positions = np.array([p for p, _ in drawn])
    velocities = np.array([v for _, v in drawn])
    if initial is not None:
        positions[0] = to_ferebus(initial)
    costs = np.empty(swarm)
    for i in range(swarm):
        costs[i], positions[i], velocities[i] = box.cost(positions[i], velocities[i])
    best_positions, best_costs = positions.copy(), costs.copy()
    g = int(np.argmin(costs))
    global_position, global_cost = positions[g].copy(), costs[g]
    stall_cost, stall_count = np.inf, 0
    status, message = BUDGET_REACHED, f"iteration cap {max_iterations} reached"
    for _ in range(max_iterations):
        r1 = rng.random((swarm, d))
        r2 = rng.random((swarm, d))
        velocities = (inertia * velocities + cognitive * r1 * (best_positions - positions)
                      + social * r2 * (global_position - positions))
        positions = positions + velocities
        for i in range(swarm):
            costs[i], positions[i], velocities[i] = box.cost(positions[i], velocities[i])
            if costs[i] <= best_costs[i]:
                best_positions[i], best_costs[i] = positions[i], costs[i]
        for i in range(swarm):
            if costs[i] <= global_cost:
                global_position, global_cost = positions[i].copy(), costs[i]
        reporter.iteration()
        with np.errstate(invalid="ignore"):
            stalled = abs((global_cost - stall_cost) / stall_cost) <= tolerance
        if stalled:
            stall_count += 1
        else:
            stall_count, stall_cost = 0, global_cost
        if stall_count >= stall_iterations:
            status, message = STALLED, f"relative change <= {tolerance:g} for {stall_iterations} iterations"
            break
    return reporter.result(status, message)


def pso_around(likelihood, log_theta, *, radius: float = 0.5, **options) -> OptimizeResult:
    """PSO whose swarm is drawn within +-``radius`` (in ln theta) of a seed, the seed itself included.

    For TL relaxation: the swarm explores the seed's neighbourhood rather than FEREBUS's whole box.
    """
    centre = to_ferebus(log_theta)
    return pso(likelihood, search_min=centre - radius, search_max=centre + radius, initial=log_theta, **options)
