"""Whether a model read from a ``.model`` file can be tested on a loaded dataset, and on which of its
frames: the same atom, property, feature count and (where both say) local frame, or else why not,
in words. A model and data of different molecules may still share an atom name and feature count;
that is allowed and only noted (ICHOR and FEREBUS name one system differently).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.dataset import Dataset, DatasetError
from fflux_studio.gpr import GPRModel

SAME_POINT = 1e-10
"""Squared feature distance (bohr², rad²) under which a frame counts as one of the model's training points."""


@dataclass(frozen=True)
class DataMatch:
    """The dataset's own spelling of the model's atom and property, or ``problem`` in words."""

    atom: str | None = None
    prop: str | None = None
    problem: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def match_model(model: GPRModel, dataset: Dataset, source: str = "") -> DataMatch:
    """How ``model`` applies to ``dataset`` (called ``source`` in messages, its system name by default)."""
    loaded = f"the loaded {source or dataset.system}"
    try:
        features = dataset.atom(model.atom)
    except DatasetError:
        return DataMatch(problem=f"atom {model.atom} is not in {loaded} (atoms: {', '.join(dataset.atom_names)})")
    if model.property_name not in dataset.properties(features.name):
        held = ", ".join(dataset.properties(features.name)) or "none"
        return DataMatch(problem=f"{loaded} has no property {model.property_name} for {features.name} "
                                 f"(its properties: {held})")
    width = features.features.shape[1]
    if width != model.n_features:
        return DataMatch(problem=f"the model has {model.n_features} features, {loaded} {features.name} has {width}")
    if model.alf and features.alf and tuple(model.alf) != tuple(features.alf):
        return DataMatch(problem=f"the model's local frame of {model.atom} is ALF {_alf(model.alf)}, that of {loaded} "
                                 f"{features.name} is ALF {_alf(features.alf)}: the same features mean other atoms")
    unit = dataset.unit(model.property_name)
    if unit.lower() != model.target_unit.lower():
        return DataMatch(problem=f"the model's {model.property_name} is in {model.target_unit}, "
                                 f"that of {loaded} in {unit}")
    note = ""
    if model.system.lower() != dataset.system.lower():
        note = f"the model was trained on system {model.system}, the loaded data are {dataset.system}"
    return DataMatch(features.name, model.property_name, note=note)


def _alf(alf) -> str:
    return " ".join(str(a) for a in alf)


def training_frames(model: GPRModel, x) -> np.ndarray:
    """Which rows of ``x`` are (to SAME_POINT) points the model was trained on: their errors say
    how well it reproduces its own data, not how it predicts."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    squared = (np.sum(x**2, axis=1)[:, None] + np.sum(model.x**2, axis=1)[None, :] - 2 * x @ model.x.T)
    scale = 1.0 + np.sum(x**2, axis=1)  # the expansion above loses this much to rounding
    return np.min(squared, axis=1) <= SAME_POINT * scale
