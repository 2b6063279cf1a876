"""Geometries that ASE reads → Dataset: XYZ and extended XYZ trajectories (also compressed
.gz/.bz2/.xz) and Gaussian inputs (.gjf/.com, an ICHOR point's geometry). Per-atom float arrays of an
extended XYZ (any name: atomic_energy, charge, iqa, q00, …) become the targets.

Only these formats are read (an allow-list): some of ASE's other readers unpickle or execute the file
(``.py``, ``.pckl``, bundle trajectories), and a file a user uploads must never run code here.

ASE does the parsing; this module checks what ASE accepts silently (a blank line that ends the
file early, NaN, a frame whose atoms differ from the first) and turns ASE's exceptions into one
InputError naming the file, the frame and, for XYZ files, the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import numpy as np
from ase.io import iread
from ase.io.formats import filetype, open_with_compression

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.geometry_dataset import atom_names, dataset_from_geometries
from fflux_studio.units import default_unit

_XYZ_FORMATS = {"xyz", "extxyz"}
READABLE_FORMATS = {"xyz": "XYZ", "extxyz": "extended XYZ", "gaussian-in": "Gaussian input"}
_NOT_TARGETS = {"numbers", "positions", "masses", "momenta", "tags", "spacegroup_kinds"}
_ASE_NAMES = {"charges": "charge", "initial_charges": "charge"}


def ase_format(path: Path) -> str:
    """The ASE format name of ``path``; InputError unless it is one of :data:`READABLE_FORMATS`."""
    readable = ", ".join(READABLE_FORMATS.values())
    try:
        name = filetype(str(path), read=True)
    except Exception as err:  # ASE raises several types when it cannot tell
        raise InputError(path, f"not a format this program reads ({_plain(err)}); it reads {readable}") from None
    if name not in READABLE_FORMATS:
        raise InputError(path, f"not a format this program reads (ASE calls it {name!r}); it reads {readable} "
                               "only, since reading some other formats could run code from the file")
    return name


def _plain(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"unknown element or key {err.args[0]!r}" if err.args else "missing key"
    return str(err).replace("ase.io.extxyz: ", "").strip() or type(err).__name__


def read_text(path: Path) -> str:
    """The whole (decompressed) text: ASE seeks back and forth, which re-decompresses a .gz each time."""
    try:
        with open_with_compression(str(path), "r") as handle:
            return handle.read()
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as err:
        raise InputError(path, f"cannot read as text ({_plain(err)})") from None


def xyz_frame_starts(path: Path, text: str) -> list[int]:
    """1-based line of each frame's atom-count line; InputError on a bad count line, a truncated
    frame, or content after a blank line (where ASE would silently stop reading)."""
    lines = text.splitlines()
    starts, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            rest = next((j for j in range(i, len(lines)) if lines[j].strip()), None)
            if rest is not None:
                raise InputError(path, "blank line where an atom count should be; "
                                 f"{len(lines) - rest} more lines follow it", line=i + 1)
            break
        try:
            n = int(lines[i])
        except ValueError:
            raise InputError(path, f"expected the number of atoms, got {lines[i].strip()[:40]!r}", line=i + 1) from None
        if n <= 0:
            raise InputError(path, f"atom count {n} must be positive", line=i + 1)
        if i + 2 + n > len(lines):
            raise InputError(path, f"truncated frame {len(starts) + 1}: {n} atoms announced, "
                             f"{max(0, len(lines) - i - 2)} lines follow", line=i + 1)
        starts.append(i + 1)
        i += 2 + n
        while i < len(lines) and lines[i].lstrip().startswith("VEC"):
            i += 1
    if not starts:
        raise InputError(path, "no frames in the file")
    return starts


def _per_atom_properties(atoms) -> dict[str, np.ndarray]:
    found = {}
    sources = [atoms.arrays]
    if atoms.calc is not None:
        sources.append(getattr(atoms.calc, "results", {}))
    for source in sources:
        for key, value in source.items():
            value = np.asarray(value)
            if key in _NOT_TARGETS or value.shape != (len(atoms),) or value.dtype.kind != "f":
                continue
            found[_ASE_NAMES.get(key, key)] = value.astype(float)
    return found


def _system_name(path: Path, info: dict) -> str:
    for key in ("system", "name", "molecule"):
        if isinstance(info.get(key), str) and info[key].strip():
            return info[key].strip()
    name = path.name
    for suffix in (".gz", ".bz2", ".xz"):
        name = name.removesuffix(suffix)
    return Path(name).stem


def _units(properties, info: dict) -> dict[str, str]:
    units = {}
    for prop in properties:
        given = info.get(f"{prop}_unit", info.get(f"{prop}_units"))
        units[prop] = given if isinstance(given, str) else default_unit(prop)
    return units


@dataclass
class Frames:
    """What a trajectory file holds: symbols, positions (F, N, 3) Å, per-atom properties (F, N)."""

    symbols: list[str]
    positions: np.ndarray
    properties: dict[str, np.ndarray]
    info: dict
    starts: list[int] | None


def read_frames(path) -> Frames:
    """Every frame of ``path``, checked: same atoms in the same order, finite numbers, the same
    per-atom properties in every frame."""
    path = Path(path)
    name = ase_format(path)
    if name in _XYZ_FORMATS:
        text = read_text(path)
        starts, source = xyz_frame_starts(path, text), StringIO(text)
    else:
        starts, source = None, str(path)

    def where(frame: int, atom: int | None = None):
        if starts is None or frame >= len(starts):
            return None
        return starts[frame] + (2 + atom if atom is not None else 0)

    symbols, first_props, info = None, None, {}
    positions, values = [], []
    frames = iread(source, index=":", format=name)
    frame = 0
    while True:
        try:
            atoms = next(frames)
        except StopIteration:
            break
        except Exception as err:  # any parse failure inside ASE becomes one InputError
            raise InputError(path, f"frame {frame + 1}: {_plain(err)}", line=where(frame)) from None
        these = atoms.get_chemical_symbols()
        if symbols is None:
            if not these:
                raise InputError(path, "frame 1 has no atoms", line=where(0))
            symbols, info = these, dict(atoms.info)
        elif len(these) != len(symbols):
            raise InputError(path, f"frame {frame + 1} has {len(these)} atoms, frame 1 has {len(symbols)}",
                             line=where(frame))
        elif these != symbols:
            atom = next(i for i, (a, b) in enumerate(zip(these, symbols)) if a != b)
            raise InputError(path, f"frame {frame + 1}: atom {atom + 1} is {these[atom]}, in frame 1 it is "
                             f"{symbols[atom]} (the atom order must be the same in every frame)",
                             line=where(frame, atom))
        xyz = atoms.get_positions()
        bad = np.flatnonzero(~np.isfinite(xyz).all(axis=1))
        if bad.size:
            raise InputError(path, f"frame {frame + 1}: coordinates of atom {bad[0] + 1} are not finite",
                             line=where(frame, int(bad[0])))
        props = _per_atom_properties(atoms)
        if first_props is None:
            first_props = sorted(props)
        elif sorted(props) != first_props:
            missing = sorted(set(first_props) - set(props))
            extra = sorted(set(props) - set(first_props))
            problem = (f"property {missing[0]!r} of frame 1 is missing" if missing
                       else f"property {extra[0]!r} is not in frame 1")
            raise InputError(path, f"frame {frame + 1}: {problem}", line=where(frame), field=(missing or extra)[0])
        for prop, value in props.items():
            bad = np.flatnonzero(~np.isfinite(value))
            if bad.size:
                raise InputError(path, f"frame {frame + 1}: {prop} of atom {bad[0] + 1} is not finite",
                                 line=where(frame, int(bad[0])), field=prop)
        positions.append(xyz)
        values.append(props)
        frame += 1
    if symbols is None:
        raise InputError(path, "no frames in the file")
    properties = {prop: np.array([v[prop] for v in values]) for prop in first_props}
    return Frames(symbols, np.array(positions), properties, info, starts)


def read_trajectory(path, alf=None) -> Dataset:
    """Read every frame of ``path`` into a Dataset; ``alf`` overrides atoms' local frames."""
    path = Path(path)
    frames = read_frames(path)
    names = atom_names(frames.symbols)
    targets = {atom: {prop: values[:, i].copy() for prop, values in frames.properties.items()}
               for i, atom in enumerate(names)}
    notes = [] if frames.properties else ["no per-atom properties: features only (nothing to train on)"]
    return dataset_from_geometries(path, _system_name(path, frames.info), frames.symbols, frames.positions, targets,
                                   _units(frames.properties, frames.info), alf=alf, notes=notes,
                                   frame_lines=frames.starts)
