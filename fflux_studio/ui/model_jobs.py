"""What the worker process runs for the Model step: read one ``.model`` file (uploaded or on the
server's machine; read as text, never unpickled), recompute its ln L, test it on the loaded data
when it fits them, and compute its ln L landscape around its own θ from the training data the file
carries (every .model file holds its training inputs and targets: SPEC §7), over the two features
that matter most or over a pair chosen on the page later.

Like the jobs of jobs.py, ``open_model`` is ``job(emit, cancel, inbox)`` once its arguments are
bound; it and everything it sends pickle.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from fflux_studio.evaluation import landscape, most_influential
from fflux_studio.gpr import GPRModel, Likelihood
from fflux_studio.io.model_file import read_model
from fflux_studio.io.typed_path import read_typed_path
from fflux_studio.io.upload import read_upload
from fflux_studio.model_check import check_model
from fflux_studio.model_on_data import match_model, training_frames
from fflux_studio.optimize.events import check_cancel
from fflux_studio.ui.landscape import grid_points
from fflux_studio.ui.messages import LandscapeGrid
from fflux_studio.ui.model_messages import ModelChecked, ModelLandscape, ModelOpened, ModelTested
from fflux_studio.ui.predictions import Predictions

HALF_WIDTH = 3.0
"""The landscape spans ln θ ± this around the model's θ in each of its two features."""


@dataclass(frozen=True)
class ModelFile:
    """One ``.model`` file: a path typed on the page (read on the server's machine) or an upload."""

    path: str = ""
    name: str = ""
    content: bytes = field(default=b"", repr=False)

    def read(self, workdir=None) -> tuple[GPRModel, str]:
        """The model and the file's name as the user gave it; InputError names the file so."""
        if self.name:
            model, shown, _ = read_upload([self.name], [self.content], read_model, workdir)
            return model, shown
        return read_typed_path(self.path, read_model, "a .model file")


@dataclass(frozen=True)
class LoadedFrames:
    """The loaded data to test on: the dataset, which frames (0-based) and those frames in words."""

    dataset: object
    frames: np.ndarray
    label: str
    source: str = ""


def errors_on(model: GPRModel, data: LoadedFrames | None) -> ModelTested:
    """The model's errors on the chosen frames, or why it cannot be tested on them."""
    if data is None or data.dataset is None:
        return ModelTested(None, "", "no data are loaded")
    match = match_model(model, data.dataset, data.source)
    if not match.ok:
        return ModelTested(None, data.label, match.problem)
    x, y = data.dataset.xy(match.atom, match.prop)
    frames = np.asarray(data.frames)
    notes = [match.note] if match.note else []
    own = int(training_frames(model, x[frames]).sum())
    if own:
        notes.append(f"{own} of these {len(frames)} frames are among the model's {model.n_train} training points: "
                     "their errors measure how it reproduces its own data, not how it predicts")
    predictions = Predictions.of(model, x[frames], y[frames], data.dataset.unit(match.prop), frames)
    return ModelTested(predictions, data.label, note="; ".join(notes))


def default_pair(model: GPRModel) -> tuple[int, int]:
    """The landscape's features unless the user chooses others: the two that matter most to the
    kernel at the file's θ (a θ of 0, a switched-off feature, matters least)."""
    with np.errstate(divide="ignore"):
        return tuple(int(h) for h in most_influential(np.log(model.theta), model.x))


def landscape_around(model: GPRModel, likelihood_kind: str, cancel=None, pair=None) -> ModelLandscape:
    """ln L over ln θ ± HALF_WIDTH of features ``pair`` (x, y; 0-based; None: ``default_pair``), the
    others at the file's θ; the middle grid point is the file's θ itself, and the grid as fine as the
    cost of that one ln L allows (landscape.grid_points, as the Train step's grids). No grid for a
    one-feature model (no plane to show)."""
    if pair is not None and pair[0] == pair[1]:
        raise ValueError(f"a landscape needs two different features, not feature {pair[0] + 1} twice")
    likelihood = Likelihood(model.x, model.y, model.kernel, likelihood_kind, model.nugget)
    began = time.perf_counter()
    at_theta = float(likelihood.evaluate(model.theta, gradient=False)[0])
    if model.n_features < 2:
        return ModelLandscape(None, at_theta)
    with np.errstate(divide="ignore"):  # a θ of 0 (a switched-off feature) is ln θ = -inf, exp(-inf) = 0
        centre = np.log(model.theta)
    i, j = default_pair(model) if pair is None else (int(h) for h in pair)
    n = grid_points(model.n_train, time.perf_counter() - began)  # odd: the middle point is the centre
    offsets = np.linspace(-HALF_WIDTH, HALF_WIDTH, n)
    offsets[n // 2] = 0.0
    grid_i, grid_j = centre[i] + offsets, centre[j] + offsets
    with np.errstate(over="ignore", invalid="ignore"):  # failed corners of the grid are NaN
        values = landscape(likelihood, centre, i, j, grid_i, grid_j, cancel=cancel)
    grid = LandscapeGrid("model", i, j, grid_i, grid_j, values, centre, time.perf_counter() - began)
    return ModelLandscape(grid, at_theta)


def open_model(file: ModelFile, data: LoadedFrames | None, workdir, emit, cancel, inbox=None) -> None:
    """Read, check, test, then the landscape (the slow part, cancellable), each sent as it is ready."""
    model, source = file.read(workdir)
    emit(ModelOpened(model, source))
    check = check_model(model)
    emit(ModelChecked(check))
    check_cancel(cancel)
    emit(errors_on(model, data))
    check_cancel(cancel)
    emit(landscape_around(model, check.likelihood, cancel))


def landscape_of(model: GPRModel, likelihood_kind: str, pair: tuple[int, int], emit, cancel, inbox=None) -> None:
    """The opened model's landscape over a pair chosen on the page, without reading the file again."""
    emit(landscape_around(model, likelihood_kind, cancel, pair))


def errors_again(model: GPRModel, data: LoadedFrames | None, emit, cancel, inbox=None) -> None:
    """The opened model's errors on other frames or other data, without reading or mapping it again."""
    emit(errors_on(model, data))
