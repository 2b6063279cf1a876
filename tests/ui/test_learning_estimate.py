"""The learning-curve job's time left, against the sums worked out by hand for a plan of runs."""

from __future__ import annotations

import pytest

from fflux_studio.ui import jobs
from fflux_studio.ui.learning_estimate import LearningEstimate
from fflux_studio.ui.learning_estimate import ONE_SIZE_EXPONENT


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
    # TL at 100: 2 repeats left at 1 s; DL borrows TL's runs: 3 at 1 s. One size measured, so 200 and
    # 400 scale by 2^1.5 = 2.83 s and 4^1.5 = 8 s: both quick, 3 runs of each protocol.
    assert ONE_SIZE_EXPONENT == 1.5
    assert estimate.left() == pytest.approx(2 + 3 + 6 * 2 ** 1.5 + 6 * 8, rel=1e-12)
    estimate.add(row("dl", 100, 0.5))
    estimate.add(row("tl", 100, 3.0))
    # TL at 100 averages 2 s (1 repeat left), DL 0.5 s (2 left); 200 and 400 scale from them
    by_hand = 1 * 2.0 + 2 * 0.5 + 3 * 2.0 * 2 ** 1.5 + 3 * 0.5 * 2 ** 1.5 + 3 * 2.0 * 8 + 3 * 0.5 * 8
    assert estimate.left() == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(84.21, abs=0.01) and estimate.elapsed == 4.5
    assert estimate.fraction() == pytest.approx(4.5 / (4.5 + by_hand), rel=1e-12)
    assert estimate.words() == "typically ≈ 84 s left (3 runs measured, larger sizes scaled)"
    estimate.add(row("tl", 200, 8.0))
    # TL's time grew 4 x from 100 to 200: slope 2, so TL at 400 takes 32 s, slow: once. DL keeps 1.5.
    by_hand = 1 * 2.0 + 2 * 0.5 + 2 * 8.0 + 3 * 0.5 * 2 ** 1.5 + 1 * 32.0 + 3 * 0.5 * 8
    assert estimate.left() == pytest.approx(by_hand, rel=1e-12)
    assert estimate.planned_runs("tl", 400) == 1 and estimate.planned_runs("dl", 400) == 3


def test_a_slow_first_run_drops_its_sizes_repeats(monkeypatch):
    monkeypatch.setattr(jobs, "REPEAT_UNDER_SECONDS", 20.0)
    estimate = LearningEstimate([1000], 3)
    estimate.add(row("tl", 1000, 25.0))
    assert estimate.planned_runs("tl", 1000) == 1 and estimate.planned_runs("dl", 1000) == 1
    assert estimate.left() == 25.0  # DL's one run, like TL's
    estimate.add(row("dl", 1000, 30.0))
    assert estimate.left() == 0.0 and estimate.fraction() == 1.0 and estimate.words() == "finishing"
