"""The spread of repeated learning-curve runs: for each protocol and training-set size, the mean of
a measured value (test error or wall time) over random states, with its smallest and largest."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["protocol", "size", "mean", "low", "high", "repeats"]


def spread(rows: list[dict], value: str) -> pd.DataFrame:
    """One row per (protocol, size): mean, low (min), high (max) of ``value`` and how many runs."""
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=COLUMNS)
    grouped = table.groupby(["protocol", "size"])[value]
    out = grouped.agg(mean="mean", low="min", high="max", repeats="count").reset_index()
    return out[COLUMNS]
