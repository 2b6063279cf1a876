"""The learning-curve job: each size trained over successive random states, each run's error the
one evaluation.learning_curve computes for that random state, and slow sizes trained once; the
comparison job: no landscape computed while a run is timed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fflux_studio.evaluation import learning_curve
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui import jobs
from fflux_studio.units import HARTREE_TO_KJMOL


def toy_problem():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, size=(90, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) + 0.1 * x[:, 2]
    return jobs.Problem(x[:60], y[:60], x[60:], y[60:], "Ha")


def rows_of(messages) -> list[dict]:
    return [message.row for message in messages]


def test_each_size_is_repeated_over_successive_random_states():
    problem, settings = toy_problem(), ProtocolSettings(random_state=4)
    sent = []
    jobs.learning(problem, settings, settings, [30, 60], 3, sent.append, None)
    rows = rows_of(sent)
    assert [(r["size"], r["random_state"], r["protocol"]) for r in rows] == [
        (size, state, protocol) for size in (30, 60) for state in (4, 5, 6) for protocol in ("tl", "dl")]
    for row in rows:
        point, = learning_curve(row["protocol"], problem.x_train, problem.y_train, problem.x_test, problem.y_test,
                                [row["size"]], replace(settings, random_state=row["random_state"]))
        assert row["rmse"] == np.float64(point.rmse * HARTREE_TO_KJMOL)
        assert row["mae"] == np.float64(point.mae * HARTREE_TO_KJMOL)
        assert row["unit"] == "kJ/mol" and row["seconds"] > 0
    small = {r["rmse"] for r in rows if r["size"] == 30 and r["protocol"] == "dl"}
    assert len(small) == 3, "another random state trains on another subset"


def test_a_size_whose_first_run_is_slow_is_trained_once(monkeypatch):
    monkeypatch.setattr(jobs, "REPEAT_UNDER_SECONDS", 0.0)
    sent = []
    jobs.learning(toy_problem(), ProtocolSettings(), ProtocolSettings(), [30, 60], 3, sent.append, None)
    assert [(r["size"], r["random_state"]) for r in rows_of(sent)] == [(30, 0), (30, 0), (60, 0), (60, 0)]


def test_a_comparison_computes_no_landscape_while_a_run_is_timed():
    from fflux_studio.ui.messages import LandscapeGrid, RunDone, Started

    problem, settings = toy_problem(), ProtocolSettings(random_state=1)
    sent = []
    jobs.compare(problem, settings, settings, sent.append, None)
    kinds = [type(m).__name__ for m in sent if isinstance(m, (Started, RunDone, LandscapeGrid))]
    assert kinds[0] == "Started" and kinds.count("RunDone") == 2
    for start in (i for i, kind in enumerate(kinds) if kind == "Started"):
        done = kinds.index("RunDone", start)
        assert "LandscapeGrid" not in kinds[start:done], "no grid shares the core with a timed run"
        assert kinds[done + 1] == "LandscapeGrid", "each run's landscape follows its result"
