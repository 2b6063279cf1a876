"""The Train view's live tables: what the browser draws depends on their column types."""

from __future__ import annotations

import numpy as np

from fflux_studio.ui.messages import Iteration, Started
from fflux_studio.ui.run_traces import RunTraces
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.views.train import TrainView

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
