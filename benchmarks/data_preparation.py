"""Wall and CPU time of the two data-preparation steps that scale with the number of frames:
near-duplicate detection (10 000 frames x 21 features) and ALF featurisation (3 000 frames of 20
atoms), each against its goal of one second. Duplicates are also timed against a brute-force
Chebyshev distance matrix of the same frames in the same run (the ratio holds on a busy machine).
Prints JSON; never collected by pytest. Usage: python benchmarks/data_preparation.py [--repeats 3]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial.distance import pdist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflux_studio.chem.features import all_features  # noqa: E402
from fflux_studio.splits import near_duplicate_pairs  # noqa: E402


def timed(function, repeats: int) -> dict:
    """Best wall and CPU seconds over ``repeats`` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"wall_s": min(walls), "cpu_s": min(cpus)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    rng = np.random.default_rng(2)
    frames = rng.uniform(0, 3, size=(10000, 21))
    duplicates = timed(lambda: near_duplicate_pairs(frames), repeats)
    brute = timed(lambda: pdist(frames, "chebyshev"), repeats)
    positions = np.random.default_rng(0).normal(scale=3, size=(3000, 20, 3))
    alfs = [(a, (a + 1) % 20, (a + 2) % 20) for a in range(20)]
    features = timed(lambda: all_features(positions, alfs), repeats)
    print(json.dumps({"benchmark": "data_preparation", "goal_s": 1.0,
                      "near_duplicates_10000x21": {**duplicates,
                                                   "ratio_to_brute_force": duplicates["wall_s"] / brute["wall_s"]},
                      "features_3000_frames_20_atoms": features}, indent=2))


if __name__ == "__main__":
    main()
