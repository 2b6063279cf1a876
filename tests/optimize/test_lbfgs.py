"""L-BFGS-B on ln L: reaches FEREBUS's optima, survives failed points, reports and cancels."""

import numpy as np
import pytest

from fflux_studio.io.model_file import read_model
from fflux_studio.optimize.events import Cancelled
from fflux_studio.optimize.lbfgs import FTOL, lbfgs, multistart_lbfgs, random_starts
from fflux_studio.optimize.status import BUDGET_REACHED, CANCELLED, CONVERGED, STALLED

from .conftest import Bowl, Valley

MODELS = {"water": "water/concentrated/WATER_iqa_O1.model", "ammonia": "ammonia/concentrated/AMMONIA_iqa_N1.model"}


@pytest.mark.parametrize("system", ["water", "ammonia"])
def test_lbfgs_reaches_ferebus_reference(system, request, shared_data):
    """At least our ln L at FEREBUS's theta (within L-BFGS-B's own stopping tolerance: scipy's ftol is a
    relative change per iteration, so a search may stop that close short of the top), and FEREBUS's
    stored ln L to 1e-7 relative."""
    likelihood = request.getfixturevalue(system)
    reference = read_model(shared_data / "ferebus-paper-data/likelihood" / MODELS[system])
    best, runs = multistart_lbfgs(likelihood, np.random.default_rng(0), 2)
    at_reference = likelihood(np.log(reference.theta), gradient=False)[0]
    assert best.log_likelihood >= at_reference - 10 * FTOL * abs(at_reference)
    assert best.log_likelihood == pytest.approx(reference.log_likelihood, rel=1e-7)
    assert best.log_likelihood == max(r.log_likelihood for r in runs)


def test_failed_points_make_the_line_search_back_off():
    """The optimum lies beyond a wall where R fails; the result stays finite and feasible."""
    bowl = Bowl([-1.0, 0.5], wall=-0.5)
    result = lbfgs(bowl, [2.0, 2.0])
    assert bowl.failures > 0
    assert np.all(np.isfinite(result.log_theta)) and np.isfinite(result.log_likelihood)
    assert result.log_theta[0] >= -0.5
    assert result.log_likelihood > -1.0


def test_multistart_is_reproducible_and_labels_sources(bowl):
    events = []
    first, _ = multistart_lbfgs(bowl, np.random.default_rng(7), 3, callback=events.append)
    second, _ = multistart_lbfgs(Bowl(bowl.centre), np.random.default_rng(7), 3)
    np.testing.assert_array_equal(first.log_theta, second.log_theta)
    np.testing.assert_array_equal(random_starts(1, 3, 2), random_starts(1, 3, 2))
    assert {e.source for e in events} == {0, 1, 2}
    for source in range(3):
        iterations = [e.iteration for e in events if e.source == source]
        assert iterations == list(range(1, len(iterations) + 1))


def test_cancel_stops_promptly(ammonia, cancel_at):
    callback = cancel_at(2)
    with pytest.raises(Cancelled):
        lbfgs(ammonia, np.zeros(6), callback=callback, cancel=callback.token)
    assert len(callback.events) == 2
    assert ammonia.n_evaluations <= callback.events[-1].evaluations + 1


def test_each_stop_is_reported_for_what_it_was():
    start = [-1.5, 2.0]
    converged = lbfgs(Valley(), start)
    assert converged.status == CONVERGED
    np.testing.assert_allclose(converged.log_theta, [1.0, 1.0], atol=1e-3)
    budget = lbfgs(Valley(), start, max_iterations=2)
    assert budget.status == BUDGET_REACHED and budget.iterations == 2
    assert budget.log_likelihood < converged.log_likelihood - 1.0
    stalled = lbfgs(Valley(), start, stall_tolerance=0.5, stall_iterations=3)
    assert stalled.status == STALLED and stalled.iterations < converged.iterations
    assert stalled.log_likelihood < converged.log_likelihood - 1.0


def test_a_cancelled_run_carries_its_best_point(cancel_at):
    callback = cancel_at(3)
    with pytest.raises(Cancelled) as stopped:
        lbfgs(Valley(), [-1.5, 2.0], callback=callback, cancel=callback.token)
    best, last = stopped.value.result, callback.events[-1]
    assert best.status == CANCELLED and best.iterations == 3
    assert best.log_likelihood == last.log_likelihood
    np.testing.assert_array_equal(best.log_theta, last.log_theta)


def test_stall_window_ends_the_crawl_early(water):
    start = np.zeros(3)
    patient = lbfgs(water, start, stall_tolerance=0.0)
    hasty = lbfgs(water, start, stall_tolerance=1e-3, stall_iterations=2)
    assert hasty.evaluations < patient.evaluations
    assert hasty.log_likelihood <= patient.log_likelihood
