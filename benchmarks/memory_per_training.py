"""Peak memory of one Studio training (protocol, landscape thread and fitted model) in units of one
N x N float64 array, against memory.ARRAYS_PER_TRAINING, the count the Studio's memory budget uses.

numpy's allocations are traced (tracemalloc), which slows the run several times over; small
budgets keep it short, since the N x N arrays, not the iterations, make the peak. Prints JSON.
Usage: python benchmarks/memory_per_training.py [--sizes 200 400]
"""

import argparse
import json
import sys
import threading
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflux_studio.memory import ARRAYS_PER_TRAINING  # noqa: E402
from fflux_studio.protocols import ProtocolSettings  # noqa: E402
from fflux_studio.ui import jobs  # noqa: E402


def peak_arrays(protocol: str, n: int) -> float:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, size=(n + 50, 3))
    y = np.sin(x).sum(axis=1)
    problem = jobs.Problem(x[:n], y[:n], x[n:], y[n:], "Ha")
    settings = ProtocolSettings(n_seeds=1, max_iterations=3, seed_max_iterations=3)
    tracemalloc.start()
    try:
        jobs.train(protocol, problem, settings, lambda message: None, threading.Event())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / (8 * n * n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 400])
    sizes = parser.parse_args().sizes
    results = [{"protocol": protocol, "n": n, "peak_in_n_by_n_arrays": peak_arrays(protocol, n)}
               for n in sizes for protocol in ("tl", "dl")]
    print(json.dumps({"benchmark": "memory_per_training", "arrays_per_training": ARRAYS_PER_TRAINING,
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
