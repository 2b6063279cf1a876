"""Settings -> optimiser calls: one place that knows how each optimiser is configured."""

from __future__ import annotations

from fflux_studio.optimize.lbfgs import lbfgs, random_starts
from fflux_studio.optimize.pso import LN2, pso, pso_around
from fflux_studio.protocols.settings import ProtocolSettings


def lbfgs_options(settings: ProtocolSettings, max_iterations: int | None = None) -> dict:
    return {"bounds": (settings.log_theta_min, settings.log_theta_max), "ftol": settings.ftol,
            "gtol": settings.gtol, "stall_tolerance": settings.stall_tolerance,
            "stall_iterations": settings.stall_iterations, "max_iterations": max_iterations or settings.max_iterations}


def pso_options(settings: ProtocolSettings, max_iterations: int | None = None) -> dict:
    return {"swarm": settings.pso_swarm, "max_iterations": max_iterations or settings.pso_max_iterations,
            "inertia": settings.pso_inertia, "cognitive": settings.pso_cognitive, "social": settings.pso_social,
            "tolerance": settings.pso_tolerance, "stall_iterations": settings.pso_stall_iterations}


def start_box(settings: ProtocolSettings) -> tuple[float, float]:
    """Random starts are drawn where FEREBUS draws its swarm, converted to ln theta."""
    return settings.pso_search_min - LN2, settings.pso_search_max - LN2


def search(likelihood, settings: ProtocolSettings, optimizer: str, rng, max_iterations=None, **events):
    """One search from a random start (L-BFGS-B) or a FEREBUS swarm (PSO)."""
    if optimizer == "pso":
        return pso(likelihood, rng=rng, search_min=settings.pso_search_min, search_max=settings.pso_search_max,
                   **pso_options(settings, max_iterations), **events)
    start = random_starts(rng, likelihood.kernel.n_features, 1, start_box(settings))[0]
    return lbfgs(likelihood, start, **lbfgs_options(settings, max_iterations), **events)


def refine(likelihood, settings: ProtocolSettings, optimizer: str, log_theta, rng, max_iterations=None, **events):
    """A search started from ``log_theta``: L-BFGS-B from it, or a swarm drawn around it."""
    if optimizer == "pso":
        return pso_around(likelihood, log_theta, radius=settings.pso_radius, rng=rng,
                          **pso_options(settings, max_iterations), **events)
    return lbfgs(likelihood, log_theta, **lbfgs_options(settings, max_iterations), **events)
