"""Errors of predictions: RMSE, MAE and ICHOR's S-curves (SPEC section 6).

Imports numpy alone, so every room of the package (protocols, evaluation, the CLI, the Studio's
plots) may use it without import circles.
"""

from __future__ import annotations

import numpy as np


def rmse(errors) -> float:
    errors = np.asarray(errors, dtype=float)
    return float(np.sqrt(np.mean(errors**2)))


def mae(errors) -> float:
    return float(np.mean(np.abs(np.asarray(errors, dtype=float))))


def s_curve(errors) -> tuple[np.ndarray, np.ndarray]:
    """Absolute errors sorted ascending, against percentiles linspace(100/n, 100, n)."""
    absolute = np.sort(np.abs(np.asarray(errors, dtype=float)))
    n = len(absolute)
    return absolute, np.linspace(100.0 / n, 100.0, n)
