"""One task, where it runs (this process, a pool worker, a Dask worker): train, write, test, describe.

The task writes its own ``.model`` (atomically) and returns a small record, so nothing but the
record travels back and a finished model survives whatever happens to the campaign afterwards.
Any failure becomes a ``failed`` record and the campaign goes on; a failure that is not one of the
data or the numerics (a bug) also keeps its traceback, so it is not mistaken for bad input.
"""

from __future__ import annotations

import time
import traceback
from pathlib import Path

import numpy as np

from fflux_studio.campaign.files import write_atomically
from fflux_studio.campaign.task import CampaignTask
from fflux_studio.campaign.transfer import run_seeded
from fflux_studio.chem.alf import ALFError
from fflux_studio.chem.features import FeatureError
from fflux_studio.dataset import DatasetError
from fflux_studio.gpr.likelihood import NotPositiveDefinite
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import format_model
from fflux_studio.metrics import mae, rmse
from fflux_studio.optimize.events import Cancelled
from fflux_studio.protocols import run_protocol
from fflux_studio.units import to_display


class TaskDataError(ValueError):
    """Training data no model can be learned from (constant, non-finite, too few points)."""


EXPECTED_FAILURES = (TaskDataError, NotPositiveDefinite, InputError, DatasetError, FeatureError, ALFError)


def describe(task: CampaignTask) -> dict:
    """The manifest entry of a task before it has any result."""
    return {"atom": task.atom, "property": task.property, "key": task.key, "status": "queued",
            "protocol": task.protocol, "model_file": task.file_name, "transfer_from": task.donor,
            "n_train": int(len(task.y)), "n_features": int(task.x.shape[1]), "settings": task.settings.as_dict()}


def check_data(task: CampaignTask) -> None:
    """Refuse data no model can be trained on, with a message naming the atom and property."""
    where = f"{task.property} of {task.atom}"
    if not (np.all(np.isfinite(task.x)) and np.all(np.isfinite(task.y))):
        raise TaskDataError(f"{where}: features or targets are not all finite")
    if len(task.y) <= task.x.shape[1]:
        raise TaskDataError(f"{where}: {len(task.y)} training points for {task.x.shape[1]} features; "
                         "a model needs more points than features")
    if np.ptp(task.y) == 0.0:
        raise TaskDataError(f"{where} is constant ({task.y[0]!r}) over the training set: nothing to learn")


def test_errors(model, task: CampaignTask) -> dict | None:
    if task.x_test is None:
        return None
    errors, unit = to_display(model.predict(task.x_test) - task.y_test, model.target_unit)
    return {"n": int(len(errors)), "rmse": rmse(errors), "mae": mae(errors), "unit": unit}


def train_task(task: CampaignTask, folder, donor_log_theta=None, cancel=None, callback=None) -> dict:
    """Train ``task`` (seeded by the donor's log theta when given) and write its model into ``folder``.

    ``seconds`` has the protocol's phases (seeding, relaxation) and the task's wall time (total).
    """
    started = time.perf_counter()
    record = describe(task)
    try:
        check_data(task)
        if donor_log_theta is not None:
            seed = np.asarray(donor_log_theta, dtype=float)[list(task.feature_map)]
            result = run_seeded(task.x, task.y, task.settings, seed, callback, cancel)
        else:
            result = run_protocol(task.protocol, task.x, task.y, task.settings, callback, cancel)
        model = result.model(**task.metadata)
        write_atomically(Path(folder) / task.file_name, format_model(model))
        record.update(status="trained", log_likelihood=float(result.log_likelihood), convergence=result.status,
                      plan=result.plan, evaluations=int(result.evaluations), log_theta=np.asarray(result.log_theta).tolist(),
                      seconds={k: float(v) for k, v in result.seconds.items()},
                      test=test_errors(model, task))
    except Cancelled:
        record.update(status="cancelled")
    except OSError:
        raise
    except EXPECTED_FAILURES as err:
        record.update(status="failed", message=f"{type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - a bug in one task must not lose the others' models
        record.update(status="failed", message=f"{type(err).__name__}: {err}", traceback=traceback.format_exc())
    record["seconds"] = {**record.get("seconds", {}), "total": time.perf_counter() - started}
    return record
