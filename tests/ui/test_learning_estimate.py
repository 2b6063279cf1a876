"""The learning-curve job's time left, against the sums worked out by hand for a plan of runs."""

from __future__ import annotations

import pytest

from fflux_studio.ui import jobs
from fflux_studio.ui.learning_estimate import LearningEstimate
from fflux_studio.ui.progress import TYPICAL_EXPONENT


def row(protocol, size, seconds):
    return {"protocol": protocol, "size": size, "seconds": seconds}


def test_nothing_is_known_before_the_first_run_ends():
    estimate = LearningEstimate([100, 200], 3)
    assert estimate.left() is None and estimate.fraction() == 0.0
    assert estimate.words() == "time left not known until the first run ends"


def test_quick_sizes_count_every_repeat_and_larger_sizes_scale_from_the_nearest_measured(monkeypatch):
    monkeypatch.setattr(jobs, "REPEAT_UNDER_SECONDS", 20.0)
    estimate = LearningEstimate([200, 100, 400], 3)  # trained smallest first
    estimate.add(row("tl", 100, 1.0))
    # TL at 100: 2 repeats left at 1 s. DL borrows TL's runs: 3 at 1 s. At 200 and 400 both scale
    # from 100: 2^2.5 = 5.66 s (quick: 3 runs each), 4^2.5 = 32 s (slow: 1 run each).
    by_hand = 2 * 1.0 + 3 * 1.0 + 2 * 3 * 2 ** TYPICAL_EXPONENT + 2 * 1 * 4 ** TYPICAL_EXPONENT
    assert estimate.left() == pytest.approx(by_hand, rel=1e-12)
    estimate.add(row("dl", 100, 0.5))
    estimate.add(row("tl", 100, 3.0))
    # TL at 100 now averages 2 s (1 repeat left); DL at 100, 0.5 s (2 left); 200 and 400 scale from them
    tl_200, dl_200 = 2.0 * 2 ** TYPICAL_EXPONENT, 0.5 * 2 ** TYPICAL_EXPONENT
    tl_400, dl_400 = 2.0 * 4 ** TYPICAL_EXPONENT, 0.5 * 4 ** TYPICAL_EXPONENT  # 64 s (once), 16 s (3 runs)
    by_hand = 1 * 2.0 + 2 * 0.5 + 3 * tl_200 + 3 * dl_200 + 1 * tl_400 + 3 * dl_400
    assert estimate.left() == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(157.4, abs=0.1) and estimate.elapsed == 4.5
    assert estimate.fraction() == pytest.approx(4.5 / (4.5 + by_hand), rel=1e-12)
    assert estimate.words().startswith("typically ≈ 3 min left (3 runs measured")


def test_a_slow_first_run_drops_its_sizes_repeats(monkeypatch):
    monkeypatch.setattr(jobs, "REPEAT_UNDER_SECONDS", 20.0)
    estimate = LearningEstimate([1000], 3)
    estimate.add(row("tl", 1000, 25.0))
    assert estimate.planned_runs("tl", 1000) == 1 and estimate.planned_runs("dl", 1000) == 1
    assert estimate.left() == 25.0  # DL's one run, like TL's
    estimate.add(row("dl", 1000, 30.0))
    assert estimate.left() == 0.0 and estimate.fraction() == 1.0 and estimate.words() == "finishing"
