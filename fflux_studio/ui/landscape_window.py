"""Which part of the (ln theta i, ln theta j) plane the landscape shows: where the optimiser is.

Seeds are not part of the window: a source model stuck at the bound (ln theta = -20) or a PSO
particle that wandered to -270 would squash the heat map into a sliver. Seeds outside the window are
drawn at its edge, pointing outwards. Pure functions on numbers, shared by the landscape thread
(which grid to compute) and the page (which axis range to draw).
"""

from __future__ import annotations

import numpy as np

Window = tuple[tuple[float, float], tuple[float, float]]


def window(path, best, half_width: float = 3.0, pad: float = 0.5) -> Window:
    """The smallest box holding the path and the best point with ``pad`` to spare, widened to at
    least ``2 * half_width`` per axis so a still optimiser keeps some landscape around it.

    ``path``: (n, 2) points (non-finite ones ignored); ``best``: the current best (2,).
    """
    points = np.vstack([np.asarray(path, dtype=float).reshape(-1, 2), np.asarray(best, dtype=float).reshape(1, 2)])
    points = points[np.isfinite(points).all(axis=1)]
    lows, highs = points.min(axis=0) - pad, points.max(axis=0) + pad
    middles, halves = (lows + highs) / 2, np.maximum((highs - lows) / 2, half_width)
    return tuple((float(m - h), float(m + h)) for m, h in zip(middles, halves))


def contains(outer: Window, inner: Window) -> bool:
    """Whether ``inner`` lies in ``outer``: a path whose window leaves the grid needs a new grid."""
    return all(o[0] <= i[0] and i[1] <= o[1] for o, i in zip(outer, inner))


def hull(first: Window, second: Window) -> Window:
    """The smallest box holding both: the page's range while the grid catches up with the path."""
    return tuple((min(a[0], b[0]), max(a[1], b[1])) for a, b in zip(first, second))


def edge_markers(points, box: Window, inset: float = 0.02) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeds as drawn in ``box``: (positions, outside, angles).

    Points inside keep their place; a point outside moves to where the line from the box's centre
    to it crosses the edge (``inset`` of the box's size inside, so the marker stays whole), and its
    angle (radians, anticlockwise from "up", as Bokeh turns a triangle) points towards the point.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    lows, highs = np.array([b[0] for b in box]), np.array([b[1] for b in box])
    centre, half = (lows + highs) / 2, (highs - lows) / 2 * (1 - inset)
    offsets = (points - centre) / half  # in units of the half-box: outside when any |.| > 1
    reach = np.abs(offsets).max(axis=1)
    outside = reach > 1
    scale = np.where(outside, 1 / np.maximum(reach, 1), 1.0)
    positions = centre + offsets * scale[:, None] * half
    angles = np.arctan2(offsets[:, 1], offsets[:, 0]) - np.pi / 2
    return positions, outside, np.where(outside, angles, 0.0)
