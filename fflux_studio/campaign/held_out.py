"""A campaign's models on its held-out frames: each model's predictions read back from the file it
wrote (as FFLUX reads it), and the molecule's total energy error per frame.

The total is what an FFLUX user judges a force field by (ICHOR's "total" S-curve): per test frame,
the sum over every atom of its predicted atomic energy minus the sum of the reference atomic
energies. Atomic errors partly cancel in it, or add up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fflux_studio.io.model_file import read_model

ENERGY_PROPERTIES = ("atomic_energy", "iqa")
"""Properties whose sum over a molecule's atoms is its energy (GFN2-xTB atom-partitioned, IQA)."""


def summed_energy_property(properties) -> str | None:
    """The first of ``properties`` that sums to the molecule's energy, or None."""
    return next((prop for prop in properties if prop in ENERGY_PROPERTIES), None)


def predict_held_out(task, folder) -> np.ndarray:
    """The predictions on ``task``'s test frames of the model it wrote into ``folder``."""
    return read_model(Path(folder) / task.file_name).predict(task.x_test)


def total_energy_errors(predictions: dict[str, np.ndarray], references: dict[str, np.ndarray]) -> np.ndarray:
    """Per test frame, Σ_A predicted E_A − Σ_A reference E_A over the atoms A of ``predictions``
    (which must be those of ``references``: a missing atom would make a partial sum look like a total)."""
    if set(predictions) != set(references):
        raise ValueError(f"atoms with predictions {sorted(predictions)} differ from atoms with references "
                         f"{sorted(references)}")
    atoms = sorted(references)
    return (np.sum([predictions[a] for a in atoms], axis=0) - np.sum([references[a] for a in atoms], axis=0))
