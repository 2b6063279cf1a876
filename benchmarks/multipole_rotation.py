"""Cost of rotating an atom's 24 moments into its ALF, set against the cost of reading the AIMAll
.int file they come from (one per atom and geometry, so the ratio says whether rotation matters for
a points directory), and the two rotation routes against each other. Both in one run, so the ratios
hold on a busy machine. Prints JSON; never collected by pytest.
Usage: python benchmarks/multipole_rotation.py [--frames 10000] [--repeats 3]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflux_studio.chem.harmonic_rotation import harmonic_rotation  # noqa: E402
from fflux_studio.chem.multipoles import RANKS, to_alf  # noqa: E402
from fflux_studio.io.aimall_int import read_int  # noqa: E402

INT_FILE = (Path(__file__).resolve().parents[2] / "shared/data/ichor-examples/water_monomer_points/"
            "WATER_MONOMER0000.pointdir/WATER_MONOMER0000_atomicfiles/o1.int")


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rotation = Rotation.random(args.frames, random_state=0).as_matrix()
    moments = np.random.default_rng(0).normal(size=(args.frames, 24))
    cartesian = best(lambda: to_alf(moments, rotation), args.repeats) / args.frames
    harmonic = best(lambda: [harmonic_rotation(rotation, rank) for rank in RANKS], args.repeats) / args.frames
    result = {"frames": args.frames, "rotate_seconds_per_frame": cartesian,
              "harmonic_route_over_cartesian_route": harmonic / cartesian}
    if INT_FILE.exists():
        reading = best(lambda: [read_int(INT_FILE) for _ in range(20)], args.repeats) / 20
        result.update({"read_int_seconds": reading, "rotate_over_read_int": cartesian / reading})
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
