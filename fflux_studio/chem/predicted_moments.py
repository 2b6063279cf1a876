"""A model set's predictions for new geometries, back in the global frame: what the force field
needs from the charge and moment models (SPEC §8, §9).

A model set here is ``models[atom][property]``: anything with ``alf`` (1-based origin, x-axis,
xy-plane, as a .model file gives it) and ``predict(features)``, such as a GPRModel read from a
.model file (:func:`models_by_atom` sorts a folder's worth). Each atom's features and frame come from
its own models' ALF.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.features import alf_rotation, atom_features
from fflux_studio.chem.molecular_dipole import dipole_vectors, molecular_dipole
from fflux_studio.chem.multipoles import rotate_rank
from fflux_studio.chem.solid_harmonics import HARMONICS


def models_by_atom(models) -> dict[str, dict[str, object]]:
    """``models[atom][property]`` from models that name their ``atom`` and ``property_name``
    (e.g. every .model file ``train --property all`` wrote)."""
    result: dict[str, dict[str, object]] = {}
    for model in models:
        result.setdefault(model.atom, {})[model.property_name] = model
    return result


def _atoms(models) -> list[tuple[str, tuple[int, ...]]]:
    """(atom, 0-based ALF) in atom order, from any one model of each atom."""
    atoms = [(atom, tuple(i - 1 for i in next(iter(props.values())).alf)) for atom, props in models.items()]
    return sorted(atoms, key=lambda item: item[1][0])


def _predict(models, atom: str, prop: str, features) -> np.ndarray:
    if prop not in models[atom]:
        raise KeyError(f"no {prop} model for atom {atom}; it has {', '.join(models[atom])}")
    return models[atom][prop].predict(features)


def predict_global_moments(positions, models, rank: int) -> np.ndarray:
    """Rank-``rank`` moments (F, N, 2l+1) of every atom in ``models`` for ``positions`` (F, N, 3) Å,
    predicted in each atom's ALF and rotated into the global frame (Cᵀ), in e·bohr^l."""
    positions = np.asarray(positions, dtype=float)
    out = []
    for atom, alf in _atoms(models):
        features = atom_features(positions, alf)
        local = np.stack([_predict(models, atom, label, features) for label in HARMONICS[rank]], axis=1)
        out.append(rotate_rank(local, np.swapaxes(alf_rotation(positions, alf), 1, 2), rank))
    return np.stack(out, axis=1)


def predict_molecular_dipole(positions, models) -> np.ndarray:
    """μ = Σ_A (q_A r_A + μ_A) (F, 3) in e·bohr from the q00 and q10, q11c, q11s models of every atom."""
    positions = np.asarray(positions, dtype=float)
    atoms = _atoms(models)
    charges = np.stack([_predict(models, atom, "q00", atom_features(positions, alf)) for atom, alf in atoms], axis=1)
    return molecular_dipole(positions, charges, dipole_vectors(predict_global_moments(positions, models, 1)))
