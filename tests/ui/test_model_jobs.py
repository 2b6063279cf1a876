"""The Model step's job without a page: a real FEREBUS model read from its file (or its upload),
tested on its own system's validation set, its errors recomputed by a second route, its landscape
anchored at the file's θ, and bad files named in the error."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from fflux_studio.demo import load_demo
from fflux_studio.gpr import Kernel, Likelihood
from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.io.model_file import read_model
from fflux_studio.ui import landscape as landscape_module
from fflux_studio.ui.model_jobs import (LoadedFrames, ModelFile, default_pair, errors_on, landscape_around,
                                        landscape_of, open_model)
from fflux_studio.ui.model_messages import ModelChecked, ModelLandscape, ModelOpened, ModelTested
from fflux_studio.units import HARTREE_TO_KJMOL

AMMONIA = "ferebus-paper-data/likelihood/ammonia"


@pytest.fixture(scope="module")
def ammonia(shared_data):
    """FEREBUS's concentrated ammonia N1 model and the validation set of the same system."""
    model = shared_data / AMMONIA / "concentrated/AMMONIA_iqa_N1.model"
    return model, load_dataset(shared_data / AMMONIA / "AMMONIA_N1_VALIDATION_SET.csv")


def by_hand(model, x) -> np.ndarray:
    """Q(x) = mu + sum_j w_j exp(-sum_h theta_h (x_h - x_jh)^2), one test point at a time (rbf kernel)."""
    return np.array([model.mean + sum(w * np.exp(-np.sum(model.theta * (point - row) ** 2))
                                      for w, row in zip(model.weights, model.x)) for point in x])


def test_a_ferebus_model_is_read_checked_tested_and_mapped(ammonia):
    path, validation = ammonia
    messages = []
    with threadpool_limits(1):
        open_model(ModelFile(path=str(path)), LoadedFrames(validation, np.arange(500), "all 500 frames"), None,
                   messages.append, None)
    assert [type(m) for m in messages] == [ModelOpened, ModelChecked, ModelTested, ModelLandscape]
    opened, checked, tested, landscape = messages
    model = opened.model
    assert (model.system, model.atom, model.property_name, model.n_train, model.n_features) == (
        "AMMONIA", "N1", "iqa", 421, 6)
    assert opened.source == str(path) and checked.check.likelihood == "concentrated"
    assert checked.check.relative_difference < 1e-6  # the file's ln L 3655.6401 recomputed
    # the errors, a second way: the prediction formula by hand, in kJ/mol
    x, y = validation.xy("N1", "iqa")
    errors = (by_hand(model, x) - y) * HARTREE_TO_KJMOL
    p = tested.predictions
    assert p.unit == "kJ/mol" and tested.frames == "all 500 frames" and tested.problem == ""
    # large weights of both signs (R at a 1e-10 nugget): the sums agree to ~1e-11 Ha, 1e-8 kJ/mol
    np.testing.assert_allclose(p.errors, errors, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(p.frames, np.arange(1, 501))
    assert abs(np.sqrt(np.mean(errors ** 2)) - 0.128) < 0.001  # FEREBUS's validation RMSE (data/README)
    # ten validation geometries are training points of the model: the page says so
    assert tested.note.startswith("10 of these 500 frames are among the model's 421 training points")
    grid = landscape.grid
    middle = len(grid.grid_i) // 2
    np.testing.assert_array_equal(grid.centre, np.log(model.theta))
    assert (grid.grid_i[middle], grid.grid_j[middle]) == (grid.centre[grid.i], grid.centre[grid.j])
    likelihood = Likelihood(model.x, model.y, model.kernel, "concentrated", model.nugget)
    # R is ill-conditioned at FEREBUS's 1e-10 nugget: ln L's ninth digit follows the order of the sums
    # (BLAS threads, which work arrays): 3655.64008 here in every case
    at_theta = likelihood.evaluate(model.theta, gradient=False)[0]
    assert landscape.log_likelihood == pytest.approx(at_theta, rel=1e-8)
    assert grid.values[middle, middle] == pytest.approx(at_theta, rel=1e-8)
    assert landscape.log_likelihood == pytest.approx(3655.640122029796, rel=1e-7)
    # FEREBUS's optimum is the highest point of the slice through it
    assert np.nanargmax(grid.values) == np.ravel_multi_index((middle, middle), grid.values.shape)


def test_a_chosen_pair_is_mapped_around_the_files_theta(ammonia):
    """ln θ4 across, ln θ2 up (the default pair is ln θ6 and ln θ1): the grid's middle is the file's
    θ, and its points are ln L with those two θ moved, by the likelihood itself."""
    path, _ = ammonia
    model = read_model(path)
    assert default_pair(model) == (5, 0)
    messages = []
    with threadpool_limits(1):
        landscape_of(model, "concentrated", (3, 1), messages.append, None)
    landscape, = messages
    grid = landscape.grid
    middle = len(grid.grid_i) // 2
    assert (grid.i, grid.j) == (3, 1) and grid.values.shape == (15, 15)  # 421 points: a 15 x 15 grid
    assert (grid.grid_i[middle], grid.grid_j[middle]) == (np.log(model.theta[3]), np.log(model.theta[1]))
    np.testing.assert_allclose(grid.grid_i[[0, -1]] - grid.grid_i[middle], [-3, 3], rtol=0, atol=1e-12)
    likelihood = Likelihood(model.x, model.y, model.kernel, "concentrated", model.nugget)
    with threadpool_limits(1):
        at_theta = likelihood.evaluate(model.theta, gradient=False)[0]
        assert grid.values[middle, middle] == pytest.approx(at_theta, rel=1e-8)
        assert landscape.log_likelihood == pytest.approx(at_theta, rel=1e-8)
        for a, b in ((0, 14), (14, 0), (3, 11)):
            theta = model.theta.copy()
            theta[3], theta[1] = np.exp(grid.grid_i[a]), np.exp(grid.grid_j[b])
            assert grid.values[a, b] == pytest.approx(likelihood.evaluate(theta, gradient=False)[0], rel=1e-8)
    assert np.nanargmax(grid.values) == np.ravel_multi_index((middle, middle), grid.values.shape)
    assert grid.values[0, 14] == pytest.approx(2378.6, abs=0.1)  # ln θ4 - 3, ln θ2 + 3: far below the optimum
    with pytest.raises(ValueError, match="two different features, not feature 4 twice"):
        landscape_around(model, "concentrated", pair=(3, 3))


def test_a_costly_model_gets_a_coarser_grid_still_centred_on_its_theta(ammonia, monkeypatch):
    """As the Train step's grids: one ln L's cost sizes the grid (here every ln L "too slow": 5 x 5)."""
    monkeypatch.setattr(landscape_module, "GRID_SECONDS", 1e-9)
    model = read_model(ammonia[0])
    with threadpool_limits(1):
        grid = landscape_around(model, "concentrated").grid
    assert grid.values.shape == (landscape_module.MIN_SIDE, landscape_module.MIN_SIDE) == (5, 5)
    assert (grid.grid_i[2], grid.grid_j[2]) == (np.log(model.theta[grid.i]), np.log(model.theta[grid.j]))


def test_an_upload_reads_as_the_same_model_named_as_uploaded(ammonia):
    path, _ = ammonia
    model, shown = ModelFile(name="AMMONIA_iqa_N1.model", content=path.read_bytes()).read()
    assert shown == "AMMONIA_iqa_N1.model"
    np.testing.assert_array_equal(model.weights, read_model(path).weights)


@pytest.mark.parametrize("file, named", [
    (ModelFile(name="broken.model", content=b"[system]\nname X\n"), "broken.model, line 2: file ends early"),
    (ModelFile(name="notes.model", content=b"just some notes\n"), "notes.model: missing section [system]"),
    (ModelFile(name="zipped.model", content=b"PK\x03\x04\xff\xfe"), "zipped.model: not a .model file"),
    (ModelFile(path="  '~/no/such/WATER_iqa_O1.model' "), "~/no/such/WATER_iqa_O1.model: cannot read model file"),
    (ModelFile(path=" "), "no path given"),
])
def test_a_bad_file_is_named_in_the_error(tmp_path, file, named):
    with pytest.raises(InputError) as caught:
        file.read(tmp_path)
    assert named in str(caught.value)
    assert str(tmp_path) not in str(caught.value)


def test_a_model_of_another_molecule_is_not_tested_and_says_why(ammonia):
    path, _ = ammonia
    demo = load_demo("ethanol")
    tested = errors_on(read_model(path), LoadedFrames(demo, np.arange(10), "10 frames", "ethanol demo"))
    assert tested.predictions is None and tested.problem.startswith("atom N1 is not in the loaded ethanol demo")
    assert errors_on(read_model(path), None).problem == "no data are loaded"


def test_a_one_feature_model_has_ln_l_but_no_plane(ammonia):
    path, _ = ammonia
    model = read_model(path)
    model.x, model.theta, model.kernel = model.x[:, :1], model.theta[:1], Kernel.named("rbf", 1)
    landscape = landscape_around(model, "concentrated")
    assert landscape.grid is None
    expected = Likelihood(model.x, model.y, model.kernel, "concentrated", model.nugget).evaluate(model.theta, False)[0]
    assert landscape.log_likelihood == expected
