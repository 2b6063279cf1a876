"""Fixtures for the GPR numerics: real reference models, random data whose angles wrap, one BLAS thread."""

import numpy as np
import pytest

from fflux_studio.io.model_file import read_model

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # threadpoolctl comes with scikit-learn; without it BLAS keeps its own threads
    threadpool_limits = None

REFERENCE_FILES = {"water": "WATER_iqa_O1", "ammonia": "AMMONIA_iqa_N1", "methanol": "METHANOL_iqa_C1",
                   "nma": "NMA_iqa_C1", "glycine": "GLYCINE_iqa_C1", "ibuprofen": "IBUPROFEN_iqa_C1"}


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Two cores are shared with other jobs; on these small matrices threads only add contention."""
    if threadpool_limits is None:
        yield
    else:
        with threadpool_limits(1):
            yield


def reference_path(shared_data, system: str, kind: str):
    return shared_data / "ferebus-paper-data" / "likelihood" / system / kind / f"{REFERENCE_FILES[system]}.model"


@pytest.fixture(scope="session")
def methanol(shared_data):
    """FEREBUS's concentrated methanol C1 model (636 points, 12 features; f6, f9, f12 are angles)."""
    return read_model(reference_path(shared_data, "methanol", "concentrated"))


def random_data(n: int, d: int, seed: int = 0):
    """Features spread like ALF features: distances, f3 in [0, pi], and angles that wrap.

    Every third feature is an angle over the whole circle except one whose values cluster at +-pi
    (split in two by the cut), the case where turning the angles matters.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(1.5, 4.0, size=(n, d))
    for h in range(2, d, 3):
        x[:, h] = rng.uniform(-np.pi, np.pi, n)
    x[:, 2] = rng.uniform(0.0, np.pi, n)
    if d > 5:
        x[:, 5] = np.mod(np.pi + 0.1 * rng.standard_normal(n) + np.pi, 2 * np.pi) - np.pi
    y = np.sin(x).sum(axis=1) + 0.01 * rng.standard_normal(n)
    return x, y
