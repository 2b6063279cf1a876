"""The Model view without a browser: a model of the demo's O3 opened from a path through the
session's worker process (drained by hand), its panes, and what a bad path or other data show;
FEREBUS's ammonia model's landscape over a chosen pair."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from fflux_studio.gpr import GPRModel, Kernel, Likelihood
from fflux_studio.io.model_file import write_model
from fflux_studio.metrics import mae, rmse
from fflux_studio.model_check import ModelCheck
from fflux_studio.ui.views.model import ALL_FRAMES, check_markdown
from fflux_studio.units import HARTREE_TO_KJMOL

from ..test_state import settle

AMMONIA = "ferebus-paper-data/likelihood/ammonia/concentrated/AMMONIA_iqa_N1.model"


def oxygen_model(demo, frames, folder):
    """O3's energy on ``frames`` with a fixed θ and a nugget that keeps R well conditioned."""
    x, y = demo.xy("O3", "atomic_energy")
    theta = 1.0 / (21 * np.maximum(x[frames].var(axis=0), 1e-3))
    model = GPRModel.fit(x[frames], y[frames], theta, Kernel.named("rbf-cyclic", 21), nugget=1e-8,
                         **demo.model_metadata("O3", "atomic_energy"))
    return model, write_model(model, folder)


def test_a_model_of_the_loaded_atom_shows_its_summary_errors_and_landscape(studio, demo, tmp_path):
    view = studio.model_view
    train, test = studio.state.split()
    model, path = oxygen_model(demo, train[:100], tmp_path)
    view.path.value = str(path)
    assert view.open_path()
    settle(studio)
    assert studio.state.status == "done" and studio.state.progress == 1.0, studio.state.message
    assert view.summary.object.startswith("### ETHANOL O3 · atomic_energy")
    assert "kernel **rbf-cyclic**, 21 features, **100** training points" in view.summary.object
    table = view.hyperparameters.object
    assert list(table["feature"])[:3] == [1, 2, 3] and list(table["kernel"])[2] == "rbf, cyclic"
    np.testing.assert_allclose(table["θ"].astype(float), model.theta, rtol=1e-4)
    np.testing.assert_allclose(table["ℓ = 1/√(2θ)"].astype(float), 1 / np.sqrt(2 * model.theta), rtol=1e-3)
    # the errors, a second way: the model's own predictions on the split's test frames, in kJ/mol
    x, y = demo.xy("O3", "atomic_energy")
    errors = (model.predict(x[test]) - y[test]) * HARTREE_TO_KJMOL
    assert (f"**Errors on the {len(test)} test frames of the Data step's split of bundled demo 'ethanol'**: "
            f"RMSE **{rmse(errors):.4g} kJ/mol**, MAE **{mae(errors):.4g} kJ/mol**"
            in view.errors.object)
    assert "Note:" not in view.errors.object, "no test frame is a training point"
    worst = view.worst.object
    assert int(worst["frame"][0]) == test[np.argmax(np.abs(errors))] + 1
    assert view.s_curve.object is not None and view.parity.object is not None and not view.mismatch.visible
    # the landscape's middle is the file's θ, and ln L there is the likelihood's
    assert view.landscape.object is not None
    at_theta = Likelihood(model.x, model.y, model.kernel, "concentrated", 1e-8).evaluate(model.theta, False)[0]
    assert f"The star is the model's θ: ln L {at_theta:.10g}" in view.landscape_note.object
    assert studio.internal_errors == 0

    view.frames.value = ALL_FRAMES  # tests the opened model again, on the new choice
    assert studio.worker.busy and view.errors.object == "" and view.landscape.object is not None
    settle(studio)
    assert f"**Errors on all {demo.n_frames} frames of bundled demo 'ethanol'**" in view.errors.object
    assert "Note: 100 of these 1500 frames are among the model's 100 training points" in view.errors.object

    studio.state.use(demo.subset(np.arange(1000, 1500)), "frames 1001-1500")
    assert view.mismatch.visible and "press **Test on the loaded data**" in view.mismatch.object
    assert view.test()
    settle(studio)
    assert not view.mismatch.visible and "**Errors on all 500 frames of frames 1001-1500**" in view.errors.object
    assert "Note:" not in view.errors.object and studio.internal_errors == 0


def test_a_bad_path_is_named_on_the_page_and_another_molecules_model_is_not_tested(studio, tmp_path, shared_data):
    view = studio.model_view
    view.path.value = "~/no/such/ETHANOL_atomic_energy_O3.model"
    assert view.open_path()
    settle(studio)
    assert studio.state.status == "failed" and view.problem.visible
    assert view.problem.object == ("Could not open the model. ~/no/such/ETHANOL_atomic_energy_O3.model: cannot read "
                                   "model file: No such file or directory")
    view.path.value = str(shared_data / "ichor-examples/AMMONIA_iqa_N1.model")
    assert view.open_path()
    settle(studio)
    assert studio.state.status == "done" and not view.problem.visible
    assert view.mismatch.visible and view.mismatch.object.startswith(
        "**Not tested on the loaded data:** atom N1 is not in the loaded bundled demo 'ethanol'")
    assert "kernel **rbf on 5 × periodic on 1**" in view.summary.object
    assert "the file's weights are not R⁻¹(y − μ)" in view.check.object and view.errors.object == ""
    assert studio.internal_errors == 0


def test_cancel_stops_the_landscape_and_keeps_the_rest(studio, shared_data, wait):
    view = studio.model_view
    view.path.value = str(shared_data / "ichor-examples/AMMONIA_iqa_N1.model")
    assert view.open_path()

    def tested():
        studio.drain()
        return view.mismatch.visible

    wait(tested, 120, what="the model read and tested; its landscape (225 evaluations of 500 points) still to come")
    studio.cancel()
    settle(studio)
    assert studio.state.status == "cancelled" and view.landscape.object is None
    assert view.landscape_note.object == "Landscape cancelled." and "AMMONIA N1" in view.summary.object


def test_the_check_says_what_a_files_numbers_mean_for_its_predictions():
    """Glycine's FEREBUS file (SPEC §3) writes mean(y) beside weights solved with μ̂: 0.0568 Ha off."""
    base = dict(stored_log_likelihood=15881.4587, likelihood="concentrated", log_likelihood=15881.4587,
                log_likelihoods={}, relative_difference=4.5e-12, stored_mean=-38.0748, weights_mean=-38.0180, ok=True)
    glycine = check_markdown(ModelCheck(**base, weights_max_relative_difference=4.5e-9, mean_consistent=False,
                                        prediction_offset=-0.0568), "Ha")
    assert glycine.endswith(f"every prediction from the file is off by {-0.0568 * HARTREE_TO_KJMOL:.4g} kJ/mol")
    assert "relative difference to the file's 4.5e-12" in glycine
    gpytorch = check_markdown(ModelCheck(**base, weights_max_relative_difference=1.0, mean_consistent=False,
                                         prediction_offset=-0.0079), "Ha")
    assert "off by" not in gpytorch and "the file's weights are not R⁻¹(y − μ)" in gpytorch


def test_a_chosen_pair_is_computed_in_the_worker_and_one_that_cannot_be_is_refused_in_words(studio, shared_data):
    view = studio.model_view
    assert view.axes.disabled, "nothing open: nothing to choose"
    view.path.value = str(shared_data / AMMONIA)
    assert view.open_path()
    settle(studio)
    axes = view.axes
    assert not axes.disabled and axes.x.options == [f"ln θ{h}" for h in range(1, 7)]
    assert (axes.x.value, axes.y.value) == ("ln θ6", "ln θ1"), "the default: the two most influential"
    assert "ln L over ln θ6 and ln θ1 (the two features that matter most" in view.landscape_note.object
    first = view.landscape.object

    axes.y.value = "ln θ6"
    assert view.pair_problem.visible and not studio.worker.busy
    assert view.pair_problem.object == "Not computed: ln θ6 on both axes: choose two different features."
    assert (axes.x.value, axes.y.value) == ("ln θ6", "ln θ1") and view.landscape.object is first

    axes.x.value = "ln θ4"  # computes ln θ4 x ln θ1 at once, in the worker
    assert studio.worker.busy and studio.state.task == "model" and not view.pair_problem.visible
    assert view.landscape_note.object.startswith("Computing ln L over ln θ4 and ln θ1 …")
    axes.y.value = "ln θ2"  # while that runs
    assert view.pair_problem.object == ("Not computed: the model job is still running; cancel it or wait, then "
                                        "choose again. The landscape shown is kept.")
    assert (axes.x.value, axes.y.value) == ("ln θ4", "ln θ1") and view.landscape.object is first
    settle(studio)
    assert studio.state.status == "done" and studio.internal_errors == 0
    image, star = view.landscape.object
    assert [d.label for d in image.kdims] == ["ln θ4", "ln θ1"]
    model = view.model
    likelihood = Likelihood(model.x, model.y, model.kernel, "concentrated", model.nugget)
    with threadpool_limits(1):  # as the worker: at FEREBUS's 1e-10 nugget ln L's ninth digit follows the sums' order
        at_theta = likelihood.evaluate(model.theta, gradient=False)[0]
    (a, b, star_ln_l), = star.array()
    assert (a, b) == (np.log(model.theta[3]), np.log(model.theta[0]))
    assert star_ln_l == pytest.approx(at_theta, rel=1e-8)
    assert image[a, b] == pytest.approx(at_theta, rel=1e-8), "the image's cell under the star"
    assert ("ln L over ln θ4 and ln θ1 (chosen above; the two features that matter most to the kernel are ln θ6 "
            "and ln θ1)") in view.landscape_note.object

    chosen = view.landscape.object
    axes.y.value = "ln θ2"
    assert studio.worker.busy
    studio.cancel()
    settle(studio)
    assert studio.state.status == "cancelled" and view.landscape.object is chosen
    assert (axes.x.value, axes.y.value) == ("ln θ4", "ln θ1")
    assert view.landscape_note.object.startswith("ln L over ln θ4 and ln θ1 (chosen above;")
    assert studio.internal_errors == 0
