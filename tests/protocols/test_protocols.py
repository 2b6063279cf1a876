"""DL and TL through run_protocol: results, events, reproducibility, validation and cancel."""

import threading

import numpy as np
import pytest

from fflux_studio.gpr import GPRModel
from fflux_studio.optimize.events import Cancelled
from fflux_studio.protocols import ProtocolResult, ProtocolSettings, SourceFit, run_protocol


def test_tl_result_holds_sources_seed_and_phase_times(ammonia):
    x, y = ammonia
    result = run_protocol("tl", x, y, ProtocolSettings(n_seeds=3, subset=0.2, stages=(0.25, 0.5)))
    assert isinstance(result, ProtocolResult) and result.protocol == "tl"
    assert len(result.sources) == 3 and all(isinstance(s, SourceFit) for s in result.sources)
    assert all(len(s.subset) == 40 and len(np.unique(s.subset)) == 40 for s in result.sources)
    assert result.seed_index in (0, 1, 2)
    chosen = result.sources[result.seed_index]
    assert chosen.log_likelihood_full == max(s.log_likelihood_full for s in result.sources)
    assert result.log_likelihood >= chosen.log_likelihood_full
    assert set(result.seconds) == {"seeding", "relaxation", "total"}
    assert result.seconds["total"] == pytest.approx(result.seconds["seeding"] + result.seconds["relaxation"])
    assert [len(s.subset) for s in result.stages] == [50, 100]
    assert set(chosen.subset) <= set(result.stages[0].subset) <= set(result.stages[1].subset)
    np.testing.assert_allclose(result.theta, np.exp(result.log_theta))
    model = result.model(system="AMMONIA", atom="N1")
    assert isinstance(model, GPRModel) and model.atom == "N1"
    assert model.log_likelihood == result.log_likelihood
    assert np.sqrt(np.mean((model.predict(x) - y) ** 2)) < 1e-3


def test_dl_and_tl_reach_the_same_optimum(ammonia):
    x, y = ammonia
    dl = run_protocol("dl", x, y, ProtocolSettings(n_starts=2))
    tl = run_protocol("tl", x, y, ProtocolSettings(subset=0.2))
    assert dl.seconds["seeding"] == 0.0 and dl.seconds["relaxation"] == dl.seconds["total"]
    assert dl.sources == [] and dl.seed_index is None
    assert tl.log_likelihood == pytest.approx(dl.log_likelihood, rel=1e-6)


@pytest.mark.parametrize("protocol", ["dl", "tl"])
def test_reproducible_from_random_state(ammonia, protocol):
    x, y = ammonia
    settings = ProtocolSettings(random_state=11, subset=0.2, n_seeds=2)
    first = run_protocol(protocol, x, y, settings)
    second = run_protocol(protocol, x, y, settings)
    np.testing.assert_array_equal(first.log_theta, second.log_theta)
    assert [s.subset.tolist() for s in first.sources] == [s.subset.tolist() for s in second.sources]


def test_tl_events_cover_every_phase_in_order(ammonia):
    x, y = ammonia
    events = []
    run_protocol("tl", x, y, ProtocolSettings(n_seeds=2, subset=0.2, stages=(0.25, 0.5)), callback=events.append)
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


def test_pso_everywhere_runs_and_reports(ammonia):
    x, y = ammonia
    settings = ProtocolSettings(optimizer="pso", seed_optimizer="pso", n_seeds=2, subset=0.2,
                                pso_swarm=10, pso_max_iterations=5)
    events = []
    tl = run_protocol("tl", x, y, settings, callback=events.append)
    assert {e.phase for e in events} == {"seeding", "selection", "relaxation"}
    assert tl.log_likelihood >= tl.sources[tl.seed_index].log_likelihood_full
    dl = run_protocol("dl", x, y, settings, callback=events.append)
    assert [e.iteration for e in events if e.phase == "direct"] == [1, 2, 3, 4, 5]
    assert np.isfinite(dl.log_likelihood)


def test_rmse_selection_picks_the_source_best_outside_its_subset(ammonia):
    x, y = ammonia
    result = run_protocol("tl", x, y, ProtocolSettings(selection="rmse", n_seeds=2, subset=0.2))
    assert result.seed_index in (0, 1)


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


def test_subset_smaller_than_three_points_per_feature_is_refused(ammonia):
    x, y = ammonia
    with pytest.raises(ValueError, match="smaller than 3 x 6 features"):
        run_protocol("tl", x, y, ProtocolSettings(subset=10))
    with pytest.raises(ValueError, match="unknown protocol"):
        run_protocol("xl", x, y)


def test_fraction_subset_is_raised_to_three_points_per_feature():
    assert ProtocolSettings(subset=0.01).subset_size(1000, 30) == 90


def test_naive_tl_without_growth_or_curvature_still_runs(ammonia):
    x, y = ammonia
    settings = ProtocolSettings(subset=0.2, stages=(), revive_floor=None, precondition=False)
    result = run_protocol("tl", x, y, settings)
    assert result.stages == [] and np.isfinite(result.log_likelihood)


def test_cancel_during_seeding_stops_the_protocol(ammonia):
    x, y = ammonia
    cancel = threading.Event()

    def callback(event):
        if event.phase == "seeding" and event.iteration == 2:
            cancel.set()

    events = []
    with pytest.raises(Cancelled):
        run_protocol("tl", x, y, ProtocolSettings(), callback=lambda e: (events.append(e), callback(e)),
                     cancel=cancel)
    assert all(e.phase == "seeding" for e in events) and len(events) == 2
