"""The time-left estimate on made-up event streams whose true remaining time is known."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui import progress
from fflux_studio.ui.progress import ProgressEstimate

COST = 0.01  # seconds per evaluation in the made-up runs


def events(phase, source, iterations, start=0.0, per_iteration=1, cost=COST, values=None, opening=0):
    """One optimiser run's events: ``per_iteration`` evaluations of ``cost`` seconds per iteration,
    ``opening`` evaluations before the first (a swarm's first draw)."""
    out = []
    for k in range(1, iterations + 1):
        evaluations = opening + k * per_iteration
        out.append({"phase": phase, "source": source, "iteration": k, "evaluations": evaluations,
                    "log_likelihood": 100.0 + k if values is None else values[k - 1], "log_theta": [0.0],
                    "seconds": start + evaluations * cost})
    return out


def test_nothing_is_promised_before_the_first_evaluation_is_timed():
    estimate = ProgressEstimate.for_settings("dl", ProtocolSettings(), 500, 21)
    assert estimate.bound() is None and estimate.typical() is None and estimate.fraction() == 0.0
    assert estimate.words() == "time left not known yet"


def test_a_single_lbfgs_start_has_only_its_budget_as_a_bound():
    estimate = ProgressEstimate.for_settings("dl", ProtocolSettings(max_iterations=300), 500, 21)
    for event in events("direct", 0, 40):
        estimate.update(event)
    # 260 iterations left, at most 2 evaluations each, 0.01 s each with the 1.5 margin
    assert estimate.bound() == pytest.approx(260 * 2 * COST * 1.5)
    assert estimate.typical() is None
    assert estimate.words() == ("at most 7.8 s left, if the optimisers use their whole budgets "
                                "(they usually stop much sooner)")
    assert estimate.fraction() == pytest.approx(0.4 / (0.4 + 7.8))


def test_finished_starts_give_the_typical_figure_and_the_bound_keeps_every_budget():
    settings = ProtocolSettings(n_starts=3, max_iterations=100)
    estimate = ProgressEstimate.for_settings("dl", settings, 500, 21)
    for event in events("direct", 0, 20) + events("direct", 1, 5, start=0.2):
        estimate.update(event)
    assert estimate.typical() == pytest.approx((20 - 5) * COST + 20 * COST)
    assert estimate.bound() == pytest.approx((95 + 100) * 2 * COST * 1.5)
    assert estimate.words() == "typically ≈ 0.4 s left, at most 5.9 s"  # 5.85 rounded up: a bound
    for event in events("direct", 1, 30, start=0.2)[5:]:  # past the typical 20 iterations
        estimate.update(event)
    assert estimate.typical() == pytest.approx((45 - 30) * COST + 20 * COST)


def test_pso_says_at_least_the_iterations_its_stall_rule_still_needs():
    settings = ProtocolSettings(optimizer="pso", pso_swarm=4, pso_stall_iterations=5, pso_max_iterations=50)
    estimate = ProgressEstimate.for_settings("dl", settings, 200, 3)
    values = [10.0, 11.0, 12.0, 12.0, 12.0]  # two iterations without change after the last gain
    for event in events("direct", 0, 5, per_iteration=4, opening=4, values=values):
        estimate.update(event)
    assert estimate.lower() == pytest.approx((5 - 2) * 4 * COST)
    assert estimate.bound() == pytest.approx((50 - 5) * 4 * COST * 1.5)
    assert estimate.typical() is None
    assert estimate.words().startswith("at most 2.7 s left, if")  # at least 0.12 s: not worth saying


def test_sizes_not_measured_are_scaled_by_the_bound_and_typical_exponents():
    settings = ProtocolSettings(subset=0.1, stages=(), n_seeds=1, max_iterations=10, seed_max_iterations=10)
    estimate = ProgressEstimate.for_settings("tl", settings, 1000, 21)  # a source of 100 points, then 1000
    for event in events("seeding", 0, 4):
        estimate.update(event)
    relaxation = estimate.legs[-1]
    assert relaxation.hidden == 22 and relaxation.hidden_size == 100  # the curvature: no event reports it
    bound_at_100, bound_at_1000 = COST * 1.5, COST * 1.5 * 10 ** 3
    value_at_1000 = bound_at_1000  # a value never costs more than a value and a gradient
    assert estimate.bound() == pytest.approx(6 * 2 * bound_at_100 + 1 * value_at_1000 + 22 * bound_at_100
                                             + 10 * 2 * bound_at_1000)
    estimate.update({"phase": "selection", "source": None, "iteration": 1, "evaluations": 1, "log_likelihood": 1.0,
                     "log_theta": [0.0], "seconds": 0.04 + 0.5})  # one value at 1000 points measured: 0.5 s
    assert estimate.typical() is None  # no warm-started relaxation has finished: its length is not known
    estimate.history = [(relaxation.like, 4)]  # as if the session's previous job had one of 4 iterations
    typical_gradient_at_1000 = 0.5 * progress.GRADIENT_OVER_VALUE
    assert estimate.typical() == pytest.approx(22 * COST + 4 * typical_gradient_at_1000)


def test_a_comparison_adds_the_dl_run_after_tl_and_learns_from_tl():
    settings = ProtocolSettings(max_iterations=100)
    estimate = ProgressEstimate.for_job([("tl", settings), ("dl", settings.__class__(optimizer="pso", pso_swarm=5,
                                                                                      pso_stall_iterations=10,
                                                                                      pso_max_iterations=200))],
                                        500, 21)  # TL trains directly at 500 points x 21 features
    for event in events("relaxation", None, 30):
        estimate.update(event, "tl")
    # DL's values at TL's measured cost of a value and a gradient: typically less, at most as much
    pso_least, pso_most = (5 + 11 * 5) * COST / progress.GRADIENT_OVER_VALUE, (5 + 200 * 5) * COST * 1.5
    assert estimate.lower() == pytest.approx(pso_least)
    assert estimate.bound() == pytest.approx(70 * 2 * COST * 1.5 + pso_most)
    for event in events("direct", 0, 3, per_iteration=5, opening=5):
        estimate.update(event, "dl")
    assert estimate.elapsed == pytest.approx(0.3 + 20 * COST)  # DL's clock starts where TL's ended


def test_a_bound_that_had_to_grow_says_so():
    estimate = ProgressEstimate.for_settings("dl", ProtocolSettings(max_iterations=100), 500, 21)
    for event in events("direct", 0, 10):
        estimate.update(event)
    assert "raised" not in estimate.words()
    for event in events("direct", 0, 20, cost=5 * COST)[10:]:  # five times slower from now on
        event["seconds"] += 0.1 - 10 * 5 * COST
        estimate.update(event)
    assert "raised" in estimate.words()  # even without the margin its end passes the first promise


def test_the_bound_holds_over_random_runs_within_budget_at_a_steady_cost():
    """Made-up DL multi-starts and TL runs: iteration counts anywhere within the budgets, 1-2
    evaluations per iteration, cost per evaluation within the margin: the bound is never below
    the true time left."""
    rng = np.random.default_rng(1)
    settings = ProtocolSettings(n_starts=3, max_iterations=60)
    for _ in range(20):
        stream, clock = [], 0.0
        for start in range(3):
            run = events("direct", start, int(rng.integers(1, 61)), start=clock, per_iteration=int(rng.integers(1, 3)),
                         cost=COST * rng.uniform(1.0, 1.4))
            stream += run
            clock = run[-1]["seconds"]
        estimate = ProgressEstimate.for_settings("dl", settings, 500, 21)
        for event in stream:
            estimate.update(event)
            assert estimate.bound() >= clock - event["seconds"] - 1e-12


def test_the_sessions_previous_job_on_the_same_points_gives_the_typical_figure_from_the_start():
    settings = ProtocolSettings(max_iterations=100)
    train = ProgressEstimate.for_settings("tl", settings, 500, 21)  # one full-set search
    for event in events("relaxation", None, 24):
        train.update(event)
    train.ended()
    compare = ProgressEstimate.for_job([("tl", settings), ("dl", settings)], 500, 21, earlier=train)
    compare.update(events("relaxation", None, 4)[-1], "tl")
    assert compare.typical() == pytest.approx((24 - 4) * COST + 24 * COST)
    elsewhere = ProgressEstimate.for_job([("tl", settings), ("dl", settings)], 1000, 21, earlier=train)
    elsewhere.update(events("relaxation", None, 4)[-1], "tl")
    assert elsewhere.typical() is None  # another set size: its runs say nothing of these
