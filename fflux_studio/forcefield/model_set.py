"""A molecule's energy models read from ``.model`` files: one per atom, checked to describe one molecule.

Atoms are named as ICHOR and FEREBUS name them (element and 1-based index, ``N1``, ``H2``), so the
names give the elements and the atom order; each model keeps the ALF written in its file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fflux_studio.chem.elements import UnknownElement, canonical
from fflux_studio.chem.features import n_features
from fflux_studio.gpr.model import GPRModel
from fflux_studio.io.errors import InputError
from fflux_studio.io.model_file import read_model

ENERGY_UNITS = ("ha", "hartree")
_ATOM_NAME = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


@dataclass
class ModelSet:
    """One energy model per atom of one molecule, in atom order."""

    system: str
    property_name: str
    symbols: list[str]
    models: list[GPRModel]
    paths: list[Path]

    @property
    def n_atoms(self) -> int:
        return len(self.symbols)

    @property
    def alfs(self) -> np.ndarray:
        """0-based (origin, x-axis, xy-plane) of every atom, as written in the files."""
        return np.array([[a - 1 for a in model.alf] for model in self.models], dtype=int)


def model_paths(sources) -> list[Path]:
    """The ``.model`` files named by ``sources``: files, or folders (every ``*.model`` inside)."""
    paths = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            found = sorted(source.glob("*.model"))
            if not found:
                raise InputError(source, "a folder without .model files")
            paths += found
        elif source.is_file():
            paths.append(source)
        else:
            raise InputError(source, "no such file or directory")
    if not paths:
        raise InputError(None, "no model files given")
    return paths


def _atom(path: Path, model: GPRModel) -> tuple[str, int]:
    match = _ATOM_NAME.match(model.atom)
    if not match:
        raise InputError(path, f"atom {model.atom!r} is not an element and a 1-based index (like C1)", field="atom")
    try:
        return canonical(match.group(1)), int(match.group(2))
    except UnknownElement as err:
        raise InputError(path, f"atom {model.atom!r}: {err}", field="atom") from None


def _one_value(paths, values, what: str):
    """The value every file agrees on, or an InputError naming which files say what."""
    groups: dict = {}
    for path, value in zip(paths, values):
        groups.setdefault(value, []).append(path.name)
    if len(groups) > 1:
        listing = "; ".join(f"{value}: {', '.join(names)}" for value, names in groups.items())
        hint = " (choose one with --property)" if what == "properties" else ""
        raise InputError(None, f"the model files mix {what} ({listing}); give the models of one molecule{hint}")
    return next(iter(groups))


def _check_model(path: Path, model: GPRModel, index: int, n_atoms: int):
    if model.target_unit.lower() not in ENERGY_UNITS:
        raise InputError(path, f"models {model.property_name} in {model.target_unit!r}, not an energy in Ha",
                         field="units.y")
    expected = n_features(n_atoms)
    if model.n_features != expected:
        raise InputError(path, f"{model.n_features} features, but {n_atoms} atoms need {expected}",
                         field="number_of_features")
    alf = model.alf or ()
    width = 2 if n_atoms == 2 else 3
    if len(alf) != width or alf[0] != index or len(set(alf)) != width or not all(1 <= a <= n_atoms for a in alf):
        raise InputError(path, f"ALF {' '.join(map(str, alf))} is not {width} distinct atoms of 1..{n_atoms} "
                         f"starting with the model's own atom {index}", field="ALF")


def _one_property(paths, models, property_name):
    """The files of ``property_name``; without one, of the one energy property among them (a campaign
    folder holds every property of every atom: charges and moments are not energies)."""
    if property_name is not None:
        kept = [k for k, m in enumerate(models) if m.property_name == property_name]
        if not kept:
            found = ", ".join(sorted({m.property_name for m in models}))
            raise InputError(None, f"no model of property {property_name!r} among the files (they model {found})")
    else:
        energies = [k for k, m in enumerate(models) if m.target_unit.lower() in ENERGY_UNITS]
        kept = energies if energies and len({m.property_name for m in models}) > 1 else range(len(models))
    paths, models = [paths[k] for k in kept], [models[k] for k in kept]
    return paths, models, _one_value(paths, [m.property_name for m in models], "properties")


def load_model_set(sources, property_name: str | None = None) -> ModelSet:
    """Read the models named by ``sources`` (files or folders) into a ModelSet; InputError names
    the files when they are not one energy model per atom of one molecule. ``property_name`` picks
    one property where the files hold several energies (e.g. ``iqa`` and ``atomic_energy``)."""
    paths = model_paths(sources)
    paths, models, property_name = _one_property(paths, [read_model(path) for path in paths], property_name)
    system = _one_value(paths, [m.system for m in models], "systems")
    n_atoms = _one_value(paths, [m.n_atoms for m in models], "atom counts (number_of_atoms)")
    atoms = [_atom(path, model) for path, model in zip(paths, models)]
    by_index: dict[int, list[int]] = {}
    for k, (_, index) in enumerate(atoms):
        by_index.setdefault(index, []).append(k)
    repeated = {i: ks for i, ks in by_index.items() if len(ks) > 1}
    if repeated:
        index, ks = next(iter(repeated.items()))
        raise InputError(None, f"atom {index} has {len(ks)} models: {', '.join(paths[k].name for k in ks)}")
    missing = [i for i in range(1, n_atoms + 1) if i not in by_index]
    extra = sorted(i for i in by_index if not 1 <= i <= n_atoms)
    if missing or extra:
        problem = (f"no model for atom(s) {', '.join(map(str, missing))}" if missing
                   else f"atom(s) {', '.join(map(str, extra))} beyond number_of_atoms")
        raise InputError(None, f"{system} has {n_atoms} atoms; {problem} among {', '.join(p.name for p in paths)}")
    order = [by_index[i][0] for i in range(1, n_atoms + 1)]
    for k in order:
        _check_model(paths[k], models[k], atoms[k][1], n_atoms)
    return ModelSet(system, property_name, [atoms[k][0] for k in order], [models[k] for k in order],
                    [paths[k] for k in order])
