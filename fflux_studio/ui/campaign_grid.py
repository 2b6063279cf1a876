"""The Campaign step's live grid of models (atoms across, properties down), as a plain Bokeh figure.

A click selects a cell through Bokeh's own TapTool: the browser sets the cells' selection and the
server hears it as a property change (``selected.indices``), the route every Bokeh app uses. BokehJS
calls a button held longer than 300 ms a press, not a tap (its UIGestures.press_threshold), and
taps nothing then: on a loaded machine a plain click can be that slow (a browser test lost 2 of 3
clicks in full runs; held 600 ms it never chose), so the release of a press chooses the cell under
it as well. The HoloViews HeatMap with a Tap stream this figure replaces lost clicks the same way
and re-rendered its overlay on every update; this figure keeps its models and only replaces its
sources' data.
"""

from __future__ import annotations

import math

import pandas as pd
from bokeh.events import PressUp
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, TapTool

from fflux_studio.ui.live_figures import live_figure
from fflux_studio.ui.plots import STATE_COLORS

TITLE = "Models: click one for its numbers"
ROW_HEIGHT, FRAME_HEIGHT = 45, 90
CELL_COLUMNS = ("atom", "property", "state", "color", "log_likelihood", "test_rmse", "text")


def cell_columns(table: pd.DataFrame) -> dict:
    """The figure's cell columns from CampaignState.grid()'s table, colour by state."""
    return {"atom": list(table["atom"]), "property": list(table["property"]), "state": list(table["state"]),
            "color": [STATE_COLORS[state] for state in table["state"]],
            "log_likelihood": list(table["log_likelihood"]), "test_rmse": list(table["test_rmse"]),
            "text": list(table["text"])}


class CampaignGrid:
    """Cells coloured by state with their text, the chosen cell outlined; ``on_choose(atom, prop)``
    hears a click."""

    def __init__(self, on_choose):
        self.on_choose = on_choose
        self.cells = ColumnDataSource({name: [] for name in CELL_COLUMNS})
        self.outline = ColumnDataSource({"atom": [], "property": []})
        self.figure = live_figure(TITLE, FRAME_HEIGHT + ROW_HEIGHT, x_range=FactorRange(), y_range=FactorRange())
        self.figure.xaxis.axis_label = "atom"
        self.figure.grid.visible = False
        self.figure.axis.major_tick_line_color = None
        cells = self.figure.rect("atom", "property", 1, 1, source=self.cells, fill_color="color",
                                 line_color="white", line_width=3)
        cells.nonselection_glyph = cells.selection_glyph = cells.glyph  # the outline shows the choice, not greying
        self.figure.rect("atom", "property", 1, 1, source=self.outline, fill_alpha=0.0, line_color="black",
                         line_width=4)
        text = self.figure.text("atom", "property", text="text", source=self.cells, text_font_size="9pt",
                                text_color="#202020", text_align="center", text_baseline="middle")
        text.nonselection_glyph = text.selection_glyph = text.glyph
        self.figure.add_tools(HoverTool(renderers=[cells], tooltips=[
            ("model", "@atom @property"), ("state", "@state"), ("ln L", "@log_likelihood"),
            ("test RMSE", "@test_rmse")]), TapTool(renderers=[cells]))
        self.cells.selected.on_change("indices", self._tapped)
        self.figure.on_event(PressUp, self._pressed)

    def set_axes(self, atoms, properties) -> None:
        """A new campaign's atoms and properties (the figure stays, its factors change)."""
        self.figure.x_range.factors = list(atoms)
        self.figure.y_range.factors = list(properties)
        self.figure.height = FRAME_HEIGHT + ROW_HEIGHT * len(properties)

    def show(self, table: pd.DataFrame) -> None:
        """Every cell's state and text, and the outline on the selected one."""
        self.cells.data = cell_columns(table)
        chosen = table[table["selected"].astype(bool)]
        self.outline.data = {"atom": list(chosen["atom"]), "property": list(chosen["property"])}

    def _tapped(self, _attr, _old, new) -> None:
        """A click chooses its cell; the selection is then cleared, so the same cell can be clicked again
        after another was chosen in the Model list."""
        if new:
            index = new[0]
            self.cells.selected.indices = []
            self.on_choose(self.cells.data["atom"][index], self.cells.data["property"][index])

    def _pressed(self, event) -> None:
        """A click held past BokehJS's tap time: the cell under its release, if one is drawn there
        (a categorical axis puts factor k between k and k + 1)."""
        if event.x is None or event.y is None or not (math.isfinite(event.x) and math.isfinite(event.y)):
            return
        column, row = math.floor(event.x), math.floor(event.y)
        atoms, properties = self.figure.x_range.factors, self.figure.y_range.factors
        if not (0 <= column < len(atoms) and 0 <= row < len(properties)):
            return
        cell = atoms[column], properties[row]
        if cell in zip(self.cells.data["atom"], self.cells.data["property"]):
            self.on_choose(*cell)
