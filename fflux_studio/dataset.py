"""The one representation of a dataset: per-atom features and per-atom targets over shared frames.

Every reader produces a :class:`Dataset`; training takes ``dataset.xy(atom, property)``. Frames
(geometries) are shared by all atoms, so a split of frames is a split for every atom at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fflux_studio.names import file_name_part, model_system_name
from fflux_studio.units import default_unit


class DatasetError(KeyError):
    """An atom or property that the dataset does not have; the message lists what it has."""

    def __str__(self):
        return str(self.args[0])


@dataclass
class AtomFeatures:
    """The ALF features of one atom over all frames."""

    name: str
    features: np.ndarray
    alf: tuple[int, int, int] | None = None
    feature_units: tuple[str, ...] | None = None
    periodic: np.ndarray | None = None

    def __post_init__(self):
        self.features = np.asarray(self.features, dtype=float)
        d = self.features.shape[1]
        if self.periodic is None:
            self.periodic = np.array([(h + 1) >= 6 and (h + 1) % 3 == 0 for h in range(d)])
        if self.feature_units is None:
            self.feature_units = tuple("bohr" if h < 2 or (h + 1) % 3 == 1 else "radians" for h in range(d))


@dataclass
class Dataset:
    """Features and targets of a molecule's atoms over ``n_frames`` geometries."""

    system: str
    atoms: dict[str, AtomFeatures]
    targets: dict[str, dict[str, np.ndarray]]
    units: dict[str, str] = field(default_factory=dict)
    provenance: str = ""
    elements: tuple[str, ...] | None = None
    geometries: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_frames(self) -> int:
        return next(iter(self.atoms.values())).features.shape[0]

    @property
    def atom_names(self) -> list[str]:
        return list(self.atoms)

    def properties(self, atom: str) -> list[str]:
        return list(self.targets.get(self.atom(atom).name, {}))

    def atom(self, name: str) -> AtomFeatures:
        for key, value in self.atoms.items():
            if key.lower() == str(name).lower():
                return value
        raise DatasetError(f"no atom {name!r} in {self.provenance or self.system}; atoms: {', '.join(self.atoms)}")

    def xy(self, atom: str, prop: str) -> tuple[np.ndarray, np.ndarray]:
        """Features of ``atom`` and its target ``prop`` over all frames."""
        features = self.atom(atom)
        targets = self.targets.get(features.name, {})
        if prop not in targets:
            raise DatasetError(f"no property {prop!r} for atom {features.name} in {self.provenance or self.system}; "
                               f"properties: {', '.join(targets) or 'none'}")
        return features.features, targets[prop]

    def model_metadata(self, atom: str, prop: str) -> dict:
        """What a model of ``prop`` for ``atom`` writes into its file besides the numbers
        (GPRModel.fit keyword arguments); without elements, n_atoms follows from 3N - 6 features.
        Names that cannot be part of a model file name raise InputError before any training."""
        features = self.atom(atom)
        n_features = features.features.shape[1]
        source = self.provenance or None
        return {"system": model_system_name(self.system, source),
                "atom": file_name_part(features.name, "atom", source),
                "property_name": file_name_part(prop, "property", source), "alf": features.alf,
                "n_atoms": len(self.elements) if self.elements else (n_features + 6) // 3,
                "feature_units": features.feature_units, "target_unit": self.unit(prop)}

    def unit(self, prop: str) -> str:
        """The unit of ``prop``: as its file said, else ICHOR's default for the name, else ``unknown``."""
        return self.units.get(prop) or default_unit(prop)

    def subset(self, frames) -> "Dataset":
        """The same dataset restricted to ``frames`` (indices or a boolean mask)."""
        frames = np.asarray(frames)
        atoms = {name: AtomFeatures(a.name, a.features[frames], a.alf, a.feature_units, a.periodic)
                 for name, a in self.atoms.items()}
        targets = {atom: {p: v[frames] for p, v in props.items()} for atom, props in self.targets.items()}
        geometries = self.geometries[frames] if self.geometries is not None else None
        return Dataset(self.system, atoms, targets, dict(self.units), self.provenance, self.elements,
                       geometries, list(self.notes))
