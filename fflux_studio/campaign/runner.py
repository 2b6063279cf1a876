"""Run a campaign: skip what is done, train the rest on an executor, record everything, stop cleanly.

A task whose key has a readable model from an earlier run is ``skipped``. A seeded task (cross-model
transfer) is submitted once its donor is done, with the donor's theta; if the donor failed it trains
from scratch under its own key. After every finished task the manifest is rewritten, so cancelling
(``cancel.set()``, or SIGINT through the CLI) or a crash keeps every model finished so far.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fflux_studio.campaign.events import TaskEvent
from fflux_studio.campaign.executors import InProcessExecutor, cancelled_record
from fflux_studio.campaign.manifest import DONE, load_records, manifest, reusable, write_manifest
from fflux_studio.campaign.train import describe

POLL_SECONDS = 0.2


class _Campaign:
    """The runner's bookkeeping: a record per task (in task order), who waits for which donor."""

    def __init__(self, tasks, folder, executor, on_event, about):
        self.by_key = {task.key: task for task in tasks}
        self.order = [task.key for task in tasks]
        self.folder, self.executor, self.on_event, self.about = folder, executor, on_event, about
        self.records = {}
        self.waiting = []

    def emit(self, key: str, state: str) -> None:
        if self.on_event is not None:
            task = self.by_key[key]
            self.on_event(TaskEvent(key, task.atom, task.property, state, self.records.get(key, {})))

    def finish(self, key: str, record: dict) -> None:
        self.record(key, record)
        self.save()
        self.emit(key, record["status"])

    def record(self, key: str, record: dict) -> None:
        task = self.by_key[key]
        record["model_file"] = str(self.folder / task.file_name)
        if task.donor is not None:
            donor = self.by_key[task.donor]
            record["transfer_from"] = f"{donor.atom} {donor.property}" if record.get("key") == key else None
        self.records[key] = record

    def cancel_unfinished(self) -> None:
        """Record every task without a result as cancelled and save, before telling the watcher
        (which may be what failed)."""
        unfinished = [key for key in self.order if key not in self.records]
        for key in unfinished:
            self.record(key, cancelled_record(self.by_key[key]))
        self.save()
        for key in unfinished:
            self.emit(key, "cancelled")

    def save(self) -> None:
        records = [self.records.get(key) or describe(self.by_key[key]) for key in self.order]
        write_manifest(self.folder, manifest(records, **self.about))

    def submit_ready(self) -> None:
        """Submit every waiting task whose donor is final: seeded by it, or alone if it failed."""
        for task in [t for t in self.waiting if t.donor in self.records]:
            self.waiting.remove(task)
            donor = self.records[task.donor]
            if donor["status"] in DONE:
                self.executor.submit(task, self.folder, donor["log_theta"])
            else:
                alone = task.without_donor()
                self.by_key[alone.key] = task
                self.executor.submit(alone, self.folder, None)

    def campaign_key(self, key: str) -> str:
        """The campaign's key of a task the executor reports (a seeded task trained alone has its own)."""
        return self.by_key[key].key


def _done_before(task, previous: dict, folder: Path) -> dict | None:
    """The earlier record of ``task`` whose model is still good, if any; a seeded task also accepts
    the model it trained alone when its donor had failed."""
    keys = [task.key] + ([task.without_donor().key] if task.donor is not None else [])
    return next((previous[key] for key in keys if reusable(previous.get(key), folder / task.file_name)), None)


def run_campaign(tasks, folder, executor=None, on_event=None, cancel=None, **about) -> dict:
    """Train ``tasks`` into ``folder``; returns the manifest (also written as ``folder/campaign.json``).

    ``executor`` defaults to this process; ``on_event(TaskEvent)`` is called in this thread for every
    state change (queued, running, then trained, skipped, failed or cancelled); a set ``cancel``
    (threading.Event) stops the campaign: running tasks are cancelled, finished models are kept.
    ``about`` (e.g. data=path) goes into the manifest as is.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    previous = load_records(folder)
    cancel = cancel or threading.Event()
    executor = executor or InProcessExecutor()
    campaign = _Campaign(tasks, folder, executor, on_event, {"folder": str(folder), **about})
    with executor:
        try:
            for task in tasks:
                done = _done_before(task, previous, folder)
                if done is not None:
                    campaign.finish(task.key, {**done, "status": "skipped"})
                else:
                    campaign.emit(task.key, "queued")
                    if task.donor is None:
                        executor.submit(task, folder)
                    else:
                        campaign.waiting.append(task)
            campaign.submit_ready()
            cancelled = False
            while executor.outstanding or (campaign.waiting and not cancelled):
                if cancel.is_set() and not cancelled:
                    cancelled = True
                    executor.cancel()
                for kind, payload in executor.poll(POLL_SECONDS):
                    if kind == "running":
                        key = campaign.campaign_key(payload)
                        if key not in campaign.records:
                            campaign.emit(key, "running")
                    else:
                        campaign.finish(campaign.campaign_key(payload["key"]), payload)
                if not cancelled:
                    campaign.submit_ready()
        finally:
            campaign.cancel_unfinished()
    return manifest([campaign.records[key] for key in campaign.order], **campaign.about)
