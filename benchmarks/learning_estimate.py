"""How close the learning curves' time left (ui/learning_estimate.py) comes to the truth (prints JSON).

Runs the learning-curve job as the Studio's Compare step starts it on the ethanol demo (first atom,
first property, the Data step's default split, the default sizes and repeats, one BLAS thread as in
the worker), then replays its runs into the estimator: after each finished run, the estimated time
left against the time the remaining runs really took. Reported: each step's ratio estimate / truth
and the median and extremes (a ratio above 1 overstates the wait).

    python benchmarks/learning_estimate.py [--train 500] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflux_studio.demo import demo_path  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.protocols import ProtocolSettings  # noqa: E402
from fflux_studio.splits import random_split  # noqa: E402
from fflux_studio.ui import jobs  # noqa: E402
from fflux_studio.ui.learning_estimate import LearningEstimate  # noqa: E402
from fflux_studio.ui.learning_sizes import default_sizes  # noqa: E402

TEST_SIZE = 300


def problem(train: int) -> jobs.Problem:
    dataset = load_dataset(demo_path("ethanol"))
    atom = list(dataset.atoms)[0]
    x, y = dataset.xy(atom, dataset.properties(atom)[0])
    train_idx, test_idx = random_split(dataset.n_frames, TEST_SIZE, train, 0)
    return jobs.Problem(x[train_idx], y[train_idx], x[test_idx], y[test_idx], "Ha")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=500, help="training frames (the Studio's default 500)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    case = problem(args.train)
    settings = ProtocolSettings()
    sizes = default_sizes(settings, *case.x_train.shape)
    rows: list[dict] = []
    with threadpool_limits(1):
        jobs.learning(case, settings, settings, sizes, args.repeats, lambda message: rows.append(message.row), None)
    estimate, steps = LearningEstimate(sizes, args.repeats), []
    for k, row in enumerate(rows[:-1]):
        estimate.add(row)
        truth = sum(later["seconds"] for later in rows[k + 1:])
        left = estimate.left()
        steps.append({"runs_done": k + 1, "estimate_s": round(left, 2), "truth_s": round(truth, 2),
                      "ratio": round(left / truth, 3)})
    ratios = [step["ratio"] for step in steps]
    print(json.dumps({"sizes": sizes, "repeats": args.repeats, "runs": len(rows),
                      "total_s": round(sum(row["seconds"] for row in rows), 2),
                      "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)},
                      "steps": steps}, indent=2))


if __name__ == "__main__":
    main()
