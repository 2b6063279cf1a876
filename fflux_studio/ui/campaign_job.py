"""What a session's campaign process runs: every chosen (atom, property) model as one campaign
(fflux_studio.campaign), reported to the page as typed messages.

Where the work runs, and why: the session's Worker starts this job in a process of its own that is
*not* a daemon (``Worker.start(children=True)``), because a daemon process may not start children,
and this one starts the campaign's ProcessExecutor pool (spawned, one BLAS thread per worker) and
only drives it: submitting tasks, writing the manifest, reading each finished model back to
measure it on the held-out frames. The server's threads only drain the messages, so a 2-worker
campaign keeps the training off the server's process and its GIL, and the session's one job,
cancel token (a lock-free CancelFlag) and stop paths (Cancel, a closed tab, the server's exit)
cover the campaign and its pool as they cover a single training; pool workers end with the
campaign process (orphans.py) if it is killed. One worker is a pool of one as well, so both
cases run the same way. The pool inherits the worker process's lower scheduling priority
(ui/worker.py's NICENESS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fflux_studio.campaign import ProcessExecutor, plan_tasks, run_campaign
from fflux_studio.campaign.held_out import predict_held_out, summed_energy_property, total_energy_errors
from fflux_studio.campaign.manifest import DONE
from fflux_studio.optimize.events import check_cancel
from fflux_studio.protocols import ProtocolSettings
from fflux_studio.ui.messages import CampaignPlan, ModelErrors, TotalErrors
from fflux_studio.units import to_display

@dataclass(frozen=True)
class CampaignRequest:
    """Everything the campaign process needs: the session's dataset and split, and the choices."""

    dataset: Any
    source: str
    atoms: tuple
    properties: tuple
    protocol: str
    settings: ProtocolSettings
    train: np.ndarray
    test: np.ndarray
    transfer: str
    workers: int
    folder: str

    def plan(self) -> CampaignPlan:
        molecule = tuple(a for a in self.dataset.atom_names if self.dataset.properties(a))
        energy = summed_energy_property(self.properties) if set(molecule) <= set(self.atoms) else None
        return CampaignPlan(tuple(self.atoms), tuple(self.properties), self.folder, self.workers, molecule, energy)


class HeldOut:
    """Each finished model read back from its file and measured on the held-out frames; the
    molecule's energy error once every atom's energy model is done."""

    def __init__(self, tasks, plan: CampaignPlan, emit):
        self.tasks = {(task.atom, task.property): task for task in tasks}
        self.plan, self.emit = plan, emit
        self.predictions: dict[str, np.ndarray] = {}

    def finished(self, event) -> None:
        if event.state not in DONE:
            return
        task = self.tasks[event.atom, event.property]
        predicted = predict_held_out(task, self.plan.folder)
        unit = task.metadata["target_unit"]
        errors, shown = to_display(predicted - task.y_test, unit)
        self.emit(ModelErrors(task.atom, task.property, np.asarray(errors), shown))
        if task.property != self.plan.energy:
            return
        self.predictions[task.atom] = predicted
        if set(self.predictions) == set(self.plan.molecule):
            references = {atom: self.tasks[atom, task.property].y_test for atom in self.plan.molecule}
            total, shown = to_display(total_energy_errors(self.predictions, references), unit)
            self.emit(TotalErrors(task.property, np.asarray(total), shown))


def run(request: CampaignRequest, emit, cancel, inbox=None) -> None:
    """Plan, train on a pool of ``request.workers`` processes, and report every change; a set
    ``cancel`` stops running models and keeps finished ones (the job then ends as cancelled)."""
    dataset = request.dataset
    tasks = plan_tasks(dataset, request.atoms, request.properties, request.protocol, request.settings,
                       request.train, test=(dataset, request.test), transfer=request.transfer)
    plan = request.plan()
    emit(plan)
    held_out = HeldOut(tasks, plan, emit)

    def on_event(event) -> None:
        emit(event)
        held_out.finished(event)

    run_campaign(tasks, request.folder, ProcessExecutor(request.workers), on_event, cancel, data=request.source)
    check_cancel(cancel)
