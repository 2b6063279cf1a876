"""Domain warnings: none on the models' own data, the std check away from it, the range check when a
prediction leaves the training energies; the leave-one-out reference is the models' own."""

import numpy as np
import pytest

from fflux_studio.forcefield.domain import STD_FACTOR, STD_PERCENTILE, DomainLimits, check_domain
from fflux_studio.forcefield.model_set import load_model_set

from .model_sets import write_model_set


@pytest.fixture(scope="module")
def dense_models(ethanol, tmp_path_factory):
    """400 frames: enough that the models' own held-out std is well below their prior std (with a few
    dozen frames in 21 dimensions every point is far from the others and nothing can stand out)."""
    return write_model_set(ethanol, tmp_path_factory.mktemp("dense"), "rbf-cyclic", frames=np.arange(400))


def test_training_geometry_is_inside(ethanol, cyclic_models):
    model_set = load_model_set([cyclic_models])
    limits = DomainLimits.of(model_set)
    reference = np.percentile(np.sqrt(model_set.models[0].leave_one_out_variance()), STD_PERCENTILE)
    assert limits.reference_std[0] == reference
    check = check_domain(model_set, ethanol.geometries[5], limits)
    assert check.warnings == []
    assert check.energy_std == np.sqrt(np.sum(check.atomic_std**2))


def test_a_stretched_bond_is_outside(ethanol, dense_models):
    model_set = load_model_set([dense_models])
    positions = ethanol.geometries[5].copy()
    positions[3] += 1.5 * (positions[3] - positions[2])  # pull the hydroxyl H4 off O3
    check = check_domain(model_set, positions, DomainLimits.of(model_set))
    assert check_domain(model_set, ethanol.geometries[1000], DomainLimits.of(model_set)).warnings == []
    assert any("atom H4 has a predictive std" in w and f"limit is {STD_FACTOR:g} x" in w for w in check.warnings)


def test_a_prediction_beyond_the_training_energies_is_outside(ethanol, cyclic_models):
    model_set = load_model_set([cyclic_models])
    limits = DomainLimits.of(model_set)
    limits.low[1] = limits.high[1] = model_set.models[1].y.max() + 1.0  # every C2 energy is now "below"
    check = check_domain(model_set, ethanol.geometries[5], limits)
    assert check.warnings == [w for w in check.warnings if "atom C2 is predicted" in w and "below" in w]
    assert len(check.warnings) == 1
