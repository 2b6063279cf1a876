"""The Deploy step's worker jobs, run in this process: they send the forcefield library's own numbers
(optimisation, frequencies, reference comparison, NVE), read uploaded models as the user named them,
and train whole-molecule TL and DL sets with the campaign library."""

import dataclasses
import io

import numpy as np
import pytest
from ase.io import read

from fflux_studio.demo import DEMO_DIR, demo_path, load_demo
from fflux_studio.forcefield import FFLUXCalculator, load_model_set
from fflux_studio.forcefield.comparison import kabsch_rmsd, read_reference
from fflux_studio.forcefield.deployment import deploy
from fflux_studio.io.errors import InputError
from fflux_studio.io.xyz import read_trajectory
from fflux_studio.optimize.cancel_flag import CancelFlag
from fflux_studio.optimize.events import Cancelled
from fflux_studio.ui import deploy_jobs
from fflux_studio.ui.deploy_jobs import ModelSource, Start
from fflux_studio.ui.deploy_messages import DeployDone, DeployStarted, DeployStep, ModelSetsTrained, ModelSetTask

from ..forcefield.model_sets import write_model_set

REFERENCE = DEMO_DIR / "ethanol.reference.json"
FRAME = 700


@pytest.fixture(scope="module")
def ethanol():
    return read_trajectory(demo_path("ethanol"))


@pytest.fixture(scope="module")
def models(ethanol, tmp_path_factory):
    return write_model_set(ethanol, tmp_path_factory.mktemp("set"), "rbf-cyclic", frames=np.arange(100))


@pytest.fixture(scope="module")
def start(ethanol):
    return Start(tuple(ethanol.elements), ethanol.geometries[FRAME], {"file": "ethanol demo", "frame": FRAME + 1})


def run(sources, start, workdir, property_name=None):
    messages = []
    deploy_jobs.deploy_sets(sources, start, str(REFERENCE), property_name, workdir, messages.append, CancelFlag(),
                            nve_femtoseconds=20.0)
    return messages


@pytest.fixture(scope="module")
def deployed(models, start, tmp_path_factory):
    return run([ModelSource("TL", (str(models),))], start, tmp_path_factory.mktemp("work"))


def test_a_deployment_sends_the_librarys_own_numbers(deployed, models, start):
    assert isinstance(deployed[0], DeployStarted) and deployed[0].label == "TL"
    steps = [m for m in deployed if isinstance(m, DeployStep)]
    done, = [m for m in deployed if isinstance(m, DeployDone)]
    direct = deploy(FFLUXCalculator(models), start.positions, max_steps=deploy_jobs.MAX_STEPS, frequencies=True)
    document = done.document
    assert document["energy"] == pytest.approx(direct.document["energy"], abs=1e-12)
    assert [s.energy for s in steps] == pytest.approx(direct.optimisation.energies, abs=1e-12)
    assert [s.max_force for s in steps] == pytest.approx(direct.optimisation.max_forces, abs=1e-12)
    np.testing.assert_allclose(document["frequencies_cm1"], direct.harmonic.frequencies, rtol=1e-10)
    assert document["start"] == {"file": "ethanol demo", "frame": FRAME + 1}
    reference = read_reference(REFERENCE)
    assert document["rmsd_angstrom"] == pytest.approx(kabsch_rmsd(np.array(document["geometry"]), reference.minimum))
    errors = np.array(document["frequencies_cm1"]) - reference.frequencies
    np.testing.assert_allclose(document["frequency_errors_cm1"], errors, rtol=1e-10)
    assert document["frequency_max_error_cm1"] == pytest.approx(np.abs(errors).max())
    assert document["nve"]["drift_ha"] == pytest.approx(done.nve_energies[-1] - done.nve_energies[0])
    assert done.nve_times_fs[-1] == pytest.approx(20.0) and document["nve"]["steps"] == 40
    np.testing.assert_allclose(read(io.StringIO(done.xyz), format="xyz").positions, document["geometry"], atol=1e-6)


def test_uploaded_models_deploy_alike_and_are_named_as_uploaded(deployed, models, start, tmp_path):
    files = sorted(models.glob("*.model"))
    source = ModelSource("uploaded", names=tuple(f.name for f in files), contents=tuple(f.read_bytes() for f in files))
    done, = [m for m in run([source], start, tmp_path) if isinstance(m, DeployDone)]
    first, = [m for m in deployed if isinstance(m, DeployDone)]
    assert done.document["energy"] == pytest.approx(first.document["energy"], abs=1e-12)
    assert done.document["models"] == [f.name for f in sorted(files, key=_atom_index)]
    assert not list(tmp_path.iterdir()), "the staged upload is removed once read"


def _atom_index(path):
    return int(path.stem.rsplit("_", 1)[1][1:])


def test_bad_uploads_and_wrong_atoms_are_refused_by_name(models, start, tmp_path):
    bad = ModelSource("uploaded", names=("ETHANOL_atomic_energy_C1.model",), contents=(b"not a model\n",))
    with pytest.raises(InputError, match="ETHANOL_atomic_energy_C1.model") as caught:
        run([bad], start, tmp_path)
    assert str(tmp_path) not in str(caught.value)
    backwards = dataclasses.replace(start, symbols=start.symbols[::-1])
    with pytest.raises(InputError, match="are not those of the TL models"):
        run([ModelSource("TL", (str(models),))], backwards, tmp_path)


def test_force_field_energy_explains_what_is_missing(ethanol):
    assert deploy_jobs.force_field_energy(ethanol) == "atomic_energy"
    assert deploy_jobs.force_field_energy(ethanol, "charge") == "atomic_energy"
    one_atom = dataclasses.replace(ethanol, atoms={"C1": ethanol.atoms["C1"]})
    with pytest.raises(ValueError, match="an energy model for every atom; the loaded data hold 1 atom"):
        deploy_jobs.force_field_energy(one_atom)
    no_energy = dataclasses.replace(ethanol, targets={a: {"charge": t["charge"]} for a, t in ethanol.targets.items()})
    with pytest.raises(ValueError, match="energy in Ha for every atom"):
        deploy_jobs.force_field_energy(no_energy)


@pytest.fixture(scope="module")
def small_demo():
    return load_demo("ethanol").subset(np.arange(160))


def test_train_sets_writes_a_tl_and_a_dl_model_per_atom(small_demo, tmp_path):
    messages = []
    deploy_jobs.train_sets(small_demo, "atomic_energy", np.arange(120), np.arange(120, 160), tmp_path,
                           messages.append, CancelFlag())
    trained = messages[-1]
    assert isinstance(trained, ModelSetsTrained) and trained.property_name == "atomic_energy"
    for label in ("TL", "DL"):
        model_set = load_model_set([trained.folders[label]])
        assert model_set.symbols == list(small_demo.elements)
        assert all(m.n_train == 120 for m in model_set.models)
    finals = {(m.protocol, m.event.atom): m.event.state for m in messages if isinstance(m, ModelSetTask)}
    assert len(finals) == 18 and set(finals.values()) == {"trained"}
    records = [m.event.record for m in messages if isinstance(m, ModelSetTask) and m.event.final and m.protocol == "tl"]
    assert all(r["settings"]["subset"] == 3 * 21 and r["plan"] == "" for r in records), "TL seeds from sources"
    assert any(r["transfer_from"] for r in records), "equivalent hydrogens seed one another"
    again = []
    deploy_jobs.train_sets(small_demo, "atomic_energy", np.arange(120), np.arange(120, 160), tmp_path,
                           again.append, CancelFlag())
    assert {m.event.state for m in again if isinstance(m, ModelSetTask)} == {"skipped"}


def test_train_sets_stops_when_cancelled(small_demo, tmp_path):
    cancel = CancelFlag()
    cancel.set()
    with pytest.raises(Cancelled):
        deploy_jobs.train_sets(small_demo, "atomic_energy", np.arange(120), np.arange(120, 160), tmp_path,
                               lambda _m: None, cancel)
    assert not list((tmp_path / "tl").glob("*.model"))
