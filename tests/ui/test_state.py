"""Session state, trace bookkeeping, and a whole Studio session driven
without a browser: errors become messages and keep what was loaded and trained before."""

from __future__ import annotations

import time

import numpy as np
import pytest

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.memory import MemoryBudget
from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.protocols.settings import CHOICES
from fflux_studio.ui.state import SETTINGS, TL_ONLY, StudioState, shown_settings
from fflux_studio.ui.studio import Studio
from fflux_studio.ui.traces import TraceBook


def toy_dataset(n=150, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2, size=(n, d))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2]
    return Dataset("toy", {"A1": AtomFeatures("A1", x, alf=(1, 2, 3))}, {"A1": {"iqa": y, "q00": 0.1 * y}},
                   units={"iqa": "Ha", "q00": "e"})


def event(phase, source, iteration, value, evaluations, seconds=0.0, theta=(0.0, 0.0, 0.0)):
    return {"phase": phase, "source": source, "iteration": iteration, "log_likelihood": value,
            "log_theta": list(theta), "seconds": seconds, "evaluations": evaluations}


def settle(studio, timeout=120.0):
    """Drain the session's queue (as its periodic callback would) until its worker is idle."""
    deadline = time.monotonic() + timeout
    while studio.worker.busy or not studio.worker.queue.empty():
        assert time.monotonic() < deadline, "the session's job did not finish"
        studio.drain()
        time.sleep(0.02)
    studio.drain()


def test_state_picks_an_atom_property_and_a_quick_split():
    state = StudioState()
    state.use(toy_dataset(), "toy")
    assert (state.atom, state.prop, state.unit) == ("A1", "iqa", "Ha")
    train, test = state.split()
    assert len(train) + len(test) <= 150 and not set(train) & set(test)
    assert state.settings().subset == 0.1
    state.subset = 40
    assert state.settings().subset == 40


@pytest.mark.parametrize("frames", [1, 4])
def test_a_set_too_small_to_train_opens_and_says_so_at_a_start(frames):
    state = StudioState()
    state.use(toy_dataset(n=frames), "four water points")
    assert state.dataset.n_frames == frames
    with pytest.raises(ValueError, match=f"{frames} frames are too few to train and test a model: at least 5"):
        state.split()
    state.use(toy_dataset(n=5), "five")
    train, test = state.split()
    assert (len(train), len(test)) == (4, 1)


def test_the_page_offers_the_engines_defaults_and_choices():
    state = StudioState()
    assert state.settings() == ProtocolSettings()
    for name in SETTINGS:
        assert state.param[name].default == getattr(ProtocolSettings(), name), name
        if name in CHOICES:
            assert list(state.param[name].objects.values()) == list(CHOICES[name]), name


def test_a_subset_that_is_neither_fraction_nor_whole_count_is_refused():
    studio = Studio(demo=None)
    studio.state.use(toy_dataset(), "toy")
    studio.state.subset = 40.5
    assert not studio.start()
    assert "Cannot start: subset must be a fraction" in studio.state.message


def test_a_train_size_beyond_the_memory_budget_is_refused_and_the_page_says_the_budget(monkeypatch):
    budget = MemoryBudget.now(available=2 * 5 * 8 * 60**2)  # room for 60 points
    monkeypatch.setattr(MemoryBudget, "now", classmethod(lambda cls, available=None: budget))
    studio = Studio(demo=None)
    studio.state.use(toy_dataset(), "toy")
    assert "at most 60 training points" in studio.data_view.budget.object
    studio.state.param.update(train_size=80, test_size=40)
    assert not studio.start()
    assert "Cannot start: 80 training points need" in studio.state.message
    assert "train on at most 60 points" in studio.state.message
    studio.state.train_size = 60
    assert studio._prepare() is not None


def test_tracebook_counts_across_the_protocol_and_finds_the_seed():
    book = TraceBook("tl")
    book.add(event("seeding", 0, 1, 5.0, 3, theta=(1, 1, 1)))
    book.add(event("seeding", 0, 2, 6.0, 6, theta=(1, 2, 1)))
    book.add(event("seeding", 1, 1, 7.0, 4, theta=(0, 0, 3)))
    name, row = book.add(event("selection", None, 1, 50.0, 1, theta=(1, 2, 1)))
    assert name == "selection" and row["evaluations"] == 10
    name, row = book.add(event("relaxation", None, 1, 60.0, 5, theta=(2, 2, 2)))
    assert name == "relaxation" and row["iteration"] == 5 and row["evaluations"] == 15
    assert book.chosen() == 0
    path = book.full_set_path(0, 2)
    assert list(path["a"]) == [1, 2] and list(path["b"]) == [1, 2]  # starts at the seed
    assert [r["chosen"] for r in book.seed_rows(0, 1)] == [True, False]


def test_a_session_trains_and_keeps_its_work_through_errors(tmp_path):
    studio = Studio(demo=None)
    studio.state.use(toy_dataset(), "toy")
    studio.state.param.update(train_size=80, test_size=40, n_seeds=2)
    assert studio.start("tl")
    settle(studio)
    assert studio.state.status == "done" and set(studio.state.runs) == {"tl"}
    assert studio.update_times and studio.traces.book.rows["relaxation"]
    run = studio.state.runs["tl"]

    bad = tmp_path / "broken.xyz"
    bad.write_text("this is not\nan xyz file\n")
    studio.load(path=bad)
    settle(studio)
    assert studio.state.status == "failed" and "broken.xyz" in studio.state.message
    assert studio.state.source == "toy" and studio.state.runs["tl"] is run

    studio.state.subset = 200
    assert not studio.start("tl")
    assert "Cannot start" in studio.state.message and studio.state.runs["tl"] is run


def test_cancelling_keeps_the_previous_run():
    studio = Studio(demo=None)
    studio.state.use(toy_dataset(), "toy")
    studio.state.param.update(train_size=80, test_size=40, n_seeds=2)
    studio.start("dl")
    settle(studio)
    run = studio.state.runs["dl"]
    studio.state.param.update(seed_optimizer="pso", pso_max_iterations=100_000, seed_max_iterations=100_000)
    studio.start("tl")
    deadline = time.monotonic() + 60
    while not studio.traces.book.rows:
        assert time.monotonic() < deadline
        studio.drain()
        time.sleep(0.02)
    studio.cancel()
    settle(studio)
    assert studio.state.status == "cancelled" and studio.state.runs == {"dl": run}


def test_two_sessions_do_not_share_state_or_workers():
    a, b = Studio(demo=None), Studio(demo=None)
    for studio, protocol in ((a, "tl"), (b, "dl")):
        studio.state.use(toy_dataset(), "toy")
        studio.state.param.update(train_size=80, test_size=40, n_seeds=2)
        studio.start(protocol)
    settle(a)
    settle(b)
    assert set(a.state.runs) == {"tl"} and set(b.state.runs) == {"dl"}
    assert a.traces.book.protocol == "tl" and b.traces.book.protocol == "dl"
    assert a.internal_errors == b.internal_errors == 0


@pytest.mark.parametrize("text", ["2.5, 80", "0, 80", "80, many"])
def test_learning_curve_sizes_that_are_neither_fraction_nor_count_are_refused(text):
    studio = Studio(demo=None)
    studio.state.use(toy_dataset(), "toy")
    assert not studio.learning_curves(text)
    assert "training-set size must be a fraction" in studio.state.message



def test_multipole_moments_are_offered_as_properties():
    from fflux_studio.chem.multipoles import MOMENTS
    from fflux_studio.io.alf_moments import add_alf_moments
    from fflux_studio.io.geometry_dataset import dataset_from_geometries

    rng = np.random.default_rng(3)
    water = np.array([[0, 0, 0], [0.96, 0, 0], [-0.24, 0.93, 0]]) + rng.normal(scale=0.03, size=(40, 3, 3))
    dataset = dataset_from_geometries("w.xyz", "W", ["O", "H", "H"], water, {}, {})
    add_alf_moments(dataset, {name: rng.normal(size=(40, 24)) for name in dataset.atom_names})
    state = StudioState()
    state.use(dataset, "water")
    assert list(state.param.prop.objects) == list(MOMENTS)
    state.prop = "q21c"
    assert state.unit == "e*bohr^2"


def test_dl_hides_exactly_the_settings_dl_never_reads():
    """DL with every TL-only setting changed finds the same optimum: hiding them hides nothing DL uses."""
    data = toy_dataset(80)
    x, y = data.xy("A1", "iqa")
    base = ProtocolSettings(max_iterations=40)
    changed = ProtocolSettings(max_iterations=40, subset=30, n_seeds=5, seed_optimizer="pso", selection="rmse",
                               seed_max_iterations=3)
    assert {name for name in TL_ONLY if getattr(base, name) == getattr(changed, name)} == set()
    np.testing.assert_array_equal(run_protocol("dl", x, y, base).log_theta, run_protocol("dl", x, y, changed).log_theta)
    assert shown_settings("tl") == list(SETTINGS)
    assert shown_settings("dl") == [name for name in SETTINGS if name not in TL_ONLY]
