"""The campaign as the terminal shows it: one live rich progress bar on stderr (tasks done, running,
failed, time left), a line per finished task (which batch logs keep), and a summary table on stdout."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from fflux_studio.campaign.events import FINAL


class CampaignDisplay:
    """``on_event`` for run_campaign; ``iteration`` is an optimiser callback for in-process runs."""

    def __init__(self, total: int, quiet: bool = False):
        self.states = {}
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("left"),
                                 TimeRemainingColumn(), console=Console(stderr=True), disable=quiet)
        self.bar = self.progress.add_task("models", total=total, counts="")

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def on_event(self, event) -> None:
        self.states[event.key] = event.state
        counts = Counter(self.states.values())
        done = sum(counts[s] for s in FINAL)
        shown = ", ".join(f"{counts[s]} {s}" for s in ("running", "failed", "cancelled") if counts[s])
        self.progress.update(self.bar, completed=done, counts=shown)
        if event.final:
            self.progress.console.print(task_line(event.record), highlight=False)

    def iteration(self, event) -> None:
        self.progress.update(self.bar, description=f"models ({event.phase}: ln L {event.log_likelihood:.6g})")


def task_line(record: dict) -> str:
    where = f"{record['atom']} {record['property']}: {record['status']}"
    if record.get("log_likelihood") is not None:
        where += f", ln L {record['log_likelihood']:.10g} ({record.get('convergence')})"
    if record.get("test"):
        where += f", test RMSE {record['test']['rmse']:.4g} {record['test']['unit']}"
    if record.get("message"):
        where += f": {record['message']}"
    if record.get("traceback"):
        where += f"\n{record['traceback']}"
    return where


def summary_table(document: dict) -> Table:
    """One row per model: atom, property, status, ln L, why the search stopped, seconds, test errors."""
    table = Table(title=f"{document.get('data', '')} -> {document['folder']}",
                  caption=", ".join(f"{n} {status}" for status, n in document["counts"].items()))
    for name in ("atom", "property", "status", "ln L", "search", "seconds", "test RMSE", "test MAE", "from"):
        table.add_column(name, justify="right" if name in ("ln L", "seconds", "test RMSE", "test MAE") else "left")
    for record in document["models"]:
        test = record.get("test") or {}
        log_likelihood = record.get("log_likelihood")
        table.add_row(record["atom"], record["property"], record["status"],
                      f"{log_likelihood:.10g}" if log_likelihood is not None else "",
                      record.get("convergence") or record.get("message") or "",
                      f"{record['seconds']['total']:.1f}" if record.get("seconds") else "",
                      f"{test['rmse']:.4g} {test['unit']}" if test else "",
                      f"{test['mae']:.4g} {test['unit']}" if test else "", record.get("transfer_from") or "")
    return table
