"""Cost of one ln L + gradient evaluation divided by the cost of one Cholesky of the same matrix.

Both are timed in the same run, on the same random N x d data, interleaved (Cholesky, value, value
and gradient, again and again) so that each repeat gives its own ratios; the median ratio holds on a
busy shared machine. With --threads 1 the CPU-time ratios (time.process_time) are the steadiest,
since a single thread's CPU time does not grow while other programs hold the cores. Prints JSON. Usage: python benchmarks/likelihood_cost.py [--repeats 9]
[--threads T] (T sets OPENBLAS_NUM_THREADS/OMP_NUM_THREADS before numpy loads; default: BLAS's own).
The random angles spread over the whole circle, so about a quarter of the pairs of each cyclic
feature wrap: a worst case for rbf-cyclic (real angle features wrap far less often).
"""

import argparse
import json
import os
import sys
import time


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--kernels", nargs="+", default=["rbf", "rbf-cyclic"])
    return parser.parse_args()


def measure(n, d, kernel_name, repeats):
    import numpy as np
    from scipy.linalg import lapack

    from fflux_studio.gpr import Kernel, Likelihood

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

    def timed(function):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        return time.perf_counter() - wall, time.process_time() - cpu

    # rows[repeat, task, clock]: tasks Cholesky, value, value + gradient; clocks wall, CPU.
    rows = np.array([[timed(cholesky), timed(lambda: likelihood(log_theta, gradient=False)),
                      timed(lambda: likelihood(log_theta))] for _ in range(repeats)])
    t_chol, t_value, t_grad = rows[:, :, 0].min(axis=0)
    cpu = rows[:, :, 1]
    return {"n": n, "d": d, "kernel": kernel_name, "cholesky_s": t_chol, "value_s": t_value,
            "value_and_gradient_s": t_grad,
            "value_ratio": float(np.median(rows[:, 1, 0] / rows[:, 0, 0])),
            "value_and_gradient_ratio": float(np.median(rows[:, 2, 0] / rows[:, 0, 0])),
            "value_and_gradient_ratio_of_best_times": t_grad / t_chol,
            "cpu_value_ratio": float(np.median(cpu[:, 1] / cpu[:, 0])),
            "cpu_value_and_gradient_ratio": float(np.median(cpu[:, 2] / cpu[:, 0]))}


def main():
    args = parse()
    if args.threads is not None:
        if "numpy" in sys.modules:
            raise RuntimeError("--threads must be set before numpy is imported")
        os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(args.threads)
    results = [measure(n, 21, kernel, args.repeats) for n in args.sizes for kernel in args.kernels]
    print(json.dumps({"benchmark": "likelihood_cost", "goal_ratio": 3.0, "threads": args.threads,
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
