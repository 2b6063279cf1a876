"""Many (atom, property) models of one molecule as one resumable, fault-tolerant campaign.

``plan_tasks`` turns a dataset × atoms × properties × settings into keyed tasks; ``run_campaign``
trains them on an executor (in this process, local processes, or Dask), writes each ``.model``
atomically into one folder, keeps a JSON manifest there, skips tasks whose key already has a
model, records failures and goes on, and reports every task's state to an ``on_event`` callback
(what a progress bar or a GUI watches). No GUI imports here.
"""

from fflux_studio.campaign.events import STATES, TaskEvent
from fflux_studio.campaign.executors import InProcessExecutor, ProcessExecutor
from fflux_studio.campaign.runner import run_campaign
from fflux_studio.campaign.task import CampaignTask, plan_tasks

__all__ = ["CampaignTask", "plan_tasks", "run_campaign", "TaskEvent", "STATES", "InProcessExecutor",
           "ProcessExecutor", "DaskExecutor"]


def __getattr__(name: str):
    """DaskExecutor imported when asked for: importing Dask's ``distributed`` takes about 3 s, which
    every process touching the campaign (each pool worker, the Studio's server) would pay for nothing."""
    if name == "DaskExecutor":
        from fflux_studio.campaign.dask_executor import DaskExecutor
        return DaskExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
