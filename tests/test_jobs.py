"""Several trainings at once give the same models as one after another, locally and on Dask.

Workers run BLAS on one thread, so their rounding (and the optimiser's last steps) differ slightly
from the in-process run: the optimum's ln L agrees to 1e-6, not to the last bit.
"""

import numpy as np
import pytest

from fflux_studio.jobs import TrainingTask, run_tasks
from fflux_studio.protocols import ProtocolSettings


def tasks():
    rng = np.random.default_rng(5)
    out = []
    for k in range(3):
        x = rng.uniform(0.0, 2.0, size=(40, 3))
        y = np.sin(x[:, 0] + k) + 0.5 * x[:, 1] ** 2 - x[:, 2]
        settings = ProtocolSettings(random_state=k, subset=15)
        out.append(TrainingTask(f"A{k + 1} e", x, y, "tl", settings, {"atom": f"A{k + 1}"}))
    return out


def by_label(outcomes):
    return {outcome.task.label: outcome for outcome in outcomes}


@pytest.fixture(scope="module")
def serial():
    return by_label(run_tasks(tasks()))


def test_processes_match_serial(serial):
    parallel = by_label(run_tasks(tasks(), workers=2))
    assert parallel.keys() == serial.keys()
    for label, outcome in parallel.items():
        assert outcome.model.atom == label.split()[0]
        np.testing.assert_allclose(outcome.result.log_likelihood, serial[label].result.log_likelihood, rtol=1e-6)


def test_dask_local_cluster_matches_serial(serial):
    pytest.importorskip("distributed")
    on_dask = by_label(run_tasks(tasks(), dask_address="local"))
    for label, outcome in on_dask.items():
        np.testing.assert_allclose(outcome.result.log_likelihood, serial[label].result.log_likelihood, rtol=1e-6)
