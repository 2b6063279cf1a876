"""``fflux-studio optimize``: a model set as a force field: optimise a geometry, optionally its
harmonic frequencies, and compare both with a reference minimum."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from fflux_studio.cli.errors import UsageError
from fflux_studio.forcefield.calculator import FFLUXCalculator
from fflux_studio.forcefield.comparison import compare, read_reference
from fflux_studio.forcefield.deployment import deploy, write_minimum
from fflux_studio.forcefield.optimisation import DEFAULT_FMAX, OPTIMIZERS
from fflux_studio.io.errors import InputError
from fflux_studio.io.xyz import read_frames


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "optimize", help="optimise a geometry on a model set; harmonic frequencies; compare with a reference",
        description="Use one energy .model per atom (e.g. from `train --atom all`) as a force field: "
                    "E = sum of the atoms' energies, analytic forces.")
    parser.add_argument("models", nargs="+", metavar="MODELS", help=".model files or folders of them")
    parser.add_argument("--property", metavar="NAME",
                        help="the energy property to use where the files hold several (default: the one energy)")
    parser.add_argument("--geometry", required=True, metavar="FILE",
                        help="start geometry: any file `inspect` reads as geometries (xyz, extxyz, demo files)")
    parser.add_argument("--frame", type=int, default=1, metavar="K", help="frame of FILE to start from (1-based)")
    parser.add_argument("--fmax", type=float, default=DEFAULT_FMAX,
                        help=f"stop when the largest atomic force is at most this, Ha/bohr (default {DEFAULT_FMAX:g})")
    parser.add_argument("--max-steps", type=int, default=1000, help="default: 1000")
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="bfgs", help="ASE optimiser (default: bfgs)")
    parser.add_argument("--frequencies", action="store_true", help="harmonic frequencies at the optimised geometry")
    parser.add_argument("--reference", metavar="FILE",
                        help="reference minimum JSON (e.g. the demos' <name>.reference.json)")
    parser.add_argument("--out", metavar="FILE.xyz", help="write the optimised geometry")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    parser.set_defaults(run=run)


def _start(args, symbols) -> np.ndarray:
    frames = read_frames(args.geometry)
    if not 1 <= args.frame <= len(frames.positions):
        raise UsageError(f"--frame {args.frame}: {args.geometry} has frames 1..{len(frames.positions)}")
    if frames.symbols != symbols:
        raise InputError(args.geometry, f"its atoms ({''.join(frames.symbols)}) are not the models' "
                                        f"({''.join(symbols)}, in this order)")
    return frames.positions[args.frame - 1]


def run(args) -> int:
    if args.fmax <= 0 or args.max_steps < 1:
        raise UsageError("--fmax must be positive and --max-steps at least 1")
    calculator = FFLUXCalculator(args.models, args.property)
    model_set = calculator.model_set
    reference = read_reference(args.reference) if args.reference else None
    if reference is not None and reference.symbols != model_set.symbols:
        raise InputError(args.reference, f"its atoms ({''.join(reference.symbols)}) are not the models' "
                                         f"({''.join(model_set.symbols)}, in this order)")
    deployment = deploy(calculator, _start(args, model_set.symbols), fmax=args.fmax, max_steps=args.max_steps,
                        optimizer=args.optimizer, frequencies=args.frequencies,
                        about_start={"file": args.geometry, "frame": args.frame})
    document, result = deployment.document, deployment.optimisation
    if reference is not None:
        frequencies = deployment.harmonic.frequencies if deployment.harmonic is not None else None
        try:
            document.update(compare(model_set.symbols, result.positions, result.energy, frequencies, reference))
        except ValueError as err:  # a reference with another number of modes
            raise InputError(args.reference, str(err)) from None
    _report(document)
    if args.out:
        write_minimum(args.out, model_set.system, model_set.symbols, result)
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    return 0


def _report(document: dict) -> None:
    state = "converged" if document["converged"] else "NOT converged"
    print(f"{document['system']}: E = {document['energy']:.8f} Ha (std {document['energy_std']:.2g} Ha), {state} in "
          f"{document['steps']} steps, largest force {document['max_force']:.2g} Ha/bohr")
    if "frequencies_cm1" in document:
        print("frequencies (cm-1): " + " ".join(f"{f:.1f}" for f in document["frequencies_cm1"]))
    if "rmsd_angstrom" in document:
        line = (f"vs reference: RMSD {document['rmsd_angstrom']:.4f} A, "
                f"dE {document['energy_difference'] * 1e3:+.3f} mHa")
        if "frequency_mae_cm1" in document:
            line += (f", frequency MAE {document['frequency_mae_cm1']:.1f} cm-1, "
                     f"max {document['frequency_max_error_cm1']:.1f} cm-1")
        print(line)
    for warning in document["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
