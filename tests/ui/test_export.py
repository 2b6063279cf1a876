"""What the Export step hands out: .model files FFLUX reads, a JSON of metrics and settings, and the
figures as PNG (matplotlib, no browser) and HTML."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import zipfile

import holoviews as hv
import numpy as np
import pytest

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.gpr.kernels import Kernel
from fflux_studio.gpr.model import GPRModel
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import read_model
from fflux_studio.ui.jobs import Run
from fflux_studio.ui.state import StudioState
from fflux_studio.ui.studio import Studio
from fflux_studio.ui.views.export import figures_zip, metrics_document, model_files, printable


def trained_session() -> Studio:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 2, size=(150, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1])
    studio = Studio(demo=None)
    studio.state.use(Dataset("toy", {"A1": AtomFeatures("A1", x)}, {"A1": {"iqa": y}}, units={"iqa": "Ha"}), "toy")
    studio.state.param.update(train_size=80, test_size=40, n_seeds=2)
    studio.compare("lbfgs")
    deadline = time.monotonic() + 120
    while studio.worker.busy or not studio.worker.queue.empty():
        assert time.monotonic() < deadline
        studio.drain()
        time.sleep(0.02)
    studio.drain()
    assert set(studio.state.runs) == {"tl", "dl"}
    return studio


def test_exports(tmp_path):
    studio = trained_session()
    files = model_files(studio.state.runs)
    assert sorted(files) == ["dl/TOY_iqa_A1.model", "tl/TOY_iqa_A1.model"]
    path = tmp_path / "TOY_iqa_A1.model"
    path.write_text(files["tl/TOY_iqa_A1.model"])
    model = read_model(path)
    run = studio.state.runs["tl"]
    assert np.allclose(model.predict(run.model.x[:5]), run.model.predict(run.model.x[:5]))

    document = json.loads(json.dumps(metrics_document(studio.state)))
    assert set(document["runs"]) == {"tl", "dl"} and document["runs"]["tl"]["unit"] == "kJ/mol"
    assert document["split"] == {"train_size": 80, "test_size": 40, "random_state": 0, "adjusted": []}
    assert document["split"]["train_size"] == document["runs"]["tl"]["n_train"]
    studio.state.train_size = 10_000  # beyond the data: the split as fitted and what was lowered, not the number typed
    lowered = metrics_document(studio.state)["split"]
    assert lowered["train_size"] == studio.state.dataset.n_frames - 40
    assert lowered["adjusted"][0].startswith("training set lowered from 10000")

    live = studio.traces.figures()
    # A Compare ends on DL, yet TL's seeding figure and its landscape are exported too.
    expected = {"tl_ln_likelihood_seeding", "tl_ln_likelihood_full", "tl_landscape", "dl_ln_likelihood_full",
                "dl_landscape", "s_curves", "phase_times", "parity"}
    for backend, suffix in (("matplotlib", ".png"), ("bokeh", ".html")):
        with zipfile.ZipFile(io.BytesIO(figures_zip(studio.state, backend, live))) as archive:
            files = {name.removesuffix(suffix): archive.read(name) for name in archive.namelist()}
        assert set(files) == expected
        for name, data in files.items():
            if suffix == ".png":
                assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", name
                width, height = struct.unpack(">II", data[16:24])
                assert width >= 1600 and height >= 600, (name, width, height)
            else:  # BokehJS inline: the file opens offline
                assert not re.search(rb"<script[^>]*\ssrc=", data), name
                assert not re.search(rb"<link[^>]*stylesheet[^>]*https?:", data), name
                assert b"Bokeh.embed" in data and len(data) > 1_000_000, name
        landscape = files["tl_landscape"]
        if suffix == ".html":
            assert b'"ColorBar"' in landscape and b"sources (seeds)" in landscape


def test_the_printed_landscape_has_its_colour_bar_and_the_tl_seeds():
    studio = trained_session()
    book = studio.traces.books["tl"]
    grid = studio.traces.grids["tl"]
    seeds = np.array([(row["a"], row["b"]) for row in book.seed_rows(*grid.pair)])
    assert len(seeds) == studio.state.n_seeds
    element = printable(studio.traces.figures()["tl_landscape"])
    figure = hv.renderer("matplotlib").get_plot(element).state
    main, bar = figure.axes  # the image's axes and its colour bar's
    assert bar.get_ylabel() == "ln L" and main.get_xlabel() == f"ln θ{grid.i + 1}"
    drawn = [c.get_offsets() for c in main.collections if len(c.get_offsets()) == len(seeds)]
    assert any(np.allclose(np.asarray(offsets), seeds) for offsets in drawn)
    lo, hi = bar.get_ylim()
    assert lo == pytest.approx(np.nanmin(grid.values)) and hi == pytest.approx(np.nanmax(grid.values))


def test_a_zip_member_never_leaves_its_folder():
    studio = Studio(demo=None)
    x = np.random.default_rng(2).uniform(0, 2, size=(60, 3))
    studio.state.use(Dataset("toy", {"A1": AtomFeatures("A1", x)}, {"A1": {"iqa": x.sum(axis=1)}}), "toy")
    problem = studio.problem()
    assert problem.metadata["system"] == "TOY" and problem.target_unit == "Ha"
    studio.state.dataset.system = "../../escaped"
    with pytest.raises(InputError, match="the system name '../../escaped' cannot be part of a model file name"):
        studio.problem()
    model = GPRModel.fit(x, x.sum(axis=1), np.ones(3), Kernel.named("rbf", 3), system="../escaped", atom="A1")
    runs = {p: Run(p, None, model, None) for p in ("tl", "dl")}
    with pytest.raises(InputError, match="'../escaped'"):
        model_files(runs)


def test_an_unknown_unit_stays_unknown_in_the_studio():
    studio = Studio(demo=None)
    x = np.random.default_rng(3).uniform(0, 2, size=(60, 3))
    studio.state.use(Dataset("spring", {"A1": AtomFeatures("A1", x)}, {"A1": {"stiffness": x.sum(axis=1)}}), "toy")
    problem = studio.problem()
    assert problem.target_unit == problem.metadata["target_unit"] == "unknown"


def test_learning_curves_print_at_page_size_with_their_bands():
    state = StudioState()
    state.learning = [{"protocol": p, "size": n, "random_state": r, "rmse": 3.0 / n ** 0.4 * (1 + 0.1 * r), "mae": 1.0,
                       "seconds": 0.01 * n * (1 + 0.2 * r), "unit": "kJ/mol"}
                      for p in ("tl", "dl") for n in (128, 500) for r in range(3)]
    with zipfile.ZipFile(io.BytesIO(figures_zip(state, "matplotlib"))) as archive:
        sizes = {name: struct.unpack(">II", archive.read(name)[16:24]) for name in archive.namelist()}
    assert set(sizes) == {"learning_error.png", "learning_time.png"}
    for name, (width, height) in sizes.items():  # a band (hv.Area) kept its default aspect: a 200 px sliver
        assert width >= 1600 and 1.2 < width / height < 2.0, (name, width, height)
