"""The Compare step's TL-against-DL sentence: the factor from the runs' own wall times."""

from types import SimpleNamespace

from fflux_studio.ui.views.compare import speedup_text


def run(total: float, log_likelihood: float, optimizer: str) -> SimpleNamespace:
    return SimpleNamespace(metrics={"seconds": {"total": total}, "log_likelihood": log_likelihood,
                                    "test_rmse": 1.6, "unit": "kJ/mol", "settings": {"optimizer": optimizer}})


def test_the_factor_is_dl_time_over_tl_time_per_baseline():
    text = speedup_text({"tl": run(0.82, 3518.8769, "lbfgs"), "dl": run(84.4, 3518.8769, "pso")})
    assert "**PSO** baseline" in text and f"**{84.4 / 0.82:.1f}× faster**" in text
    assert "same ln L (to 4 digits)" in text


def test_a_slower_tl_is_said_so():
    text = speedup_text({"tl": run(1.30, 3518.88, "lbfgs"), "dl": run(0.83, 3500.0, "lbfgs")})
    assert "**L-BFGS-B multi-start** baseline" in text and f"**{1.30 / 0.83:.1f}× slower**" in text
    assert "ln L 3518.88 (TL) against 3500 (DL)" in text


def test_nothing_to_say_without_both_runs():
    assert speedup_text({"tl": run(1.0, 1.0, "lbfgs")}) == ""
