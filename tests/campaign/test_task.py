"""Task keys change exactly when what the model depends on changes."""

import numpy as np

from fflux_studio.campaign import CampaignTask
from fflux_studio.protocols import ProtocolSettings


def task(**changes):
    rng = np.random.default_rng(1)
    fields = {"atom": "C1", "property": "q00", "protocol": "tl", "settings": ProtocolSettings(),
              "x": rng.normal(size=(20, 3)), "y": rng.normal(size=20),
              "metadata": {"system": "W", "alf": (1, 2, 3)}}
    return CampaignTask(**{**fields, **changes})


def test_same_inputs_same_key_and_the_file_fflux_expects():
    assert task().key == task().key
    assert task().file_name == "W_q00_C1.model"


def test_every_input_is_in_the_key():
    base = task()
    y = base.y.copy()
    y[3] += 1e-12
    changed = [task(y=y), task(x=base.x[:, [1, 0, 2]]), task(property="q10"), task(protocol="dl"),
               task(settings=ProtocolSettings(random_state=1)), task(metadata={"system": "W", "alf": (1, 3, 2)}),
               task(metadata={"system": "V", "alf": (1, 2, 3)}), task(donor="abc", feature_map=(0, 1, 2))]
    keys = {t.key for t in changed}
    assert len(keys) == len(changed) and base.key not in keys


def test_the_test_set_is_not_in_the_key():
    assert task(x_test=np.ones((2, 3)), y_test=np.ones(2)).key == task().key


def test_plan_orders_property_then_atom_and_seeds_from_equivalent_atoms(plan):
    tasks = plan(["C1", "C2", "H7"], transfer="all")
    assert [(t.atom, t.property) for t in tasks] == [("C1", "atomic_energy"), ("C2", "atomic_energy"),
                                                       ("H7", "atomic_energy"), ("C1", "charge"),
                                                       ("C2", "charge"), ("H7", "charge")]
    by = {(t.atom, t.property): t for t in tasks}
    assert by["C1", "atomic_energy"].donor is None and by["H7", "atomic_energy"].donor is None
    assert by["C2", "atomic_energy"].donor == by["C1", "atomic_energy"].key
    assert by["C1", "charge"].donor == by["C1", "atomic_energy"].key
    assert by["C1", "charge"].feature_map == tuple(range(30))
    assert by["C2", "charge"].donor == by["C1", "charge"].key
    assert all(t.donor is None for t in plan(["C1", "C2"]))
    atoms_only = {(t.atom, t.property): t for t in plan(["C1", "C2"], transfer="atoms")}
    assert atoms_only["C1", "charge"].donor is None
    assert atoms_only["C2", "charge"].donor == atoms_only["C1", "charge"].key
