"""Has a geometry left the models' domain? Two checks, per atom, from what the model files hold.

- **Uncertainty**: the predictive standard deviation at the geometry against the models' own
  held-out points. A model file carries no test set, so its training points stand in for one,
  each predicted by the model without it (leave-one-out, same hyperparameters): that is the
  standard deviation the model shows on points like its own data. The geometry is flagged when
  an atom's standard deviation exceeds ``STD_FACTOR`` × the ``STD_PERCENTILE``-th percentile of
  its leave-one-out standard deviations.
- **Range**: the predicted atomic energy against the training energies. A GP can extrapolate
  confidently where the features look familiar (ICHOR's ammonia H3 model predicts ~20 mHa below
  its own training range with a tiny variance); a prediction beyond the range by more than
  ``RANGE_MARGIN`` of the range's width is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.forcefield.energy import atomic_variances, evaluate
from fflux_studio.forcefield.model_set import ModelSet
from fflux_studio.io.geometry_dataset import atom_names
from fflux_studio.units import HARTREE_TO_KJMOL

STD_FACTOR = 3.0
STD_PERCENTILE = 95.0
RANGE_MARGIN = 0.1


@dataclass
class DomainLimits:
    """Per atom: the reference standard deviation (Ha) and the allowed energy interval (Ha)."""

    reference_std: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, model_set: ModelSet) -> "DomainLimits":
        """Costs one inverse of each model's R (once per model set)."""
        reference = [np.percentile(np.sqrt(m.leave_one_out_variance()), STD_PERCENTILE) for m in model_set.models]
        y_min = np.array([m.y.min() for m in model_set.models])
        y_max = np.array([m.y.max() for m in model_set.models])
        margin = RANGE_MARGIN * (y_max - y_min)
        return cls(np.array(reference), y_min - margin, y_max + margin)


@dataclass
class DomainCheck:
    """Standard deviations (Ha) per atom and of E (their sum in quadrature), and the warnings."""

    atomic_std: np.ndarray
    energy_std: float
    warnings: list[str]


def check_domain(model_set: ModelSet, positions, limits: DomainLimits) -> DomainCheck:
    std = np.sqrt(atomic_variances(model_set, positions))
    energies = evaluate(model_set, positions).atomic_energies
    names = atom_names(model_set.symbols)
    warnings = []
    for a in np.flatnonzero(std > STD_FACTOR * limits.reference_std):
        warnings.append(f"outside the models' domain: atom {names[a]} has a predictive std of "
                        f"{std[a] * HARTREE_TO_KJMOL:.3g} kJ/mol, {std[a] / limits.reference_std[a]:.3g} x the "
                        f"{STD_PERCENTILE:g}th percentile of its leave-one-out std "
                        f"({limits.reference_std[a] * HARTREE_TO_KJMOL:.3g} kJ/mol; the limit is {STD_FACTOR:g} x)")
    for a in np.flatnonzero((energies < limits.low) | (energies > limits.high)):
        side, bound = ("below", limits.low[a]) if energies[a] < limits.low[a] else ("above", limits.high[a])
        warnings.append(f"outside the models' domain: atom {names[a]} is predicted "
                        f"{abs(energies[a] - bound) * HARTREE_TO_KJMOL:.3g} kJ/mol {side} its training energies "
                        f"(widened by {RANGE_MARGIN:.0%} of their range)")
    return DomainCheck(std, float(np.sqrt(np.sum(std**2))), warnings)
