"""Plots are pure functions of data: check the elements they build, and that the report figures
render to PNG with matplotlib (no browser)."""

from __future__ import annotations

import holoviews as hv
import numpy as np
import pandas as pd
import pytest

from fflux_studio.ui import plots
from fflux_studio.ui.messages import LandscapeGrid


def test_trace_curve_plots_ln_l_against_the_chosen_axis():
    data = pd.DataFrame({"iteration": [1.0, 2.0], "evaluations": [3.0, 7.0], "seconds": [0.1, 0.3],
                         "log_likelihood": [10.0, 12.0]})
    for x in plots.X_LABELS:
        curve = plots.trace_curve(data, x, "relaxation")
        assert isinstance(curve, hv.Curve)
        assert curve.kdims[0].name == x and curve.vdims[0].name == "log_likelihood"
        assert list(curve.dimension_values(0)) == list(data[x])


def test_seed_markers_star_the_last_selection():
    rows = [{"iteration": 5.0, "evaluations": 9.0, "seconds": 1.0, "log_likelihood": 3.0, "source": None},
            {"iteration": 6.0, "evaluations": 9.0, "seconds": 1.1, "log_likelihood": 4.0, "source": None}]
    overlay = plots.seed_markers(rows)
    sources, chosen = overlay.values()
    assert len(sources) == 2 and list(chosen.dimension_values("log_likelihood")) == [4.0]


def test_landscape_image_places_values_on_their_grid():
    grid_i, grid_j = np.linspace(-1, 1, 3), np.linspace(0, 4, 5)
    values = np.add.outer(grid_i, 10 * grid_j)
    image = plots.landscape_image(LandscapeGrid("tl", 2, 5, grid_i, grid_j, values, np.zeros(6), 0.1), 2, 5)
    assert image.kdims[0].label == "ln θ3" and image.kdims[1].label == "ln θ6"
    for a, ti in enumerate(grid_i):
        for b, tj in enumerate(grid_j):
            assert image[ti, tj] == pytest.approx(values[a, b])


def test_landscape_image_is_blank_for_another_pair():
    data = LandscapeGrid("tl", 0, 1, np.array([0, 1]), np.array([0, 1]), np.array([[1, 2], [3, 4]]), np.zeros(3), 0.1)
    assert np.isnan(plots.landscape_image(data, 0, 2).dimension_values(2)).all()


def test_path_and_seeds_use_the_landscape_axes():
    path = plots.path_elements(pd.DataFrame({"a": [0.0, 1.0], "b": [2.0, 3.0]}), 0, 1)
    assert all(el.kdims[0].label == "ln θ1" for el in path)
    seeds, edges = plots.seed_points([{"a": 0.0, "b": 1.0, "source": 0, "chosen": True},
                                      {"a": 2.0, "b": 1.0, "source": 1, "chosen": False}], 0, 1)
    assert list(seeds.dimension_values("size")) == [22, 12] and len(edges) == 0


def test_seeds_off_the_window_become_edge_markers_and_the_path_sets_the_range():
    box = ((-4.0, 2.0), (-3.0, 3.0))
    rows = [{"a": -1.0, "b": 0.0, "source": 0, "chosen": True},
            {"a": -270.0, "b": 0.0, "source": 1, "chosen": False}]
    seeds, edges = plots.seed_points(rows, 0, 1, box)
    assert list(seeds.dimension_values("source")) == [0] and list(edges.dimension_values("source")) == [1]
    (a,), (b,) = edges.dimension_values(0), edges.dimension_values(1)
    assert box[0][0] <= a < box[0][0] + 0.1 and b == pytest.approx(0.0)
    assert edges.dimension_values("angle")[0] == pytest.approx(90.0)  # degrees (as HoloViews takes them): left
    curve, _ = plots.path_elements(pd.DataFrame({"a": [-1.0, 0.0], "b": [0.0, 1.0]}), 0, 1, box).values()
    options = hv.Store.lookup_options("bokeh", curve, "plot").kwargs
    assert options["xlim"] == box[0] and options["ylim"] == box[1]


def test_colour_range_ignores_collapsed_corners():
    values = np.array([[-1e6, 1.0], [2.0, 3.0], [np.nan, 4.0]])
    low, high = plots.readable_range(values)
    assert high == 4.0 and low == pytest.approx(np.quantile([-1e6, 1.0, 2.0, 3.0, 4.0], 0.1))
    assert plots.readable_range(np.full((2, 2), np.nan)) == (None, None)


def test_s_curves_are_sorted_absolute_errors_on_a_log_axis():
    overlay = plots.s_curves({"tl": np.array([0.3, -0.1, 0.2]), "dl": np.array([1.0, -2.0])}, "kJ/mol")
    tl, dl = overlay.values()
    assert tl.label == "TL" and dl.label == "DL"
    assert list(tl.dimension_values(0)) == pytest.approx([0.1, 0.2, 0.3])
    assert list(tl.dimension_values(1)) == pytest.approx([100 / 3, 200 / 3, 100])
    options = hv.Store.lookup_options("bokeh", tl, "plot").kwargs
    assert options["logx"] and options["interpolation"] == "steps-post"


def learning_rows():
    return [{"protocol": p, "size": n, "random_state": r, "rmse": (1 + r) / n, "mae": 0.5 / n,
             "seconds": 0.01 * n * (2 if p == "dl" else 1) * (1 + 0.1 * r)}
            for p in ("tl", "dl") for n in (50, 100) for r in range(3)]


@pytest.mark.parametrize("figure", [lambda rows: plots.learning_error(rows, "kJ/mol"), plots.learning_time])
def test_learning_figures_have_a_band_a_mean_and_markers_per_protocol_on_log_axes(figure):
    overlay = figure(learning_rows())
    assert [(type(el).__name__, el.label) for el in overlay] == [
        ("Area", "TL"), ("Curve", "TL"), ("Scatter", "TL"), ("Area", "DL"), ("Curve", "DL"), ("Scatter", "DL")]
    options = hv.Store.lookup_options("bokeh", overlay, "plot").kwargs
    assert options["logx"] and options["logy"]


def test_the_time_curve_plots_each_sizes_mean_and_range():
    overlay = plots.learning_time(learning_rows())
    band, curve = overlay.get(3), overlay.get(4)  # DL's
    np.testing.assert_allclose(curve.dimension_values("mean"), [1.1, 2.2])
    np.testing.assert_allclose(band.dimension_values(1), [1.0, 2.0])
    np.testing.assert_allclose(band.dimension_values(2), [1.2, 2.4])


def test_parity_plots_each_protocols_predictions_against_the_reference_with_y_equals_x():
    from fflux_studio.ui.predictions import Predictions

    reference = np.array([-254000.0, -254010.0, -253990.0])
    runs = {p: Predictions(np.array([3, 1, 2]), reference, reference + shift, np.full(3, shift[0]), "kJ/mol",
                           np.arange(3)) for p, shift in (("tl", np.full(3, 1.0)), ("dl", np.full(3, 2.0)))}
    overlay = plots.parity(runs)
    line, tl, dl = overlay
    assert line.label == "y = x" and list(line.dimension_values(0)) == list(line.dimension_values(1))
    np.testing.assert_array_equal(tl.dimension_values("predicted"), reference + 1)
    np.testing.assert_array_equal(dl.dimension_values("reference"), reference)
    np.testing.assert_array_equal(dl.dimension_values("frame"), [3, 1, 2])
    styles = [hv.Store.lookup_options("bokeh", el, "style").kwargs["marker"] for el in (tl, dl)]
    assert styles == ["circle", "x"], "coinciding TL and DL points stay told apart"


def test_report_figures_render_to_png_without_a_browser(tmp_path):
    for name, overlay in (("s", plots.s_curves({"tl": np.array([0.3, 0.1]), "dl": np.array([0.2, 0.4])}, "kJ/mol")),
                          ("time", plots.learning_time(learning_rows()))):
        path = tmp_path / f"{name}.png"
        hv.save(overlay, path, backend="matplotlib")
        assert path.read_bytes()[:4] == b"\x89PNG"
    assert hv.Store.current_backend == "bokeh"


def test_s_curves_of_tl_and_dl_stay_told_apart_when_they_coincide():
    errors = np.array([0.1, -0.5, 2.0])
    tl, dl = plots.s_curves({"tl": errors, "dl": errors}, "kJ/mol")
    assert hv.Store.lookup_options("bokeh", dl, "style").kwargs["line_dash"] == "dashed"
    assert hv.Store.lookup_options("bokeh", tl, "style").kwargs.get("line_dash", "solid") == "solid"


def test_phase_times_leave_out_empty_phases_for_their_log_axis():
    bars = plots.phase_times({"tl": {"seeding": 0.5, "relaxation": 1.0, "total": 1.5},
                              "dl": {"seeding": 0.0, "relaxation": 84.4, "total": 84.4}})
    shown = set(zip(bars.dimension_values(0), bars.dimension_values(1)))
    assert shown == {("TL", "seeding"), ("TL", "relaxation"), ("TL", "total"), ("DL", "relaxation"), ("DL", "total")}
    assert hv.Store.lookup_options("bokeh", bars, "plot").kwargs["logy"] is True
    figure = hv.render(bars, backend="bokeh")
    assert (figure.y_range.start, figure.y_range.end) == (0.01, pytest.approx(1.5 * 84.4))
    assert list(figure.yaxis[0].ticker.ticks) == [0.01, 0.1, 1.0, 10.0, 100.0]  # four decades: no 2s and 5s


def test_phase_times_within_two_decades_tick_1_2_and_5_not_linearly():
    """Bars of 0.58 s alone: BokehJS's LogTicker ticked 0.1, 0.2, 0.3, 0.4, 0.5 into the top of the axis."""
    figure = hv.render(plots.phase_times({"tl": {"relaxation": 0.576, "total": 0.576},
                                          "dl": {"relaxation": 0.574, "total": 0.574}}), backend="bokeh")
    assert figure.y_range.start == 0.01 and figure.y_range.end == pytest.approx(0.864)
    assert list(figure.yaxis[0].ticker.ticks) == [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    assert figure.yaxis[0].formatter.format == "%g", "every tick labelled, as a plain number"


def test_parity_of_a_model_that_is_no_protocols_gets_a_colour():
    """A model opened alone (the Model step) is drawn in the colour of other models, not in none."""
    from fflux_studio.ui.predictions import Predictions

    reference = np.array([-1.0, 0.0, 1.0])
    line, points = plots.parity({"model": Predictions(np.arange(3), reference, reference, np.zeros(3), "e",
                                                      np.arange(3))})
    assert points.label == "model"
    assert hv.Store.lookup_options("bokeh", points, "style").kwargs["color"] == plots.OTHER_COLOR


def test_figures_draw_on_the_canvas_that_every_browser_has():
    rendered = hv.render(plots.s_curves({"tl": np.array([0.1, 0.2]), "dl": np.array([0.1, 0.3])}, "kJ/mol"))
    assert rendered.output_backend == "canvas", "WebGL drew no line or marker in a browser without a GPU"
