"""The Deploy step as a model: the whole-molecule model sets trained in this session, the optimiser
steps of each deployed set so far and each finished deployment, built from the worker's messages.
No widgets, no plots."""

from __future__ import annotations

import param

from fflux_studio.campaign.events import FINAL
from fflux_studio.ui.deploy_messages import DeployDone, DeployStarted, DeployStep, ModelSetsTrained, ModelSetTask


class DeployState(param.Parameterized):
    """One session's deployments; ``revision`` counts the batches that changed anything."""

    sets = param.Dict(default={}, doc="label (TL, DL) -> folder of the model sets trained in this session")
    property_name = param.String(default="", doc="the energy property of those sets")
    steps = param.Dict(default={}, doc="label -> list of {step, energy, max_force} rows")
    results = param.Dict(default={}, doc="label -> DeployDone")
    tasks = param.Dict(default={}, doc="(protocol, atom) -> state of the whole-molecule training")
    seeded = param.Integer(default=0, doc="models of that training seeded from an equivalent atom's")
    revision = param.Integer(default=0)

    def clear(self) -> None:
        """Forget the trained sets and results (another dataset was loaded)."""
        self.param.update(sets={}, property_name="", steps={}, results={}, tasks={}, seeded=0)

    def apply(self, messages) -> set[str]:
        """Fold a batch of messages in; returns which parts changed ("steps", "results", "tasks", "sets")."""
        changed = set()
        steps, results, tasks = dict(self.steps), dict(self.results), dict(self.tasks)
        seeded = self.seeded
        for message in messages:
            if isinstance(message, DeployStarted):
                steps[message.label] = []
                results.pop(message.label, None)
                changed |= {"steps", "results"}
            elif isinstance(message, DeployStep):
                steps[message.label] = steps.get(message.label, []) + [
                    {"step": message.step, "energy": message.energy, "max_force": message.max_force}]
                changed.add("steps")
            elif isinstance(message, DeployDone):
                results[message.label] = message
                changed.add("results")
            elif isinstance(message, ModelSetTask):
                tasks[message.protocol, message.event.atom] = message.event.state
                seeded += bool(message.event.final and message.event.record.get("transfer_from"))
                changed.add("tasks")
            elif isinstance(message, ModelSetsTrained):
                self.param.update(sets=dict(message.folders), property_name=message.property_name)
                changed.add("sets")
        if changed:  # only the changed parts: each watcher redraws its own (a results dict is never == itself)
            new = {"steps": steps, "results": results, "tasks": tasks}
            self.param.update(**{name: new[name] for name in changed & new.keys()}, seeded=seeded,
                              revision=self.revision + 1)
        return changed

    @property
    def tasks_finished(self) -> int:
        return sum(state in FINAL for state in self.tasks.values())
