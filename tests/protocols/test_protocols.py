"""DL and TL through run_protocol: the known optimum of a synthetic GP, results, events, stopping
status, reproducibility, validation and cancel. Only the comparison with a real set needs ../shared."""

import numpy as np
import pytest

from fflux_studio.gpr import GPRModel
from fflux_studio.metrics import rmse
from fflux_studio.optimize.events import Cancelled
from fflux_studio.optimize.status import BUDGET_REACHED, CANCELLED, CONVERGED, STALLED
from fflux_studio.protocols import ProtocolResult, ProtocolSettings, SourceFit, run_protocol

from .conftest import NUGGET, sklearn_gpr

MARGINAL = {"likelihood": "marginal", "nugget": NUGGET, "subset": 0.2}


@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_protocols_find_the_optimum_scikit_learn_finds(synthetic, protocol):
    result = run_protocol(protocol, synthetic.x, synthetic.y, ProtocolSettings(**MARGINAL))
    assert result.status == CONVERGED
    assert result.log_likelihood >= synthetic.log_likelihood - 1e-6
    np.testing.assert_allclose(result.theta, synthetic.theta, rtol=1e-3)


def test_the_trained_model_predicts_held_out_points_as_scikit_learn_at_the_same_theta(synthetic):
    result = run_protocol("tl", synthetic.x, synthetic.y, ProtocolSettings(**MARGINAL))
    predicted = result.model().predict(synthetic.x_test)
    reference = sklearn_gpr(synthetic.x, synthetic.y, result.theta).predict(synthetic.x_test)
    np.testing.assert_allclose(predicted, reference, rtol=0, atol=1e-8 * np.abs(reference).max())
    assert rmse(predicted - synthetic.y_test) < 0.2 * np.std(synthetic.y_test)


def test_tl_result_holds_sources_seed_and_phase_times(synthetic):
    x, y = synthetic.x, synthetic.y
    result = run_protocol("tl", x, y, ProtocolSettings(n_seeds=3, subset=0.2, stages=(0.25, 0.5)))
    assert isinstance(result, ProtocolResult) and result.protocol == "tl"
    assert len(result.sources) == 3 and all(isinstance(s, SourceFit) for s in result.sources)
    assert all(len(s.subset) == 32 and len(np.unique(s.subset)) == 32 for s in result.sources)
    chosen = result.sources[result.seed_index]
    assert chosen.log_likelihood_full == max(s.log_likelihood_full for s in result.sources)
    assert result.log_likelihood >= chosen.log_likelihood_full
    assert set(result.seconds) == {"seeding", "relaxation", "total", "cpu"}
    assert 0 < result.seconds["cpu"] <= result.seconds["total"] + 0.01, "one thread's CPU time within its wall time"
    assert result.seconds["total"] == pytest.approx(result.seconds["seeding"] + result.seconds["relaxation"])
    assert [len(s.subset) for s in result.stages] == [40, 80]
    assert set(chosen.subset) <= set(result.stages[0].subset) <= set(result.stages[1].subset)
    np.testing.assert_allclose(result.theta, np.exp(result.log_theta))
    model = result.model(system="SYNTHETIC", atom="A1")
    assert isinstance(model, GPRModel) and model.atom == "A1"
    assert model.log_likelihood == result.log_likelihood


def test_dl_and_tl_reach_the_same_optimum_on_real_data(ammonia):
    x, y = ammonia
    dl = run_protocol("dl", x, y, ProtocolSettings(n_starts=2))
    tl = run_protocol("tl", x, y, ProtocolSettings(subset=0.2))
    assert dl.seconds["seeding"] == 0.0 and dl.seconds["relaxation"] == dl.seconds["total"]
    assert dl.sources == [] and dl.seed_index is None
    assert tl.log_likelihood == pytest.approx(dl.log_likelihood, rel=1e-6)


@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_a_spent_budget_is_reported_as_such(synthetic, protocol):
    result = run_protocol(protocol, synthetic.x, synthetic.y, ProtocolSettings(**MARGINAL, max_iterations=2))
    assert result.status == BUDGET_REACHED
    assert result.log_likelihood < synthetic.log_likelihood - 1e-3


def test_a_stalled_search_is_reported_as_such(synthetic):
    settings = ProtocolSettings(**MARGINAL, stall_tolerance=1e-2, stall_iterations=2)
    result = run_protocol("dl", synthetic.x, synthetic.y, settings)
    assert result.status == STALLED
    assert result.log_likelihood < synthetic.log_likelihood - 1e-3


def test_cancel_during_the_full_set_search_hands_over_its_best_point(synthetic, cancel_at):
    callback = cancel_at(3)
    with pytest.raises(Cancelled) as stopped:
        run_protocol("dl", synthetic.x, synthetic.y, ProtocolSettings(**MARGINAL), callback, callback.token)
    assert stopped.value.result.status == CANCELLED
    assert stopped.value.result.log_likelihood == callback.events[-1].log_likelihood


@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_reproducible_from_random_state(synthetic, protocol):
    settings = ProtocolSettings(random_state=11, subset=0.2, n_seeds=2)
    first = run_protocol(protocol, synthetic.x, synthetic.y, settings)
    second = run_protocol(protocol, synthetic.x, synthetic.y, settings)
    np.testing.assert_array_equal(first.log_theta, second.log_theta)
    assert [s.subset.tolist() for s in first.sources] == [s.subset.tolist() for s in second.sources]


def test_tl_events_cover_every_phase_in_order(synthetic):
    events = []
    run_protocol("tl", synthetic.x, synthetic.y, ProtocolSettings(n_seeds=2, subset=0.2, stages=(0.25, 0.5)),
                 callback=events.append)
    phases = [e.phase for e in events]
    sources = [i for i, e in enumerate(events) if e.phase == "seeding" and e.source < 2]
    stages = [i for i, e in enumerate(events) if e.phase == "seeding" and e.source >= 2]
    assert max(sources) < phases.index("selection") < min(stages)
    assert min(i for i, p in enumerate(phases) if p == "relaxation") > max(stages)
    assert {e.source for e in events if e.phase == "seeding"} == {0, 1, 2, 3}  # two sources, two stages
    for key in {(e.phase, e.source) for e in events}:
        iterations = [e.iteration for e in events if (e.phase, e.source) == key]
        assert iterations == list(range(1, len(iterations) + 1))
    assert np.all(np.diff([e.seconds for e in events]) >= 0)


def test_pso_everywhere_runs_and_reports(synthetic):
    x, y = synthetic.x, synthetic.y
    settings = ProtocolSettings(optimizer="pso", seed_optimizer="pso", n_seeds=2, subset=0.2,
                                pso_swarm=10, pso_max_iterations=5)
    events = []
    tl = run_protocol("tl", x, y, settings, callback=events.append)
    assert {e.phase for e in events} == {"seeding", "selection", "relaxation"}
    assert tl.log_likelihood >= tl.sources[tl.seed_index].log_likelihood_full
    assert tl.status == BUDGET_REACHED
    dl = run_protocol("dl", x, y, settings, callback=events.append)
    assert [e.iteration for e in events if e.phase == "direct"] == [1, 2, 3, 4, 5]
    assert np.isfinite(dl.log_likelihood) and dl.status == BUDGET_REACHED


def test_rmse_selection_picks_the_source_best_outside_its_subset(synthetic):
    """Each source's error on the points outside its subset, from scikit-learn at the source's theta."""
    x, y = synthetic.x, synthetic.y
    result = run_protocol("tl", x, y, ProtocolSettings(**MARGINAL, selection="rmse"))
    outside_rmse = []
    for source in result.sources:
        outside = np.setdiff1d(np.arange(len(y)), source.subset)
        gpr = sklearn_gpr(x[source.subset], y[source.subset], np.exp(source.log_theta))
        outside_rmse.append(rmse(gpr.predict(x[outside]) - y[outside]))
    assert np.ptp(outside_rmse) > 1e-3 * min(outside_rmse)
    assert result.seed_index == int(np.argmin(outside_rmse))
    by_likelihood = run_protocol("tl", x, y, ProtocolSettings(**MARGINAL))
    assert by_likelihood.seed_index != result.seed_index  # the two rules disagree on this set


@pytest.mark.parametrize("options, message", [
    ({"optimizer": "newton"}, "unknown optimizer"),
    ({"seed_optimizer": "adam"}, "unknown seed_optimizer"),
    ({"kernel": "matern"}, "unknown kernel"),
    ({"selection": "vote"}, "unknown selection"),
    ({"subset": 1.5}, "subset"),
    ({"n_seeds": 0}, "n_seeds"),
    ({"nugget": -1.0}, "nugget"),
    ({"stages": (0.5, 1.0)}, "stages"),
    ({"stall_tolerance": -1.0}, "stall_tolerance"),
])
def test_invalid_settings_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        ProtocolSettings(**options)


def test_subset_smaller_than_three_points_per_feature_is_refused(synthetic):
    with pytest.raises(ValueError, match="smaller than 3 x 3 features"):
        run_protocol("tl", synthetic.x, synthetic.y, ProtocolSettings(subset=8))
    with pytest.raises(ValueError, match="unknown protocol"):
        run_protocol("xl", synthetic.x, synthetic.y)


def test_fraction_subset_is_raised_to_three_points_per_feature():
    assert ProtocolSettings(subset=0.01).subset_size(1000, 30) == 90


def test_naive_tl_without_growth_or_curvature_still_runs(synthetic):
    settings = ProtocolSettings(**MARGINAL, stages=(), revive_floor=None, precondition=False)
    result = run_protocol("tl", synthetic.x, synthetic.y, settings)
    assert result.stages == []
    assert result.log_likelihood == pytest.approx(synthetic.log_likelihood, rel=1e-6)


def test_cancel_during_seeding_stops_the_protocol(synthetic, cancel_at):
    callback = cancel_at(2, "seeding")
    with pytest.raises(Cancelled):
        run_protocol("tl", synthetic.x, synthetic.y, ProtocolSettings(), callback=callback, cancel=callback.token)
    assert all(e.phase == "seeding" for e in callback.events) and len(callback.events) == 2


def test_sources_pay_only_when_three_points_per_feature_fit_in_the_subset_fraction_with_a_margin():
    assert not ProtocolSettings().seeding_pays(200, 21)  # 63 points per source > 1.2 x 10 % of 200
    assert not ProtocolSettings().seeding_pays(500, 21)  # 63 > 60
    assert ProtocolSettings().seeding_pays(525, 21)  # 63 = 1.2 x 52.5
    assert ProtocolSettings().seeding_pays(887, 30)  # NMA C1: 90 < 106
    assert ProtocolSettings(subset=0.3).seeding_pays(175, 21)
    assert ProtocolSettings(subset=63).seeding_pays(200, 21)  # a count is the user's explicit choice


@pytest.mark.parametrize("settings, features", [(ProtocolSettings(), 21), (ProtocolSettings(), 30),
                                                 (ProtocolSettings(subset=0.3), 21), (ProtocolSettings(subset=0.07), 9)])
def test_the_smallest_seeded_set_is_where_seeding_starts_to_pay(settings, features):
    smallest = settings.smallest_seeded_set(features)
    assert settings.seeding_pays(smallest, features) and not settings.seeding_pays(smallest - 1, features)


def test_every_set_seeds_with_pso_sources_or_a_subset_count():
    assert ProtocolSettings(seed_optimizer="pso").smallest_seeded_set(21) is None
    assert ProtocolSettings(subset=63).smallest_seeded_set(21) is None
    assert ProtocolSettings().smallest_seeded_set(21) == 525


def test_tl_on_a_set_too_small_to_seed_is_single_start_dl_and_says_so(synthetic):
    settings = ProtocolSettings(**{**MARGINAL, "subset": 0.04})  # 3 x 3 features > 1.2 x 6.4 points
    events = []
    tl = run_protocol("tl", synthetic.x, synthetic.y, settings, callback=events.append)
    dl = run_protocol("dl", synthetic.x, synthetic.y, settings)
    assert tl.plan.startswith("direct: 160 points are too few to seed") and dl.plan == ""
    assert tl.sources == [] and tl.stages == [] and tl.seed_index is None
    assert tl.seconds["seeding"] == 0.0 and {e.phase for e in events} == {"relaxation"}
    np.testing.assert_array_equal(tl.log_theta, dl.log_theta)
    assert tl.log_likelihood == dl.log_likelihood and tl.evaluations == dl.evaluations
    assert tl.log_likelihood >= synthetic.log_likelihood - 1e-6


@pytest.mark.parametrize("options", [{"small_set_direct": False}, {"seed_optimizer": "pso", "seed_max_iterations": 5}])
def test_a_small_set_still_seeds_when_told_to_or_with_pso_sources(synthetic, options):
    settings = ProtocolSettings(**{**MARGINAL, "subset": 0.04, **options})
    result = run_protocol("tl", synthetic.x, synthetic.y, settings)
    assert result.plan == "" and len(result.sources) == settings.n_seeds
    assert all(len(s.subset) == 9 for s in result.sources)
