"""Fixtures of the force-field tests: the ethanol demo, model sets of it for every kernel, ICHOR's ammonia set."""

import pytest

from fflux_studio.demo import demo_path
from fflux_studio.io.xyz import read_trajectory

from .model_sets import KERNELS, write_model_set


@pytest.fixture(scope="session")
def ethanol():
    return read_trajectory(demo_path("ethanol"))


@pytest.fixture(scope="session", params=KERNELS)
def ethanol_models(request, ethanol, tmp_path_factory):
    """A folder with one ethanol atomic_energy model per atom, for each kernel."""
    return write_model_set(ethanol, tmp_path_factory.mktemp(request.param.replace(" ", "_")), request.param)


@pytest.fixture(scope="session")
def ammonia_models(shared_data):
    """ICHOR's gpytorch-written ammonia set: rbf x periodic products, ALFs our rule would not choose."""
    return sorted((shared_data / "ichor-examples").glob("AMMONIA_iqa_*.model"))


@pytest.fixture(scope="session")
def cyclic_models(ethanol, tmp_path_factory):
    """The ethanol set with FFLUX's usual rbf-cyclic kernel, for tests that need one kernel only."""
    return write_model_set(ethanol, tmp_path_factory.mktemp("cyclic"), "rbf-cyclic")
