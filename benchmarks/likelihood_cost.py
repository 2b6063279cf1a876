"""Cost of one ln L + gradient evaluation divided by the cost of one Cholesky of the same matrix.

Both are timed in the same run, on the same random N x d data, so the ratio holds on a busy machine.
Prints JSON. Usage: python benchmarks/likelihood_cost.py [--repeats 7]
"""

import argparse
import json
import time

import numpy as np
from scipy.linalg import lapack

from fflux_studio.gpr import Kernel, Likelihood


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(n, d, kernel_name, repeats):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(n, d))
    y = np.sin(x).sum(axis=1)
    kernel = Kernel.named(kernel_name, d)
    likelihood = Likelihood(x, y, kernel, "concentrated", nugget=1e-8)
    log_theta = np.log(np.full(d, 0.2))
    likelihood(log_theta)
    matrix = likelihood.correlation(np.exp(log_theta)).copy()
    matrix.flat[:: n + 1] += 1e-8
    work = np.empty_like(matrix)

    def cholesky():
        np.copyto(work, matrix)
        lapack.dpotrf(work.T, lower=1, clean=0, overwrite_a=1)

    t_chol = best_time(cholesky, repeats)
    t_value = best_time(lambda: likelihood(log_theta, gradient=False), repeats)
    t_grad = best_time(lambda: likelihood(log_theta), repeats)
    return {"n": n, "d": d, "kernel": kernel_name, "cholesky_s": t_chol, "value_s": t_value,
            "value_and_gradient_s": t_grad, "value_ratio": t_value / t_chol,
            "value_and_gradient_ratio": t_grad / t_chol}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    results = [measure(n, 21, kernel, args.repeats) for n in (1000, 2000) for kernel in ("rbf", "rbf-cyclic")]
    print(json.dumps({"benchmark": "likelihood_cost", "goal_ratio": 3.0, "results": results}, indent=2))


if __name__ == "__main__":
    main()
