"""The landscape thread's grid size: as fine as its cost allows (one ln L timed before the first grid,
each grid's cost sizing the next), never coarser than MIN_SIDE."""

from __future__ import annotations

import numpy as np

from fflux_studio.ui import landscape
from fflux_studio.ui.landscape import MIN_SIDE, LandscapeTracker, grid_points


def test_grid_side_by_training_size_and_by_the_measured_cost_of_one_evaluation():
    assert [grid_points(n) for n in (300, 1000, 5000)] == [21, 15, 11]
    assert grid_points(300, 0.001) == 21, "cheap evaluations keep the finest grid"
    assert grid_points(1000, 0.1) == 13  # 20 s fit 14.1^2 evaluations of 0.1 s: 14, odd below it 13
    assert grid_points(5000, 3.0) == MIN_SIDE == 5  # 20 s fit 2.6^2 of 3 s: never below 5 per side
    assert grid_points(5000, 0.5) == 5 and grid_points(5000, 0.1) == 11


def test_the_tracker_sizes_its_grids_by_their_cost(monkeypatch):
    monkeypatch.setattr(landscape, "GRID_SECONDS", 1e-9)  # every evaluation "too slow": the least grid
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, size=(40, 3))
    y = np.sin(x[:, 0]) + 0.1 * x[:, 2]
    grids = []
    tracker = LandscapeTracker(x, y, "rbf", "concentrated", 1e-10, grids.append, rest=0.0, pair=(0, 2))
    tracker.follow(np.zeros(3))
    tracker.start()
    tracker.follow(np.ones(3))
    tracker.finish()
    tracker.thread.join(30)
    assert grids and all(grid.values.shape == (MIN_SIDE, MIN_SIDE) for grid in grids)
    assert tracker.point_seconds > 0
