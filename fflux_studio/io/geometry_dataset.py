"""Geometries (Å) and per-atom targets → Dataset: the step every geometry-based reader shares.

The ALF of each atom is chosen on the first frame (as ICHOR does for a trajectory) unless the
user overrides it; frames whose bonds differ from the first frame's are counted in the notes,
since their features may describe a different molecule.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.alf import ALFError, choose_alf, with_overrides
from fflux_studio.chem.connectivity import bonded
from fflux_studio.chem.features import FeatureError, all_features, periodic_mask
from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.io.errors import InputError

_CHUNK = 2000


def atom_names(symbols) -> list[str]:
    """``C1``, ``H2``, …: element and 1-based index, as ICHOR and FEREBUS name atoms."""
    return [f"{symbol}{i + 1}" for i, symbol in enumerate(symbols)]


def _frames_with_other_bonds(symbols, positions: np.ndarray) -> int:
    reference = bonded(symbols, positions[0])
    changed = 0
    for start in range(0, len(positions), _CHUNK):
        bonds = bonded(symbols, positions[start:start + _CHUNK])
        changed += int(np.sum(np.any(bonds != reference, axis=(1, 2))))
    return changed


def dataset_from_geometries(path, system: str, symbols, positions, targets, units, *, alf=None,
                            notes=(), frame_lines=None) -> Dataset:
    """A Dataset of ``positions`` (F, N, 3) Å with ``targets[atom][property]`` arrays of length F.

    ``alf`` overrides the chosen frames (atom name or 1-based index → 1-based triple);
    ``frame_lines`` gives the line where each frame starts, so that errors can point at it.
    """
    positions = np.asarray(positions, dtype=float)
    symbols = list(symbols)
    names = atom_names(symbols)
    try:
        frames = with_overrides(choose_alf(symbols, positions[0]), names, alf)
    except ALFError as err:
        raise InputError(path, str(err)) from None
    try:
        features = all_features(positions, frames)
    except FeatureError as err:
        line = frame_lines[err.frame] if frame_lines is not None else None
        raise InputError(path, f"no local frame: {err}", line=line) from None
    atoms = {name: AtomFeatures(name, f, alf=tuple(i + 1 for i in frame), periodic=periodic_mask(f.shape[1]))
             for name, f, frame in zip(names, features, frames)}
    notes = list(notes)
    changed = _frames_with_other_bonds(symbols, positions)
    if changed:
        notes.append(f"{changed} of {len(positions)} frames have bonds that differ from frame 1 "
                     "(the ALF is chosen on frame 1)")
    return Dataset(system, atoms, {name: dict(targets.get(name, {})) for name in names}, dict(units),
                   provenance=str(path), elements=tuple(symbols), geometries=positions, notes=notes)
