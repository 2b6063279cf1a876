"""TL against DL where it matters (the paper's downstream test): whole-molecule atomic_energy model
sets of the ethanol and benzene demos, trained by TL and by DL, used as force fields.

For each molecule and protocol, through the CLI: `fflux-studio train DEMO --atom all` (1000 training
frames, 200 held out, rbf-cyclic, random state 0, the CLI's defaults otherwise: TL seeds a model from a
finished equivalent atom where there is one), then `fflux-studio optimize` from the start
geometry of the bundled GFN2-xTB reference with `--frequencies --reference`; then a 1 ps NVE run
(ASE VelocityVerlet, 0.5 fs, from the model minimum with 300 K Maxwell-Boltzmann velocities) on
FFLUXCalculator, whose total-energy drift is reported; and the analytic forces against fourth-order
finite differences of the energy at the start geometry. Prints one JSON document (and a Markdown
table on stderr). Wall times on this shared machine are noisy; the TL/DL time ratio is measured in
the same run.

    OMP_NUM_THREADS=1 python benchmarks/forcefield_tl_dl.py                 # ~20 min on a shared machine
    python benchmarks/forcefield_tl_dl.py --molecules ethanol --work /tmp/ff --reuse
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.io import write

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fflux_studio.cli import main  # noqa: E402
from fflux_studio.demo import DEMO_DIR, demo_path  # noqa: E402
from fflux_studio.forcefield import FFLUXCalculator  # noqa: E402
from fflux_studio.forcefield.comparison import read_reference  # noqa: E402
from fflux_studio.forcefield.dynamics import nve as nve_run  # noqa: E402
from fflux_studio.forcefield.energy import evaluate, numerical_gradient  # noqa: E402
from fflux_studio.forcefield.model_set import load_model_set  # noqa: E402

TRAIN = ["--property", "atomic_energy", "--atom", "all", "--kernel", "rbf-cyclic", "--train-size", "1000",
         "--test-size", "200", "--random-state", "0", "--quiet"]


def _cli(arguments: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(arguments)
    if status != 0:
        raise RuntimeError(f"fflux-studio {' '.join(arguments)} exited with {status}")


def train(molecule: str, protocol: str, work: Path, reuse: bool) -> dict:
    models, summary = work / f"{molecule}-{protocol}", work / f"{molecule}-{protocol}.json"
    if not (reuse and summary.exists()):
        _cli(["train", str(demo_path(molecule)), *TRAIN, "--protocol", protocol, "--out", str(models),
              "--json", str(summary)])
    runs = json.loads(summary.read_text())["models"]
    return {"models": str(models), "train_seconds": sum(r["seconds"]["total"] for r in runs),
            "test_rmse_kjmol_mean": float(np.mean([r["test"]["rmse"] for r in runs])),
            "test_rmse_kjmol_max": float(np.max([r["test"]["rmse"] for r in runs])),
            "log_likelihood_sum": sum(r["log_likelihood"] for r in runs),
            "seeded_from_another_atom": sum(bool(r.get("transfer_from")) for r in runs)}


def optimise(molecule: str, models: str, work: Path, tag: str) -> dict:
    reference_path = DEMO_DIR / f"{molecule}.reference.json"
    reference = read_reference(reference_path)
    start = work / f"{molecule}-start.xyz"
    write(start, Atoms(reference.symbols, positions=reference.start))
    result = work / f"{tag}-optimize.json"
    _cli(["optimize", models, "--geometry", str(start), "--frequencies", "--reference", str(reference_path),
          "--out", str(work / f"{tag}-minimum.xyz"), "--json", str(result)])
    return json.loads(result.read_text())


def force_check(models: str, positions) -> float:
    """max |analytic − finite-difference gradient| / max |gradient| at ``positions``."""
    model_set = load_model_set([models])
    analytic, numeric = evaluate(model_set, positions).gradient, numerical_gradient(model_set, positions)
    return float(np.abs(analytic - numeric).max() / np.abs(numeric).max())


def nve(models: str, symbols, geometry, picoseconds: float = 1.0, timestep_fs: float = 0.5) -> dict:
    atoms = Atoms(symbols, positions=geometry)
    atoms.calc = FFLUXCalculator(models)
    run = nve_run(atoms, femtoseconds=1000 * picoseconds, timestep_fs=timestep_fs)
    return {"picoseconds": picoseconds, **run.as_dict(), "warnings_at_end": atoms.calc.domain(atoms).warnings}


def main_benchmark(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--molecules", nargs="+", default=["ethanol", "benzene"])
    parser.add_argument("--protocols", nargs="+", default=["tl", "dl"])
    parser.add_argument("--work", type=Path, help="where models and results go (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="keep models already trained in --work")
    parser.add_argument("--nve-ps", type=float, default=1.0)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="forcefield_tl_dl_"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for molecule in args.molecules:
        for protocol in args.protocols:
            row = {"molecule": molecule, "protocol": protocol, **train(molecule, protocol, work, args.reuse)}
            result = optimise(molecule, row["models"], work, f"{molecule}-{protocol}")
            row.update({key: result.get(key) for key in (
                "energy", "energy_difference", "energy_std", "converged", "steps", "max_force", "rmsd_angstrom",
                "frequency_mae_cm1", "frequency_max_error_cm1", "frequencies_cm1", "frequency_errors_cm1",
                "warnings")})
            row["force_check_relative"] = force_check(row["models"], read_reference(
                DEMO_DIR / f"{molecule}.reference.json").start)
            row["nve"] = nve(row["models"], result["symbols"], result["geometry"], args.nve_ps)
            rows.append(row)
            print(f"{molecule} {protocol}: RMSD {row['rmsd_angstrom']:.4f} A, frequency MAE "
                  f"{row['frequency_mae_cm1']:.1f} max {row['frequency_max_error_cm1']:.1f} cm-1", file=sys.stderr)
    ratios = {}
    for molecule in args.molecules:
        times = {r["protocol"]: r["train_seconds"] for r in rows if r["molecule"] == molecule}
        if {"tl", "dl"} <= set(times):
            ratios[molecule] = times["tl"] / times["dl"]
    print(json.dumps({"work": str(work), "train_options": TRAIN, "rows": rows, "tl_over_dl_train_time": ratios},
                     indent=1))
    print("\n| set | RMSD Å | freq MAE cm⁻¹ | freq max cm⁻¹ | ΔE mHa | test RMSE kJ/mol | train s | NVE drift mHa/ps |",
          file=sys.stderr)
    print("|---|---|---|---|---|---|---|---|", file=sys.stderr)
    for r in rows:
        print(f"| {r['molecule']} {r['protocol'].upper()} | {r['rmsd_angstrom']:.4f} | {r['frequency_mae_cm1']:.1f} | "
              f"{r['frequency_max_error_cm1']:.1f} | {1e3 * r['energy_difference']:+.2f} | "
              f"{r['test_rmse_kjmol_mean']:.2f} | {r['train_seconds']:.0f} | "
              f"{1e3 * r['nve']['drift_slope_ha_per_ps']:+.3f} |", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main_benchmark())
