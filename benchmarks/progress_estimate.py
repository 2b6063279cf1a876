"""How honest the Studio's time-left estimate is on real runs (prints JSON).

Trains on the ethanol demo as the Studio opens it (first atom, first property, 500 training
points, split random state 0), records every optimiser event with its wall time, then replays
the events into ui/progress.py's estimator (one BLAS thread, as the Studio's worker runs) and compares, at each event, its figures with the time
the run really had left (to the protocol's end). Reported per case: how often the bound ("at most")
held, and the typical figure's ratio to the true time left (median and largest, both ways).

    python benchmarks/progress_estimate.py                      # TL and DL, L-BFGS-B, states 0-4
    python benchmarks/progress_estimate.py --pso --states 0     # adds the PSO baseline (~1-2 min)
    python benchmarks/progress_estimate.py --record runs.json   # keep the event streams
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflux_studio.demo import demo_path  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.protocols import ProtocolSettings, run_protocol  # noqa: E402
from fflux_studio.splits import random_split  # noqa: E402
from fflux_studio.ui.progress import ProgressEstimate  # noqa: E402


def problem(train: int):
    dataset = load_dataset(demo_path("ethanol"))
    atom = list(dataset.atoms)[0]
    x, y = dataset.xy(atom, dataset.properties(atom)[0])
    indices, _ = random_split(dataset.n_frames, 300, train, 0)
    return x[indices], y[indices]


def record(protocol: str, x, y, settings: ProtocolSettings) -> dict:
    """The run's events (as the Studio receives them) and its total wall time."""
    events = []
    started = time.perf_counter()
    run_protocol(protocol, x, y, settings, callback=lambda event: events.append(event.as_dict()))
    return {"protocol": protocol, "settings": settings.as_dict(), "n_train": len(y), "n_features": x.shape[1],
            "events": events, "total": time.perf_counter() - started}


def settings_of(case: dict) -> ProtocolSettings:
    return ProtocolSettings(**{**case["settings"], "stages": tuple(case["settings"]["stages"])})


def as_comparison(tl: dict, dl: dict) -> dict:
    """TL then DL of the same random state as the Studio's Compare runs them: one job, one clock."""
    shifted = [{**event, "seconds": event["seconds"] + tl["total"]} for event in dl["events"]]
    return {**tl, "protocol": "compare", "runs": [("tl", tl), ("dl", dl)],
            "events": [("tl", e) for e in tl["events"]] + [("dl", e) for e in shifted],
            "total": tl["total"] + dl["total"]}


def replay(case: dict) -> dict:
    """The estimator's figures at every event against the time really left."""
    if case["protocol"] == "compare":
        estimate = ProgressEstimate.for_job([(p, settings_of(c)) for p, c in case["runs"]], case["n_train"],
                                            case["n_features"])
        stream = case["events"]
        settings = settings_of(case["runs"][1][1])
    else:
        settings = settings_of(case)
        estimate = ProgressEstimate.for_settings(case["protocol"], settings, case["n_train"], case["n_features"])
        stream = [(case["protocol"], event) for event in case["events"]]
    held, checked, ratios, looseness, misses = 0, 0, [], [], []
    first_bound = None
    for protocol, event in stream:
        estimate.update({**event, "seconds": event["seconds"] - (case["runs"][0][1]["total"] if protocol == "dl"
                                                                  and case["protocol"] == "compare" else 0.0)},
                        protocol)
        left = case["total"] - event["seconds"]
        bound, typical = estimate.bound(), estimate.typical()
        first_bound = bound if first_bound is None else first_bound
        if bound is not None:
            checked += 1
            held += bound >= left
            if left > 0.05:
                looseness.append(bound / left)
        if typical is not None and left > 0.05:
            ratios.append(typical / left)
            misses.append(abs(typical - left))
    ratios = np.array(ratios)
    spread = np.maximum(ratios, 1 / ratios) if len(ratios) else ratios
    return {"protocol": case["protocol"], "optimizer": settings.optimizer, "random_state": settings.random_state,
            "n_train": case["n_train"], "total_s": round(case["total"], 3), "events": len(case["events"]),
            "bound_held": f"{held}/{checked}",
            "first_bound_s": round(first_bound, 2) if first_bound is not None else None,
            "bound_over_true_median": round(float(np.median(looseness)), 1) if looseness else None,
            "said_raised": estimate.raised,
            "typical_shown": len(ratios),
            "typical_over_true_median": round(float(np.median(ratios)), 2) if len(ratios) else None,
            "typical_off_by_largest_factor": round(float(spread.max()), 2) if len(ratios) else None,
            "typical_off_by_largest_s": round(max(misses), 2) if misses else None}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--train", type=int, nargs="+", default=[500, 1000],
                        help="training-set sizes (500: TL trains directly; 1000: TL seeds)")
    parser.add_argument("--pso", action="store_true", help="also DL with the PSO baseline (state of --states[0])")
    parser.add_argument("--record", type=Path, help="write the event streams here")
    parser.add_argument("--replay", type=Path, help="replay event streams recorded earlier instead of training")
    args = parser.parse_args(argv)
    if args.replay:
        cases = json.loads(args.replay.read_text())
    else:
        with threadpool_limits(1):
            cases = [case for train in args.train for case in cases_for(train, args)]
        if args.record:
            args.record.write_text(json.dumps(cases))
    pairs = [as_comparison(tl, dl) for tl, dl in zip(cases, cases[1:])
             if (tl["protocol"], dl["protocol"]) == ("tl", "dl") and tl["n_train"] == dl["n_train"]
             and tl["settings"]["random_state"] == dl["settings"]["random_state"]]
    rows = [replay(case) for case in cases + pairs]
    print(json.dumps({"benchmark": "progress_estimate", "cases": rows, "summary": summary(rows)}, indent=1))


def summary(rows: list[dict]) -> dict:
    """Over every case: how often the bound held, and the typical figure's worst miss."""
    held = [int(r["bound_held"].split("/")[0]) for r in rows]
    checked = [int(r["bound_held"].split("/")[1]) for r in rows]
    medians = [r["typical_over_true_median"] for r in rows if r["typical_over_true_median"] is not None]
    largest = [r["typical_off_by_largest_factor"] for r in rows if r["typical_off_by_largest_factor"] is not None]
    return {"bound_held": f"{sum(held)}/{sum(checked)}", "cases_said_raised": sum(r["said_raised"] for r in rows),
            "typical_over_true_median_range": [min(medians), max(medians)] if medians else None,
            "typical_off_by_largest_factor": max(largest) if largest else None,
            "typical_off_by_largest_s": max((r["typical_off_by_largest_s"] for r in rows
                                             if r["typical_off_by_largest_s"] is not None), default=None)}


def cases_for(train: int, args) -> list[dict]:
    """TL and DL with each random state on ``train`` points (and the PSO baseline on the first size)."""
    x, y = problem(train)
    cases = [record(protocol, x, y, ProtocolSettings(random_state=state))
             for state in args.states for protocol in ("tl", "dl")]
    if args.pso and train == args.train[0]:
        cases.append(record("dl", x, y, ProtocolSettings(random_state=args.states[0], optimizer="pso")))
    return cases


if __name__ == "__main__":
    main()
