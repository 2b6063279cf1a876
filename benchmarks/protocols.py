"""TL against DL (FEREBUS's PSO, L-BFGS-B multi-start), scikit-learn and GPyTorch (prints JSON).

Systems: the FEREBUS paper sets (methanol, NMA, glycine: trained on TRAINING_SET, tested on
VALIDATION_SET; NMA's validation set does not match its training set, SPEC section 3, so only its
ln L and time are reported) and bundled demos (``ethanol``, ``benzene``: C1 atomic_energy, 1000
frames trained, the rest tested). For every system and trainer: wall time, ln L (our likelihood at
the trainer's theta, so every row is scored by the same function), test RMSE and MAE (kJ/mol).
Wall times on a shared machine are noisy, so the figures that matter are the ratios measured in
the same run. BLAS runs one thread per process by default: on this 2-core machine shared with
other jobs, threaded BLAS made an evaluation up to 100x slower. GPyTorch fits an amplitude and a
noise of its own; only its length scales are scored.

    pip install -e '.[bench]'                 # scikit-learn, torch (CPU), gpytorch
    FFLUX_SHARED_DATA=/path/to/shared/data    # when the data do not sit in ../shared/data
    python benchmarks/protocols.py            # every system; PSO on methanol and nma only
    python benchmarks/protocols.py --systems methanol --skip sklearn gpytorch_adam
    python benchmarks/protocols.py --systems glycine --pso-systems glycine --pso-max-iterations 100
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.peers import gpytorch_theta, sklearn_theta  # noqa: E402
from fflux_studio.demo import demo_path  # noqa: E402
from fflux_studio.gpr import GPRModel, Kernel, Likelihood  # noqa: E402
from fflux_studio.io.ferebus_csv import read_ferebus_csv  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.metrics import mae, rmse  # noqa: E402
from fflux_studio.protocols import ProtocolSettings, run_protocol  # noqa: E402
from fflux_studio.splits import random_split  # noqa: E402

DATA = Path(os.environ.get("FFLUX_SHARED_DATA", REPO.parent / "shared" / "data")) / "ferebus-paper-data" / "likelihood"
KJ_PER_HA = 2625.4996394799
REFERENCE = {  # FEREBUS concentrated models: ln L (.model files), validation RMSE kJ/mol (SPEC section 3)
    "methanol": {"log_likelihood": 4636.522891506022, "rmse": 0.558, "pso_seconds": 37.05},
    "nma": {"log_likelihood": 6386.346814690937, "rmse": None, "pso_seconds": 179.87},
    "glycine": {"log_likelihood": 15881.45869939004, "rmse": 0.798, "pso_seconds": 1756.66},
}
DEMOS = ("ethanol", "benzene")
SYSTEMS = (*REFERENCE, *DEMOS)
DEMO_TRAINING_FRAMES = 1000
VALID_TEST = {"methanol": True, "nma": False, "glycine": True, "ethanol": True, "benzene": True}
PEERS = ("sklearn", "gpytorch_adam", "gpytorch_lbfgs")


def load(system: str, atom: str = "C1"):
    """(train, test) of a FEREBUS set (its two CSVs) or a demo (atomic_energy, 1000 frames trained)."""
    if system in DEMOS:
        x, y = load_dataset(demo_path(system)).xy(atom, "atomic_energy")
        train, test = random_split(len(y), train_size=DEMO_TRAINING_FRAMES, test_size=len(y) - DEMO_TRAINING_FRAMES)
        return (x[train], y[train]), (x[test], y[test])

    def xy(kind):
        path = DATA / system / f"{system.upper()}_{atom}_{kind}_SET.csv"
        return read_ferebus_csv(path).xy(atom, "iqa")
    return xy("TRAINING"), xy("VALIDATION")


def errors_kj(theta, train, test, settings: ProtocolSettings) -> dict:
    model = GPRModel.fit(*train, theta, Kernel.named(settings.kernel, train[0].shape[1]), settings.likelihood,
                         settings.nugget)
    errors = (model.predict(test[0]) - test[1]) * KJ_PER_HA
    return {"rmse_kj": rmse(errors), "mae_kj": mae(errors)}


def run(protocol: str, train, test, settings: ProtocolSettings) -> dict:
    events = []
    cpu = time.process_time()
    result = run_protocol(protocol, *train, settings, callback=events.append)
    row = {"seconds": result.seconds, "cpu_seconds": time.process_time() - cpu,
           "log_likelihood": result.log_likelihood, "evaluations": result.evaluations,
           **errors_kj(result.theta, train, test, settings)}
    if protocol == "dl" and settings.optimizer == "lbfgs":
        row["starts"] = per_start(events, train, test, settings)
    if result.sources:
        row["sources"] = [{"log_likelihood_subset": s.log_likelihood_subset,
                           "log_likelihood_full": s.log_likelihood_full, "evaluations": s.evaluations,
                           "points": len(s.subset)} for s in result.sources]
        row["seed_index"] = result.seed_index
    return row


def per_start(events, train, test, settings: ProtocolSettings) -> list[dict]:
    """Each L-BFGS-B start on its own (from its events): what a single-start DL would have cost."""
    starts, previous = [], 0.0
    for source in sorted({e.source for e in events}):
        last = [e for e in events if e.source == source][-1]
        starts.append({"seconds": last.seconds - previous, "log_likelihood": last.log_likelihood,
                       "evaluations": last.evaluations, **errors_kj(np.exp(last.log_theta), train, test, settings)})
        previous = last.seconds
    return starts


def pso(system: str, train, test, args) -> dict:
    """FEREBUS-style DL: one swarm (64 particles on glycine, as FEREBUS ran it), optionally capped."""
    cap = args.pso_max_iterations
    settings = ProtocolSettings(random_state=args.random_state, optimizer="pso",
                                pso_swarm=64 if system == "glycine" else 50, pso_max_iterations=cap or 10000)
    return {**run("dl", train, test, settings), "capped_at": cap}


def peer(name: str, train, test, settings: ProtocolSettings, args) -> dict:
    """A peer's optimum scored like ours: our ln L at its theta, and the test errors of our model there."""
    x, y = train
    cpu = time.process_time()
    if name == "sklearn":
        theta, seconds = sklearn_theta(x, y, settings.nugget, args.sklearn_restarts, settings.random_state)
    else:
        optimizer = name.split("_")[1]
        iterations = args.adam_iterations if optimizer == "adam" else args.torch_lbfgs_iterations
        theta, seconds = gpytorch_theta(x, y, optimizer, iterations, args.random_state)
    cpu_seconds = time.process_time() - cpu
    likelihood = Likelihood(x, y, Kernel.named(settings.kernel, x.shape[1]), settings.likelihood, settings.nugget)
    try:
        log_likelihood = likelihood.evaluate(theta, gradient=False)[0]
    except ArithmeticError as err:
        log_likelihood = f"not positive definite at the peer's theta: {err}"
    return {"seconds": {"total": seconds}, "cpu_seconds": cpu_seconds, "log_likelihood": log_likelihood,
            **errors_kj(theta, train, test, settings)}


def ratios(rows: dict, reference: dict) -> dict:
    tl = rows["tl"]
    if reference is None:
        out = {}
    else:
        out = {"tl_log_likelihood_minus_ferebus": tl["log_likelihood"] - reference["log_likelihood"]}
    if reference and reference["rmse"]:
        out["tl_rmse_over_ferebus"] = tl["rmse_kj"] / reference["rmse"]
    for name in ("dl_pso", "dl_lbfgs", *PEERS):
        if isinstance(rows.get(name, {}).get("log_likelihood"), float):
            other = rows[name]
            out[f"tl_time_over_{name}"] = tl["seconds"]["total"] / other["seconds"]["total"]
            out[f"tl_cpu_over_{name}"] = tl["cpu_seconds"] / other["cpu_seconds"]
            if "rmse_kj" in tl:
                out[f"tl_rmse_over_{name}"] = tl["rmse_kj"] / other["rmse_kj"]
            out[f"tl_log_likelihood_minus_{name}"] = tl["log_likelihood"] - other["log_likelihood"]
    if "starts" in rows.get("dl_lbfgs", {}):
        starts = [start["seconds"] for start in rows["dl_lbfgs"]["starts"]]
        out["tl_time_over_mean_single_start_lbfgs"] = tl["seconds"]["total"] / np.mean(starts)
        # A start's CPU time is not measured on its own: DL's CPU shared out by the starts' wall times.
        single_cpu = rows["dl_lbfgs"]["cpu_seconds"] * np.mean(starts) / np.sum(starts)
        out["tl_cpu_over_mean_single_start_lbfgs_prorated"] = tl["cpu_seconds"] / single_cpu
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument("--skip", nargs="*", default=[], choices=["tl", "dl_pso", "dl_lbfgs", *PEERS])
    parser.add_argument("--pso-systems", nargs="*", default=["methanol", "nma"],
                        help="systems on which DL-PSO runs (glycine's takes hours: add it explicitly)")
    parser.add_argument("--sklearn-systems", nargs="*", default=["methanol", "nma", *DEMOS],
                        help="systems on which scikit-learn runs (glycine's (n, n, d) gradient takes GBs: add it explicitly)")
    parser.add_argument("--pso-max-iterations", type=int, default=None, help="cap DL-PSO (reported as capped)")
    parser.add_argument("--lbfgs-starts", type=int, default=3)
    parser.add_argument("--sklearn-restarts", type=int, default=2)
    parser.add_argument("--adam-iterations", type=int, default=100, help="GPyTorch Adam steps (lr 0.1)")
    parser.add_argument("--torch-lbfgs-iterations", type=int, default=10, help="GPyTorch LBFGS outer steps (20 each)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--budget-minutes", type=float, default=None,
                        help="start no trainer after this much wall time (the rest are reported as skipped)")
    args = parser.parse_args(argv)
    opened = time.perf_counter()

    def over_budget() -> dict | None:
        if args.budget_minutes is not None and time.perf_counter() - opened > 60 * args.budget_minutes:
            return {"skipped": f"time budget of {args.budget_minutes:g} min reached"}
        return None
    settings = ProtocolSettings(random_state=args.random_state)
    report = {"settings": settings.as_dict(), "blas_threads": args.blas_threads, "systems": {}}
    with threadpool_limits(args.blas_threads):
        for system in args.systems:
            train, test = load(system)
            rows = {"n_train": len(train[1]), "n_features": train[0].shape[1], "valid_test_set": VALID_TEST[system],
                    "ferebus": REFERENCE.get(system)}
            if "tl" not in args.skip:
                rows["tl"] = over_budget() or run("tl", train, test, settings)
            if "dl_lbfgs" not in args.skip:
                rows["dl_lbfgs"] = over_budget() or run("dl", train, test, ProtocolSettings(
                    random_state=args.random_state, n_starts=args.lbfgs_starts))
            if "dl_pso" not in args.skip and system in args.pso_systems:
                rows["dl_pso"] = over_budget() or pso(system, train, test, args)
            for name in PEERS:
                if name in args.skip or (name == "sklearn" and system not in args.sklearn_systems):
                    continue
                try:
                    rows[name] = over_budget() or peer(name, train, test, settings, args)
                except ImportError as err:
                    rows[name] = {"skipped": f"{err}: pip install -e '.[bench]'"}
            if not VALID_TEST[system]:
                for row in rows.values():
                    if isinstance(row, dict):
                        row.pop("rmse_kj", None), row.pop("mae_kj", None)
                for start in rows.get("dl_lbfgs", {}).get("starts", []):
                    start.pop("rmse_kj", None), start.pop("mae_kj", None)
            if "log_likelihood" in rows.get("tl", {}):
                rows["ratios"] = ratios(rows, REFERENCE.get(system))
            report["systems"][system] = rows
            print(json.dumps({system: rows}, default=float), file=sys.stderr)
    report["table"] = table(report["systems"])
    print(json.dumps(report, indent=1, default=float))


def table(systems: dict) -> list[dict]:
    """One row per system and trainer: CPU and wall time, our ln L at its theta, test RMSE (kJ/mol)."""
    rows = []
    for system, trainers in systems.items():
        for name in ("tl", "dl_lbfgs", "dl_pso", *PEERS):
            row = trainers.get(name)
            if row is None:
                continue
            if "skipped" in row:
                rows.append({"system": system, "trainer": name, "skipped": row["skipped"]})
                continue
            rows.append({"system": system, "trainer": name, "cpu_seconds": row["cpu_seconds"],
                         "seconds": row["seconds"]["total"], "log_likelihood": row["log_likelihood"],
                         "rmse_kj": row.get("rmse_kj")})
    return rows


if __name__ == "__main__":
    main()
