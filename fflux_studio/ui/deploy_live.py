"""The Deploy page's live figures: energy and largest force per optimiser step, one line per model set,
as plain Bokeh figures whose sources are streamed in place (as live_figures.py does for the Train
page: a HoloViews Pipe would re-render the whole overlay on every drain tick)."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, Span

from fflux_studio.forcefield.optimisation import DEFAULT_FMAX
from fflux_studio.ui.deploy_plots import color
from fflux_studio.ui.live_figures import live_figure
from fflux_studio.units import HARTREE_TO_KJMOL

LABELS = ("TL", "DL", "campaign", "uploaded", "folder")  # the sets the Deploy view names; others get a line when they come
COLUMNS = ("step", "energy", "delta", "max_force")


class OptimisationFigures:
    """E − E(start) in kJ/mol and the largest atomic force (Ha/bohr, log axis, the criterion dashed)."""

    def __init__(self):
        self.energy = live_figure("Optimisation: energy", 260)
        self.energy.yaxis.axis_label = "E − E(start) (kJ/mol)"
        self.force = live_figure(f"Optimisation: largest force (criterion {DEFAULT_FMAX:g} dashed)", 260,
                             y_axis_type="log")
        self.force.yaxis.axis_label = "largest atomic force (Ha/bohr)"
        self.force.add_layout(Span(location=DEFAULT_FMAX, dimension="width", line_dash="dashed", line_color="#555555"))
        for fig in (self.energy, self.force):
            fig.xaxis.axis_label = "step"
            fig.add_tools(HoverTool(tooltips=[("set", "$name"), ("step", "@step"), ("E (Ha)", "@energy{0.000000}"),
                                              ("largest force", "@max_force{0.0e}")]))
        self.sources: dict[str, ColumnDataSource] = {}
        self.starts: dict[str, float] = {}
        for label in LABELS:
            self._line(label)

    def _line(self, label: str) -> ColumnDataSource:
        source = ColumnDataSource({name: [] for name in COLUMNS})
        line_color = color(label, len(self.sources))
        for fig, y in ((self.energy, "delta"), (self.force, "max_force")):
            fig.line("step", y, source=source, color=line_color, line_width=2, legend_label=label, name=label)
            fig.legend.location = "top_right"
        self.sources[label] = source
        self._legend(label, False)
        return source

    def _legend(self, label: str, visible: bool) -> None:
        for fig in (self.energy, self.force):
            for item in fig.legend.items:
                if item.label["value"] == label:
                    item.visible = visible

    def clear(self) -> None:
        """A new deployment: every line empty."""
        for label, source in self.sources.items():
            source.data = {name: [] for name in COLUMNS}
            self._legend(label, False)
        self.starts = {}

    def stream(self, label: str, rows: list[dict]) -> None:
        """New steps ({step, energy, max_force}) of set ``label``; only they go to the browser."""
        if not rows:
            return
        source = self.sources.get(label) or self._line(label)
        start = self.starts.setdefault(label, rows[0]["energy"])
        data = {name: [row[name] for row in rows] for name in ("step", "energy", "max_force")}
        data["delta"] = [(row["energy"] - start) * HARTREE_TO_KJMOL for row in rows]
        source.stream(data)
        self._legend(label, True)

    def points(self) -> int:
        return sum(len(source.data["step"]) for source in self.sources.values())
