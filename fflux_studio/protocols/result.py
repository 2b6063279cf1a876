"""What a protocol returns: the optimum, its cost per phase, and the source models behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fflux_studio.gpr import GPRModel, Kernel
from fflux_studio.protocols.settings import ProtocolSettings


@dataclass
class SourceFit:
    """One TL source model: its subset (frame indices into the training set) and how good it is."""

    index: int
    subset: np.ndarray
    log_theta: np.ndarray
    log_likelihood_subset: float
    log_likelihood_full: float
    evaluations: int
    seconds: float


@dataclass
class ProtocolResult:
    """The optimum of a DL or TL run on (x, y); ``seconds`` has keys seeding, relaxation and total (wall
    time), and cpu (the fitting thread's CPU time, added by run_protocol).

    ``status`` is why the full-set search stopped (DL: its best start; TL: the relaxation), one of
    optimize/status.py: converged, budget reached or stalled (a cancelled run raises Cancelled).

    ``plan`` says what a TL run did when it did not seed (too small a set for sources to pay off).

    TL only: ``sources`` are the source models, ``seed_index`` the chosen one, ``stages`` the seed
    refitted on growing subsets (SourceFit with index n_seeds + k).
    """

    protocol: str
    settings: ProtocolSettings
    log_theta: np.ndarray
    log_likelihood: float
    evaluations: int
    seconds: dict
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    sources: list = field(default_factory=list)
    seed_index: int | None = None
    stages: list = field(default_factory=list)
    status: str = field(kw_only=True)
    plan: str = field(default="", kw_only=True)

    @property
    def theta(self) -> np.ndarray:
        return np.exp(self.log_theta)

    @property
    def kernel(self) -> Kernel:
        return Kernel.named(self.settings.kernel, self.x.shape[1])

    def model(self, **metadata) -> GPRModel:
        """The trained model (mean and weights from the likelihood's definition); metadata as GPRModel's."""
        return GPRModel.fit(self.x, self.y, self.theta, self.kernel, self.settings.likelihood,
                            self.settings.nugget, log_likelihood=self.log_likelihood, **metadata)
