"""The typed messages of the Deploy step's jobs (engine -> page), plain frozen dataclasses that
pickle, beside the training ones in messages.py. Each job still ends with one messages.Finished."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.campaign.events import TaskEvent


@dataclass(frozen=True)
class DeployStarted:
    """Model set ``label`` begins its optimisation."""

    label: str


@dataclass(frozen=True)
class DeployStep:
    """One optimiser step of set ``label``: energy (Ha) and largest atomic force (Ha/bohr)."""

    label: str
    step: int
    energy: float
    max_force: float


@dataclass(frozen=True)
class DeployDone:
    """Set ``label`` deployed: the ``optimize --json`` document (with the reference comparison and
    ``nve``), the optimised geometry as xyz text, and the NVE run's total energy (Ha) against time (fs)."""

    label: str
    document: dict
    xyz: str
    nve_times_fs: np.ndarray
    nve_energies: np.ndarray


@dataclass(frozen=True)
class ModelSetTask:
    """A task of the whole-molecule training changed state (``protocol``: tl or dl)."""

    protocol: str
    event: TaskEvent


@dataclass(frozen=True)
class ModelSetsTrained:
    """Whole-molecule model sets written: label (TL, DL) -> folder, and the energy property."""

    folders: dict
    property_name: str
