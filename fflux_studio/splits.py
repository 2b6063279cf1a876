"""Train/test splits of frames, reproducible from a random state."""

from __future__ import annotations

import numpy as np


def _count(size, total: int, what: str) -> int:
    """A size given as a fraction (0 < f < 1) or a count, checked against ``total``."""
    if size is None:
        return 0
    if isinstance(size, float) and 0.0 < size < 1.0:
        return max(1, int(round(size * total)))
    count = int(size)
    if count != size or count < 0:
        raise ValueError(f"{what} must be a fraction in (0, 1) or a non-negative count, got {size!r}")
    if count > total:
        raise ValueError(f"{what} {count} exceeds the {total} frames available")
    return count


def random_split(n_frames: int, test_size=None, train_size=None, random_state=0):
    """Disjoint (train, test) frame indices; ``train_size`` None takes every frame not tested."""
    n_test = _count(test_size, n_frames, "test size")
    n_train = _count(train_size, n_frames - n_test, "train size") if train_size is not None else n_frames - n_test
    order = np.random.default_rng(random_state).permutation(n_frames)
    return np.sort(order[n_test: n_test + n_train]), np.sort(order[:n_test])


def nested_subsets(train: np.ndarray, sizes, random_state=0) -> list[np.ndarray]:
    """Nested training sets (each contains the smaller ones) for learning curves."""
    order = np.random.default_rng(random_state).permutation(np.asarray(train))
    counts = sorted(_count(s, len(order), "learning-curve size") for s in sizes)
    return [np.sort(order[:c]) for c in counts]
