"""A session on the ethanol demo, for the views' tests without a browser."""

import pytest

from fflux_studio.demo import load_demo
from fflux_studio.ui.studio import Studio


@pytest.fixture(scope="module")
def demo():
    return load_demo("ethanol")


@pytest.fixture()
def studio(demo):
    """A Studio holding the demo (loaded here, not by a worker), stopped after the test."""
    studio = Studio(demo=None)
    studio.state.use(demo, "bundled demo 'ethanol'")
    yield studio
    studio._destroyed(None)
