"""The typed messages that cross the worker boundary, both ways: plain frozen dataclasses that
pickle, so the engine can run in another process and the page never shares an object with it.

Engine -> page: Started, Iteration, LandscapeGrid, RunDone, LearningPoint, Loaded, Finished
(every job ends with exactly one Finished); a campaign sends CampaignPlan, the campaign's own
TaskEvent (fflux_studio.campaign.events) for every change of a model's state, ModelErrors and
TotalErrors. Page -> engine: ChoosePair. Inside the engine's
process, the landscape thread also receives Follow, Finish and Stop from the optimiser's thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Started:
    """A protocol run begins (a comparison sends one per protocol)."""

    protocol: str
    settings: dict
    n_train: int
    n_features: int


@dataclass(frozen=True)
class Iteration:
    """One optimiser iteration; ``event`` is the engine's ``IterationEvent.as_dict()``."""

    protocol: str
    event: dict


@dataclass(frozen=True)
class LandscapeGrid:
    """ln L over ``grid_i`` x ``grid_j`` of ln theta i and j, the others held at ``centre``;
    ``values[a, b]`` sits at (grid_i[a], grid_j[b])."""

    protocol: str
    i: int
    j: int
    grid_i: np.ndarray
    grid_j: np.ndarray
    values: np.ndarray
    centre: np.ndarray
    seconds: float

    @property
    def pair(self) -> tuple[int, int]:
        return self.i, self.j


@dataclass(frozen=True)
class RunDone:
    """A finished training (a ``jobs.Run``), sent before the run's final landscape grid."""

    protocol: str
    run: Any


@dataclass(frozen=True)
class LearningPoint:
    """One learning-curve run: protocol, size, random_state, rmse, mae, seconds (its wall time in the
    worker), unit."""

    row: dict


@dataclass(frozen=True)
class Loaded:
    """A dataset read in the worker, with where it came from in the user's words and, when some
    frames nearly repeat others (they make R near-singular), that warning in words."""

    dataset: Any
    source: str
    duplicates: str = ""


@dataclass(frozen=True)
class Finished:
    """The job's outcome: ``done``, ``cancelled`` or ``failed`` (``message`` says why, in words;
    ``details``: a traceback for the server's log when the failure may be a bug)."""

    task: str
    status: str
    message: str = ""
    details: str = ""


@dataclass(frozen=True)
class CampaignPlan:
    """A campaign's grid (atoms x properties), its folder and workers; ``energy`` is the property whose
    sum over ``molecule`` (every atom) is the molecule's energy, None when the campaign cannot give it."""

    atoms: tuple
    properties: tuple
    folder: str
    workers: int
    molecule: tuple
    energy: str | None


@dataclass(frozen=True)
class ModelErrors:
    """A finished model's errors on the held-out frames, in display units."""

    atom: str
    property: str
    errors: np.ndarray
    unit: str


@dataclass(frozen=True)
class TotalErrors:
    """The molecule's energy error per held-out frame (sum of its atoms' predictions minus the sum of
    their references), in display units."""

    property: str
    errors: np.ndarray
    unit: str


@dataclass(frozen=True)
class ChoosePair:
    """The landscape's axes chosen on the page; None: the two most influential features."""

    pair: tuple[int, int] | None


@dataclass(frozen=True)
class Follow:
    """The optimiser's newest best point, for the landscape thread."""

    log_theta: np.ndarray
    phase: str = ""


@dataclass(frozen=True)
class Finish:
    """Draw the final best point (if it moved), then end."""


@dataclass(frozen=True)
class Stop:
    """End at once."""
