"""DeployState folds the Deploy jobs' messages into what the page shows."""

import numpy as np

from fflux_studio.campaign.events import TaskEvent
from fflux_studio.ui.deploy_messages import DeployDone, DeployStarted, DeployStep, ModelSetsTrained, ModelSetTask
from fflux_studio.ui.deploy_state import DeployState


def done(label):
    return DeployDone(label, {"energy": -1.0}, "", np.zeros(2), np.zeros(2))


def test_messages_fold_into_steps_results_tasks_and_sets():
    state = DeployState()
    assert state.apply([DeployStarted("TL"), DeployStep("TL", 0, -1.0, 0.1), DeployStep("TL", 1, -1.1, 0.01)]) == \
        {"steps", "results"}
    assert [row["energy"] for row in state.steps["TL"]] == [-1.0, -1.1]
    state.apply([done("TL"), ModelSetTask("tl", TaskEvent("k", "C1", "atomic_energy", "running")),
                 ModelSetTask("tl", TaskEvent("k", "C1", "atomic_energy", "trained", {"transfer_from": "C2 x"})),
                 ModelSetTask("dl", TaskEvent("k2", "C1", "atomic_energy", "queued"))])
    assert list(state.results) == ["TL"] and state.tasks_finished == 1 and state.seeded == 1
    state.apply([ModelSetsTrained({"TL": "/a", "DL": "/b"}, "atomic_energy")])
    assert state.sets == {"TL": "/a", "DL": "/b"} and state.property_name == "atomic_energy"
    revision = state.revision
    state.apply([DeployStarted("TL")])
    assert state.steps["TL"] == [] and "TL" not in state.results and state.revision == revision + 1
    assert state.apply([object()]) == set() and state.revision == revision + 1
    state.clear()
    assert not (state.sets or state.steps or state.results or state.tasks)
