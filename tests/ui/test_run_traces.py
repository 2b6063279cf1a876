"""The run model's landscape window: the full-set path and the grid, never the seeds."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.ui.messages import Iteration, LandscapeGrid, Started
from fflux_studio.ui.run_traces import RunTraces


def event(phase, source, log_theta):
    return {"phase": phase, "source": source, "iteration": 0, "log_likelihood": 1.0, "log_theta": log_theta,
            "seconds": 0.0, "evaluations": 1}


def test_window_holds_path_and_grid_but_not_a_far_seed():
    traces = RunTraces()
    traces.started(Started("tl", {"n_seeds": 2}, 50, 3))
    assert traces.window() is None
    for message in (event("seeding", 0, [-270.0, -20.0, 0.0]), event("seeding", 1, [-1.0, 0.0, 0.0]),
                    event("relaxation", None, [-2.0, 1.0, 0.0]), event("relaxation", None, [-3.0, 2.0, 0.0])):
        traces.iteration(Iteration("tl", message))
    path_only = traces.window()
    # the path spans 1 x 1 (plus 0.5 each side): widened to 6 x 6 about its middle (-2.5, 1.5)
    assert np.array(path_only) == pytest.approx(np.array([[-5.5, 0.5], [-1.5, 4.5]]))
    grid = np.linspace(-8.0, -2.0, 4)  # a grid the path has not caught up with yet: the hull of both
    traces.grid(LandscapeGrid("tl", 0, 1, grid, grid + 6.0, np.zeros((4, 4)), np.array([-3.0, 2.0, 0.0]), 0.1))
    (a0, a1), (b0, b1) = traces.window()
    assert (a0, a1) == pytest.approx((-9.0, 0.5)) and (b0, b1) == pytest.approx((-3.0, 5.0))
