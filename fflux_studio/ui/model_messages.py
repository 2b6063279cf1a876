"""The typed messages of the Model step's job (engine -> page), plain frozen dataclasses that pickle,
beside the training ones in messages.py. The job ends, like every job, with one messages.Finished."""

from __future__ import annotations

from dataclasses import dataclass

from fflux_studio.gpr import GPRModel
from fflux_studio.model_check import ModelCheck
from fflux_studio.ui.messages import LandscapeGrid
from fflux_studio.ui.predictions import Predictions


@dataclass(frozen=True)
class ModelOpened:
    """A ``.model`` file read, named ``source`` as the user gave it."""

    model: GPRModel
    source: str


@dataclass(frozen=True)
class ModelChecked:
    """ln L and the weights recomputed from the file's own θ and training data (model_check.py)."""

    check: ModelCheck


@dataclass(frozen=True)
class ModelTested:
    """The model's errors on the loaded data (``predictions`` None and ``problem`` in words when the
    model does not fit them); ``frames`` says which frames in words; ``note`` what the user should
    know besides (another system's name, frames that are the model's own training points)."""

    predictions: Predictions | None
    frames: str
    problem: str = ""
    note: str = ""


@dataclass(frozen=True)
class ModelLandscape:
    """ln L around the model's own θ over two features (``grid``, whose ``centre`` is ln θ of the
    file; None for a one-feature model), and ln L at that θ itself. Its own type, not a
    LandscapeGrid: the Train step draws those."""

    grid: LandscapeGrid | None
    log_likelihood: float
