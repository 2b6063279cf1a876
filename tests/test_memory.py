"""The memory budget: the largest training set whose N x N arrays fit, and what is said when not
(the count of arrays is measured by benchmarks/memory_per_training.py)."""

import numpy as np
import pytest

from fflux_studio.memory import ARRAYS_PER_TRAINING, MemoryBudget


def test_the_largest_training_set_just_fits_the_budget():
    budget = MemoryBudget.now(available=8e9)
    n = budget.max_points
    assert budget.budget == 4e9
    assert budget.needed(n) <= budget.budget < budget.needed(n + 1)
    assert budget.needed(n) == ARRAYS_PER_TRAINING * np.zeros((n, n)).nbytes


def test_a_larger_set_is_refused_with_what_fits():
    budget = MemoryBudget.now(available=1e8)
    budget.check(budget.max_points)
    with pytest.raises(ValueError, match=f"train on at most {budget.max_points} points"):
        budget.check(budget.max_points + 1)
    assert f"at most {budget.max_points} training points" in budget.describe()


def test_the_budget_follows_the_machine():
    budget = MemoryBudget.now()
    assert 0 < budget.budget < budget.available
