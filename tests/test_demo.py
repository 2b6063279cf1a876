"""Demo datasets: featurised once, but every caller (every Studio session) gets its own copy."""

import time

import numpy as np
import pytest

from fflux_studio import demo
from fflux_studio.ui.studio import Studio


@pytest.fixture()
def water_demo(tmp_path, monkeypatch):
    """A bundled-demo folder holding eight slightly different water frames."""
    rng = np.random.default_rng(0)
    frames = []
    for _ in range(8):
        o, h1, h2 = np.array([[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.0]]) + rng.normal(0, 0.02, (3, 3))
        frames.append("3\nProperties=species:S:1:pos:R:3:atomic_energy:R:1 molecule=water\n"
                      + "".join(f"{e} {p[0]:.6f} {p[1]:.6f} {p[2]:.6f} {v:.6f}\n"
                                for e, p, v in zip("OHH", (o, h1, h2), rng.normal(-1, 0.1, 3))))
    (tmp_path / "water.extxyz").write_text("".join(frames))
    monkeypatch.setattr(demo, "DEMO_DIR", tmp_path)
    return tmp_path


def change_everything(dataset):
    atom = dataset.atom_names[0]
    dataset.atoms[atom].features[0, 0] += 1.0
    dataset.targets[atom][dataset.properties(atom)[0]][0] = 99.0
    dataset.notes.append("changed by another session")


def test_each_caller_gets_its_own_copy(water_demo):
    mine, yours = demo.load_demo("water"), demo.load_demo("water")
    untouched = (yours.atoms["O1"].features.copy(), yours.targets["O1"]["atomic_energy"].copy(), list(yours.notes))
    change_everything(mine)
    for dataset in (yours, demo.load_demo("water")):
        np.testing.assert_array_equal(dataset.atoms["O1"].features, untouched[0])
        np.testing.assert_array_equal(dataset.targets["O1"]["atomic_energy"], untouched[1])
        assert dataset.notes == untouched[2]


def loaded(studio):
    deadline = time.monotonic() + 60
    while studio.state.dataset is None:
        assert time.monotonic() < deadline, "the demo did not load"
        studio.drain()
        time.sleep(0.02)
    return studio.state.dataset


def test_one_session_cannot_change_anothers_demo(water_demo):
    first, second = Studio(demo="water"), Studio(demo="water")
    change_everything(loaded(first))
    np.testing.assert_array_equal(loaded(second).atoms["O1"].features, demo.load_demo("water").atoms["O1"].features)
    assert loaded(second).notes == demo.load_demo("water").notes


def test_a_demos_reference_sits_beside_it_and_nothing_else_has_one(tmp_path):
    ethanol = demo.demo_path("ethanol")
    assert demo.reference_path(ethanol) == demo.DEMO_DIR / "ethanol.reference.json"
    copy = tmp_path / ethanol.name
    copy.write_bytes(ethanol.read_bytes())
    (tmp_path / "ethanol.reference.json").write_text("{}")
    assert demo.reference_path(copy) is None
    assert demo.reference_path(demo.DEMO_DIR / "ethanol.reference.json") is None


def test_a_demo_without_a_reference_has_none(water_demo):
    assert demo.reference_path(demo.demo_path("water")) is None
