"""Pure functions from data to HoloViews elements, styled for the live page (bokeh) and for reports
(matplotlib PNGs), so the same figure can be shown and saved. The Train page's live figures are
plain Bokeh figures updated in place (live_figures.py).
"""

from __future__ import annotations

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (the page's backend)
import holoviews.plotting.mpl  # noqa: F401  (registers matplotlib options, so PNG export works)
import numpy as np
import pandas as pd

from fflux_studio.metrics import s_curve
from fflux_studio.ui.landscape_window import edge_markers
from fflux_studio.ui.learning_spread import spread

hv.Store.set_current_backend("bokeh")
# Canvas, not WebGL (HoloViews' default): in a browser without a usable GPU (headless Chromium here,
# a remote desktop) WebGL drew the axes and bands but no line, marker or bar. These figures hold at
# most thousands of points, which the canvas draws at once; the live figures are canvas too.
hv.renderer("bokeh").webgl = False

TRACE_COLUMNS = ("iteration", "evaluations", "seconds", "log_likelihood")
X_LABELS = {"iteration": "iteration", "evaluations": "likelihood evaluations", "seconds": "wall time (s)"}
PROTOCOL_COLORS = {"tl": "#1f77b4", "dl": "#d62728"}
PROTOCOL_NAMES = {"tl": "TL", "dl": "DL"}
OTHER_COLOR = "#2f4f4f"  # a curve that is not a protocol's (a campaign's model, the molecule's total)
DASHES = {"dl": "dashed"}  # TL solid, DL dashed: coinciding S-curves stay told apart
PATH_COLOR = "#e6194b"
SOURCE_COLORS = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#9467bd", "#ff7f0e", "#2ca02c")
# No wheel zoom: the wheel scrolls the page (it zoomed plots to 1e-10..1e8); zoom with the box tool.
# Every element of a figure needs it, since a figure's tools are the union of its elements'.
TOOLS = {"default_tools": ["save", "pan", "box_zoom", "reset"], "tools": ["hover"]}
LIVE = {"responsive": True, "height": 300, "show_grid": True, **TOOLS}


def trace_curve(data, x: str = "iteration", label: str = "", color: str = "#1f77b4") -> hv.Curve:
    """ln L against ``x`` (iteration, evaluations or seconds) for one optimiser run."""
    curve = hv.Curve(data, hv.Dimension(x, label=X_LABELS[x]), hv.Dimension("log_likelihood", label="ln L"),
                     label=label)
    return curve.opts(hv.opts.Curve(color=color, line_width=2, **LIVE, backend="bokeh"),
                      hv.opts.Curve(color=color, linewidth=2, backend="matplotlib"))


def seed_markers(rows: list[dict], x: str = "iteration") -> hv.Overlay:
    """The selection's running best ln L on the full training set; the last one, the chosen seed,
    as a star."""
    table = pd.DataFrame(rows, columns=[*TRACE_COLUMNS, "source"])
    kdim = hv.Dimension(x, label=X_LABELS[x])
    vdims = [hv.Dimension("log_likelihood", label="ln L"), "source"]
    sources = hv.Scatter(table, kdim, vdims, label="best source so far (full set)")
    picked = hv.Scatter(table.iloc[-1:], kdim, vdims, label="chosen seed")
    return (sources.opts(hv.opts.Scatter(size=9, color="#555555", **TOOLS, backend="bokeh"),
                         hv.opts.Scatter(color="#555555", backend="matplotlib"))
            * picked.opts(hv.opts.Scatter(size=22, marker="star", color="#ffbf00", line_color="black",
                                          **TOOLS, backend="bokeh"),
                          hv.opts.Scatter(color="#ffbf00", marker="*", s=200, backend="matplotlib")))


def theta_label(feature: int) -> str:
    """ln θ of ``feature`` (0-based) as the page names it, counted from 1 as in FEREBUS."""
    return f"ln θ{feature + 1}"


def theta_dims(i: int, j: int) -> tuple[hv.Dimension, hv.Dimension]:
    """The landscape's axes: log theta of features i and j."""
    return hv.Dimension("a", label=theta_label(i)), hv.Dimension("b", label=theta_label(j))


def landscape_image(data, i: int, j: int) -> hv.Image:
    """ln L over a grid of two log theta (the others held), from a LandscapeGrid message; a blank
    image while there is none (or it belongs to another pair)."""
    kdims = list(theta_dims(i, j))
    common = {"cmap": "viridis", "colorbar": True, "clipping_colors": {"NaN": "#eeeeee"},
              "title": "ln L landscape (other θ at the current best)"}
    opts = (hv.opts.Image(**common, responsive=True, height=380, **TOOLS, backend="bokeh"),
            hv.opts.Image(**common, backend="matplotlib"))
    if data is None or data.pair != (i, j):
        return hv.Image(np.full((2, 2), np.nan), bounds=(-1, -1, 1, 1), kdims=kdims, vdims=["ln L"]).opts(*opts)
    values = np.asarray(data.values, dtype=float)
    (i0, i1), (j0, j1) = grid_box(data)
    # values[a, b] sits at (grid_i[a], grid_j[b]); an Image's rows run from the top (high j) down.
    image = hv.Image(np.flipud(values.T), bounds=(i0, j0, i1, j1), kdims=kdims, vdims=["ln L"])
    return image.opts(*opts).opts(clim=readable_range(values))


def grid_box(data) -> tuple[tuple[float, float], tuple[float, float]]:
    """The ln theta box a LandscapeGrid's image covers: its outer points plus half a cell."""
    box = []
    for grid in (np.asarray(data.grid_i, dtype=float), np.asarray(data.grid_j, dtype=float)):
        half = (grid[1] - grid[0]) / 2
        box.append((float(grid[0] - half), float(grid[-1] + half)))
    return tuple(box)


def readable_range(values, low_quantile: float = 0.1) -> tuple[float, float] | tuple[None, None]:
    """Colour limits from the lowest decile to the top: a few collapsed corners (ln L far below the
    rest) would otherwise paint everything near the optimum one colour."""
    finite = np.asarray(values, dtype=float)[np.isfinite(values)]
    if finite.size == 0 or finite.min() == finite.max():
        return None, None
    return float(np.quantile(finite, low_quantile)), float(finite.max())


def path_elements(data, i: int, j: int, box=None) -> hv.Overlay:
    """The optimiser's path on the landscape: a curve through its points (not hv.Path, which
    cannot stream), in a colour that reads on the colour map and in the legend's white box.
    ``box`` ((a0, a1), (b0, b1)), the landscape window, sets the figure's axis range."""
    a, b = theta_dims(i, j)
    limits = {} if box is None else {"xlim": box[0], "ylim": box[1]}
    return (hv.Curve(data, a, b, label="optimiser path").opts(
                hv.opts.Curve(color=PATH_COLOR, line_width=1.5, **limits, **TOOLS, backend="bokeh"),
                hv.opts.Curve(color=PATH_COLOR, linewidth=1.5, **limits, backend="matplotlib"))
            * hv.Points(data, [a, b], label="optimiser path").opts(
                hv.opts.Points(color=PATH_COLOR, size=4, **TOOLS, backend="bokeh"),
                hv.opts.Points(color=PATH_COLOR, s=16, backend="matplotlib")))


def seed_points(rows: list[dict], i: int, j: int, box=None) -> tuple[hv.Points, hv.Points]:
    """Where each TL source model ended, in the landscape's coordinates (the chosen seed larger):
    stars inside ``box`` (the landscape window), and triangles on its edge pointing towards the
    seeds outside it."""
    table = pd.DataFrame(rows, columns=["a", "b", "source", "chosen"])
    table["size"] = np.where(table["chosen"].astype(bool), 22, 12)
    table["angle"] = 0.0
    outside = np.zeros(len(table), dtype=bool)
    if box is not None and len(table):
        positions, outside, angles = edge_markers(table[["a", "b"]].to_numpy(), box)
        table["a"], table["b"], table["angle"] = positions[:, 0], positions[:, 1], np.degrees(angles)  # HoloViews: degrees
    dims, vdims = list(theta_dims(i, j)), ["source", "chosen", "size", "angle"]
    label = "sources (seeds)" if (~outside).any() else ""  # no legend entry for DL, which has no sources
    stars = hv.Points(table[~outside], dims, vdims, label=label).opts(
        hv.opts.Points(color="#ffbf00", marker="star", size="size", line_color="black", **TOOLS, backend="bokeh"),
        hv.opts.Points(color="#ffbf00", marker="*", s=hv.dim("size") ** 2, edgecolors="black", backend="matplotlib"))
    away = "sources off the window (pointing to them)" if outside.any() else ""
    edges = hv.Points(table[outside], dims, vdims, label=away).opts(
        hv.opts.Points(color="#ffbf00", marker="triangle", size="size", angle="angle", line_color="black", **TOOLS,
                       backend="bokeh"),
        hv.opts.Points(color="#ffbf00", marker="^", s=hv.dim("size") ** 2, edgecolors="black", backend="matplotlib"))
    return stars, edges


def titled(overlay: hv.Overlay, title: str) -> hv.Overlay:
    """The overlay titled on the page and in a report's PNG alike."""
    return overlay.opts(hv.opts.Overlay(title=title, backend="bokeh"), hv.opts.Overlay(title=title, backend="matplotlib"))


def s_curves(errors: dict[str, np.ndarray], unit: str) -> hv.Overlay:
    """ICHOR S-curves: sorted absolute test errors against percentile, log error axis, steps-post."""
    curves = []
    for protocol, values in errors.items():
        absolute, percent = s_curve(values)
        color = PROTOCOL_COLORS.get(protocol, OTHER_COLOR)
        curves.append(hv.Curve((np.maximum(absolute, 1e-12), percent), hv.Dimension("error", label=f"|error| ({unit})"),
                               hv.Dimension("percentile", label="points (%)", range=(0, 100)),
                               label=PROTOCOL_NAMES.get(protocol, protocol)).opts(
            hv.opts.Curve(interpolation="steps-post", logx=True, color=color, line_width=2,
                          line_dash=DASHES.get(protocol, "solid"), responsive=True, height=320, show_grid=True,
                          **TOOLS, backend="bokeh"),
            hv.opts.Curve(interpolation="steps-post", logx=True, color=color, linewidth=2,
                          linestyle=DASHES.get(protocol, "solid"), backend="matplotlib")))
    return hv.Overlay(curves).opts(hv.opts.Overlay(legend_position="bottom_right", title="S-curves", backend="bokeh"),
                                   hv.opts.Overlay(legend_position="bottom_right", title="S-curves",
                                                   backend="matplotlib"))


def phase_times(seconds: dict[str, dict[str, float]]) -> hv.Bars:
    """Wall time of each phase (seeding, relaxation, total) for each protocol, on a log axis: TL's
    bars stay visible beside a DL that takes a hundred times longer."""
    rows = [(PROTOCOL_NAMES.get(p, p), phase, float(s.get(phase, 0.0)))
            for p, s in seconds.items() for phase in ("seeding", "relaxation", "total")
            if s.get(phase, 0.0) > 0]  # DL has no seeding; a log axis cannot show zero
    bars = hv.Bars(rows, ["protocol", "phase"], hv.Dimension("seconds", label="wall time (s)"))
    values = [row[2] for row in rows] or [1.0]
    low, high = 10.0 ** (np.floor(np.log10(min(values))) - 1), 1.5 * max(values)
    return bars.opts(hv.opts.Bars(responsive=True, height=260, logy=True, **TOOLS, title="Wall time per phase",
                                  ylim=(low, high), yticks=log_ticks(low, high), yformatter="%g", backend="bokeh"),
                     hv.opts.Bars(logy=True, title="Wall time per phase", backend="matplotlib"))


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis from ``low`` to ``high``: 1, 2 and 5 of each decade over two decades
    or less, whole decades over more. BokehJS's own LogTicker falls back to linear ticks below two
    decades, which crowd 0.2, 0.3, 0.4 and 0.5 into the top of the axis; and its LogTickFormatter
    labels decades only, so the axis is labelled as plain numbers ("%g")."""
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    mantissas = (1, 2, 5) if np.log10(high / low) <= 2 else (1,)
    ticks = (float(f"{m}e{k}") for k in decades for m in mantissas)  # "2e-1", not 2 * 10**-1 = 0.2000...04
    return [tick for tick in ticks if low <= tick <= high]


STATE_COLORS = {"queued": "#eeeeee", "running": "#ffd54f", "trained": "#66bb6a", "skipped": "#a5d6a7",
                "failed": "#ef5350", "cancelled": "#bdbdbd"}
"""A campaign model's colour by state, in the order of fflux_studio.campaign.events.STATES."""


def learning_error(rows: list[dict], unit: str, metric: str = "rmse") -> hv.Overlay:
    """Test error against training-set size (rows: one per run, as the learning job sends them):
    each protocol's mean over random states, with the band from the smallest to the largest."""
    return spread_figure(rows, metric, f"test {metric.upper()} ({unit})", "Learning curves: test error",
                         "top_right")  # errors fall with size: the top right stays empty


def learning_time(rows: list[dict]) -> hv.Overlay:
    """Wall time of one training against its size, mean and min-max band over random states: the
    cost curve, where TL's advantage over DL grows."""
    return spread_figure(rows, "seconds", "training wall time (s)", "Learning curves: wall time",
                         "top_left")  # times grow with size: the top left stays empty


def spread_figure(rows: list[dict], value: str, label: str, title: str, legend: str) -> hv.Overlay:
    """``value`` against training-set size on log axes: per protocol a min-max band, the mean as a
    line (DL dashed, drawn last) and markers whose hover gives mean, range and number of runs."""
    table = spread(rows, value)
    kdim, vdim = hv.Dimension("size", label="training points"), hv.Dimension("mean", label=label)
    hover = [vdim, hv.Dimension("low", label="min"), hv.Dimension("high", label="max"),
             hv.Dimension("repeats", label="runs")]
    elements = []
    for protocol in sorted(table["protocol"].unique(), key=lambda p: p != "tl"):  # DL's dashes drawn on top
        part = table[table["protocol"] == protocol].sort_values("size")
        color, name = PROTOCOL_COLORS.get(protocol), PROTOCOL_NAMES.get(protocol, protocol)
        dash = DASHES.get(protocol, "solid")
        band = hv.Area((part["size"], part["low"], part["high"]), kdim, [vdim, "high"], label=name)
        elements += [band.opts(hv.opts.Area(color=color, alpha=0.2, line_alpha=0,
                                            default_tools=TOOLS["default_tools"], backend="bokeh"),
                               hv.opts.Area(color=color, alpha=0.2, linewidth=0, backend="matplotlib")),
                     hv.Curve(part, kdim, vdim, label=name).opts(
                         hv.opts.Curve(color=color, line_width=2, line_dash=dash, **TOOLS, backend="bokeh"),
                         hv.opts.Curve(color=color, linewidth=2, linestyle=dash, backend="matplotlib")),
                     hv.Scatter(part, kdim, hover, label=name).opts(
                         hv.opts.Scatter(color=color, size=8, **TOOLS, backend="bokeh"),
                         hv.opts.Scatter(color=color, s=30, backend="matplotlib"))]
    return hv.Overlay(elements).opts(
        hv.opts.Overlay(logx=True, logy=True, responsive=True, height=320, show_grid=True, title=title,
                        legend_position=legend, padding=0.08, backend="bokeh"),  # end markers not cut in half
        hv.opts.Overlay(logx=True, logy=True, title=title, legend_position=legend, padding=0.08,
                        backend="matplotlib"))


PARITY_TITLE = "Parity: predicted against reference (test set)"
PARITY_MARKERS = {"tl": ("circle", "o"), "dl": ("x", "x")}  # (bokeh, matplotlib): coinciding points stay told apart


def parity(predictions: dict) -> hv.Overlay:
    """Predicted against reference value of every test point (protocol -> ui.predictions.Predictions),
    with the line y = x; hovering a point names its frame in the loaded data and its error."""
    unit = next(iter(predictions.values())).unit
    reference = hv.Dimension("reference", label=f"reference ({unit})")
    predicted = hv.Dimension("predicted", label=f"predicted ({unit})")
    values = np.concatenate([np.r_[p.reference, p.predicted] for p in predictions.values()])
    pad = 0.05 * (values.max() - values.min()) or 1.0
    low, high = values.min() - pad, values.max() + pad
    plain = "%.8g"  # energies near -2.5e5 kJ/mol read in full, not as -2.54e+5
    elements = [hv.Curve([(low, low), (high, high)], reference, predicted, label="y = x").opts(
        hv.opts.Curve(color="#555555", line_dash="dotted", line_width=1.5, **TOOLS, backend="bokeh"),
        hv.opts.Curve(color="#555555", linestyle="dotted", backend="matplotlib"))]
    for protocol in sorted(predictions, key=lambda p: p != "tl"):
        p = predictions[protocol]
        table = pd.DataFrame({"reference": p.reference, "predicted": p.predicted, "frame": p.frames,
                              "error": p.errors})
        bokeh_marker, mpl_marker = PARITY_MARKERS.get(protocol, ("circle", "o"))
        color = PROTOCOL_COLORS.get(protocol, OTHER_COLOR)  # a model opened alone: no protocol
        vdims = [predicted, "frame", hv.Dimension("error", label=f"error ({unit})")]
        elements.append(hv.Scatter(table, reference, vdims, label=PROTOCOL_NAMES.get(protocol, protocol)).opts(
            hv.opts.Scatter(color=color, marker=bokeh_marker, size=8, alpha=0.6, **TOOLS, backend="bokeh"),
            hv.opts.Scatter(color=color, marker=mpl_marker, s=25, alpha=0.6, backend="matplotlib")))
    return hv.Overlay(elements).opts(
        hv.opts.Overlay(xlim=(low, high), ylim=(low, high), responsive=True, height=380, show_grid=True,
                        xformatter=plain, yformatter=plain, legend_position="top_left",
                        title=PARITY_TITLE, backend="bokeh"),
        hv.opts.Overlay(xlim=(low, high), ylim=(low, high), xformatter=plain, yformatter=plain,
                        legend_position="top_left", title=PARITY_TITLE, backend="matplotlib"))
