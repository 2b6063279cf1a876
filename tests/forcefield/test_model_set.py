"""A model set must be one energy model per atom of one molecule; otherwise the message names the files."""

import shutil

import pytest

from fflux_studio.forcefield.model_set import load_model_set
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import read_model, write_model


@pytest.fixture()
def folder(cyclic_models, tmp_path):
    target = tmp_path / "set"
    shutil.copytree(cyclic_models, target)
    return target


def _rewrite(path, **changes):
    model = read_model(path)
    for key, value in changes.items():
        setattr(model, key, value)
    path.unlink()
    return write_model(model, path.parent)


def test_a_folder_gives_the_atoms_in_order(cyclic_models):
    model_set = load_model_set([cyclic_models])
    assert model_set.symbols == ["C", "C", "O", "H", "H", "H", "H", "H", "H"]
    assert [m.atom for m in model_set.models] == ["C1", "C2", "O3", "H4", "H5", "H6", "H7", "H8", "H9"]
    assert model_set.alfs[0, 0] == 0 and model_set.property_name == "atomic_energy"


def test_missing_atom_is_named(folder):
    (folder / "ETHANOL_atomic_energy_H5.model").unlink()
    with pytest.raises(InputError, match="no model for atom.* 5 among .*ETHANOL_atomic_energy_C1.model"):
        load_model_set([folder])


def test_mixed_systems_name_the_files(folder):
    _rewrite(folder / "ETHANOL_atomic_energy_H9.model", system="methanol")
    with pytest.raises(InputError, match=r"mix systems \(ETHANOL: .*; methanol: methanol_atomic_energy_H9.model\)"):
        load_model_set([folder])


def test_mixed_properties_name_the_files(folder):
    _rewrite(folder / "ETHANOL_atomic_energy_H9.model", property_name="iqa")
    with pytest.raises(InputError, match="mix properties.*iqa: ETHANOL_iqa_H9.model"):
        load_model_set([folder])


def test_a_campaign_folder_gives_its_one_energy_property(folder):
    """train --property all writes charges and moments beside the energies: those are not the force field."""
    for path in list(folder.glob("*.model")):
        model = read_model(path)
        model.property_name, model.target_unit = "q00", "e"
        write_model(model, folder)
    assert len(list(folder.glob("*.model"))) == 18
    model_set = load_model_set([folder])
    assert model_set.property_name == "atomic_energy" and len(model_set.models) == 9


def test_property_picks_one_of_several_energies(folder):
    for path in list(folder.glob("*.model")):
        model = read_model(path)
        model.property_name = "iqa"
        write_model(model, folder)
    with pytest.raises(InputError, match="mix properties.*choose one with --property"):
        load_model_set([folder])
    assert load_model_set([folder], "iqa").property_name == "iqa"
    with pytest.raises(InputError, match="no model of property 'q00' among the files.*atomic_energy, iqa"):
        load_model_set([folder], "q00")


def test_disagreeing_atom_counts_name_the_files(folder):
    _rewrite(folder / "ETHANOL_atomic_energy_O3.model", n_atoms=10)
    with pytest.raises(InputError, match=r"mix atom counts.*10: ETHANOL_atomic_energy_O3.model"):
        load_model_set([folder])


def test_a_duplicate_atom_is_named(folder, cyclic_models):
    copy = folder / "copy"
    copy.mkdir()
    shutil.copy(folder / "ETHANOL_atomic_energy_C2.model", copy / "other_C2.model")
    with pytest.raises(InputError, match="atom 2 has 2 models: ETHANOL_atomic_energy_C2.model, other_C2.model"):
        load_model_set([folder, copy / "other_C2.model"])


def test_a_charge_model_is_not_an_energy(folder):
    for path in list(folder.glob("*.model")):
        _rewrite(path, property_name="q00", target_unit="e")
    with pytest.raises(InputError, match="ETHANOL_q00_C1.model, field 'units.y': models q00 in 'e'"):
        load_model_set([folder])


def test_a_wrong_alf_is_named(folder):
    _rewrite(folder / "ETHANOL_atomic_energy_H4.model", alf=(3, 2, 1))
    with pytest.raises(InputError, match="H4.model, field 'ALF': ALF 3 2 1 .*own atom 4"):
        load_model_set([folder])


def test_empty_and_absent_sources(tmp_path):
    with pytest.raises(InputError, match="without .model files"):
        load_model_set([tmp_path])
    with pytest.raises(InputError, match="no such file"):
        load_model_set([tmp_path / "nothing.model"])
