"""Training-set sizes for learning curves that work for the loaded data: TL splits each size into
source-model subsets, which need at least 3 points per feature and fewer points than the size, so
fixed presets (40, 80, 160) failed on 21-feature atoms."""

from __future__ import annotations

import numpy as np

from fflux_studio.protocols import ProtocolSettings
from fflux_studio.protocols.settings import MIN_POINTS_PER_FEATURE
from fflux_studio.sizes import size_count


def check_size(size, settings: ProtocolSettings, n_train: int, n_features: int) -> int:
    """The count ``size`` means on ``n_train`` points; ValueError in words when TL cannot train on it."""
    count = size_count(size, n_train, "training-set size")
    if count > n_train:
        raise ValueError(f"training-set size {count} is larger than the training set ({n_train} points)")
    smallest = smallest_size(settings, n_train, n_features)
    if smallest is None or count < smallest:
        need = f"at least {smallest}" if smallest is not None else f"more than the {n_train} training points"
        raise ValueError(f"training-set size {count} is too small for TL: its source models need subsets of at "
                         f"least {MIN_POINTS_PER_FEATURE} x {n_features} features = "
                         f"{MIN_POINTS_PER_FEATURE * n_features} points, fewer than the size; use {need}")
    return count


def smallest_size(settings: ProtocolSettings, n_train: int, n_features: int) -> int | None:
    """The smallest training-set size TL can train on, or None when even ``n_train`` is too small."""
    for count in range(2, n_train + 1):
        try:
            settings.subset_size(count, n_features)
        except ValueError:
            continue
        return count
    return None


def default_sizes(settings: ProtocolSettings, n_train: int, n_features: int, points: int = 4) -> list[int]:
    """``points`` sizes spaced evenly on a log axis, from twice the smallest size TL can train on
    (so its source models are not starved) up to the whole training set."""
    smallest = smallest_size(settings, n_train, n_features)
    if smallest is None:
        return []
    low = min(2 * smallest, n_train)
    return sorted({int(round(v)) for v in np.geomspace(low, n_train, points)})
