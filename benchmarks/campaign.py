"""A whole molecule as one campaign: the benzene demo, every atom × {atomic_energy, charge}.

Prints one JSON document: for each configuration (TL or DL with one L-BFGS-B start; 1 or 2
worker processes; no cross-model transfer, transfer between equivalent atoms only, or also
between properties) the campaign's wall time, the models' summed seconds and likelihood
evaluations, and the mean and largest test RMSE per property, plus the ratios measured in this
run (wall times on a shared machine are noisy; ratios less so).

    python benchmarks/campaign.py                         # 1000 training frames, 500 test frames
    python benchmarks/campaign.py --train-size 300 --configs tl-1 tl-1-atoms
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.campaign import InProcessExecutor, ProcessExecutor, plan_tasks, run_campaign  # noqa: E402
from fflux_studio.demo import demo_path  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.protocols import ProtocolSettings  # noqa: E402

PROPERTIES = ["atomic_energy", "charge"]
CONFIGS = {  # name: (protocol, workers, transfer)
    "tl-1": ("tl", 1, "none"), "tl-1-transfer": ("tl", 1, "all"), "tl-1-atoms": ("tl", 1, "atoms"),
    "dl-1": ("dl", 1, "none"), "tl-2": ("tl", 2, "none"), "tl-2-transfer": ("tl", 2, "all"),
}


def summarise(document: dict, wall: float) -> dict:
    models = document["models"]
    row = {"wall_seconds": wall, "counts": document["counts"],
           "model_seconds": sum(m["seconds"]["total"] for m in models),
           "evaluations": sum(m.get("evaluations", 0) for m in models)}
    for prop in PROPERTIES:
        chosen = [m for m in models if m["property"] == prop and m["status"] == "trained"]
        errors = [m["test"]["rmse"] for m in chosen]
        row[prop] = {"mean_test_rmse": float(np.mean(errors)), "max_test_rmse": float(np.max(errors)),
                     "unit": chosen[0]["test"]["unit"],
                     "mean_log_likelihood": float(np.mean([m["log_likelihood"] for m in chosen]))}
    return row


def run(dataset, train, test, config: str) -> dict:
    protocol, workers, transfer = CONFIGS[config]
    tasks = plan_tasks(dataset, dataset.atom_names, PROPERTIES, protocol, ProtocolSettings(n_starts=1), train,
                       test=(dataset, test), transfer=transfer)
    executor = ProcessExecutor(workers) if workers > 1 else InProcessExecutor()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        document = run_campaign(tasks, folder, executor)
        return summarise(document, time.perf_counter() - started)


def ratios(rows: dict) -> dict:
    def ratio(a, b, key="wall_seconds"):
        return rows[a][key] / rows[b][key] if a in rows and b in rows else None
    return {"tl_over_dl_wall": ratio("tl-1", "dl-1"),
            "one_over_two_workers_wall": ratio("tl-1", "tl-2"),
            "plain_over_transfer_wall": ratio("tl-1", "tl-1-transfer"),
            "plain_over_atoms_transfer_wall": ratio("tl-1", "tl-1-atoms"),
            "plain_over_atoms_transfer_evaluations": ratio("tl-1", "tl-1-atoms", "evaluations"),
            "plain_over_transfer_wall_two_workers": ratio("tl-2", "tl-2-transfer"),
            "plain_over_transfer_evaluations": ratio("tl-1", "tl-1-transfer", "evaluations"),
            "plain_over_transfer_model_seconds": ratio("tl-1", "tl-1-transfer", "model_seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=1000)
    parser.add_argument("--test-size", type=int, default=500)
    parser.add_argument("--configs", nargs="+", choices=tuple(CONFIGS), default=list(CONFIGS))
    args = parser.parse_args()
    dataset = load_dataset(demo_path("benzene"))
    order = np.random.default_rng(0).permutation(dataset.n_frames)
    train, test = order[:args.train_size], order[args.train_size:args.train_size + args.test_size]
    rows = {}
    for config in args.configs:
        rows[config] = run(dataset, train, test, config)
        print(f"{config}: {json.dumps(rows[config])}", file=sys.stderr, flush=True)
    print(json.dumps({"system": "benzene", "properties": PROPERTIES, "n_train": len(train), "n_test": len(test),
                      "configs": rows, "ratios": ratios(rows)}, indent=2))


if __name__ == "__main__":
    main()
