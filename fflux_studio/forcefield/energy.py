"""E(R) = Σ_A E_A(f_A(R)) and its analytic gradient by the chain rule (SPEC §9), with the GP
predictive variance as an uncertainty.

Each model's derivative in its own features (gpr) times the Jacobian of that atom's ALF features
in every Cartesian coordinate (chem.jacobian), summed over atoms in one contraction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.chem.features import atom_features
from fflux_studio.chem.jacobian import features_and_jacobian
from fflux_studio.forcefield.model_set import ModelSet
from fflux_studio.units import BOHR_PER_ANGSTROM


@dataclass
class Evaluation:
    """Energy (Ha), its gradient dE/dR (N, 3) in Ha/bohr, and the atoms' energies (Ha)."""

    energy: float
    gradient: np.ndarray
    atomic_energies: np.ndarray


def _features(model_set: ModelSet, positions: np.ndarray):
    """Features and Jacobian of every atom; a FeatureError names an atom whose frame is undefined."""
    features, jacobian = features_and_jacobian(positions, model_set.alfs)
    bad = np.flatnonzero(~np.isfinite(features).all(axis=1) | ~np.isfinite(jacobian).all(axis=(1, 2, 3)))
    if bad.size:
        atom_features(positions[None], model_set.alfs[bad[0]])  # raises the FeatureError that says why
    return features, jacobian


def _checked(model_set: ModelSet, positions) -> np.ndarray:
    positions = np.asarray(positions, dtype=float)
    if positions.shape != (model_set.n_atoms, 3):
        raise ValueError(f"{model_set.system} has {model_set.n_atoms} atoms; positions have shape {positions.shape}")
    return positions


def evaluate(model_set: ModelSet, positions) -> Evaluation:
    """Energy and gradient at one geometry (positions (N, 3) in Å, in the models' atom order)."""
    positions = _checked(model_set, positions)
    features, jacobian = _features(model_set, positions)
    energies = np.empty(model_set.n_atoms)
    d_features = np.empty(features.shape)
    for m, model in enumerate(model_set.models):
        value, slope = model.predict_gradient(features[m])
        energies[m], d_features[m] = value[0], slope[0]
    gradient = np.einsum("mf,mfnc->nc", d_features, jacobian)
    return Evaluation(float(energies.sum()), gradient, energies)


def atomic_variances(model_set: ModelSet, positions) -> np.ndarray:
    """Predictive variance (Ha²) of each atom's energy at one geometry. The variance of E is their
    sum if the models' errors are independent (they are fitted separately); that is an assumption."""
    positions = _checked(model_set, positions)
    features, _ = _features(model_set, positions)
    return np.array([model.predict(features[m:m + 1], return_variance=True)[1][0]
                     for m, model in enumerate(model_set.models)])


_STENCIL = ((-2, 1 / 12), (-1, -8 / 12), (1, 8 / 12), (2, -1 / 12))


def numerical_gradient(model_set: ModelSet, positions, step: float = 1e-3) -> np.ndarray:
    """dE/dR (Ha/bohr) by fourth-order central differences of the energy alone (``step`` in Å): the
    check of the analytic gradient. Its truncation error goes as step⁴; a much smaller step loses
    digits to rounding, since a prediction sums k w with weights of 1e3-1e5 at small nuggets."""
    positions = _checked(model_set, positions)
    gradient = np.zeros_like(positions)
    for index in np.ndindex(positions.shape):
        for offset, weight in _STENCIL:
            moved = positions.copy()
            moved[index] += offset * step
            gradient[index] += weight * evaluate(model_set, moved).energy / step
    return gradient / BOHR_PER_ANGSTROM
