"""What one browser session has loaded, chosen, is running and has finished: a param.Parameterized
model that the views watch, holding no widget and no plot.
"""

from __future__ import annotations

import numpy as np
import param

from fflux_studio.memory import MemoryBudget
from fflux_studio.protocols import PROTOCOLS as PROTOCOL_RUNNERS
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.protocols.settings import CHOICES
from fflux_studio.sizes import size_value
from fflux_studio.splits import MIN_TRAIN, FittedSplit, fit_split, random_split

DEFAULTS = ProtocolSettings()
NAMES = {"lbfgs": "L-BFGS-B", "pso": "PSO", "tl": "Transfer learning (TL)", "dl": "Direct learning (DL)"}
"""How the page names the engine's choices; a choice without a name here is shown as it is."""


def _options(values) -> dict:
    """Selector objects {label: value} for the engine's allowed values."""
    return {NAMES.get(value, value): value for value in values}


def _setting(kind, name: str, **options):
    """A parameter for the ProtocolSettings field ``name``: its default (and choices) from the dataclass."""
    if name in CHOICES:
        options["objects"] = _options(CHOICES[name])
    return kind(default=getattr(DEFAULTS, name), **options)


OPTIMIZERS = _options(CHOICES["optimizer"])
PROTOCOLS = _options(sorted(PROTOCOL_RUNNERS, key=lambda protocol: protocol != "tl"))  # TL, the subject, first


SETTINGS = ("kernel", "likelihood", "subset", "n_seeds", "seed_optimizer", "optimizer", "selection", "n_starts",
            "seed_max_iterations", "max_iterations", "pso_swarm", "pso_max_iterations", "random_state")
"""The ProtocolSettings fields the page lets a user choose, in the Train step's order; the others keep
their defaults."""
TL_ONLY = ("subset", "n_seeds", "seed_optimizer", "selection", "seed_max_iterations")
"""The settings of TL's source models and seed choice, which DL never reads."""


def shown_settings(protocol: str) -> list[str]:
    """The settings the Train step offers for ``protocol``: DL's page leaves out what only TL reads."""
    return [name for name in SETTINGS if protocol == "tl" or name not in TL_ONLY]


class StudioState(param.Parameterized):
    """One session's data, settings and results."""

    dataset = param.Parameter(default=None, doc="the loaded fflux_studio.dataset.Dataset")
    source = param.String(default="", doc="where the dataset came from (demo name or file names)")
    atom = param.Selector(default=None, objects=[], doc="atom whose model is trained")
    prop = param.Selector(default=None, objects=[], label="Property", doc="target property")
    train_size = param.Integer(default=200, bounds=(4, None), doc="training frames")
    test_size = param.Integer(default=200, bounds=(1, None), doc="held-out test frames")
    split_seed = param.Integer(default=0, bounds=(0, None), label="Split random state")

    protocol = param.Selector(default="tl", objects=PROTOCOLS)
    kernel = _setting(param.Selector, "kernel")
    likelihood = _setting(param.Selector, "likelihood")
    subset = _setting(param.Number, "subset", bounds=(0, None), inclusive_bounds=(False, True),
                      label="Subset (fraction < 1 or count)", doc="points per TL source model")
    n_seeds = _setting(param.Integer, "n_seeds", bounds=(1, 32), label="Source models (seeds)")
    seed_optimizer = _setting(param.Selector, "seed_optimizer", label="Seeding optimiser")
    optimizer = _setting(param.Selector, "optimizer", label="Relaxation / DL optimiser")
    selection = _setting(param.Selector, "selection", label="Seed chosen by")
    n_starts = _setting(param.Integer, "n_starts", bounds=(1, 32), label="DL L-BFGS-B starts")
    seed_max_iterations = _setting(param.Integer, "seed_max_iterations", bounds=(1, None),
                                   label="Seeding budget (iterations)")
    max_iterations = _setting(param.Integer, "max_iterations", bounds=(1, None),
                              label="Relaxation / DL budget (iterations)")
    pso_swarm = _setting(param.Integer, "pso_swarm", bounds=(2, None), label="PSO swarm")
    pso_max_iterations = _setting(param.Integer, "pso_max_iterations", bounds=(1, None),
                                  label="PSO budget (iterations)")
    random_state = _setting(param.Integer, "random_state", bounds=(0, None), label="Training random state")

    status = param.Selector(default="idle", objects=["idle", "running", "done", "cancelled", "failed"])
    task = param.String(default="", doc="what runs now: train, compare or learning curve")
    message = param.String(default="")
    progress = param.Number(default=0.0, bounds=(0, 1))
    elapsed = param.Number(default=0.0)
    remaining = param.Number(default=None, allow_None=True, doc="a campaign's seconds left (estimate)")
    time_left = param.String(default="", doc="a training's or comparison's time left in words (ui/progress.py)")
    runs = param.Dict(default={}, doc="protocol -> jobs.Run, the latest finished run of each")
    learning = param.List(default=[], doc="learning-curve runs: protocol, size, random_state, rmse, mae, seconds, unit")

    def use(self, dataset, source: str) -> None:
        """Make ``dataset`` current: choose its first atom and property, and sizes that train quickly.

        The sizes' bounds stay as declared: bounds that change with the data make the browser clamp its
        old value and send it back after the new one (the page then showed one split and trained on
        another). Sizes beyond the data are lowered by :meth:`fitted_split`, which says so."""
        atoms = [a for a in dataset.atom_names if dataset.properties(a)]
        if not atoms:
            raise ValueError(f"{source}: no atom has a target property to learn")
        n = dataset.n_frames
        test = min(300, max(1, n // 4))
        train = max(MIN_TRAIN, min(500, n - test))  # too few frames to train: opened, and said at a start
        with param.parameterized.batch_call_watchers(self):
            self.param.atom.objects = atoms
            self.param.prop.objects = dataset.properties(atoms[0])
            self.param.update(dataset=dataset, source=source, atom=atoms[0], prop=dataset.properties(atoms[0])[0],
                              train_size=train, test_size=test, runs={}, learning=[], status="idle", message="")

    @param.depends("atom", watch=True)
    def _atom_properties(self):
        if self.dataset is not None and self.atom is not None:
            properties = self.dataset.properties(self.atom)
            self.param.prop.objects = properties
            if self.prop not in properties:
                self.prop = properties[0]

    @property
    def unit(self) -> str:
        return self.dataset.unit(self.prop) if self.dataset is not None else ""

    def fitted_split(self) -> FittedSplit:
        """The split sizes that fit the loaded frames, with what was lowered, in words."""
        return fit_split(self.dataset.n_frames, self.train_size, self.test_size)

    def split(self) -> tuple[np.ndarray, np.ndarray]:
        """Train and test frame indices (disjoint, of :meth:`fitted_split`'s sizes), reproducible from
        ``split_seed``; ValueError when the training set would not fit in the memory budget (memory.py)."""
        fitted = self.fitted_split()
        if fitted.train < MIN_TRAIN:
            raise ValueError(f"{self.dataset.n_frames} frames are too few to train and test a model: at least "
                             f"{MIN_TRAIN + 1} are needed ({MIN_TRAIN} to train, 1 to test)")
        MemoryBudget.now().check(fitted.train)
        return random_split(self.dataset.n_frames, fitted.test, fitted.train, self.split_seed)

    def settings(self, **overrides) -> ProtocolSettings:
        """The engine's settings from the session's choices; raises ValueError when they make no sense."""
        values = {name: getattr(self, name) for name in SETTINGS}
        values["subset"] = size_value(self.subset, "subset")
        return ProtocolSettings(**{**values, **overrides})
