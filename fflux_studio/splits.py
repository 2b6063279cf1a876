"""Train/test splits of frames, reproducible from a random state."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.sizes import size_count


def _count(size, total: int, what: str) -> int:
    """A size given as a fraction or a count (sizes.py), checked against ``total``; None is none."""
    if size is None:
        return 0
    count = size_count(size, total, what)
    if count > total:
        raise ValueError(f"{what} {count} exceeds the {total} frames available")
    return count


def random_split(n_frames: int, test_size=None, train_size=None, random_state=0):
    """Disjoint (train, test) frame indices; ``train_size`` None takes every frame not tested."""
    n_test = _count(test_size, n_frames, "test size")
    n_train = _count(train_size, n_frames - n_test, "train size") if train_size is not None else n_frames - n_test
    order = np.random.default_rng(random_state).permutation(n_frames)
    return np.sort(order[n_test: n_test + n_train]), np.sort(order[:n_test])


MIN_TRAIN = 4
"""The fewest training frames a split leaves (a GPR with fewer says nothing)."""


@dataclass(frozen=True)
class FittedSplit:
    """Split sizes that fit the frames available, and in words what had to be lowered to fit."""

    train: int
    test: int
    adjustments: tuple[str, ...] = ()


def fit_split(n_frames: int, train: int, test: int) -> FittedSplit:
    """Lower ``test`` to leave :data:`MIN_TRAIN` frames, then ``train`` to what the test set leaves,
    saying so: a run on fewer frames than asked must never happen without a word."""
    fitted_test = max(1, min(test, n_frames - MIN_TRAIN))
    fitted_train = min(train, n_frames - fitted_test)
    adjustments = []
    if fitted_test < test:
        adjustments.append(f"test set lowered from {test} to {fitted_test} frames: {n_frames} frames must also "
                           f"leave {MIN_TRAIN} for training")
    if fitted_train < train:
        adjustments.append(f"training set lowered from {train} to {fitted_train} frames: {n_frames} frames minus "
                           f"{fitted_test} for testing leave {fitted_train}")
    return FittedSplit(fitted_train, fitted_test, tuple(adjustments))


def nested_subsets(train: np.ndarray, sizes, random_state=0) -> list[np.ndarray]:
    """Nested training sets (each contains the smaller ones) for learning curves."""
    order = np.random.default_rng(random_state).permutation(np.asarray(train))
    counts = sorted(_count(s, len(order), "learning-curve size") for s in sizes)
    return [np.sort(order[:c]) for c in counts]


DUPLICATE_TOLERANCE = 1e-5
"""Bohr or radians. Two points closer than d in every feature give 1 − k ≈ Σθd², which reaches the
default nugget (1e-10) near d = 1e-5 for θ ≈ 1: R is then numerically singular."""


def near_duplicate_pairs(features, tolerance: float = DUPLICATE_TOLERANCE, periodic=None) -> np.ndarray:
    """(k, 2) frame pairs i < j whose features all differ by at most ``tolerance``; periodic
    features (φ) are compared across ±π. A k-d tree keeps this fast for thousands of frames."""
    from scipy.spatial import cKDTree

    x = np.array(features, dtype=float)
    if x.ndim != 2 or len(x) < 2:
        return np.empty((0, 2), dtype=int)
    periodic = np.zeros(x.shape[1], dtype=bool) if periodic is None else np.asarray(periodic, dtype=bool)
    box = np.empty(x.shape[1])
    x[:, periodic] = np.mod(x[:, periodic] + np.pi, 2 * np.pi)
    box[periodic] = 2 * np.pi
    flat = ~periodic
    x[:, flat] -= x[:, flat].min(axis=0)
    box[flat] = x[:, flat].max(axis=0) + 2 * tolerance + 1.0
    pairs = cKDTree(x, boxsize=box).query_pairs(tolerance, p=np.inf, output_type="ndarray")
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else np.empty((0, 2), dtype=int)


@dataclass
class Duplicates:
    """Frames that (nearly) repeat an earlier frame, for every atom of a dataset."""

    tolerance: float
    pairs: np.ndarray
    n_frames: int

    @property
    def repeated(self) -> np.ndarray:
        """Frames to leave out: each pair's later frame, so the first of every group stays."""
        return np.unique(self.pairs[:, 1]) if len(self.pairs) else np.empty(0, dtype=int)

    def keep(self) -> np.ndarray:
        """Frame indices without the repeats."""
        return np.setdiff1d(np.arange(self.n_frames), self.repeated)

    def describe(self) -> str:
        if not len(self.pairs):
            return f"no near-duplicate frames (features within {self.tolerance:g})"
        shown = ", ".join(f"{i + 1}~{j + 1}" for i, j in self.pairs[:5])
        more = f", … ({len(self.pairs)} pairs)" if len(self.pairs) > 5 else ""
        return (f"{len(self.repeated)} frames nearly repeat an earlier one (all features within {self.tolerance:g}; "
                f"1-based pairs {shown}{more}): they make R near-singular; drop them or raise the nugget")


def find_duplicates(dataset, tolerance: float = DUPLICATE_TOLERANCE) -> Duplicates:
    """Near-duplicate frames of ``dataset``: a pair counts when it is near for every atom's features."""
    pairs = None
    for atom in dataset.atoms.values():
        found = {tuple(p) for p in near_duplicate_pairs(atom.features, tolerance, atom.periodic)}
        pairs = found if pairs is None else pairs & found
        if not pairs:
            break
    ordered = np.array(sorted(pairs or ()), dtype=int).reshape(-1, 2)
    return Duplicates(tolerance, ordered, dataset.n_frames)
