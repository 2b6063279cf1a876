"""The SLURM cluster is built and its job script asks for what the docstring promises (no SLURM needed)."""

import pytest

pytest.importorskip("dask_jobqueue")

from fflux_studio.campaign.slurm import slurm_cluster  # noqa: E402


def test_job_script_carries_lifetime_and_one_thread_per_worker():
    with slurm_cluster(cores=4, memory="8GB", walltime="01:00:00", lifetime="55m", stagger="4m",
                       queue="short", account="chem") as cluster:
        script = cluster.job_script()
    print(script)
    assert "#SBATCH -t 01:00:00" in script and "#SBATCH -p short" in script and "#SBATCH -A chem" in script
    assert "--lifetime 55m --lifetime-stagger 4m --lifetime-restart" in script
    assert "--nworkers 4" in script and "--nthreads 1" in script
    assert "export OMP_NUM_THREADS=1" in script
