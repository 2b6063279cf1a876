"""The two routes to the rotation of real multipole moments agree, and each is a rotation."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from fflux_studio.chem.harmonic_rotation import harmonic_rotation, real_solid_harmonics
from fflux_studio.chem.multipoles import cartesian_rotation
from fflux_studio.chem.solid_harmonics import evaluate

ROTATIONS = Rotation.random(50, random_state=3).as_matrix()


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_scipy_harmonics_are_stones(rank):
    points = np.random.default_rng(4).normal(size=(20, 3))
    assert np.allclose(real_solid_harmonics(rank, points), evaluate(rank, points), atol=1e-12)


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_cartesian_and_harmonic_routes_agree(rank):
    cartesian = cartesian_rotation(ROTATIONS, rank)
    harmonic = harmonic_rotation(ROTATIONS, rank)
    assert np.max(np.abs(cartesian - harmonic)) < 1e-12


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_each_route_gives_orthogonal_matrices_that_compose(rank):
    eye = np.eye(2 * rank + 1)
    for route in (cartesian_rotation, harmonic_rotation):
        d = route(ROTATIONS, rank)
        assert np.allclose(d @ np.swapaxes(d, 1, 2), eye, atol=1e-12)
        composed = route(ROTATIONS[:-1] @ ROTATIONS[1:], rank)
        assert np.allclose(composed, d[:-1] @ d[1:], atol=1e-12)
