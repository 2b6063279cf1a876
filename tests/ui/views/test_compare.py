"""The Compare step: the TL-against-DL sentence (the factor from the runs' own wall times), the
parity plot and worst points (the trained models' predictions, checked by a second route), and
learning curves whose spread over random states is the runs' own."""

import time
from types import SimpleNamespace

import holoviews as hv
import numpy as np
import pytest

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.ui.predictions import Predictions
from fflux_studio.ui.studio import Studio
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui.compare_story import baseline_text, speedup_text
from fflux_studio.ui.views.compare import MAX_REPEATS, WORST_COUNT, learning_text, worst_table
from fflux_studio.units import HARTREE_TO_KJMOL

from ..test_state import settle


def run(total: float, log_likelihood: float, optimizer: str, protocol="dl", plan="", evaluations=100,
        n_train=500) -> SimpleNamespace:
    settings = ProtocolSettings(optimizer=optimizer).as_dict()
    return SimpleNamespace(metrics={"protocol": protocol, "seconds": {"total": total}, "log_likelihood": log_likelihood,
                                    "test_rmse": 1.6, "unit": "kJ/mol", "settings": settings, "plan": plan,
                                    "theta": [1.0] * 21, "evaluations": evaluations, "n_train": n_train})


DIRECT = ("direct: 500 points are too few to seed (3 points x 21 features = 63 per source, more than 1.2 x the "
          "subset fraction 0.1); one full-set search instead")


def test_the_factor_is_dl_time_over_tl_time_per_baseline():
    text = speedup_text({"tl": run(0.82, 3518.8769, "lbfgs"), "dl": run(84.4, 3518.8769, "pso")})
    assert "**PSO** baseline" in text and f"**{84.4 / 0.82:.1f}× faster**" in text
    assert "same ln L (to 4 digits)" in text


def test_a_slower_tl_is_said_so():
    text = speedup_text({"tl": run(1.30, 3518.88, "lbfgs"), "dl": run(0.83, 3500.0, "lbfgs")})
    assert "**L-BFGS-B, 1 start** baseline" in text and f"**{1.30 / 0.83:.1f}× slower**" in text
    assert "ln L 3518.88 (TL) against 3500 (DL)" in text and "directly" not in text


def test_a_tl_run_without_sources_is_said_to_be_one_lbfgs_start_and_why():
    text = speedup_text({"tl": run(1.30, 3518.8769, "lbfgs", "tl", DIRECT), "dl": run(0.83, 3518.8769, "lbfgs")})
    assert "**TL trained directly here, by design**: 500 points are too few to seed (3 points x 21 features" in text
    assert "TL was one L-BFGS-B start on the full set, without sources" in text
    assert "DL made the same search from the same random start" in text  # one start, random state 0 both
    assert "the same 100 evaluations each: no speed-up to expect" in text and "slower" not in text
    assert "TL seeds from 525 training points on" in text  # 63 <= 1.2 x 10 % of 525
    against_pso = speedup_text({"tl": run(0.82, 3518.8769, "lbfgs", "tl", DIRECT), "dl": run(84.4, 3518.8769, "pso")})
    assert "that of one L-BFGS-B start over FEREBUS's PSO" in against_pso


def test_the_baseline_is_explained_before_it_runs_with_what_pso_will_cost_here():
    settings = ProtocolSettings()
    lbfgs = baseline_text("lbfgs", settings, 500, 21, {})
    assert "DL is 1 L-BFGS-B start" in lbfgs and "TL trains directly" in lbfgs and "from 525 training points" in lbfgs
    assert "choose **PSO (as in the paper)**" in lbfgs
    assert "directly" not in baseline_text("lbfgs", settings, 1000, 21, {})
    unmeasured = baseline_text("pso", settings, 500, 21, {})
    assert "2,600 to 50,050 evaluations" in unmeasured and "after an L-BFGS-B run here" in unmeasured
    # a single L-BFGS-B start measured 0.8 s for 100 evaluations: 8 ms each with the gradient
    runs = {"dl": run(0.8, 1.0, "lbfgs"), "tl": run(1.6, 1.0, "lbfgs", "tl", DIRECT)}  # TL's cost: twice DL's
    measured = baseline_text("pso", settings, 500, 21, runs)
    least = 2600 * 0.008 / 2.2  # values without the gradient, from the stall rule's fewest iterations
    most = 50050 * 0.016 * 1.5  # the budget at the dearer run's cost, with the cost margin
    assert (least, most) == pytest.approx((9.4545, 1201.2), abs=1e-4)
    assert "at least 9.4 s, at most 21 min." in measured  # a least rounded down, a bound rounded up


def test_nothing_to_say_without_both_runs():
    assert speedup_text({"tl": run(1.0, 1.0, "lbfgs")}) == ""


def toy_session() -> Studio:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 2, size=(150, 3))
    y = np.sin(x[:, 0]) + 0.5 * np.cos(2 * x[:, 1]) - 40.0
    studio = Studio(demo=None)
    studio.state.use(Dataset("toy", {"A1": AtomFeatures("A1", x)}, {"A1": {"iqa": y}}, units={"iqa": "Ha"}), "toy")
    studio.state.param.update(train_size=80, test_size=40, n_seeds=2)
    return studio


def element(overlay, kind, label):
    return next(el for el in overlay if type(el) is kind and el.label == label)  # an Area is a Curve too


def test_parity_plot_and_worst_points_are_the_models_predictions_on_the_test_frames():
    studio = toy_session()
    studio.compare("lbfgs")
    settle(studio)
    assert set(studio.state.runs) == {"tl", "dl"}
    _, test = studio.state.split()
    x, y = studio.state.dataset.xy("A1", "iqa")
    view = studio.compare_view
    for protocol, label in (("tl", "TL"), ("dl", "DL")):
        model = studio.state.runs[protocol].model
        predicted, reference = model.predict(x[test]) * HARTREE_TO_KJMOL, y[test] * HARTREE_TO_KJMOL
        scatter = element(view.parity.object, hv.Scatter, label)
        np.testing.assert_allclose(scatter.dimension_values("reference"), reference, rtol=1e-12)
        np.testing.assert_allclose(scatter.dimension_values("predicted"), predicted, rtol=1e-12)
        np.testing.assert_array_equal(scatter.dimension_values("frame"), test + 1)

        errors = (model.predict(x[test]) - y[test]) * HARTREE_TO_KJMOL
        order = np.argsort(np.abs(errors))[::-1][:WORST_COUNT]
        table = view.worst[protocol].object
        np.testing.assert_array_equal(table["frame"], test[order] + 1)
        shown = table["error (kJ/mol)"].astype(float).to_numpy()
        decimals = len(table["error (kJ/mol)"].iloc[0].split(".")[-1])
        np.testing.assert_allclose(shown, errors[order], atol=0.51 * 10.0 ** -decimals)
    assert studio.internal_errors == 0


def test_learning_curves_show_each_sizes_spread_over_random_states():
    studio = toy_session()
    assert studio.learning_curves("30, 60", repeats=2, dl_optimizer="lbfgs")
    settle(studio)
    rows = studio.state.learning
    assert len(rows) == 8 and {r["random_state"] for r in rows} == {0, 1}
    view = studio.compare_view
    for value, figure in (("seconds", view.learning_time.object), ("rmse", view.learning_error.object)):
        for protocol, label in (("tl", "TL"), ("dl", "DL")):
            band = element(figure, hv.Area, label)
            for size, low, high in zip(*(band.dimension_values(k) for k in range(3))):
                values = [r[value] for r in rows if r["protocol"] == protocol and r["size"] == size]
                assert (low, high) == (min(values), max(values))
            curve = element(figure, hv.Curve, label)
            for size, mean in zip(curve.dimension_values(0), curve.dimension_values(1)):
                values = [r[value] for r in rows if r["protocol"] == protocol and r["size"] == size]
                assert mean == pytest.approx(np.mean(values), rel=1e-12)
    assert "Mean wall time of one training: at 30 points" in view.learning_summary.object


def test_repeats_out_of_range_are_refused_in_words():
    studio = toy_session()
    assert not studio.learning_curves("30, 60", repeats=0)
    assert f"repeats must be between 1 and {MAX_REPEATS}" in studio.state.message


def test_the_worst_table_shows_the_largest_error_to_three_digits():
    predictions = Predictions(np.array([5, 9]), np.array([-100.0, -200.0]), np.array([-94.37, -200.5]),
                              np.array([5.63, -0.5]), "kJ/mol", np.array([0, 1]))
    table = worst_table(predictions)
    assert table.to_dict("list") == {"frame": [5, 9], "reference (kJ/mol)": ["-100.00", "-200.00"],
                                     "predicted (kJ/mol)": ["-94.37", "-200.50"], "error (kJ/mol)": ["5.63", "-0.50"]}


def test_the_cost_curve_in_words_compares_mean_times_at_both_ends():
    rows = [{"protocol": p, "size": n, "seconds": s} for p, n, s in
            (("tl", 100, 1.0), ("tl", 100, 3.0), ("dl", 100, 4.0), ("tl", 400, 2.0), ("dl", 400, 20.0))]
    text = learning_text(rows)
    assert "at 100 points TL 2 s, DL 4 s (TL 2.0× faster)" in text
    assert "at 400 points TL 2 s, DL 20 s (TL 10.0× faster)" in text
    assert learning_text(rows[:2]) == ""
    assert "(TL about as fast)" in learning_text(rows[:2] + [{"protocol": "dl", "size": 100, "seconds": 2.05}])
