"""Fixtures for protocol tests: small real training sets, one BLAS thread."""

import pytest
from threadpoolctl import threadpool_limits

from fflux_studio.io.ferebus_csv import read_ferebus_csv


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1):
        yield


def training_set(shared_data, system: str, atom: str, kind: str = "TRAINING"):
    path = shared_data / "ferebus-paper-data" / "likelihood" / system / f"{system.upper()}_{atom}_{kind}_SET.csv"
    return read_ferebus_csv(path).xy(atom, "iqa")


@pytest.fixture
def ammonia(shared_data):
    """The first 200 ammonia N1 training points (6 features): real, and fast."""
    x, y = training_set(shared_data, "ammonia", "N1")
    return x[:200], y[:200]
