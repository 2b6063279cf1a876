#!/usr/bin/env python
"""GFN2-xTB reference minima and harmonic frequencies of the bundled demo molecules.

For each demo: the demo script's starting geometry (before its GFN2-xTB pre-optimisation) is
optimised with GFN2-xTB (tblite) by ASE's BFGS until the largest atomic force is at most
``--fmax`` Ha/bohr; the Hessian comes from central differences of tblite's analytic gradients and
goes through the same harmonic analysis as the model sets' (fflux_studio.forcefield.frequencies),
so that the two are compared on equal terms. The result is written beside the demo data as
``<name>.reference.json`` with every setting recorded; the app reads it without tblite.

    OMP_NUM_THREADS=1 python scripts/make_demo_references.py            # all four, ~1 min
    python scripts/make_demo_references.py ethanol --out /tmp/ref

Needs the ``qm`` extra (tblite).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import ase  # noqa: E402
import numpy as np  # noqa: E402
from make_demo_datasets import BUILDERS, DEFAULT_OUT, GFN2, ORDER, tblite_version  # noqa: E402

from fflux_studio.forcefield.comparison import Reference  # noqa: E402
from fflux_studio.forcefield.frequencies import DEFAULT_STEP, harmonic_analysis, hessian_by_differences  # noqa: E402
from fflux_studio.forcefield.optimisation import FORCE_TO_HA_BOHR, optimise  # noqa: E402

SCF_ACCURACY = 1e-4  # tblite's accuracy setting: tight, as for the demo labels


def reference(name: str, fmax: float, step: float) -> Reference:
    atoms = BUILDERS[name]()
    start = atoms.positions.copy()
    atoms.calc = GFN2(accuracy=SCF_ACCURACY)
    run = optimise(atoms, fmax=fmax, max_steps=2000)
    if not run.converged:
        raise RuntimeError(f"{name}: GFN2-xTB optimisation did not reach {fmax} Ha/bohr in {run.steps} steps")

    def gradient(positions):
        atoms.positions = positions
        return -atoms.get_forces() * FORCE_TO_HA_BOHR

    minimum = run.positions.copy()
    harmonic = harmonic_analysis(hessian_by_differences(gradient, minimum, step), minimum, atoms.get_masses())
    settings = {
        "method": "GFN2-xTB", "program": "tblite", "tblite_version": tblite_version(),
        "ase_version": ase.__version__, "scf_accuracy": SCF_ACCURACY,
        "start": "the demo script's starting geometry (scripts/make_demo_datasets.py BUILDERS), not pre-optimised",
        "optimizer": "ase.optimize.BFGS", "fmax_ha_per_bohr": fmax, "steps": run.steps,
        "max_force_ha_per_bohr": run.max_force,
        "hessian": f"central differences of analytic gradients, displacement {step} bohr, symmetrised",
        "frequencies": "mass-weighted (ASE's standard atomic weights), translations and rotations removed, "
                       "cm-1, imaginary as negative (fflux_studio.forcefield.frequencies)",
        "energy_unit": "Ha", "length_unit": "Angstrom", "generator": "scripts/make_demo_references.py",
    }
    return Reference(atoms.get_chemical_symbols(), minimum, run.energy, harmonic.frequencies, start, settings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("molecules", nargs="*", metavar="MOLECULE", help=f"of {', '.join(ORDER)} (default: all)")
    parser.add_argument("--fmax", type=float, default=1e-5, help="largest atomic force, Ha/bohr (default: 1e-5)")
    parser.add_argument("--step", type=float, default=DEFAULT_STEP, help="Hessian displacement, bohr")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.molecules) - set(ORDER))
    if unknown:
        parser.error(f"unknown molecule(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    for name in args.molecules or ORDER:
        result = reference(name, args.fmax, args.step)
        document = {"molecule": name, **result.as_dict()}
        path = args.out / f"{name}.reference.json"
        path.write_text(json.dumps(document, indent=1) + "\n")
        print(f"{name}: E {result.energy:.8f} Ha after {result.settings['steps']} steps; "
              f"{len(result.frequencies)} modes {np.round(result.frequencies[:3], 1)} ... "
              f"{np.round(result.frequencies[-1], 1)} cm-1 -> {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
