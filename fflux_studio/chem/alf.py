"""Choice of each atom's local frame (ALF): origin, x-axis atom, xy-plane atom (SPEC §2, as ICHOR).

Indices here are 0-based; the Dataset and the .model file show them 1-based.

Priority of a candidate at level L sums the masses of the atoms reached within L bonds, each
counted once per shortest bond path from the candidate: this is what ICHOR's breadth-first
expansion computes (an atom reached from two atoms of the previous layer is added twice), and
it only differs from a plain set sum when a tie survives into a ring.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.connectivity import bonded, neighbours
from fflux_studio.chem.elements import masses


class ALFError(ValueError):
    """No frame can be built (fewer than two atoms, or a bad user override)."""


def _priorities(candidates: list[int], adjacency: np.ndarray, weights: np.ndarray, level: int) -> list[float]:
    result = []
    for candidate in candidates:
        paths = np.zeros(len(weights))
        paths[candidate] = 1.0
        reached = paths > 0
        total = weights[candidate]
        for _ in range(level):
            paths = np.where(reached, 0.0, adjacency @ paths)
            reached |= paths > 0
            total += weights @ paths
        result.append(total)
    return result


def highest_priority(candidates, adjacency: np.ndarray, weights: np.ndarray) -> int:
    """The candidate of highest mass priority, raising the level until one is strictly highest or
    the priorities stop changing; a remaining tie goes to the lowest index."""
    candidates = sorted(set(candidates))
    previous, level = None, 0
    while True:
        priorities = _priorities(candidates, adjacency, weights, level)
        best = max(priorities)
        if priorities.count(best) == 1 or priorities == previous:
            return candidates[priorities.index(best)]
        previous, level = priorities, level + 1


def _nearest(origin: int, exclude, positions: np.ndarray) -> int:
    distances = np.linalg.norm(positions - positions[origin], axis=1)
    distances[list(exclude)] = np.inf
    return int(np.argmin(distances))


def choose_alf(symbols, positions) -> list[tuple[int, ...]]:
    """ALF of every atom of one geometry (Å): (origin, x-axis, xy-plane), or (origin, x-axis)
    for a diatomic. Without a second neighbour the xy-plane candidates are the x-axis atom's
    neighbours; an atom with no bonded candidate at all takes the nearest atom instead."""
    positions = np.asarray(positions, dtype=float)
    n = len(symbols)
    if n < 2:
        raise ALFError("a local frame needs at least two atoms")
    bonds = bonded(symbols, positions)
    adjacency = bonds.astype(float)
    weights = masses(symbols)
    frames = []
    for atom in range(n):
        first = neighbours(bonds, atom)
        x_axis = highest_priority(first, adjacency, weights) if first else _nearest(atom, [atom], positions)
        if n == 2:
            frames.append((atom, x_axis))
            continue
        taken = {atom, x_axis}
        candidates = [j for j in first if j not in taken]
        if not candidates:
            candidates = [k for k in neighbours(bonds, x_axis) if k not in taken]
        xy_plane = (highest_priority(candidates, adjacency, weights) if candidates
                    else _nearest(atom, taken, positions))
        frames.append((atom, x_axis, xy_plane))
    return frames


def with_overrides(frames: list[tuple[int, ...]], names: list[str], overrides) -> list[tuple[int, ...]]:
    """``frames`` with the user's ALF for some atoms: ``overrides`` maps an atom name (``C1``) or
    1-based index to 1-based (origin, x-axis, xy-plane) indices."""
    frames = list(frames)
    n = len(names)
    lookup = {name.lower(): i for i, name in enumerate(names)}
    for key, value in (overrides or {}).items():
        index = lookup.get(str(key).lower()) if not isinstance(key, int) else key - 1
        if index is None or not 0 <= index < n:
            raise ALFError(f"ALF override for unknown atom {key!r}; atoms: {', '.join(names)}")
        try:
            triple = tuple(int(v) - 1 for v in value)
        except (TypeError, ValueError):
            raise ALFError(f"ALF override for {names[index]} must be atom indices, got {value!r}") from None
        expected = 2 if n == 2 else 3
        if len(triple) != expected or len(set(triple)) != expected or not all(0 <= v < n for v in triple):
            raise ALFError(f"ALF override for {names[index]} needs {expected} distinct 1-based indices in 1..{n}, "
                           f"got {value!r}")
        if triple[0] != index:
            raise ALFError(f"ALF override for {names[index]} must start with its own index {index + 1}, got {value!r}")
        frames[index] = triple
    return frames


def parse_override(text: str) -> dict[str, tuple[int, ...]]:
    """``"C1:1,3,2 O3:3,1,6"`` (as typed on a command line) into a mapping for :func:`with_overrides`."""
    result = {}
    for item in text.replace(";", " ").split():
        name, _, indices = item.partition(":")
        try:
            result[name] = tuple(int(v) for v in indices.split(","))
        except ValueError:
            raise ALFError(f"ALF override {item!r} should look like C1:1,3,2") from None
    return result
