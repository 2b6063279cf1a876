"""Cost of the force field: energy + analytic forces against the energy predictions alone, and the
share of the ALF Jacobian in it, for model sets at given geometries.

Prints one JSON document; the ratios are measured in the same run, so they hold on a shared machine.

    python benchmarks/forcefield_cost.py MODELS GEOMETRY [MODELS GEOMETRY ...]
    python benchmarks/forcefield_cost.py /tmp/ff/ethanol-tl /tmp/ff/ethanol-start.xyz   # after forcefield_tl_dl.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.chem.jacobian import features_and_jacobian  # noqa: E402
from fflux_studio.forcefield.energy import evaluate  # noqa: E402
from fflux_studio.forcefield.model_set import load_model_set  # noqa: E402
from fflux_studio.io.xyz import read_frames  # noqa: E402


def _seconds(call, repeats: int) -> float:
    call()
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats


def measure(models: str, geometry: str, repeats: int) -> dict:
    model_set = load_model_set([models])
    positions = read_frames(geometry).positions[0]
    features, _ = features_and_jacobian(positions, model_set.alfs)
    predictions = _seconds(lambda: [m.predict(features[i:i + 1]) for i, m in enumerate(model_set.models)], repeats)
    forces = _seconds(lambda: evaluate(model_set, positions), repeats)
    jacobian = _seconds(lambda: features_and_jacobian(positions, model_set.alfs), repeats)
    return {"models": models, "atoms": model_set.n_atoms, "training_points": model_set.models[0].n_train,
            "energy_and_forces_ms": 1e3 * forces, "predictions_alone_ms": 1e3 * predictions,
            "forces_over_predictions": forces / predictions, "jacobian_share": jacobian / forces}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", nargs="+", metavar="MODELS GEOMETRY")
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)
    if len(args.pairs) % 2:
        parser.error("give MODELS GEOMETRY pairs")
    pairs = zip(args.pairs[::2], args.pairs[1::2])
    print(json.dumps([measure(models, geometry, args.repeats) for models, geometry in pairs], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
