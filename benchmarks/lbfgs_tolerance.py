"""How L-BFGS-B's stopping rules trade evaluations for ln L on real sets (prints JSON).

For each ftol and stall tolerance, DL from the same random starts: evaluations, final ln L, and the
gap to the best ln L any setting reached. The likelihood values are 1e3-1e4, so scipy's relative
ftol means an absolute change of ftol x |ln L| per iteration.

    python benchmarks/lbfgs_tolerance.py --systems methanol nma --starts 2
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.gpr import Kernel, Likelihood  # noqa: E402
from fflux_studio.io.ferebus_csv import read_ferebus_csv  # noqa: E402
from fflux_studio.optimize.lbfgs import lbfgs, random_starts  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "ferebus-paper-data" / "likelihood"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", nargs="+", default=["methanol", "nma"])
    parser.add_argument("--starts", type=int, default=2)
    parser.add_argument("--ftols", type=float, nargs="+", default=[2.2e-9, 1e-11, 1e-13])
    parser.add_argument("--stall-tolerances", type=float, nargs="+", default=[0.0, 1e-7, 1e-6])
    args = parser.parse_args(argv)
    report = {}
    with threadpool_limits(1):
        for system in args.systems:
            path = DATA / system / f"{system.upper()}_C1_TRAINING_SET.csv"
            x, y = read_ferebus_csv(path).xy("C1", "iqa")
            likelihood = Likelihood(x, y, Kernel.named("rbf", x.shape[1]))
            starts = random_starts(0, x.shape[1], args.starts)
            rows = []
            for ftol in args.ftols:
                for stall in args.stall_tolerances:
                    runs = [lbfgs(likelihood, start, ftol=ftol, stall_tolerance=stall) for start in starts]
                    rows.append({"ftol": ftol, "stall_tolerance": stall,
                                 "evaluations": [r.evaluations for r in runs],
                                 "log_likelihood": [r.log_likelihood for r in runs],
                                 "message": [r.message for r in runs]})
            best = max(max(row["log_likelihood"]) for row in rows)
            for row in rows:
                row["gap_to_best"] = [best - value for value in row["log_likelihood"]]
            report[system] = rows
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
