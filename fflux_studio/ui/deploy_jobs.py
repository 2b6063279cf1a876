"""What the worker process runs for the Deploy step: whole-molecule model sets put to work (optimise,
frequencies, a short NVE run, the reference comparison), and the training of such sets on the loaded
data when the session has only one atom's models.

Jobs are ``job(emit, cancel, inbox)`` like those of jobs.py: they call the forcefield and campaign
libraries as the CLI does, send typed messages (deploy_messages.py), and pickle.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from ase import Atoms

from fflux_studio.campaign import InProcessExecutor, plan_tasks, run_campaign
from fflux_studio.campaign.manifest import DONE
from fflux_studio.forcefield.calculator import FFLUXCalculator
from fflux_studio.forcefield.comparison import compare, read_reference
from fflux_studio.forcefield.deployment import deploy, write_minimum
from fflux_studio.forcefield.dynamics import nve
from fflux_studio.forcefield.model_set import ENERGY_UNITS, ModelSet, load_model_set
from fflux_studio.io.errors import InputError
from fflux_studio.io.upload import read_upload
from fflux_studio.optimize.events import check_cancel
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.protocols.settings import MIN_POINTS_PER_FEATURE
from fflux_studio.ui.deploy_messages import DeployDone, DeployStarted, DeployStep, ModelSetsTrained, ModelSetTask

NVE_FEMTOSECONDS = 200.0
MAX_STEPS = 500
TRAINING_POINTS = 300
"""Whole-molecule sets are trained on at most this many of the session's training frames (a random
choice among them, reproducible): with the
settings below, the ethanol demo's 9 atoms take seconds per protocol on one core."""
TRAINING_SETTINGS = ProtocolSettings(kernel="rbf-cyclic")
"""TL's sources get the smallest size worth seeding from (see train_sets)."""
PROTOCOL_LABELS = {"tl": "TL", "dl": "DL"}


@dataclass(frozen=True)
class ModelSource:
    """A model set named ``label``: files or folders on the server's machine, or uploaded files
    (names and bytes, staged within io.upload's limits; read as text, never unpickled)."""

    label: str
    paths: tuple = ()
    names: tuple = ()
    contents: tuple = field(default=(), repr=False)

    def load(self, workdir, property_name=None) -> ModelSet:
        """The model set; uploaded models are named as the user named their files."""
        if not self.names:
            return load_model_set(list(self.paths), property_name)
        model_set, _, staging = read_upload(list(self.names), list(self.contents),
                                            lambda path: load_model_set([path], property_name), workdir)
        model_set.paths = [Path(staging.show(path)) for path in model_set.paths]
        return model_set


@dataclass(frozen=True)
class Start:
    """The start geometry: elements and positions (Å), and where it comes from (the JSON's ``start``:
    a file and a 1-based frame, or a reference file's start geometry)."""

    symbols: tuple
    positions: np.ndarray
    about: dict

    @property
    def source(self) -> str:
        return self.about["file"]


def deploy_sets(sources, start: Start, reference_path, property_name, workdir, emit, cancel, inbox=None,
                nve_femtoseconds: float = NVE_FEMTOSECONDS) -> None:
    """Each set in turn: optimise from ``start`` (live), frequencies, reference comparison, NVE run."""
    reference = read_reference(reference_path) if reference_path else None
    for source in sources:
        emit(DeployStarted(source.label))
        calculator = FFLUXCalculator(source.load(workdir, property_name or None))
        model_set = calculator.model_set
        if list(start.symbols) != model_set.symbols:
            raise InputError(start.source, f"its atoms ({''.join(start.symbols)}) are not those of the "
                                           f"{source.label} models ({''.join(model_set.symbols)}, in this order)")

        def step(index, energy, max_force, label=source.label):
            emit(DeployStep(label, index, energy, max_force))

        deployment = deploy(calculator, start.positions, max_steps=MAX_STEPS, frequencies=True,
                            about_start=dict(start.about), callback=step, cancel=cancel)
        document, result = deployment.document, deployment.optimisation
        if reference is not None:
            document.update(compare(model_set.symbols, result.positions, result.energy,
                                    deployment.harmonic.frequencies, reference))
        atoms = Atoms(model_set.symbols, positions=result.positions)
        atoms.calc = calculator
        run = nve(atoms, femtoseconds=nve_femtoseconds, cancel=cancel)
        document["nve"] = run.as_dict()
        xyz = io.StringIO()
        write_minimum(xyz, model_set.system, model_set.symbols, result, format="xyz")
        emit(DeployDone(source.label, document, xyz.getvalue(), run.times_fs, run.total_energies))


def force_field_energy(dataset, preferred: str | None = None) -> str:
    """The energy (in Ha) every atom of ``dataset`` has: ``preferred`` if it is one, else
    ``atomic_energy``, else the first; ValueError saying what is missing otherwise."""
    atoms = dataset.atom_names
    if dataset.elements is None or len(atoms) != len(dataset.elements):
        held = f"{len(atoms)} atom(s) ({', '.join(atoms)})"
        whole = f" of {len(dataset.elements)}" if dataset.elements else ""
        raise ValueError(f"a force field needs an energy model for every atom; the loaded data hold {held}{whole}. "
                         "Load a whole molecule (a demo, an xyz/extxyz trajectory with per-atom energies, or ICHOR "
                         "points) or upload a model set")
    common = set.intersection(*(set(dataset.properties(atom)) for atom in atoms))
    energies = sorted(p for p in common if dataset.unit(p).lower() in ENERGY_UNITS)
    if not energies:
        raise ValueError("a force field needs an energy in Ha for every atom; the loaded data have "
                         f"{', '.join(sorted(common)) or 'no property common to all atoms'}")
    for choice in (preferred, "atomic_energy"):
        if choice in energies:
            return choice
    return energies[0]


def train_sets(dataset, property_name: str, train_frames, test_frames, folder, emit, cancel, inbox=None,
               settings: ProtocolSettings = TRAINING_SETTINGS) -> None:
    """One ``property_name`` model per atom by TL and by DL (a campaign each, in this process), into
    ``folder``/tl and ``folder``/dl; a rerun on the same data skips the models already written.

    TL's sources hold 3 points per feature (a count): with ``subset`` a fraction, 300 points are too
    few for TL to seed at all (ProtocolSettings.seeding_pays) and it would learn directly, like DL.
    """
    n_features = dataset.atom(dataset.atom_names[0]).features.shape[1]
    settings = replace(settings, subset=MIN_POINTS_PER_FEATURE * n_features)
    train_frames = np.sort(np.random.default_rng(0).permutation(np.asarray(train_frames))[:TRAINING_POINTS])
    folders = {}
    for protocol, label in PROTOCOL_LABELS.items():
        tasks = plan_tasks(dataset, dataset.atom_names, [property_name], protocol, settings, train_frames,
                           test=(dataset, np.asarray(test_frames)), transfer="atoms" if protocol == "tl" else "none")
        manifest = run_campaign(tasks, Path(folder) / protocol, InProcessExecutor(cancel=cancel),
                                on_event=lambda event, p=protocol: emit(ModelSetTask(p, event)), cancel=cancel)
        check_cancel(cancel)
        failed = [f"{m['atom']} ({m.get('message', m['status'])})" for m in manifest["models"]
                  if m["status"] not in DONE]
        if failed:
            raise ValueError(f"{label}: no model for {'; '.join(failed)}")
        folders[label] = str(Path(folder) / protocol)
    emit(ModelSetsTrained(folders, property_name))
