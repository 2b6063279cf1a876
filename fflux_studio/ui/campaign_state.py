"""The Campaign step's model: what to train (atoms, properties, protocol, workers, transfer) and what
the campaign has reported so far (each model's state, record and held-out errors, the molecule's
total energy error), with the counts and the time-left estimate the page shows. Plain param, no
widget and no plot.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import numpy as np
import pandas as pd
import param

from fflux_studio.campaign import TaskEvent
from fflux_studio.campaign.events import FINAL, STATES
from fflux_studio.campaign.manifest import DONE
from fflux_studio.ui.campaign_job import CampaignRequest
from fflux_studio.ui.messages import CampaignPlan, ModelErrors, TotalErrors
from fflux_studio.ui.state import PROTOCOLS

TRANSFER_NAMES = {"none": "none", "equivalent atoms": "atoms", "atoms and properties": "all"}


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cores: int) -> int:
    """Two workers where there are two cores or more, else one."""
    return max(1, min(2, cores))


class CampaignState(param.Parameterized):
    """One session's campaign: the choices, then the reports of the campaign process."""

    atoms = param.ListSelector(default=[], objects=[], doc="atoms to model (all by default)")
    properties = param.ListSelector(default=[], objects=[], doc="properties to model (all by default)")
    protocol = param.Selector(default="tl", objects=PROTOCOLS)
    workers = param.Integer(default=default_workers(available_cores()), bounds=(1, max(2, available_cores())),
                            label="Worker processes")
    transfer = param.Selector(default="atoms", objects=TRANSFER_NAMES, label="Cross-model transfer")

    plan = param.Parameter(default=None, doc="the running or last campaign's CampaignPlan")
    revision = param.Integer(default=0, doc="bumped whenever the reports change")
    selected = param.Parameter(default=None, doc="(atom, property) whose details are shown")

    def __init__(self, **params):
        super().__init__(**params)
        self.states: dict[tuple[str, str], str] = {}
        self.records: dict[tuple[str, str], dict] = {}
        self.errors: dict[tuple[str, str], ModelErrors] = {}
        self.running_since: dict[tuple[str, str], float] = {}
        self.total: TotalErrors | None = None

    @param.depends("protocol", watch=True)
    def _transfer_follows_protocol(self):
        """As the CLI: transfer between equivalent atoms with TL (measured to pay), none with DL."""
        self.transfer = "atoms" if self.protocol == "tl" else "none"

    def use(self, dataset) -> None:
        """Offer the dataset's atoms and properties, all chosen."""
        atoms = [a for a in dataset.atom_names if dataset.properties(a)]
        properties = list(dict.fromkeys(p for a in atoms for p in dataset.properties(a)))
        self.param.atoms.objects, self.param.properties.objects = atoms, properties
        self.param.update(atoms=atoms, properties=properties)

    def request(self, state, folder: str) -> CampaignRequest:
        """The campaign of these choices on the session's split and Train settings; ValueError says
        what is wrong before anything starts."""
        dataset = state.dataset
        if dataset is None:
            raise ValueError("no dataset loaded yet")
        if not self.atoms or not self.properties:
            raise ValueError("choose at least one atom and one property")
        train, test = state.split()
        settings = state.settings()
        atoms = [a for a in self.param.atoms.objects if a in self.atoms]  # the molecule's order, however chosen
        properties = [p for p in self.param.properties.objects if p in self.properties]
        for atom in atoms:
            missing = [p for p in properties if p not in dataset.properties(atom)]
            if missing:
                raise ValueError(f"atom {atom} has no {', '.join(missing)}")
            n_features = dataset.atom(atom).features.shape[1]
            if len(train) <= n_features:
                raise ValueError(f"{len(train)} training frames for {n_features} features of {atom}: "
                                 "a model needs more frames than features")
            if self.protocol == "tl":
                settings.subset_size(len(train), n_features)
        return CampaignRequest(dataset, state.source, tuple(atoms), tuple(properties), self.protocol,
                               settings, train, test, self.transfer, self.workers, folder)

    # --- reports of the campaign process -------------------------------------------------------

    def ingest(self, messages, now: float | None = None) -> bool:
        """Apply a batch of the worker's messages; True when any was the campaign's."""
        now = time.monotonic() if now is None else now
        changed = False
        for message in messages:
            if isinstance(message, CampaignPlan):
                self._planned(message)
            elif isinstance(message, TaskEvent):
                self._event(message, now)
            elif isinstance(message, ModelErrors):
                self.errors[message.atom, message.property] = message
            elif isinstance(message, TotalErrors):
                self.total = message
            else:
                continue
            changed = True
        if changed:
            self.revision += 1
        return changed

    def _planned(self, plan: CampaignPlan) -> None:
        cells = [(a, p) for p in plan.properties for a in plan.atoms]
        self.states = dict.fromkeys(cells, "queued")
        self.records, self.errors, self.running_since, self.total = {}, {}, {}, None
        self.plan = plan

    def _event(self, event: TaskEvent, now: float) -> None:
        cell = (event.atom, event.property)
        self.states[cell] = event.state
        if event.state == "running":
            self.running_since[cell] = now
        if event.final:
            self.running_since.pop(cell, None)
            self.records[cell] = event.record

    def counts(self) -> Counter:
        return Counter(self.states.values())

    def finished(self) -> int:
        counts = self.counts()
        return sum(counts[state] for state in FINAL)

    def remaining(self, now: float | None = None) -> float | None:
        """Seconds left (estimate): the queued models and the rest of the running ones, each taking
        as long as the models trained so far took on average, shared by the workers; None before
        the first model is trained."""
        now = time.monotonic() if now is None else now
        seconds = [r["seconds"]["total"] for r in self.records.values() if r.get("status") == "trained"]
        if not seconds or self.plan is None:
            return None
        typical = float(np.mean(seconds))
        queued = self.counts()["queued"]
        running = sum(max(typical - (now - since), 0.0) for since in self.running_since.values())
        return (queued * typical + running) / self.plan.workers

    def grid(self) -> pd.DataFrame:
        """One row per (atom, property): its state (and code, for the colour), ln L, test RMSE, the
        cell's text, and whether it is the selected one."""
        rows = []
        for (atom, prop), state in self.states.items():
            record = self.records.get((atom, prop), {})
            test = record.get("test") or {}
            log_likelihood = record.get("log_likelihood")
            rmse = f"{test['rmse']:.3g} {test['unit']}" if test else "–"
            text = f"{test['rmse']:#.3g} {test['unit']}" if test and state in DONE else (
                "" if state == "queued" else state)
            rows.append({"atom": atom, "property": prop, "code": STATES.index(state), "state": state,
                         "log_likelihood": f"{log_likelihood:.6g}" if log_likelihood is not None else "–",
                         "test_rmse": rmse, "text": text, "selected": (atom, prop) == self.selected})
        return pd.DataFrame(rows, columns=["atom", "property", "code", "state", "log_likelihood", "test_rmse", "text",
                                           "selected"])
