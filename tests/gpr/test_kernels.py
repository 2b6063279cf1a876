"""Kernel descriptions and the exact feature-by-feature exponent, against SPEC section 3 written out;
the cyclic distance against an explicit search over an angle's periodic images."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, Kernel, correlation, cross_exponent, wrap

from .conftest import random_data


def shortest_turn_squared(d):
    """min over k of (d - 2 pi k)^2: the squared shortest turn, by trying the images one by one."""
    images = np.asarray(d)[..., None] - 2 * np.pi * np.arange(-4, 5)
    return np.min(images**2, axis=-1)


def test_named_kernels_follow_ferebus():
    assert Kernel.named("rbf", 4).kinds == (RBF,) * 4
    assert Kernel.named("periodic", 2).kinds == (PERIODIC,) * 2
    assert Kernel.named("rbf-cyclic", 7).kinds == (RBF, RBF, CYCLIC, RBF, RBF, CYCLIC, RBF)
    for name in ("rbf", "rbf-cyclic", "periodic"):
        assert Kernel.named(name, 9).name == name
    assert Kernel((RBF, PERIODIC)).name == "composite"
    np.testing.assert_array_equal(Kernel.named("rbf-cyclic", 7).indices(CYCLIC), [2, 5])


def test_unknown_kernel_and_kind_are_refused():
    with pytest.raises(ValueError, match="unknown kernel"):
        Kernel.named("matern", 3)
    with pytest.raises(ValueError, match="unknown feature kind"):
        Kernel(("rbf", "laplace"))


@given(st.floats(-4 * np.pi, 4 * np.pi, allow_nan=False))
def test_wrap_is_the_shortest_turn(d):
    """An image of d (a whole number of turns away) no farther from 0 than any other image."""
    w = wrap(np.array([d]))[0]
    assert -np.pi <= w <= np.pi
    turns = (d - w) / (2 * np.pi)
    assert turns == pytest.approx(round(turns), abs=1e-12)
    assert w * w == pytest.approx(shortest_turn_squared(d), abs=1e-12)


def test_cross_exponent_is_spec_section_3_feature_by_feature():
    x, _ = random_data(40, 9, seed=1)
    xb = x[::-2] + 0.3
    kernel = Kernel((RBF, PERIODIC, CYCLIC) * 3)
    theta = np.linspace(0.1, 0.9, 9)
    theta[4] = 0.0
    d = x[:, None, :] - xb[None, :, :]
    expected = np.zeros(d.shape[:2])
    for h, kind in enumerate(kernel.kinds):
        dh = d[:, :, h]
        expected += theta[h] * {RBF: dh**2, CYCLIC: shortest_turn_squared(dh), PERIODIC: 4 * np.sin(dh / 2) ** 2}[kind]
    np.testing.assert_allclose(cross_exponent(theta, kernel, x, xb), expected, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(correlation(theta, kernel, x, xb), np.exp(-expected), rtol=1e-13)


def test_cyclic_wrap_changes_only_differences_beyond_half_a_turn():
    a = np.array([[3.0], [-3.0], [0.5]])
    d2 = cross_exponent(np.ones(1), Kernel((CYCLIC,)), a, a)
    assert d2[0, 1] == pytest.approx((2 * np.pi - 6.0) ** 2, rel=1e-12)
    assert d2[0, 2] == pytest.approx(2.5**2, rel=1e-14)
    assert d2[1, 2] == pytest.approx((2 * np.pi - 3.5) ** 2, rel=1e-12)
