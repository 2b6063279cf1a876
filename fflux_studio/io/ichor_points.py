"""ICHOR points → Dataset: a directory of ``*.pointdir``, one ``*.pointdir``, or a directory holding
the ``.int`` files of one geometry beside its ``.xyz`` or ``.gjf``.

Each point gives its geometry and, per atom, ``iqa`` (``E_IQA(A)``), ``q00`` (the net charge) and
the multipole moments ``q10 … q44s`` rotated from AIMAll's global frame into the atom's ALF.
As ICHOR does, a point where any atom's integration error |L| reaches 1e-3 is dropped, and the
notes say how many and which.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from fflux_studio.chem.multipoles import MOMENTS
from fflux_studio.dataset import Dataset
from fflux_studio.io.alf_moments import add_alf_moments
from fflux_studio.io.aimall_int import read_int
from fflux_studio.io.errors import InputError
from fflux_studio.io.geometry_dataset import atom_names, dataset_from_geometries
from fflux_studio.io.xyz import read_frames
from fflux_studio.units import MAX_INTEGRATION_ERROR, default_unit

PROPERTIES = ("iqa", "q00")


def _natural(path: Path):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def is_points_input(path: Path) -> bool:
    """Whether ``path`` is something this module reads."""
    return path.is_dir() and (path.suffix.lower() == ".pointdir" or any(path.glob("*.pointdir"))
                              or any(path.glob("*.int")))


def _geometry_file(point: Path) -> Path:
    for pattern in (f"{point.stem}.xyz", "*.xyz", f"{point.stem}.gjf", "*.gjf", "*.com"):
        found = sorted(point.glob(pattern), key=_natural)
        if found:
            return found[0]
    raise InputError(point, "no geometry: expected a .xyz or .gjf file in this point")


def _int_files(point: Path) -> list[Path]:
    found = sorted(point.glob("*.int")) or sorted(point.glob("*_atomicfiles/*.int"))
    if not found:
        raise InputError(point, "no AIMAll .int files (expected *_atomicfiles/*.int)")
    return found


def _read_point(point: Path, expected):
    geometry = _geometry_file(point)
    frames = read_frames(geometry)
    if len(frames.positions) != 1:
        raise InputError(geometry, f"{len(frames.positions)} geometries; a point has one")
    if expected is not None and frames.symbols != expected:
        raise InputError(geometry, f"atoms {' '.join(frames.symbols)} differ from the first point's "
                         f"{' '.join(expected)} (same atoms in the same order in every point)")
    names = atom_names(frames.symbols)
    results = {}
    for path in _int_files(point):
        result = read_int(path)
        if result.atom.lower() not in {n.lower() for n in names}:
            raise InputError(path, f"integrates atom {result.atom}, which is not in {geometry.name} "
                             f"(atoms: {', '.join(names)})")
        if result.atom.lower() in results:
            raise InputError(path, f"a second .int file for atom {result.atom}")
        results[result.atom.lower()] = result
    missing = [n for n in names if n.lower() not in results]
    if missing:
        raise InputError(point, f"no .int file for atom(s) {', '.join(missing)}")
    return frames.symbols, frames.positions[0], [results[n.lower()] for n in names]


def read_points(path, alf=None) -> Dataset:
    """Read ICHOR points (see the module docstring) into a Dataset; ``alf`` overrides local frames."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(path, "expected a directory of ICHOR points or of AIMAll .int files")
    if path.suffix.lower() == ".pointdir" or any(path.glob("*.int")):
        points = [path]
    else:
        points = sorted((p for p in path.glob("*.pointdir") if p.is_dir()), key=_natural)
    if not points:
        raise InputError(path, "no *.pointdir directories and no .int files")
    symbols, kept, positions, values, dropped = None, [], [], [], []
    for point in points:
        symbols, xyz, results = _read_point(point, symbols)
        worst = max(abs(r.integration_error) for r in results)
        if worst >= MAX_INTEGRATION_ERROR:
            dropped.append(f"{point.name} (|L| = {worst:.2g})")
            continue
        kept.append(point)
        positions.append(xyz)
        values.append(results)
    if not kept:
        raise InputError(path, f"every point has an integration error |L| >= {MAX_INTEGRATION_ERROR:g}: "
                         + ", ".join(dropped))
    notes = []
    if dropped:
        notes.append(f"dropped {len(dropped)} of {len(points)} points with integration error "
                     f"|L| >= {MAX_INTEGRATION_ERROR:g} (ICHOR's rule): " + ", ".join(dropped))
    names = atom_names(symbols)
    targets = {name: {prop: np.array([getattr(v[i], prop) for v in values]) for prop in PROPERTIES}
               for i, name in enumerate(names)}
    system = re.sub(r"\d+$", "", kept[0].stem) or kept[0].stem
    units = {prop: default_unit(prop) for prop in PROPERTIES}
    dataset = dataset_from_geometries(path, system, symbols, np.array(positions), targets, units, alf=alf,
                                      notes=notes)
    if all(set(MOMENTS) <= r.moments.keys() for v in values for r in v):
        return add_alf_moments(dataset, {name: np.array([[v[i].moments[m] for m in MOMENTS] for v in values])
                                         for i, name in enumerate(names)})
    dataset.notes.append("no multipole moments: some .int files lack Q[1,0] … Q[4,4,s]")
    return dataset
