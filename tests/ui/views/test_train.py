"""The Train view's live tables: what the browser draws depends on their column types."""

from __future__ import annotations

import numpy as np

from fflux_studio.ui.messages import Iteration, Started
from fflux_studio.ui.run_traces import RunTraces
from fflux_studio.ui.state import StudioState
from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.ui.views.train import TrainView, summary_markdown

START = Started("tl", {"n_seeds": 2}, 60, 3)


def iteration(k: int) -> Iteration:
    return Iteration("tl", {"phase": "seeding", "source": 0, "iteration": k, "log_likelihood": float(k),
                            "log_theta": [0.0, 0.0, 0.0], "seconds": 0.1 * k, "evaluations": k})


def view() -> TrainView:
    return TrainView(StudioState(), RunTraces(), lambda pair: None)


def test_a_run_whose_start_arrives_alone_streams_into_float_tables():
    """A worker process starts slower than one drain period, so ``start`` comes in a batch of its
    own: the figure is then built on empty tables, which must already be float for Bokeh to draw
    the rows streamed into them."""
    train = view()
    train.ingest([START])
    assert all(buffer.data[column].dtype == np.float64 for buffer in train.buffers.values()
               for column in ("iteration", "log_likelihood"))
    train.ingest([iteration(1), iteration(2)])
    assert list(train.buffers["seeding"].data["log_likelihood"]) == [1.0, 2.0]
    assert train.buffers["seeding"].data["log_likelihood"].dtype == np.float64


def test_start_and_iterations_in_one_batch_are_drawn_once():
    train = view()
    train.ingest([START, iteration(1), iteration(2)])
    assert list(train.buffers["seeding"].data["iteration"]) == [1.0, 2.0]


class FinishedRun:
    """What summary_markdown reads of a finished run: its protocol, metrics and result."""

    def __init__(self, protocol, result):
        self.protocol, self.result = protocol, result
        self.metrics = {"log_likelihood": result.log_likelihood, "evaluations": result.evaluations,
                        "status": result.status, "seconds": result.seconds, "plan": result.plan,
                        "test_rmse": 1.0, "test_mae": 0.5, "unit": "kJ/mol", "n_test": 10,
                        "n_train": len(result.y), "seed_index": result.seed_index}


def test_a_tl_run_too_small_to_seed_says_so_and_shows_no_empty_seeding_phase():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 3.0, (40, 3))
    y = np.sin(x).sum(axis=1)
    direct = summary_markdown(FinishedRun("tl", run_protocol("tl", x, y, ProtocolSettings())))
    assert "**direct learning, no seeding**: 40 points are too few to seed" in direct
    assert "seeding 0.00 s" not in direct and "source model" not in direct
    seeded = run_protocol("tl", x, y, ProtocolSettings(subset=12, small_set_direct=False))
    text = summary_markdown(FinishedRun("tl", seeded))
    assert "no seeding" not in text and f"(seeding {seeded.seconds['seeding']:.2f} s" in text
