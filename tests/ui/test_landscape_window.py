"""The landscape's window follows the optimiser, not its seeds."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.ui.landscape_window import contains, edge_markers, hull, window


def inside(point, box) -> bool:
    return all(low <= value <= high for value, (low, high) in zip(point, box))


def test_seeds_at_the_bound_or_far_away_do_not_set_the_window():
    path = np.array([[-1.0, 0.5], [-0.6, 0.9], [-0.4, 1.1]])
    box = window(path, path[-1], half_width=3.0)
    assert np.array(box) == pytest.approx(np.array([[-0.7 - 3.0, -0.7 + 3.0], [0.8 - 3.0, 0.8 + 3.0]]))
    seeds = np.array([[-20.0, 0.0], [-270.0, -270.0], [-0.5, 1.0]])
    positions, outside, _ = edge_markers(seeds, box)
    assert list(outside) == [True, True, False]
    assert all(inside(p, box) for p in positions)
    assert positions[2] == pytest.approx(seeds[2])


def test_the_window_holds_the_whole_path_and_the_best_point():
    path = np.array([[0.0, 0.0], [-9.0, 2.0], [4.0, -7.0], [np.nan, 1.0]])
    best = np.array([5.0, 3.0])
    box = window(path, best, half_width=1.0, pad=0.5)
    assert np.array(box) == pytest.approx(np.array([[-9.5, 5.5], [-7.5, 3.5]]))
    assert all(inside(p, box) for p in path[:3]) and inside(best, box)


def test_a_path_leaving_the_grid_calls_for_a_new_one():
    grid = window(np.zeros((0, 2)), [0.0, 0.0], half_width=3.0)
    assert contains(grid, window([[1.0, -1.0]], [0.5, 0.0], half_width=2.0))
    wider = window([[0.0, 0.0], [-5.0, 0.0]], [-5.0, 0.0], half_width=3.0)
    assert not contains(grid, wider)
    assert hull(grid, wider) == ((min(grid[0][0], wider[0][0]), 3.0), (-3.0, 3.0))
    assert contains(hull(grid, wider), grid) and contains(hull(grid, wider), wider)


def test_edge_markers_sit_on_the_edge_and_point_at_their_seed():
    box = ((-2.0, 2.0), (-1.0, 1.0))
    positions, outside, angles = edge_markers([[10.0, 0.0], [0.0, -5.0], [8.0, 8.0]], box, inset=0.0)
    assert outside.all()
    assert positions[0] == pytest.approx([2.0, 0.0]) and positions[1] == pytest.approx([0.0, -1.0])
    # the third crosses the top edge (8 box units up, 4 across): at a quarter of the way across
    assert positions[2] == pytest.approx([1.0, 1.0])
    # Bokeh's triangle points up at angle 0: right is -90 degrees, down is 180
    assert np.degrees(angles[0]) == pytest.approx(-90.0)
    assert abs(np.degrees(angles[1])) == pytest.approx(180.0)
    assert np.degrees(angles[2]) == pytest.approx(np.degrees(np.arctan2(8.0, 4.0)) - 90.0)
