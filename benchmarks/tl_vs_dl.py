"""TL against one L-BFGS-B start (DL) on the bundled demos and the FEREBUS sets (prints JSON).

For every dataset and training-set size N, TL and DL run interleaved (TL, DL, TL, DL, ...) over
random states on the same split (N training frames, the rest tested), so the ratios hold on a
noisy shared machine. Each row has the median TL ÷ DL time, both ln L and test RMSE, and whether
it meets issue 12's goal: TL time ≤ ``--goal`` × DL's, test RMSE ≤ 1.01 × DL's, ln L within 1e-5
(relative) of the better of the two.

    python benchmarks/tl_vs_dl.py --curve                          # speed-up vs N, first atom of every demo
    python benchmarks/tl_vs_dl.py --goal-table                     # every atom x {atomic_energy, charge}, N=1000
    python benchmarks/tl_vs_dl.py --goal-table --one-per-element --ferebus water ammonia methanol nma glycine \
        --states 0 --budget-minutes 70 --markdown goal.md          # issue 12 in one run; rows past 70 min not run
    python benchmarks/tl_vs_dl.py --ferebus methanol nma glycine   # the FEREBUS paper sets (C1)
    python benchmarks/tl_vs_dl.py --demos ethanol --atoms C1 --sizes 1000 --states 0 1 2
    python benchmarks/tl_vs_dl.py --ferebus glycine --both '{"stall_tolerance": 1e-6}'  # a rule for both

Ratios are of CPU time (time.process_time of this process); ``wall_tl_over_dl`` is the wall-time one
(it differs with --blas-threads 2, where BLAS uses the second core).

Writes the JSON document to stdout (progress, one line per row, to stderr). The FEREBUS sets are
read from ../shared/data, or from $FFLUX_SHARED_DATA.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.demo import demo_path, list_demos  # noqa: E402
from fflux_studio.metrics import rmse  # noqa: E402
from fflux_studio.gpr import GPRModel, Kernel  # noqa: E402
from fflux_studio.io.ferebus_csv import read_ferebus_csv  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.protocols import ProtocolSettings, run_protocol  # noqa: E402
from fflux_studio.splits import random_split  # noqa: E402

SHARED_DATA = Path(os.environ.get("FFLUX_SHARED_DATA", REPO.parent / "shared" / "data"))
FEREBUS_ATOMS = {"water": "O1", "ammonia": "N1", "methanol": "C1", "nma": "C1", "glycine": "C1"}
PROPERTIES = ("atomic_energy", "charge")
CURVE_SIZES = (100, 200, 500, 1000, 1400)
RMSE_TOLERANCE = 1.01
LOG_LIKELIHOOD_TOLERANCE = 1e-5


def test_rmse(theta, x, y, x_test, y_test, settings: ProtocolSettings) -> float:
    model = GPRModel.fit(x, y, theta, Kernel.named(settings.kernel, x.shape[1]), settings.likelihood,
                         settings.nugget)
    return rmse(model.predict(x_test) - y_test)


def fit(protocol: str, x, y, x_test, y_test, settings: ProtocolSettings) -> dict:
    full_set = {}  # evaluations of the last full-set search (DL's start, TL's relaxation)

    def count(event):
        if event.phase in ("direct", "relaxation"):
            full_set["evaluations"] = event.evaluations
    opened, cpu = time.perf_counter(), time.process_time()
    result = run_protocol(protocol, x, y, settings, callback=count)
    seconds, cpu_seconds = time.perf_counter() - opened, time.process_time() - cpu
    row = {"seconds": seconds, "cpu_seconds": cpu_seconds, "log_likelihood": result.log_likelihood,
           "evaluations": result.evaluations, "full_set_evaluations": full_set.get("evaluations"),
           "rmse": test_rmse(result.theta, x, y, x_test, y_test, settings)}
    if protocol == "tl":
        row["seeding_seconds"] = result.seconds["seeding"]
        row["seeding_share"] = result.seconds["seeding"] / result.seconds["total"]
        row["plan"] = result.plan
        row.update(source_signals(result))
    return row


def source_signals(result) -> dict:
    """What TL knows before its full-set relaxation (issue 12's second goal: can it tell it will lose?)."""
    if not result.sources:
        return {}
    log_thetas = np.array([s.log_theta for s in result.sources])
    full = np.array([s.log_likelihood_full for s in result.sources])
    return {"source_evaluations": [s.evaluations for s in result.sources],
            "stage_evaluations": [s.evaluations for s in result.stages],
            "source_log_theta_spread": float(np.median(log_thetas.std(axis=0))),
            "source_log_likelihood_full_spread": float((full.max() - full.min()) / abs(full.max()))}


def compare(x, y, x_test, y_test, states, goal: float, overrides: dict, has_test: bool = True,
            clock: str = "cpu_seconds") -> dict:
    """TL and DL interleaved over ``states``; medians, ratios (of ``clock``) and the goal's verdict.

    ``overrides`` maps "tl" and "dl" to ProtocolSettings fields of each protocol.
    """
    runs = []
    for state in states:
        tl = fit("tl", x, y, x_test, y_test, ProtocolSettings(random_state=state, **overrides["tl"]))
        dl = fit("dl", x, y, x_test, y_test, ProtocolSettings(random_state=state, **overrides["dl"]))
        runs.append({"state": state, "tl": tl, "dl": dl})
    ratio = float(np.median([r["tl"][clock] / r["dl"][clock] for r in runs]))
    rmse_ratio = float(np.median([r["tl"]["rmse"] / r["dl"]["rmse"] for r in runs]))
    # ln L gap of TL below the better of the two, relative (0 when TL is the better).
    gaps = [max(0.0, r["dl"]["log_likelihood"] - r["tl"]["log_likelihood"]) / abs(r["dl"]["log_likelihood"])
            for r in runs]
    gap = float(np.median(gaps))
    verdicts = {"meets_time": ratio <= goal, "meets_log_likelihood": gap <= LOG_LIKELIHOOD_TOLERANCE,
                "meets_rmse": not has_test or rmse_ratio <= RMSE_TOLERANCE}
    return {"n_train": len(y), "n_features": x.shape[1], "n_test": len(y_test),
            "tl_seconds": float(np.median([r["tl"][clock] for r in runs])),
            "dl_seconds": float(np.median([r["dl"][clock] for r in runs])),
            "wall_tl_over_dl": float(np.median([r["tl"]["seconds"] / r["dl"]["seconds"] for r in runs])),
            "tl_over_dl": ratio, "tl_rmse_over_dl": rmse_ratio if has_test else None,
            "tl_log_likelihood_gap": gap, "goal": goal, **verdicts, "meets_goal": all(verdicts.values()),
            "runs": runs}


def first_of_each_element(names) -> list[str]:
    """C1, H7 of benzene's C1..C6, H7..H12: the first atom named with each element."""
    firsts = {}
    for name in names:
        firsts.setdefault(name.rstrip("0123456789"), name)
    return list(firsts.values())


def demo_rows(demos, atoms, properties, sizes, states, goal, overrides, one_per_element=False):
    """Each row's label and its measurement (a callable, so a time budget can skip it) for each demo's
    ``atoms`` (None: every atom, or the first of each element; [] : its first atom); an atom a demo
    does not have is said on stderr and skipped, so one list of atoms can serve several demos."""
    for demo in demos:
        dataset = load_dataset(demo_path(demo))
        every = first_of_each_element(dataset.atom_names) if one_per_element else dataset.atom_names
        for atom in every if atoms is None else atoms or dataset.atom_names[:1]:
            if atom not in dataset.atom_names:
                print(f"{demo} has no atom {atom} (atoms: {', '.join(dataset.atom_names)}): skipped",
                      file=sys.stderr, flush=True)
                continue
            for prop in properties:
                features, targets = dataset.xy(atom, prop)
                for size in sizes:
                    train, test = random_split(len(targets), train_size=size, test_size=len(targets) - size)
                    yield ({"dataset": demo, "atom": atom, "property": prop, "n_train": size},
                           partial(compare, features[train], targets[train], features[test], targets[test], states,
                                   goal, overrides))


def ferebus_rows(systems, states, goal, overrides):
    """As demo_rows, for the FEREBUS sets (training and validation CSVs)."""
    for system in systems:
        atom = FEREBUS_ATOMS[system]

        def xy(kind):
            folder = SHARED_DATA / "ferebus-paper-data" / "likelihood" / system
            return read_ferebus_csv(folder / f"{system.upper()}_{atom}_{kind}_SET.csv").xy(atom, "iqa")
        (x, y), (x_test, y_test) = xy("TRAINING"), xy("VALIDATION")
        # NMA's validation set does not match its training set (SPEC section 3): ln L and time only.
        yield ({"dataset": system, "atom": atom, "property": "iqa", "n_train": len(y)},
               partial(compare, x, y, x_test, y_test, states, 0.2 if system == "glycine" else goal, overrides,
                       has_test=system != "nma"))


COLUMNS = ("dataset", "atom", "property", "n_train", "n_features", "tl_seconds", "dl_seconds", "tl_over_dl",
           "wall_tl_over_dl", "tl_rmse_over_dl", "tl_log_likelihood_gap", "goal", "meets_time", "meets_rmse",
           "meets_log_likelihood", "meets_goal")


def summary(row: dict) -> dict:
    return {k: row[k] for k in COLUMNS}


def totals(table: list[dict]) -> dict:
    """How many rows meet each part of the goal, and the spread of the time ratio."""
    ratios = [r["tl_over_dl"] for r in table]
    return {"rows": len(table), **{k: sum(bool(r[k]) for r in table) for k in COLUMNS if k.startswith("meets_")},
            "tl_faster": sum(q < 1 for q in ratios),
            "median_tl_over_dl": float(np.median(ratios)) if ratios else None,
            "min_tl_over_dl": min(ratios, default=None), "max_tl_over_dl": max(ratios, default=None)}


def markdown(table: list[dict], counts: dict) -> str:
    """The goal table for a note or the README."""
    lines = ["| dataset | atom | property | TL s | DL s | TL/DL | ln L gap | RMSE TL/DL | goal met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        rmse_ratio = "n/a" if r["tl_rmse_over_dl"] is None else f"{r['tl_rmse_over_dl']:.3f}"
        lines.append(f"| {r['dataset']} | {r['atom']} | {r['property']} | {r['tl_seconds']:.2f} | "
                     f"{r['dl_seconds']:.2f} | {r['tl_over_dl']:.2f} | {r['tl_log_likelihood_gap']:.1e} | "
                     f"{rmse_ratio} | {'yes' if r['meets_goal'] else 'no'} |")
    lines.append("")
    lines.append(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demos", nargs="*", default=None, help="demo names (default: every bundled demo)")
    parser.add_argument("--atoms", nargs="*", default=None, help="atoms (default: every atom)")
    parser.add_argument("--properties", nargs="+", default=list(PROPERTIES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--curve", action="store_true",
                        help="the first atom's atomic_energy of every demo at N = 100 ... 1400")
    parser.add_argument("--goal-table", action="store_true", help="every atom and property of every demo at N=1000")
    parser.add_argument("--ferebus", nargs="*", default=[], choices=list(FEREBUS_ATOMS))
    parser.add_argument("--states", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--goal", type=float, default=0.5, help="TL time ÷ DL time to meet (glycine: 0.2)")
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--tl", default="{}", help="JSON of ProtocolSettings fields for TL only (ablations)")
    parser.add_argument("--both", default="{}", help="JSON of ProtocolSettings fields for TL and DL alike")
    parser.add_argument("--one-per-element", action="store_true",
                        help="with --goal-table: only the first atom of each element of every demo")
    parser.add_argument("--budget-minutes", type=float, default=None,
                        help="start no row after this much wall time (the rest are listed as not run)")
    parser.add_argument("--markdown", type=Path, help="also write the table and its totals as markdown here")
    args = parser.parse_args(argv)
    both = json.loads(args.both)
    overrides = {"tl": {**both, **json.loads(args.tl)}, "dl": both}
    demos = list_demos() if args.demos is None else args.demos
    rows, not_run, opened = [], [], time.perf_counter()
    with threadpool_limits(args.blas_threads):
        if args.curve:
            chosen = demo_rows(demos, [], ["atomic_energy"], CURVE_SIZES, args.states, args.goal, overrides)
        elif args.goal_table or args.demos is not None:
            chosen = demo_rows(demos, args.atoms, args.properties, args.sizes, args.states, args.goal, overrides,
                               args.one_per_element)
        else:
            chosen = []
        # FEREBUS sets first: five rows, so a time budget cuts demo rows, not a whole kind of data.
        for label, measure in itertools.chain(ferebus_rows(args.ferebus, args.states, args.goal, overrides), chosen):
            if args.budget_minutes is not None and time.perf_counter() - opened > 60 * args.budget_minutes:
                not_run.append(label)
                continue
            row = {**label, **measure()}
            print(json.dumps(summary(row), default=float), file=sys.stderr, flush=True)
            rows.append(row)
    table = [summary(r) for r in rows]
    counts = totals(table)
    report = {"blas_threads": args.blas_threads, "states": args.states, "settings": overrides,
              "budget_minutes": args.budget_minutes, "not_run": not_run, "totals": counts, "table": table,
              "rows": rows}
    if args.markdown:
        args.markdown.write_text(markdown(table, counts))
    print(json.dumps(report, indent=1, default=float))


if __name__ == "__main__":
    main()
