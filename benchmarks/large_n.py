"""TL and DL at a large N (default 5000 frames): wall and CPU time, ln L, test RMSE, peak memory.

Peak memory is ru_maxrss, set against the model of fflux_studio/memory.py (the bytes it expects
one training to hold, and the budget it allows now).

Each protocol runs in a fresh process, so its peak resident memory (ru_maxrss) is its own; TL
and DL alternate over the random states. The bundled demos have ~1500 frames; a larger set is
made by the demo generator (about 16 min of CPU for ethanol at 5600 frames, measured niced beside other work):

    OMP_NUM_THREADS=1 python scripts/make_demo_datasets.py ethanol --frames 5600 --out /tmp/demo5000
    python benchmarks/large_n.py /tmp/demo5000/ethanol.extxyz.gz --atom C1 --n-train 5000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.gpr import GPRModel, Kernel, Likelihood  # noqa: E402
from fflux_studio.io.load import load_dataset  # noqa: E402
from fflux_studio.memory import MemoryBudget  # noqa: E402
from fflux_studio.metrics import rmse  # noqa: E402
from fflux_studio.protocols import ProtocolSettings, run_protocol  # noqa: E402
from fflux_studio.splits import random_split  # noqa: E402


def load(path, atom, prop, n_train):
    """(x, y) of the trajectory at ``path``, or ``synthetic:D``: n_train + 500 random points in D features
    (sin of their sum), for what depends only on N and D (memory, the cost of one evaluation)."""
    if path.startswith("synthetic:"):
        x = np.random.default_rng(0).uniform(0, 2, size=(n_train + 500, int(path.split(":")[1])))
        return x, np.sin(x).sum(axis=1)
    return load_dataset(path).xy(atom, prop)


def fit(protocol, path, atom, prop, n_train, state, blas_threads) -> dict:
    """One protocol in this (fresh) process; its figures and the process's peak memory.

    Protocol ``evaluation`` is one ln L and gradient at theta = 1 (the N x N arrays of a training without
    its iterations)."""
    x_all, y_all = load(path, atom, prop, n_train)
    train, test = random_split(len(y_all), train_size=n_train, test_size=len(y_all) - n_train)
    x, y = x_all[train], y_all[train]
    loaded_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = ProtocolSettings(random_state=state)
    kernel = Kernel.named(settings.kernel, x.shape[1])
    with threadpool_limits(blas_threads):
        opened, cpu = time.perf_counter(), time.process_time()
        if protocol == "evaluation":
            theta = np.ones(x.shape[1])
            value = Likelihood(x, y, kernel, settings.likelihood, settings.nugget).evaluate(theta)[0]
            result = {"log_likelihood": value, "evaluations": 1}
        else:
            run = run_protocol(protocol, x, y, settings)
            theta = run.theta
            result = {"log_likelihood": run.log_likelihood, "evaluations": run.evaluations, "status": run.status,
                      "plan": run.plan}
        seconds, cpu_seconds = time.perf_counter() - opened, time.process_time() - cpu
        model = GPRModel.fit(x, y, theta, kernel, settings.likelihood, settings.nugget)
        error = rmse(model.predict(x_all[test]) - y_all[test])
    return {"protocol": protocol, "state": state, "seconds": seconds, "cpu_seconds": cpu_seconds, **result,
            "test_rmse": error, "n_test": int(len(test)), "loaded_memory_mib": loaded_mib,
            "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def ratio(pairs, clock: str) -> float | None:
    return float(np.median([tl[clock] / dl[clock] for tl, dl in pairs])) if pairs else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", help="a trajectory with more than --n-train frames, or synthetic:D (D features)")
    parser.add_argument("--evaluation-only", action="store_true",
                        help="instead of TL and DL, one ln L + gradient evaluation and the model's fit: the memory "
                             "peak and the cost per evaluation at this N without hours of iterations")
    parser.add_argument("--atom", default="C1")
    parser.add_argument("--property", default="atomic_energy")
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--states", type=int, nargs="+", default=[0])
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--parallel", action="store_true",
                        help="TL and DL of a state at once, each in its own process (CPU times stay each one's own; "
                             "the peak memory of the two together is their sum)")
    args = parser.parse_args(argv)
    protocols = ("evaluation",) if args.evaluation_only else ("tl", "dl")
    runs = []
    with multiprocessing.get_context("spawn").Pool(2 if args.parallel else 1, maxtasksperchild=1) as pool:
        for state in args.states:
            pending = [pool.apply_async(fit, (protocol, args.data, args.atom, args.property, args.n_train, state,
                                              args.blas_threads))
                       for protocol in protocols] if args.parallel else None
            for index, protocol in enumerate(protocols):
                run = pending[index].get() if pending else pool.apply(
                    fit, (protocol, args.data, args.atom, args.property, args.n_train, state, args.blas_threads))
                print(json.dumps(run), file=sys.stderr, flush=True)
                runs.append(run)
    pairs = [] if args.evaluation_only else list(zip(runs[::2], runs[1::2]))
    budget = MemoryBudget.now()
    print(json.dumps({"data": args.data, "atom": args.atom, "property": args.property, "n_train": args.n_train,
                      "blas_threads": args.blas_threads, "parallel": args.parallel, "runs": runs,
                      "tl_over_dl_cpu": ratio(pairs, "cpu_seconds"), "tl_over_dl_wall": ratio(pairs, "seconds"),
                      "peak_memory_mib": max(r["peak_memory_mib"] for r in runs),
                      "peak_memory_measured": "ru_maxrss of a fresh spawned process per fit (data loaded, fit, "
                                              "test prediction); loaded_memory_mib is its peak before the fit",
                      "memory_model_mib": MemoryBudget.needed(args.n_train) / 2**20,
                      "memory_budget_mib": budget.budget / 2**20, "memory_budget_max_points": budget.max_points},
                     indent=1))


if __name__ == "__main__":
    main()
