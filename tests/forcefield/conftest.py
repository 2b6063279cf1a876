"""Small model sets for the force-field tests: GPR models fitted (no hyperparameter search) on a
few dozen frames of the ethanol demo, written to .model files and read back as a set."""

import numpy as np
import pytest

from fflux_studio.demo import demo_path
from fflux_studio.gpr import GPRModel, Kernel
from fflux_studio.io.model_file import write_model
from fflux_studio.io.xyz import read_trajectory

KERNELS = ("rbf", "rbf-cyclic", "periodic", "rbf x periodic")
N_TRAIN = 60


def kernel_named(name: str, n_features: int) -> Kernel:
    """The named FEREBUS kernels, and ICHOR's product: rbf on distances and θ, periodic on the φ's."""
    if name == "rbf x periodic":
        return Kernel(tuple("periodic" if h >= 5 and h % 3 == 2 else "rbf" for h in range(n_features)))
    return Kernel.named(name, n_features)


@pytest.fixture(scope="session")
def ethanol():
    return read_trajectory(demo_path("ethanol"))


def write_model_set(dataset, folder, kernel: str, frames=np.arange(N_TRAIN)):
    for atom in dataset.atom_names:
        x, y = dataset.xy(atom, "atomic_energy")
        x, y = x[frames], y[frames]
        theta = 1.0 / (x.shape[1] * np.maximum(x.var(axis=0), 1e-3))  # exponent ~2 between typical frames
        model = GPRModel.fit(x, y, theta, kernel_named(kernel, x.shape[1]), nugget=1e-8,
                             **dataset.model_metadata(atom, "atomic_energy"))
        write_model(model, folder)
    return folder


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
