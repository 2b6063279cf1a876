"""The fast likelihood: gradient against finite differences, K against the exact kernel, failures."""

import numpy as np
import pytest

import fflux_studio.gpr.likelihood as likelihood_module
from fflux_studio.gpr import Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, correlation
from fflux_studio.gpr.likelihood import _rotate_to_largest_gap, _wrap_count

from .conftest import random_data

KINDS = ("concentrated", "marginal")


def kernels_for(d):
    return {name: Kernel.named(name, d) for name in ("rbf", "rbf-cyclic", "periodic")} | {
        "composite": Kernel(tuple((RBF, CYCLIC, PERIODIC)[h % 3] for h in range(d)))}


def finite_difference(likelihood, log_theta, step=1e-3):
    """Central differences; at 1e-3 in log theta truncation (~1e-7) beats rounding in ln L."""
    out = np.empty_like(log_theta)
    for h in range(len(log_theta)):
        e = np.zeros_like(log_theta)
        e[h] = step
        out[h] = (likelihood(log_theta + e, False)[0] - likelihood(log_theta - e, False)[0]) / (2 * step)
    return out


def assert_gradient_matches(analytic, numeric):
    """Each component to 1e-5 of itself (+1e-7 of the largest): a factor 2 or a sign is far outside."""
    tolerance = 1e-5 * np.abs(numeric) + 1e-7 * np.abs(numeric).max()
    bad = np.abs(analytic - numeric) > tolerance
    assert not bad.any(), f"components {np.flatnonzero(bad)}: analytic {analytic[bad]} vs numeric {numeric[bad]}"


def test_gradient_check_catches_a_factor_two_or_a_sign_in_one_component():
    numeric = np.array([3.0, -0.02, 150.0, 0.4])
    assert_gradient_matches(numeric * (1 + 1e-7), numeric)
    for h in range(4):
        for wrong in (2.0, -1.0):
            broken = numeric.copy()
            broken[h] *= wrong
            with pytest.raises(AssertionError):
                assert_gradient_matches(broken, numeric)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["rbf", "rbf-cyclic", "periodic", "composite"])
def test_gradient_on_random_data(name, kind):
    x, y = random_data(120, 9, seed=2)
    likelihood = Likelihood(x, y, kernels_for(9)[name], kind, nugget=1e-8)
    log_theta = np.log(np.random.default_rng(3).uniform(0.05, 0.6, 9))
    value, gradient = likelihood(log_theta)
    assert np.isfinite(value)
    assert_gradient_matches(gradient, finite_difference(likelihood, log_theta))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["rbf", "rbf-cyclic", "periodic", "composite"])
def test_gradient_on_methanol(methanol, name, kind):
    """150 real points, FEREBUS's theta perturbed so that no component sits at a stationary point."""
    rows = np.random.default_rng(4).choice(len(methanol.y), 150, replace=False)
    likelihood = Likelihood(methanol.x[rows], methanol.y[rows], kernels_for(12)[name], kind, nugget=1e-10)
    log_theta = np.log(methanol.theta) + np.random.default_rng(5).uniform(-0.7, 0.7, 12)
    _, gradient = likelihood(log_theta)
    assert_gradient_matches(gradient, finite_difference(likelihood, log_theta))


@pytest.mark.parametrize("name", ["rbf", "rbf-cyclic", "periodic", "composite"])
def test_fast_correlation_is_the_exact_kernel(name):
    x, y = random_data(150, 9, seed=6)
    kernel = kernels_for(9)[name]
    theta = np.random.default_rng(7).uniform(0.0, 2.0, 9)
    k = Likelihood(x, y, kernel).correlation(theta)
    np.testing.assert_allclose(k, correlation(theta, kernel, x, x), rtol=0, atol=1e-13)
    np.testing.assert_array_equal(k, k.T)
    np.testing.assert_array_equal(np.diagonal(k), 1.0)


def test_angles_given_over_several_turns_wrap_like_the_exact_kernel():
    x, y = random_data(120, 6, seed=13)
    x[:, 2::3] += 2 * np.pi * np.random.default_rng(14).integers(-2, 3, size=(120, 2))
    kernel = Kernel.named("rbf-cyclic", 6)
    theta = np.full(6, 0.7)
    k = Likelihood(x, y, kernel).correlation(theta)
    np.testing.assert_allclose(k, correlation(theta, kernel, x, x), rtol=0, atol=1e-12)


def test_correlation_on_real_angles(methanol):
    kernel = Kernel.named("rbf-cyclic", 12)
    k = Likelihood(methanol.x, methanol.y, kernel).correlation(methanol.theta)
    np.testing.assert_allclose(k, correlation(methanol.theta, kernel, methanol.x, methanol.x), rtol=0, atol=1e-13)


def test_wrapping_pairs_listed_or_recomputed_give_the_same_numbers(monkeypatch):
    x, y = random_data(100, 9, seed=8)
    kernel = Kernel.named("rbf-cyclic", 9)
    log_theta = np.log(np.full(9, 0.3))
    stored = Likelihood(x, y, kernel)
    monkeypatch.setattr(likelihood_module, "MAX_STORED_WRAP_PAIRS", 0)
    recomputed = Likelihood(x, y, kernel)
    assert stored._wraps is not None and recomputed._wraps is None
    value, gradient = stored(log_theta)
    again, gradient_again = recomputed(log_theta)
    assert again == value
    np.testing.assert_array_equal(gradient_again, gradient)


def test_turning_angles_keeps_wrapped_differences_and_avoids_wrapping():
    rng = np.random.default_rng(9)
    split = np.mod(2 * np.pi + 0.2 * rng.standard_normal(200), 2 * np.pi) - np.pi
    turned = _rotate_to_largest_gap(split)
    assert _wrap_count(split) > 0 and _wrap_count(turned) == 0
    spread = rng.uniform(-np.pi, np.pi, 200)
    for angle in (split, spread):
        turned = _rotate_to_largest_gap(angle)
        before = np.abs(np.angle(np.exp(1j * (angle[:, None] - angle[None, :]))))
        after = np.abs(np.angle(np.exp(1j * (turned[:, None] - turned[None, :]))))
        np.testing.assert_allclose(after, before, atol=1e-13)
        assert _wrap_count(turned) <= _wrap_count(angle)
    inside = rng.uniform(0.0, 3.0, 50)
    assert _rotate_to_largest_gap(inside) is inside


def test_value_alone_equals_value_with_gradient_and_evaluations_are_counted():
    x, y = random_data(60, 6, seed=10)
    likelihood = Likelihood(x, y, Kernel.named("rbf-cyclic", 6))
    log_theta = np.log(np.full(6, 0.4))
    value, none = likelihood(log_theta, gradient=False)
    assert none is None
    assert likelihood(log_theta)[0] == value
    assert likelihood.evaluate(np.exp(log_theta), False)[0] == value
    assert likelihood.n_evaluations == 3


def test_definitions_written_out():
    """ln L from SPEC section 3 with dense linear algebra, both kinds."""
    x, y = random_data(80, 6, seed=11)
    kernel = Kernel.named("rbf-cyclic", 6)
    theta = np.full(6, 0.3)
    r = correlation(theta, kernel, x, x) + 1e-8 * np.eye(80)
    r_inv = np.linalg.inv(r)
    log_det = np.linalg.slogdet(r)[1]
    ones = np.ones(80)
    mu = ones @ r_inv @ y / (ones @ r_inv @ ones)
    sigma2 = (y - mu) @ r_inv @ (y - mu) / 80
    concentrated = -40 * np.log(sigma2) - 0.5 * log_det
    m = y - y.mean()
    marginal = -0.5 * m @ r_inv @ m - 0.5 * log_det - 40 * np.log(2 * np.pi)
    for kind, expected in (("concentrated", concentrated), ("marginal", marginal)):
        value, _ = Likelihood(x, y, kernel, kind, nugget=1e-8).evaluate(theta)
        assert value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("gradient", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_not_positive_definite_raises_and_never_returns_nan(kind, gradient):
    """Without a nugget: distinct points give a finite ln L until theta is so small that K is a matrix
    of ones in double precision; a repeated point makes R singular at every theta."""
    x, y = random_data(30, 3, seed=12)
    kernel = Kernel.named("rbf", 3)
    likelihood = Likelihood(x, y, kernel, kind, nugget=0.0)
    for log_theta in (3.0, 0.0, -3.0):
        value, g = likelihood(np.full(3, log_theta), gradient)
        assert np.isfinite(value) and (g is None or np.isfinite(g).all())
    with pytest.raises(NotPositiveDefinite):
        likelihood(np.full(3, -30.0), gradient)
    x, y = np.vstack([x, x[:5]]), np.concatenate([y, y[:5] + 0.1])
    for nugget in (0.0, -1e-6):
        repeated = Likelihood(x, y, kernel, kind, nugget=nugget)
        for log_theta in (3.0, 0.0, -30.0):
            with pytest.raises(NotPositiveDefinite):
                repeated(np.full(3, log_theta), gradient)


def test_bad_input_is_refused():
    x, y = random_data(10, 3)
    with pytest.raises(ValueError, match="unknown likelihood"):
        Likelihood(x, y, Kernel.named("rbf", 3), kind="profile")
    with pytest.raises(ValueError, match="features"):
        Likelihood(x, y, Kernel.named("rbf", 4))
    with pytest.raises(ValueError, match="must be"):
        Likelihood(x, y[:5], Kernel.named("rbf", 3))
