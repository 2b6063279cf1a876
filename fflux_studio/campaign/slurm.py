"""A Dask cluster of SLURM jobs (dask-jobqueue) whose workers outlive the jobs' wall-time limit.

Each job runs ``processes`` single-threaded workers (one fit each). A worker retires itself after
``lifetime`` (staggered by up to ``stagger`` so they do not all go at once) and, with
``--lifetime-restart``, a fresh job takes its place: give ``lifetime`` a margin below ``walltime``
so a worker is gone before SLURM kills its job. A task on a retiring worker is moved to another
one by the scheduler; finished models are already in the (shared) campaign folder.

    cluster = slurm_cluster(cores=8, memory="16GB", walltime="02:00:00", lifetime="110m")
    cluster.adapt(minimum_jobs=1, maximum_jobs=10)
    with DaskExecutor(cluster.scheduler_address) as executor: ...

(``fflux-studio train DATA --dask ADDRESS`` does the same from the command line.)
"""

from __future__ import annotations


def slurm_cluster(cores: int, memory: str, walltime: str, lifetime: str, stagger: str = "5m",
                  **job_options):
    """An (unscaled) ``dask_jobqueue.SLURMCluster``; ``job_options`` (queue, account, ...) pass on."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(cores=cores, processes=cores, memory=memory, walltime=walltime,
                        worker_extra_args=["--lifetime", lifetime, "--lifetime-stagger", stagger,
                                           "--lifetime-restart"],
                        job_script_prologue=["export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1"],
                        **job_options)
