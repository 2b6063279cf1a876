"""The Train view's live tables: what the browser draws depends on their column types."""

from __future__ import annotations

import numpy as np

from fflux_studio.ui.state import StudioState
from fflux_studio.ui.views.train import TrainView

START = {"kind": "start", "protocol": "tl", "settings": {"n_seeds": 2}, "n_train": 60, "n_features": 3}


def iteration(k: int) -> dict:
    return {"kind": "iteration", "protocol": "tl", "phase": "seeding", "source": 0, "iteration": k,
            "log_likelihood": float(k), "log_theta": [0.0, 0.0, 0.0], "seconds": 0.1 * k, "evaluations": k}


def test_a_run_whose_start_arrives_alone_streams_into_float_tables():
    """A worker process starts slower than one drain period, so ``start`` comes in a batch of its
    own: the figure is then built on empty tables, which must already be float for Bokeh to draw
    the rows streamed into them."""
    view = TrainView(StudioState(), lambda pair: None)
    view.ingest([START])
    assert all(buffer.data[column].dtype == np.float64 for buffer in view.buffers.values()
               for column in ("iteration", "log_likelihood"))
    view.ingest([iteration(1), iteration(2)])
    assert list(view.buffers["seeding"].data["log_likelihood"]) == [1.0, 2.0]
    assert view.buffers["seeding"].data["log_likelihood"].dtype == np.float64


def test_start_and_iterations_in_one_batch_are_drawn_once():
    view = TrainView(StudioState(), lambda pair: None)
    view.ingest([START, iteration(1), iteration(2)])
    assert list(view.buffers["seeding"].data["iteration"]) == [1.0, 2.0]
