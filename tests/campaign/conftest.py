"""Small benzene campaigns (100 training frames: well under a second per model)."""

import numpy as np
import pytest

from fflux_studio.campaign import plan_tasks
from fflux_studio.demo import demo_path
from fflux_studio.io.load import load_dataset
from fflux_studio.protocols import ProtocolSettings

PROPERTIES = ["atomic_energy", "charge"]


@pytest.fixture(scope="session")
def benzene():
    return load_dataset(demo_path("benzene"))


@pytest.fixture(scope="session")
def frames(benzene):
    order = np.random.default_rng(0).permutation(benzene.n_frames)
    return order[:100], order[1000:1100]


@pytest.fixture(scope="session")
def plan(benzene, frames):
    """plan(atoms, properties=PROPERTIES, transfer="none", **settings) -> tasks with a 100-frame test set."""
    def make(atoms, properties=PROPERTIES, transfer="none", dataset=None, **settings):
        train, test = frames
        dataset = dataset or benzene
        return plan_tasks(dataset, atoms, properties, "tl", ProtocolSettings(**settings), train,
                          test=(dataset, test), transfer=transfer)
    return make


@pytest.fixture(scope="session")
def written_models():
    """written_models(folder) -> file name -> text of every .model in it."""
    return lambda folder: {path.name: path.read_text() for path in folder.glob("*.model")}
