"""The plan of optimiser runs against the runs the protocols really make (their events)."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.ui.progress_plan import plan


def toy(n, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2, size=(n, d))
    return x, np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2]


def event_keys(protocol, x, y, settings):
    """(protocol, phase, source) of every optimiser run, in the order the run made them."""
    keys = []

    def callback(event):
        key = (protocol, event.phase, event.source)
        if not keys or keys[-1] != key:
            keys.append(key)

    run_protocol(protocol, x, y, settings, callback=callback)
    return keys


@pytest.mark.parametrize("protocol, n, overrides", [
    ("tl", 99, {"subset": 0.1, "stages": (0.05, 0.3)}),  # seeds (3 x 3 features = 9 <= 1.2 x 9.9), one stage
    ("tl", 40, {"subset": 0.1}),  # too small to seed: one full-set search
    ("tl", 40, {"subset": 0.1, "seed_optimizer": "pso", "optimizer": "pso", "pso_swarm": 4}),  # PSO always seeds
    ("dl", 40, {"n_starts": 3}),
    ("dl", 40, {"optimizer": "pso", "pso_swarm": 4}),
])
def test_the_plan_lists_the_runs_the_protocol_makes(protocol, n, overrides):
    x, y = toy(n)
    settings = ProtocolSettings(max_iterations=5, seed_max_iterations=5, pso_max_iterations=3, **overrides)
    legs = plan(protocol, settings, n, x.shape[1])
    assert [leg.key for leg in legs] == event_keys(protocol, x, y, settings)


def test_the_plan_carries_sizes_budgets_and_the_curvature_no_event_reports():
    settings = ProtocolSettings(subset=0.1, stages=(0.3,), n_seeds=2, max_iterations=700, seed_max_iterations=90)
    legs = plan("tl", settings, 1000, 21)
    assert [(leg.phase, leg.size, leg.kind, leg.budget) for leg in legs] == [
        ("seeding", 100, "lbfgs", 90), ("seeding", 100, "lbfgs", 90), ("selection", 1000, "select", 2),
        ("seeding", 300, "lbfgs", 90), ("relaxation", 1000, "lbfgs", 700)]
    assert [(leg.hidden, leg.hidden_size) for leg in legs[3:]] == [(22, 100), (22, 300)]
    swarm, = plan("dl", ProtocolSettings(optimizer="pso", pso_swarm=30, pso_stall_iterations=40), 500, 21)
    assert (swarm.kind, swarm.swarm, swarm.stall, swarm.budget) == ("pso", 30, 40, 1000)
