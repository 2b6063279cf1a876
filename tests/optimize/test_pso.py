"""FEREBUS's particle swarm: its parameterisation, its optimum on real data, events and cancel."""

import numpy as np
import pytest

from fflux_studio.io.model_file import read_model
from fflux_studio.optimize.events import Cancelled
from fflux_studio.optimize.pso import pso, pso_around, to_ferebus, to_log_theta
from fflux_studio.optimize.status import BUDGET_REACHED, CANCELLED, STALLED

from .conftest import Bowl

WATER_REFERENCE = 453.3619290147578


def test_ferebus_parameter_maps_onto_the_theta_it_writes(shared_data):
    """The last 'Best Params' of water's ferebus.log are p = ln(2 theta) of the theta in its .model.

    Natural log and theta = exp(p) / 2; the log and the file differ in the fourth digit (ln L
    -453.36193011 in the log, 453.36192901 in the file), so they come from runs a hair apart.
    """
    p = [0.879045968241391, 1.19145339917317, -8.458292540535677e-02]
    model = read_model(shared_data / "ferebus-paper-data/likelihood/water/concentrated/WATER_iqa_O1.model")
    np.testing.assert_allclose(np.exp(to_log_theta(p)), model.theta, rtol=1e-3)
    np.testing.assert_allclose(to_ferebus(to_log_theta(p)), p)


def test_pso_reaches_ferebus_optimum_on_water(water):
    result = pso(water, rng=0)
    assert result.log_likelihood == pytest.approx(WATER_REFERENCE, abs=1e-4)
    assert result.evaluations == water.n_evaluations
    assert result.status == STALLED and "relative change" in result.message
    assert result.iterations < 1000


def test_a_swarm_stopped_by_its_iteration_cap_says_so(bowl):
    result = pso(bowl, rng=0, max_iterations=5)
    assert result.status == BUDGET_REACHED and result.iterations == 5


def test_pso_is_reproducible_and_reports_increasing_iterations(bowl):
    events = []
    first = pso(bowl, rng=3, max_iterations=30, callback=events.append, phase="seeding", source=2)
    second = pso(Bowl(bowl.centre), rng=3, max_iterations=30)
    np.testing.assert_array_equal(first.log_theta, second.log_theta)
    assert [e.iteration for e in events] == list(range(1, len(events) + 1))
    assert {(e.phase, e.source) for e in events} == {("seeding", 2)}
    assert np.all(np.diff([e.log_likelihood for e in events]) >= 0)
    assert np.all(np.diff([e.seconds for e in events]) >= 0)


def test_pso_redraws_particles_that_fail():
    bowl = Bowl([0.3, 1.2, -0.4], wall=0.0)
    result = pso(bowl, rng=1, max_iterations=100)
    assert bowl.failures > 0
    assert result.log_theta[0] >= 0.0
    assert result.log_likelihood > -0.2


def test_cancel_from_the_callback_stops_within_the_iteration(bowl, cancel_at):
    callback = cancel_at(3)
    with pytest.raises(Cancelled) as stopped:
        pso(bowl, rng=0, callback=callback, cancel=callback.token)
    seen = callback.events
    assert len(seen) == 3
    assert stopped.value.result.status == CANCELLED
    assert stopped.value.result.log_likelihood == seen[-1].log_likelihood
    assert bowl.n_evaluations == seen[-1].evaluations


def test_pso_around_a_seed_never_ends_worse_than_the_seed(bowl):
    seed = np.array([0.5, 1.0, 0.0])
    result = pso_around(bowl, seed, radius=0.2, rng=0, max_iterations=20)
    assert result.log_likelihood >= bowl(seed)[0]
