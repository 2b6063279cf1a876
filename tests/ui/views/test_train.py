"""The Train view: what a batch of worker messages changes in its live figures, and what that sends
to the browser."""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ColumnsStreamedEvent

from fflux_studio.protocols import ProtocolSettings, run_protocol
from fflux_studio.ui.messages import Iteration, LandscapeGrid, Started
from fflux_studio.ui.run_traces import RunTraces
from fflux_studio.ui.state import StudioState, shown_settings
from fflux_studio.ui.views.train import TrainView, summary_markdown

START = Started("tl", {"n_seeds": 2}, 60, 3)


def iteration(k: int, phase: str = "seeding", source=0, log_theta=(0.0, 0.0, 0.0)) -> Iteration:
    return Iteration("tl", {"phase": phase, "source": source, "iteration": k, "log_likelihood": float(k),
                            "log_theta": list(log_theta), "seconds": 0.1 * k, "evaluations": k})


def view() -> TrainView:
    return TrainView(StudioState(), RunTraces(), lambda pair: None)


def seeding(train: TrainView, column: str = "log_likelihood") -> list:
    return list(train.figures["seeding"].source.data[column])


def events_of(train: TrainView) -> list:
    """Record the document events the view's figures send (what would go to the browser)."""
    document, events = Document(), []
    for figure in (*train.figures.values(), train.landscape):
        document.add_root(figure.figure)
    document.on_change(events.append)
    return events


def test_a_new_tab_builds_its_figures_when_its_first_run_starts():
    train = view()
    assert train.figures == {} and train.landscape_pane.object is None and train.full_pane.object is None
    train.ingest([START])
    assert train.full_pane.object is train.figures["full"].figure
    assert train.landscape_pane.object is train.landscape.figure
    assert train.seeding_pane.object is train.figures["seeding"].figure
    assert not train.seeding_pane.object.visible, "no seeding figure before a seeding point"
    assert not train.landscape.legend["optimiser path"].visible, "no legend entry for a path not drawn yet"
    train.ingest([iteration(1)])
    assert train.seeding_pane.object.visible


def test_a_run_whose_start_arrives_alone_streams_later_iterations():
    """A worker process starts slower than one drain period, so ``start`` comes in a batch of its own."""
    train = view()
    train.ingest([START])
    assert seeding(train) == []
    train.ingest([iteration(1), iteration(2)])
    assert seeding(train) == [1.0, 2.0]


def test_start_and_iterations_in_one_batch_are_drawn_once():
    train = view()
    train.ingest([iteration(9)])  # a previous run's point: replaced, not kept
    train.ingest([START, iteration(1), iteration(2)])
    assert seeding(train, "iteration") == [1.0, 2.0]


def test_a_tick_streams_only_its_new_rows_once_per_figure():
    train = view()
    train.ingest([START, iteration(1)])
    events = events_of(train)
    train.ingest([iteration(2), iteration(3), iteration(4, "relaxation", None, (1.0, 2.0, 0.0))])
    streamed = [event for event in events if isinstance(event, ColumnsStreamedEvent)]
    by_source = {id(event.model): event.data for event in streamed}
    assert len(by_source) == len(streamed), "one stream per source and tick"
    assert by_source[id(train.figures["seeding"].source)]["log_likelihood"] == [2.0, 3.0]
    assert by_source[id(train.figures["full"].source)]["log_likelihood"] == [4.0]
    assert not any(isinstance(event, ColumnDataChangedEvent) and event.model is train.figures["seeding"].source
                   for event in events), "the trace's earlier rows are not resent"


def test_a_new_trace_starts_after_a_break_and_is_named_on_hover():
    train = view()
    train.ingest([START, iteration(1, source=0), iteration(2, source=1)])
    values = seeding(train)
    assert values[0] == 1.0 and np.isnan(values[1]) and values[2] == 2.0
    assert seeding(train, "trace") == ["source 0", "source 1", "source 1"]


def test_the_x_axis_switches_fields_without_resending_rows():
    train = view()
    train.ingest([START, iteration(1), iteration(2)])
    events = events_of(train)
    train.traces.x_axis = "seconds"
    figure = train.figures["seeding"]
    assert {glyph.x for glyph in figure.glyphs} == {"seconds"}
    assert figure.figure.xaxis[0].axis_label == "wall time (s)"
    assert not any(isinstance(event, (ColumnDataChangedEvent, ColumnsStreamedEvent)) for event in events)


def test_the_landscape_image_path_window_and_seeds():
    train = view()
    train.ingest([START, iteration(1, source=0, log_theta=(-270.0, 0.0, 0.0)),
                  iteration(2, source=1, log_theta=(-1.0, 0.5, 0.0)),
                  iteration(3, "relaxation", None, (-2.0, 1.0, 0.0)), iteration(4, "relaxation", None, (-3.0, 2.0, 0.0))])
    landscape = train.landscape
    assert list(landscape.path.data["a"]) == [-2.0, -3.0] and list(landscape.path.data["b"]) == [1.0, 2.0]
    (x0, x1), (y0, y1) = train.traces.window()
    figure = landscape.figure
    assert (figure.x_range.start, figure.x_range.end, figure.y_range.start, figure.y_range.end) == (x0, x1, y0, y1)
    assert list(landscape.stars.data["source"]) == [1] and list(landscape.edges.data["source"]) == [0]
    assert landscape.edges.data["a"][0] == pytest.approx(x0, abs=0.1 * (x1 - x0))
    angle = landscape.edges.data["angle"][0]  # radians, anticlockwise from "up" (Bokeh's triangle)
    towards = np.array([-270.0 - (x0 + x1) / 2, 0.0 - (y0 + y1) / 2])
    assert [-np.sin(angle), np.cos(angle)] == pytest.approx(towards / np.linalg.norm(towards))
    assert landscape.legend["sources off the window (pointing to them)"].visible

    grid_i, grid_j = np.linspace(-4.0, 0.0, 3), np.linspace(0.0, 4.0, 5)
    values = np.add.outer(grid_i, 10 * grid_j)
    events = events_of(train)
    train.ingest([LandscapeGrid("tl", 0, 1, grid_i, grid_j, values, np.array([-3.0, 2.0, 0.0]), 0.1),
                  iteration(5, "relaxation", None, (-3.5, 2.5, 0.0))])
    image = landscape.image.data["image"][0]
    for a, ti in enumerate(grid_i):  # Bokeh's image rows run along y (j), from the bottom
        for b, tj in enumerate(grid_j):
            assert image[b, a] == values[a, b]
    assert landscape.image.data["x"] == [-5.0] and landscape.image.data["dw"] == [6.0]
    assert landscape.colorbar.visible and landscape.colors.high == values.max()
    streamed = [event.data for event in events if isinstance(event, ColumnsStreamedEvent)
                and event.model is landscape.path]
    assert streamed == [{"a": [-3.5], "b": [2.5]}], "the path streams its new point only"


def test_a_direct_run_shows_no_seed_legend():
    train = view()
    train.ingest([Started("dl", {"n_seeds": 2}, 60, 3),
                  Iteration("dl", {"phase": "direct", "source": None, "iteration": 1, "log_likelihood": 1.0,
                                   "log_theta": [0.0, 0.0, 0.0], "seconds": 0.1, "evaluations": 1})])
    assert not train.seeding_pane.object.visible
    assert not any(item.visible for item in train.figures["full"].figure.legend.items)
    assert not train.landscape.legend["sources (seeds)"].visible
    assert train.landscape.legend["optimiser path"].visible


class FinishedRun:
    """What summary_markdown reads of a finished run: its protocol, metrics and result."""

    def __init__(self, protocol, result):
        self.protocol, self.result = protocol, result
        self.metrics = {"log_likelihood": result.log_likelihood, "evaluations": result.evaluations,
                        "status": result.status, "seconds": result.seconds, "plan": result.plan,
                        "test_rmse": 1.0, "test_mae": 0.5, "unit": "kJ/mol", "n_test": 10,
                        "n_train": len(result.y), "seed_index": result.seed_index}


def test_a_tl_run_too_small_to_seed_says_so_and_shows_no_empty_seeding_phase():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 3.0, (40, 3))
    y = np.sin(x).sum(axis=1)
    direct = summary_markdown(FinishedRun("tl", run_protocol("tl", x, y, ProtocolSettings())))
    assert "**direct learning, no seeding**: 40 points are too few to seed" in direct
    assert "seeding 0.00 s" not in direct and "source model" not in direct
    seeded = run_protocol("tl", x, y, ProtocolSettings(subset=12, small_set_direct=False))
    text = summary_markdown(FinishedRun("tl", seeded))
    assert "no seeding" not in text and f"(seeding {seeded.seconds['seeding']:.2f} s" in text


def test_the_settings_follow_the_protocol():
    state = StudioState()
    train = TrainView(state, RunTraces(), lambda pair: None)
    labels = lambda: {widget.name for widget in train.settings.layout.objects}  # noqa: E731
    assert "Source models (seeds)" in labels() and "Seeding budget (iterations)" in labels()
    state.protocol = "dl"
    assert labels() == {state.param[name].label for name in shown_settings("dl")}
    assert "Source models (seeds)" not in labels()
    state.protocol = "tl"
    assert "Source models (seeds)" in labels()
