"""The spread of repeated learning-curve runs, against plain numpy over each group."""

from __future__ import annotations

import numpy as np
import pytest

from fflux_studio.ui.learning_spread import spread


def test_mean_min_max_and_count_per_protocol_and_size():
    rng = np.random.default_rng(0)
    rows = [{"protocol": p, "size": n, "random_state": r, "seconds": float(rng.uniform(0.1, 5))}
            for p in ("tl", "dl") for n in (50, 100) for r in range(3 if n == 50 else 1)]
    table = spread(rows, "seconds")
    assert len(table) == 4
    for p in ("tl", "dl"):
        for n in (50, 100):
            values = np.array([row["seconds"] for row in rows if row["protocol"] == p and row["size"] == n])
            got = table[(table["protocol"] == p) & (table["size"] == n)].iloc[0]
            assert got["mean"] == pytest.approx(np.mean(values), rel=1e-12)
            assert got["low"] == np.min(values) and got["high"] == np.max(values)
            assert got["repeats"] == len(values)


def test_no_rows_give_an_empty_table():
    assert spread([], "rmse").empty
