"""Small model sets for the force-field tests: GPR models fitted (no hyperparameter search) on a
few dozen frames of the ethanol demo, written to .model files."""

import numpy as np

from fflux_studio.gpr import GPRModel, Kernel
from fflux_studio.io.model_file import write_model

KERNELS = ("rbf", "rbf-cyclic", "periodic", "rbf x periodic")
N_TRAIN = 60


def kernel_named(name: str, n_features: int) -> Kernel:
    """The named FEREBUS kernels, and ICHOR's product: rbf on distances and θ, periodic on the φ's."""
    if name == "rbf x periodic":
        return Kernel(tuple("periodic" if h >= 5 and h % 3 == 2 else "rbf" for h in range(n_features)))
    return Kernel.named(name, n_features)


def write_model_set(dataset, folder, kernel: str, frames=np.arange(N_TRAIN)):
    for atom in dataset.atom_names:
        x, y = dataset.xy(atom, "atomic_energy")
        x, y = x[frames], y[frames]
        theta = 1.0 / (x.shape[1] * np.maximum(x.var(axis=0), 1e-3))  # exponent ~2 between typical frames
        model = GPRModel.fit(x, y, theta, kernel_named(kernel, x.shape[1]), nugget=1e-8,
                             **dataset.model_metadata(atom, "atomic_energy"))
        write_model(model, folder)
    return folder
