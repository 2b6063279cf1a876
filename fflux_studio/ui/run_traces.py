"""The live run as a model: its trace book, latest landscape grid, landscape pair and x axis, built
from the worker's messages. The Train view draws it as it grows; the Export view makes its
static figures from it, for the last run of each protocol (a Compare ends on DL, whose figures
alone would leave out TL's seeding). No widgets, no streams.
"""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd
import param

from fflux_studio.ui import plots
from fflux_studio.ui.landscape_window import hull, window
from fflux_studio.ui.messages import Iteration, LandscapeGrid, RunDone, Started
from fflux_studio.ui.traces import TraceBook

FIGURES = ("seeding", "full")
TITLES = {"seeding": "Seeding (and growth): ln L of each source model on its own subset",
          "full": "{protocol}: ln L on the full training set"}


def figure_of(name: str) -> str:
    """Which live figure a trace belongs to: subset fits apart from full-set fits."""
    return "seeding" if name.startswith(("source ", "growth ")) else "full"


class RunTraces(param.Parameterized):
    """The current (or last) run of the session, as the Train and Export views see it."""

    book = param.ClassSelector(class_=TraceBook, doc="every event of the run, reshaped for plotting")
    landscape = param.ClassSelector(class_=LandscapeGrid, allow_None=True, doc="the newest landscape grid")
    pair = param.Tuple(default=(0, 1), length=2, doc="landscape axes: ln theta i and j (0-based)")
    n_features = param.Integer(default=0)
    x_axis = param.Selector(default="iteration", objects=list(plots.X_LABELS), label="x axis")
    revision = param.Integer(default=0, doc="counts the batches applied: what watchers follow")

    def __init__(self, **params):
        super().__init__(book=TraceBook(), **params)
        self.books: dict[str, TraceBook] = {}  # the last run of each protocol, for export
        self.grids: dict[str, LandscapeGrid] = {}

    def started(self, message: Started) -> None:
        self.param.update(book=TraceBook(message.protocol, message.settings["n_seeds"]), landscape=None,
                          n_features=message.n_features)
        self.books[message.protocol] = self.book
        self.grids.pop(message.protocol, None)

    def iteration(self, message: Iteration) -> tuple[str, dict]:
        return self.book.add(message.event)

    def grid(self, message: LandscapeGrid) -> bool:
        """Keep the newest grid; True when it changed the pair."""
        moved = message.pair != self.pair
        self.param.update(landscape=message, pair=message.pair)
        self.grids[message.protocol] = message
        return moved

    def done(self, message: RunDone) -> None:
        self.book.finish(message.run.result)

    def window(self):
        """The live landscape's axis range (``landscape_box`` of the current run)."""
        return landscape_box(self.book, self.landscape, self.pair)

    def figures(self) -> dict:
        """Static copies of the live figures of the last run of each protocol, for export."""
        return {f"{protocol}_{name}": figure for protocol, book in self.books.items()
                for name, figure in run_figures(book, self.grids.get(protocol), self.x_axis, self.pair).items()}


def run_figures(book: TraceBook, grid: LandscapeGrid | None, x: str, pair: tuple[int, int]) -> dict:
    """One run's figures: its ln L traces (TL's seeding apart, its chosen seed starred) and its
    landscape with the optimiser path and, for TL, the source models' optima."""
    out = {}
    for figure in FIGURES:
        elements = [plots.trace_curve(pd.DataFrame(rows, columns=plots.TRACE_COLUMNS), x, name,
                                      plots.SOURCE_COLORS[k % len(plots.SOURCE_COLORS)])
                    for k, (name, rows) in enumerate(book.rows.items())
                    if name != "selection" and figure_of(name) == figure]
        if figure == "full" and book.selection:
            elements.append(plots.seed_markers(book.selection, x))
        if elements:
            out[f"ln_likelihood_{figure}"] = plots.titled(hv.Overlay(elements),
                                                          TITLES[figure].format(protocol=plots.PROTOCOL_NAMES[book.protocol]))
    if out:
        i, j = grid.pair if grid is not None else pair
        box = landscape_box(book, grid, (i, j))
        landscape = plots.path_elements(pd.DataFrame(book.full_set_path(i, j)), i, j, box)
        if book.protocol == "tl":
            stars, edges = plots.seed_points(book.seed_rows(i, j), i, j, box)
            landscape = landscape * stars * edges
        if grid is not None:  # without a grid, the path alone: an empty heat map's colour bar would read 0
            landscape = plots.landscape_image(grid, i, j) * landscape
        else:
            landscape = plots.titled(landscape, "Optimiser path (no landscape grid was computed)")
        out["landscape"] = landscape
    return out


def landscape_box(book: TraceBook, grid: LandscapeGrid | None, pair: tuple[int, int]):
    """The landscape's axis range: the full-set path and best point, joined with the grid's box
    while the grid catches up with a path that left it; None before there is either."""
    i, j = pair
    path = book.full_set_path(i, j)
    points = np.column_stack([path["a"], path["b"]])
    if grid is None or grid.pair != pair:
        return window(points, points[-1]) if len(points) else None
    return hull(window(points, np.asarray(grid.centre)[[i, j]]), plots.grid_box(grid))
