"""GPRModel and the likelihood against FEREBUS's twelve reference models, scikit-learn and ICHOR."""

import dataclasses

import numpy as np
import pytest

from fflux_studio.gpr import GPRModel, Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.gpr.kernels import correlation
from fflux_studio.gpr.model import training_correlation
from fflux_studio.io.model_file import read_model

from .conftest import REFERENCE_FILES, random_data, reference_path

CASES = [(system, kind) for system in REFERENCE_FILES for kind in ("concentrated", "marginal")]
# SPEC section 3: the NMA "marginal" file is a copy of the concentrated run.
WRITTEN_BY = {("nma", "marginal"): "concentrated"}
WATER = "ichor-examples/water_o1_reference"


@pytest.mark.parametrize("system,kind", CASES)
def test_reference_log_likelihood_and_weights(shared_data, system, kind):
    model = read_model(reference_path(shared_data, system, kind))
    kind = WRITTEN_BY.get((system, kind), kind)
    value, _ = Likelihood(model.x, model.y, model.kernel, kind, model.nugget).evaluate(model.theta, gradient=False)
    assert value == pytest.approx(model.log_likelihood, rel=1e-6)
    fitted = GPRModel.fit(model.x, model.y, model.theta, model.kernel, kind, model.nugget)
    assert np.abs(fitted.weights - model.weights).max() <= 1e-4 * np.abs(model.weights).max()
    if (system, kind) == ("glycine", "concentrated"):
        # SPEC section 3: the file writes mean(y) although its weights were computed with mu-hat.
        assert model.mean == pytest.approx(model.y.mean(), abs=1e-12)
        assert fitted.mean - model.mean == pytest.approx(0.0568, abs=5e-4)
    else:
        assert fitted.mean == pytest.approx(model.mean, abs=1e-8)


def test_nma_marginal_file_is_not_a_marginal_optimum(shared_data):
    model = read_model(reference_path(shared_data, "nma", "marginal"))
    marginal, _ = Likelihood(model.x, model.y, model.kernel, "marginal", model.nugget).evaluate(model.theta, False)
    assert abs(marginal - model.log_likelihood) > 0.1 * abs(model.log_likelihood)


@pytest.fixture(scope="module")
def methanol_subset(methanol):
    rows = np.random.default_rng(0).choice(len(methanol.y), 200, replace=False)
    test = np.setdiff1d(np.arange(len(methanol.y)), rows)[:100]
    return methanol.x[rows], methanol.y[rows], methanol.x[test], methanol.theta


def test_scikit_learn_gives_the_same_marginal_likelihood_gradient_and_predictions(methanol_subset):
    gaussian_process = pytest.importorskip("sklearn.gaussian_process")
    x, y, x_test, theta = methanol_subset
    nugget = 1e-8
    kernel = gaussian_process.kernels.RBF(length_scale=np.sqrt(0.5 / theta), length_scale_bounds="fixed")
    reference = gaussian_process.GaussianProcessRegressor(kernel, alpha=nugget, optimizer=None)
    reference.fit(x, y - y.mean())
    likelihood = Likelihood(x, y, Kernel.named("rbf", 12), "marginal", nugget)
    value, gradient = likelihood(np.log(theta))
    assert value == pytest.approx(reference.log_marginal_likelihood_value_, rel=1e-9)
    # d/d log l = -2 d/d log theta, since theta = 1 / (2 l^2).
    free = reference.kernel_.clone_with_theta(reference.kernel_.theta)
    free.length_scale_bounds = (1e-5, 1e5)
    sk_value, sk_gradient = gaussian_process.GaussianProcessRegressor(free, alpha=nugget, optimizer=None).fit(
        x, y - y.mean()).log_marginal_likelihood(free.theta, eval_gradient=True)
    assert sk_value == pytest.approx(value, rel=1e-9)
    np.testing.assert_allclose(-2.0 * gradient, sk_gradient, rtol=1e-6, atol=1e-8 * np.abs(sk_gradient).max())
    model = GPRModel.fit(x, y, theta, Kernel.named("rbf", 12), "marginal", nugget)
    mean, std = reference.predict(x_test, return_std=True)
    prediction, variance = model.predict(x_test, return_variance=True)
    np.testing.assert_allclose(prediction, mean + y.mean(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(variance, std**2, rtol=1e-6, atol=1e-12)


@pytest.fixture(scope="module")
def water(shared_data):
    folder = shared_data / WATER
    model = read_model(folder / "models" / "WATER_MONOMER_iqa_O1.model")
    table = np.genfromtxt(folder / "test_set" / "O1_features_with_properties.txt", delimiter=",", names=True)
    x_test = np.column_stack([table[f"f{h}"] for h in range(1, model.n_features + 1)])
    predictions = np.loadtxt(folder / "previous_gpr_predictions" / "o1_predictions.txt")
    variances = np.loadtxt(folder / "previous_gpr_predictions" / "o1_variance.txt")
    return model, x_test, predictions, variances


def test_water_predictions_reproduce_ichor(water):
    model, x_test, predictions, _ = water
    np.testing.assert_allclose(model.predict(x_test), predictions, rtol=0, atol=1e-9)


def test_water_weights_were_computed_with_the_gpytorch_noise_as_nugget(water):
    model, *_ = water
    noise = 2.2797812188702698e-08  # the "# noise" line of the file
    fitted = GPRModel.fit(model.x, model.y, model.theta, model.kernel, "marginal", noise)
    assert np.abs(fitted.weights - model.weights).max() <= 1e-5 * np.abs(model.weights).max()


def test_water_variances_are_unit_prior_with_a_1e_10_nugget_and_no_noise(water):
    """ICHOR's variances are 1 - k*^T (K + 1e-10 I)^-1 k*: no sigma^2 scale, no noise term, and
    not the nugget of the weights. They are ~1e-10, so only ~1e-4 of them survives the subtraction."""
    model, x_test, _, variances = water
    unit_prior = dataclasses.replace(model, likelihood="marginal", nugget=1e-10)
    _, variance = unit_prior.predict(x_test, return_variance=True)
    np.testing.assert_allclose(variance, variances, rtol=1e-3)
    with_noise = dataclasses.replace(unit_prior, nugget=2.2797812188702698e-08)
    assert np.median(np.abs(with_noise.predict(x_test, return_variance=True)[1] / variances - 1)) > 0.5


@pytest.mark.parametrize("likelihood", ["concentrated", "marginal"])
def test_fit_interpolates_and_variance_runs_from_zero_to_the_prior(likelihood):
    x, y = random_data(60, 6, seed=3)
    kernel = Kernel.named("rbf-cyclic", 6)
    theta = np.full(6, 0.5)
    model = GPRModel.fit(x, y, theta, kernel, likelihood, nugget=1e-10)
    prediction, variance = model.predict(x, return_variance=True)
    np.testing.assert_allclose(prediction, y, atol=1e-6)
    assert variance.max() < 1e-6
    far = x[:3] + 50.0
    prior = 1.0 if likelihood == "marginal" else np.mean((y - model.mean) * model.weights)
    np.testing.assert_allclose(model.predict(far, return_variance=True)[1], prior, rtol=1e-9)
    np.testing.assert_allclose(model.predict(far), model.mean, rtol=1e-12)


def test_fit_and_predict_refuse_bad_input():
    x, y = random_data(10, 3)
    kernel = Kernel.named("rbf", 3)
    with pytest.raises(ValueError, match="likelihood"):
        GPRModel.fit(x, y, np.ones(3), kernel, likelihood="profile")
    with pytest.raises(NotPositiveDefinite):
        GPRModel.fit(np.vstack([x, x]), np.concatenate([y, y]), np.ones(3), kernel, nugget=-1e-6)
    model = GPRModel.fit(x, y, np.ones(3), kernel)
    with pytest.raises(ValueError, match="features"):
        model.predict(np.ones((2, 4)))


KERNELS = {name: Kernel.named(name, 9) for name in ("rbf", "rbf-cyclic", "periodic")}
KERNELS["rbf x periodic"] = Kernel(("rbf",) * 5 + ("periodic",) + ("rbf",) * 2 + ("periodic",))


@pytest.mark.parametrize("name", KERNELS)
def test_prediction_gradient_equals_central_differences(name):
    x, y = random_data(80, 9, seed=5)
    theta = np.random.default_rng(1).uniform(0.05, 0.8, 9)
    model = GPRModel.fit(x, y, theta, KERNELS[name], nugget=1e-8)
    x_test = random_data(6, 9, seed=6)[0]
    prediction, gradient = model.predict_gradient(x_test)
    np.testing.assert_allclose(prediction, model.predict(x_test), rtol=0, atol=1e-12)
    step = 1e-5
    for h in range(9):
        shift = np.zeros(9)
        shift[h] = step
        central = (model.predict(x_test + shift) - model.predict(x_test - shift)) / (2 * step)
        np.testing.assert_allclose(gradient[:, h], central, rtol=1e-6, atol=1e-7 * np.abs(gradient).max())


def test_leave_one_out_variance_equals_a_refit_without_the_point():
    x, y = random_data(40, 6, seed=2)
    model = GPRModel.fit(x, y, np.full(6, 0.3), Kernel.named("rbf-cyclic", 6), nugget=1e-6)
    loo = model.leave_one_out_variance()
    _, sigma2 = model._variance_terms
    for i in (0, 17, 39):
        rest = np.delete(np.arange(40), i)
        r_rest = training_correlation(model.theta, model.kernel, x[rest], model.nugget)
        k = correlation(model.theta, model.kernel, x[i:i + 1], x[rest])[0]
        expected = sigma2 * (1.0 + model.nugget - k @ np.linalg.solve(r_rest, k))
        assert loo[i] == pytest.approx(expected, rel=1e-6)
