"""The Train page's live figures: plain Bokeh figures whose ColumnDataSources are updated in place.

A drain tick streams its new rows (``source.stream``) and sets a few properties; nothing is
re-rendered on the server and the document's model graph never changes. The HoloViews
Buffer/DynamicMap figures they replace re-rendered the whole overlay on every send, and each
re-render made Bokeh walk the document's models again: about a second of server time per tick
with two training tabs (cProfile in benchmarks/ui_rates.py's setting), which left the server no time
for other tabs. Static figures (export) stay HoloViews, in plots.py.
"""

from __future__ import annotations

import numpy as np
from bokeh.models import ColorBar, ColumnDataSource, HoverTool, LinearColorMapper, Range1d
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

from fflux_studio.ui import plots
from fflux_studio.ui.landscape_window import edge_markers

# No wheel zoom (the wheel scrolls the page); the toolbar above the plot, clear of a colour bar.
TOOLS = "save,pan,box_zoom,reset"
ROLLOVER = 200_000  # points kept per figure
SELECTION_COLUMNS = (*plots.TRACE_COLUMNS, "source")
SEED_COLUMNS = ("a", "b", "size", "angle", "source")


def live_figure(title: str, height: int, **ranges) -> figure:
    """A page-wide Bokeh figure with the house toolbar (no wheel zoom, no logo), for any live figure."""
    fig = figure(title=title, height=height, sizing_mode="stretch_width", tools=TOOLS, toolbar_location="above",
                 **ranges)
    fig.toolbar.logo = None
    return fig


def _columns(names, rows: list[dict] = ()) -> dict:
    return {name: [row[name] for row in rows] for name in names}


class TraceFigure:
    """ln L of every trace of one figure from one source, successive traces split by a NaN row
    (a break in the line); hovering a point names its trace. With ``selection``, also the TL
    selection's running best on the full set and the chosen seed as a star."""

    def __init__(self, title: str, selection: bool = False):
        self.source = ColumnDataSource(_columns((*plots.TRACE_COLUMNS, "trace")))
        self.figure = live_figure(title, 300)
        self.figure.yaxis.axis_label = "ln L"
        self.figure.xgrid.visible = self.figure.ygrid.visible = True
        self.line = self.figure.line("iteration", "log_likelihood", source=self.source, line_width=1.5)
        self.dots = self.figure.scatter("iteration", "log_likelihood", source=self.source, size=4)
        self.hover = HoverTool(renderers=[self.dots])
        self.figure.add_tools(self.hover)
        self.glyphs = [self.line.glyph, self.dots.glyph]
        self.selection = self.chosen = None
        if selection:
            self.selection = ColumnDataSource(_columns(SELECTION_COLUMNS))
            self.chosen = ColumnDataSource(_columns(SELECTION_COLUMNS))
            best = self.figure.scatter("iteration", "log_likelihood", source=self.selection, size=9, color="#555555",
                                       legend_label="best source so far (full set)")
            star = self.figure.scatter("iteration", "log_likelihood", source=self.chosen, size=22, marker="star",
                                       fill_color="#ffbf00", line_color="black", legend_label="chosen seed")
            self.glyphs += [best.glyph, star.glyph]
            self.figure.legend.location = "bottom_right"
        self.x_axis("iteration")

    def x_axis(self, x: str) -> None:
        """Plot against iteration, likelihood evaluations or wall time (every row holds all three)."""
        for glyph in self.glyphs:
            glyph.x = x
        self.figure.xaxis.axis_label = plots.X_LABELS[x]
        self.hover.tooltips = [("trace", "@trace"), (plots.X_LABELS[x], f"@{x}"), ("ln L", "@log_likelihood")]

    def restart(self, title: str, color: str, rows: list[dict]) -> None:
        """A new run: its title and colour, and its first rows in place of the last run's."""
        self.figure.title.text = title
        for renderer in (self.line, self.dots):
            renderer.glyph.line_color = color
        self.dots.glyph.fill_color = color
        self.source.data = _columns((*plots.TRACE_COLUMNS, "trace"), rows)
        if self.selection is not None:
            self.select([])

    def stream(self, rows: list[dict]) -> None:
        """Only the new rows go to the browser."""
        if rows:
            self.source.stream(_columns((*plots.TRACE_COLUMNS, "trace"), rows), rollover=ROLLOVER)

    def select(self, rows: list[dict]) -> None:
        """The selection's running best so far; the last one is the chosen seed."""
        self.selection.data = _columns(SELECTION_COLUMNS, rows)
        self.chosen.data = _columns(SELECTION_COLUMNS, rows[-1:])
        for item in self.figure.legend.items:
            item.visible = bool(rows)

    def rows(self) -> int:
        return len(self.source.data["log_likelihood"])


class LandscapeFigure:
    """ln L over two log theta as an image with its colour bar, the optimiser's path over it, and
    the TL source models' optima: stars inside the window, triangles on its edge pointing to those
    outside. The axes are the window the page is given (``show``)."""

    def __init__(self):
        self.image = ColumnDataSource({"image": [], "x": [], "y": [], "dw": [], "dh": []})
        self.path = ColumnDataSource({"a": [], "b": []})
        self.stars = ColumnDataSource(_columns(SEED_COLUMNS))
        self.edges = ColumnDataSource(_columns(SEED_COLUMNS))
        self.colors = LinearColorMapper(palette=Viridis256, nan_color="#eeeeee")
        self.figure = live_figure("ln L landscape (other θ at the current best)", 380,
                              x_range=Range1d(-1.0, 1.0), y_range=Range1d(-1.0, 1.0))
        self.figure.image("image", "x", "y", "dw", "dh", source=self.image, color_mapper=self.colors)
        self.colorbar = ColorBar(color_mapper=self.colors, title="ln L", visible=False)
        self.figure.add_layout(self.colorbar, "right")
        self.figure.line("a", "b", source=self.path, color=plots.PATH_COLOR, line_width=1.5,
                         legend_label="optimiser path")
        self.figure.scatter("a", "b", source=self.path, color=plots.PATH_COLOR, size=4, legend_label="optimiser path")
        self.figure.scatter("a", "b", source=self.stars, size="size", marker="star", fill_color="#ffbf00",
                            line_color="black", legend_label="sources (seeds)")
        self.figure.scatter("a", "b", source=self.edges, size="size", angle="angle", marker="triangle",
                            fill_color="#ffbf00", line_color="black",
                            legend_label="sources off the window (pointing to them)")
        self.figure.add_tools(HoverTool(tooltips=[("ln θ", "(@a, @b)"), ("source", "@source")]))
        self.figure.legend.location = "bottom_right"
        self.legend = {item.label["value"]: item for item in self.figure.legend.items}
        self.pair = None

    def grid(self, data) -> None:
        """A new LandscapeGrid (or None: no grid yet); values[a, b] sits at (grid_i[a], grid_j[b])."""
        if data is None:
            self.image.data = {"image": [], "x": [], "y": [], "dw": [], "dh": []}
            self.colorbar.visible = False
            return
        values = np.asarray(data.values, dtype=float)
        (i0, i1), (j0, j1) = plots.grid_box(data)
        low, high = plots.readable_range(values)
        self.colors.update(low=low, high=high)
        self.image.data = {"image": [values.T], "x": [i0], "y": [j0], "dw": [i1 - i0], "dh": [j1 - j0]}
        self.colorbar.visible = True

    def show(self, pair: tuple[int, int], path: dict, seeds: list[dict], box) -> None:
        """The path (streamed while it only grows), the seeds as drawn in ``box``, and ``box`` as the axes."""
        a, b = np.asarray(path["a"], dtype=float), np.asarray(path["b"], dtype=float)
        shown = self.path.data["a"]
        grows = pair == self.pair and 0 < len(shown) <= len(a) and shown[-1] == a[len(shown) - 1]
        if grows:
            if len(a) > len(shown):
                self.path.stream({"a": a[len(shown):].tolist(), "b": b[len(shown):].tolist()})
        else:
            self.path.data = {"a": a.tolist(), "b": b.tolist()}
        if pair != self.pair:
            self.figure.xaxis.axis_label, self.figure.yaxis.axis_label = (d.label for d in plots.theta_dims(*pair))
            self.pair = pair
        self.legend["optimiser path"].visible = len(a) > 0
        self._seeds(seeds, box)
        if box is not None:
            (x0, x1), (y0, y1) = box
            self.figure.x_range.update(start=x0, end=x1)
            self.figure.y_range.update(start=y0, end=y1)

    def _seeds(self, rows: list[dict], box) -> None:
        points = np.array([[row["a"], row["b"]] for row in rows], dtype=float).reshape(-1, 2)
        outside, angles = np.zeros(len(rows), dtype=bool), np.zeros(len(rows))
        if box is not None and len(rows):
            points, outside, angles = edge_markers(points, box)
        table = {"a": points[:, 0], "b": points[:, 1], "angle": angles, "source": [row["source"] for row in rows],
                 "size": [22 if row["chosen"] else 12 for row in rows]}
        for source, keep in ((self.stars, ~outside), (self.edges, outside)):
            source.data = {name: [value for value, kept in zip(table[name], keep) if kept] for name in SEED_COLUMNS}
        self.legend["sources (seeds)"].visible = bool((~outside).any())
        self.legend["sources off the window (pointing to them)"].visible = bool(outside.any())
