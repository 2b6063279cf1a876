"""Turns a session's iteration messages into rows for the live ln L plots and the landscape path.

Pure bookkeeping (no widgets): cumulative iteration and evaluation counters over the whole
protocol, which trace each event belongs to, where each TL source ended and which became the seed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np


def trace_name(event: dict, n_seeds: int | None = None) -> str:
    """``source 0`` … during seeding, ``growth 1`` … for the seed's growth stages (reported as
    seeding sources numbered from ``n_seeds``); ``relaxation`` or ``direct`` on the full set; DL
    starts apart."""
    if event["phase"] == "seeding":
        if n_seeds is not None and event["source"] is not None and event["source"] >= n_seeds:
            return f"growth {event['source'] - n_seeds + 1}"
        return f"source {event['source']}"
    if event["phase"] == "direct" and event.get("source"):
        return f"start {event['source']}"
    return event["phase"]


class TraceBook:
    """Every event of one protocol run, reshaped for plotting."""

    def __init__(self, protocol: str = "tl", n_seeds: int | None = None):
        self.protocol, self.n_seeds = protocol, n_seeds
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.log_thetas: dict[str, list[np.ndarray]] = defaultdict(list)
        self.selection: list[dict] = []
        self.seed_theta = None
        self.start_theta = None
        self.final_sources: dict[int, np.ndarray] = {}
        self.seed_index: int | None = None
        self._evaluations: dict[tuple, int] = {}
        self.steps = 0

    def add(self, event: dict) -> tuple[str, dict]:
        """Record ``event``; return (trace name, plot row). Selection events go to ``selection``."""
        key = (event["phase"], event["source"])
        self.steps += 1
        if event["phase"] != "selection":
            self._evaluations[key] = event["evaluations"]
        row = {"iteration": float(self.steps), "evaluations": float(sum(self._evaluations.values())),
               "seconds": float(event["seconds"]), "log_likelihood": float(event["log_likelihood"])}
        name = "selection" if event["phase"] == "selection" else trace_name(event, self.n_seeds)
        if name == "selection":
            self.selection.append({**row, "source": event["source"]})
            self.seed_theta = self.start_theta = np.asarray(event["log_theta"])
        else:
            theta = np.asarray(event["log_theta"])
            if name.startswith("growth "):
                self.start_theta = theta
            if name == "relaxation" and not self.log_thetas[name] and self.start_theta is not None:
                self.log_thetas[name].append(self.start_theta)  # where the relaxation started
            self.log_thetas[name].append(theta)
        self.rows[name].append(row)
        return name, row

    def finish(self, result) -> None:
        """The exact source optima and seed from the protocol's result (events show the best point
        at each iteration, which can trail the optimiser's final answer)."""
        self.final_sources = {s.index: np.asarray(s.log_theta) for s in result.sources}
        self.seed_index = result.seed_index

    def sources(self) -> dict[int, np.ndarray]:
        """Where each TL source model ended (its last seeding point, or its final optimum)."""
        if self.final_sources:
            return dict(self.final_sources)
        ends = {}
        for name, thetas in self.log_thetas.items():
            if name.startswith("source "):
                ends[int(name.split()[1])] = thetas[-1]
        return ends

    def chosen(self) -> int | None:
        """The source whose theta the selection kept (the last selection event's best)."""
        if self.seed_index is not None:
            return self.seed_index
        if self.seed_theta is None:
            return None
        for index, theta in self.sources().items():
            if np.allclose(theta, self.seed_theta):
                return index
        return None

    def full_set_path(self, i: int, j: int) -> dict:
        """Projection of the full-set optimiser path (relaxation or DL) on log theta i and j."""
        thetas = [t for name, ts in self.log_thetas.items() if name in ("relaxation", "direct") or name.startswith("start ")
                  for t in ts]
        if not thetas:
            return {"a": np.zeros(0), "b": np.zeros(0)}
        stacked = np.vstack(thetas)
        return {"a": stacked[:, i], "b": stacked[:, j]}

    def seed_rows(self, i: int, j: int) -> list[dict]:
        chosen = self.chosen()
        return [{"a": float(t[i]), "b": float(t[j]), "source": index, "chosen": index == chosen}
                for index, t in sorted(self.sources().items())]
