"""Campaign tasks: one (atom, property) model each, with a key that says when a result is still valid.

The key hashes everything the model file depends on (training data, property, ALF and the rest of
the file's metadata, protocol, settings, package version, and the donor's key when the task is
seeded from another model), so a rerun skips a task whose key has a model on disk and retrains one
whose inputs changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

import numpy as np

from fflux_studio import __version__
from fflux_studio.campaign.equivalence import donors
from fflux_studio.names import model_file_name_of
from fflux_studio.protocols import PROTOCOLS, ProtocolSettings

TRANSFERS = ("none", "atoms", "all")


@dataclass(frozen=True)
class CampaignTask:
    """Training (and optional test) arrays of one atom and property, how to train them, and the key.

    ``donor`` is the key of the finished task whose theta seeds this one (cross-model transfer);
    ``feature_map[i]`` is the donor's feature that matches this task's feature i.
    """

    atom: str
    property: str
    protocol: str
    settings: ProtocolSettings
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    metadata: dict = field(default_factory=dict, repr=False)
    x_test: np.ndarray | None = field(default=None, repr=False)
    y_test: np.ndarray | None = field(default=None, repr=False)
    donor: str | None = None
    feature_map: tuple | None = None
    key: str = ""

    def __post_init__(self):
        if not self.key:
            object.__setattr__(self, "key", task_key(self))

    @property
    def file_name(self) -> str:
        """``{SYSTEM}_{property}_{ATOM}.model``, the name FFLUX looks for."""
        return model_file_name_of(self.metadata.get("system", "SYSTEM"), self.property, self.atom)

    def without_donor(self) -> "CampaignTask":
        """The same task trained from scratch (its donor failed), with its own key."""
        return replace(self, donor=None, feature_map=None, key="")


def task_key(task: CampaignTask) -> str:
    digest = hashlib.sha256()
    for array in (task.x, task.y):
        array = np.ascontiguousarray(array, dtype=float)
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    described = {"property": task.property, "metadata": task.metadata, "protocol": task.protocol,
                 "settings": task.settings.as_dict(), "version": __version__, "donor": task.donor,
                 "feature_map": task.feature_map}
    digest.update(json.dumps(described, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:32]


def plan_tasks(dataset, atoms, properties, protocol: str, settings: ProtocolSettings, train_frames,
               test=None, transfer: str = "none") -> list[CampaignTask]:
    """One task per (property, atom), each after its donor.

    ``test`` is (test dataset, its frames) or None. ``transfer`` (TRANSFERS): with ``atoms``, an atom
    chemically equivalent to an earlier one (equivalence.py) is seeded by that atom's model of the
    same property; ``all`` also seeds the first atom of its kind by its own model of the first
    property (same features, so no map).
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    if transfer not in TRANSFERS:
        raise ValueError(f"unknown transfer {transfer!r}; expected one of {', '.join(TRANSFERS)}")
    atoms = [dataset.atom(a).name for a in atoms]
    equivalent = donors(dataset, atoms) if transfer != "none" else {}
    planned = {}
    for prop in properties:
        for atom in sorted(atoms, key=lambda a: a in equivalent):
            x, y = dataset.xy(atom, prop)
            x_test = y_test = None
            if test is not None:
                test_set, frames = test
                x_test, y_test = (a[frames] for a in test_set.xy(atom, prop))
            if atom in equivalent:
                donor_atom, feature_map = equivalent[atom]
                donor = planned[donor_atom, prop]
            elif transfer == "all" and prop != properties[0]:
                donor, feature_map = planned[atom, properties[0]], tuple(range(x.shape[1]))
            else:
                donor, feature_map = None, None
            planned[atom, prop] = CampaignTask(atom, prop, protocol, settings, x[train_frames], y[train_frames],
                                               dataset.model_metadata(atom, prop), x_test, y_test,
                                               donor.key if donor else None, feature_map)
    return [planned[atom, prop] for prop in properties for atom in atoms]
