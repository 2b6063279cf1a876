"""Frame splits and near-duplicate detection (duplicates make R singular)."""

import numpy as np
import pytest

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.splits import MIN_TRAIN, find_duplicates, fit_split, near_duplicate_pairs, nested_subsets, random_split


def test_random_split_is_disjoint_and_reproducible():
    train, test = random_split(100, test_size=0.2, random_state=4)
    assert len(test) == 20 and len(train) == 80 and not set(train) & set(test)
    again = random_split(100, test_size=0.2, random_state=4)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    with pytest.raises(ValueError):
        random_split(10, test_size=11)


def test_nested_subsets_grow():
    subsets = nested_subsets(np.arange(50), [10, 0.5, 30])
    assert [len(s) for s in subsets] == [10, 25, 30]
    assert set(subsets[0]) <= set(subsets[1]) <= set(subsets[2])


def _dataset(features_by_atom):
    atoms = {name: AtomFeatures(name, f) for name, f in features_by_atom.items()}
    return Dataset("T", atoms, {name: {} for name in atoms})


def test_exact_and_near_duplicates_are_found():
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 3, size=(200, 6))
    x[50] = x[10]
    x[120] = x[10] + 5e-6
    x[7] = x[3] + np.array([0, 0, 0, 0, 0, 1e-3])  # differs in one feature by more than the tolerance
    found = find_duplicates(_dataset({"A1": x}))
    assert found.pairs.tolist() == [[10, 50], [10, 120], [50, 120]]
    assert found.repeated.tolist() == [50, 120] and len(found.keep()) == 198
    assert "2 frames nearly repeat" in found.describe() and "11~51" in found.describe()


def test_phi_is_compared_across_the_branch_cut():
    x = np.array([[1.0, 1.0, 1.0, 1.0, 1.0, np.pi - 1e-7], [1.0, 1.0, 1.0, 1.0, 1.0, -np.pi + 1e-7]])
    periodic = [False] * 5 + [True]
    assert near_duplicate_pairs(x, 1e-5, periodic).tolist() == [[0, 1]]
    assert near_duplicate_pairs(x, 1e-5).tolist() == []


def test_a_pair_must_repeat_for_every_atom():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(30, 3)), rng.normal(size=(30, 3))
    a[5] = a[2]
    assert find_duplicates(_dataset({"A1": a, "B2": b})).pairs.shape == (0, 2)
    b[5] = b[2]
    assert find_duplicates(_dataset({"A1": a, "B2": b})).pairs.tolist() == [[2, 5]]


def test_pairs_are_those_a_brute_force_search_finds():
    """Points on a coarse grid, so that many pairs sit within the tolerance (timing: benchmarks/)."""
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, size=(300, 3)) * 1e-5 + rng.uniform(-1e-7, 1e-7, size=(300, 3))
    tolerance = 1.2e-5
    far = np.abs(x[:, None, :] - x[None, :, :]).max(axis=2)
    expected = np.argwhere(np.triu(far <= tolerance, 1))
    found = near_duplicate_pairs(x, tolerance)
    assert len(found) > 100
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("n, train, test", [(1500, 1400, 300), (1500, 500, 300), (10, 3, 9), (5, 100, 100), (1500, 1200, 300)])
def test_fitted_split_fits_and_says_what_it_lowered(n, train, test):
    fitted = fit_split(n, train, test)
    assert fitted.train + fitted.test <= n and fitted.train >= min(train, MIN_TRAIN) and fitted.test >= 1
    assert (fitted.test < test) == any(a.startswith(f"test set lowered from {test} to {fitted.test}")
                                       for a in fitted.adjustments)
    assert (fitted.train < train) == any(a.startswith(f"training set lowered from {train} to {fitted.train}")
                                         for a in fitted.adjustments)
    train_idx, test_idx = random_split(n, fitted.test, fitted.train)
    assert (len(train_idx), len(test_idx)) == (fitted.train, fitted.test)


def test_the_issue_case_is_said_in_words():
    fitted = fit_split(1500, 1400, 300)
    assert (fitted.train, fitted.test) == (1200, 300)
    assert fitted.adjustments == ("training set lowered from 1400 to 1200 frames: 1500 frames minus 300 for "
                                  "testing leave 1200",)
