"""``fflux-studio inspect DATA``: what a dataset holds before training on it — atoms and their
local frames, frames, properties and their ranges, dropped points and near-duplicate frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from fflux_studio.cli.errors import UsageError
from fflux_studio.cli.options import add_alf_option, alf_override
from fflux_studio.io.load import load_dataset
from fflux_studio.splits import DUPLICATE_TOLERANCE, find_duplicates


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "inspect", help="summarise a dataset: atoms, local frames, frames, properties, problems",
        description="Read DATA as training would (XYZ/extended XYZ, ICHOR points or CSVs, FEREBUS CSVs) "
                    "and print its atoms with their local frames (1-based origin, x-axis, xy-plane), "
                    "the number of frames, each property's range, dropped points and near-duplicate frames.")
    parser.add_argument("data", metavar="DATA", help="a file or directory to read")
    parser.add_argument("--json", metavar="FILE", help="also write the summary as JSON")
    add_alf_option(parser)
    parser.add_argument("--duplicate-tolerance", type=float, default=DUPLICATE_TOLERANCE, metavar="TOL",
                        help=f"frames whose features all agree within TOL (bohr, radians) count as "
                             f"near-duplicates (default {DUPLICATE_TOLERANCE:g})")
    parser.set_defaults(run=run)


def summarise(dataset, tolerance: float = DUPLICATE_TOLERANCE) -> dict:
    """The dataset's summary as plain JSON-ready data."""
    duplicates = find_duplicates(dataset, tolerance)
    atoms = []
    for name, atom in dataset.atoms.items():
        properties = {}
        for prop, values in dataset.targets.get(name, {}).items():
            properties[prop] = {"min": float(np.min(values)), "max": float(np.max(values)),
                                "mean": float(np.mean(values)), "unit": dataset.unit(prop)}
        atoms.append({"name": name, "alf": list(atom.alf) if atom.alf else None,
                      "n_features": int(atom.features.shape[1]),
                      "periodic_features": [int(i) + 1 for i in np.flatnonzero(atom.periodic)],
                      "properties": properties})
    return {"data": dataset.provenance, "system": dataset.system, "n_frames": dataset.n_frames,
            "elements": list(dataset.elements) if dataset.elements else None, "atoms": atoms,
            "notes": list(dataset.notes),
            "duplicates": {"tolerance": tolerance, "pairs": (duplicates.pairs + 1).tolist(),
                           "repeated_frames": (duplicates.repeated + 1).tolist(), "summary": duplicates.describe()}}


def _print(summary: dict) -> None:
    frames, atoms = summary["n_frames"], len(summary["atoms"])
    print(f"{summary['data']}: system {summary['system']}, {frames} frame{'s' * (frames != 1)}, "
          f"{atoms} atom{'s' * (atoms != 1)}")
    width = max(len(a["name"]) for a in summary["atoms"])
    for atom in summary["atoms"]:
        alf = " ".join(str(i) for i in atom["alf"]) if atom["alf"] else "not given"
        props = [f"{p} {v['min']:.10g} .. {v['max']:.10g} {v['unit']}".rstrip() for p, v in atom["properties"].items()]
        print(f"  {atom['name']:<{width}}  ALF {alf:<10} {atom['n_features']:>3} features"
              + ("" if props else "  no properties"))
        for line in props:  # one line each: an atom with multipole moments has 26 properties
            print(f"    {line}")
    for note in summary["notes"]:
        print(f"  note: {note}")
    print(f"  duplicates: {summary['duplicates']['summary']}")


def run(args) -> int:
    alf = alf_override(args)
    if not args.duplicate_tolerance >= 0:
        raise UsageError(f"--duplicate-tolerance must be non-negative, got {args.duplicate_tolerance}")
    summary = summarise(load_dataset(args.data, alf=alf), args.duplicate_tolerance)
    _print(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    return 0
