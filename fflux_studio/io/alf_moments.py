"""Global multipole moments (AIMAll's frame) → each atom's ALF, as targets of a geometry Dataset.

The frame is the one the atom's features use (chosen on frame 1 or overridden by the user), so a
model of q21c predicts the moment in the frame its inputs describe.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.features import alf_rotation
from fflux_studio.chem.multipoles import MOMENTS, to_alf
from fflux_studio.dataset import Dataset
from fflux_studio.units import default_unit


def add_alf_moments(dataset: Dataset, global_moments: dict[str, np.ndarray]) -> Dataset:
    """Add ``q10 … q44s`` in each atom's ALF to ``dataset``'s targets, from ``global_moments[atom]``
    (F, 24) in :data:`MOMENTS` order; a diatomic (no xy-plane atom, so no ALF) only gets a note."""
    if len(dataset.elements) < 3:
        dataset.notes.append("multipole moments are not kept: a diatomic has no xy-plane atom, so no local frame")
        return dataset
    for name, atom in dataset.atoms.items():
        rotation = alf_rotation(dataset.geometries, tuple(i - 1 for i in atom.alf))
        local = to_alf(global_moments[name], rotation)
        dataset.targets[name].update({label: local[:, i] for i, label in enumerate(MOMENTS)})
    dataset.units.update({label: default_unit(label) for label in MOMENTS})
    return dataset
