"""A model set's minimum and frequencies against a reference (SPEC §9): energy at the minimum,
RMSD after Kabsch alignment (Å), frequency errors mode by mode in ascending order (cm⁻¹)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from fflux_studio.io.errors import InputError


@dataclass
class Reference:
    """A reference minimum: elements, start and minimum geometries (Å), energy (Ha), wavenumbers
    (cm⁻¹, ascending) and how it was computed."""

    symbols: list[str]
    minimum: np.ndarray
    energy: float
    frequencies: np.ndarray
    start: np.ndarray | None = None
    settings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        document = {"symbols": self.symbols, "energy": self.energy, "minimum": self.minimum.tolist(),
                    "frequencies_cm1": self.frequencies.tolist(), "settings": self.settings}
        if self.start is not None:
            document["start"] = self.start.tolist()
        return document


def _array(path, document: dict, key: str, shape) -> np.ndarray:
    try:
        value = np.array(document[key], dtype=float)
    except KeyError:
        raise InputError(path, f"missing field {key!r}", field=key) from None
    except (TypeError, ValueError):
        raise InputError(path, "not an array of numbers", field=key) from None
    if value.shape != shape or not np.isfinite(value).all():
        raise InputError(path, f"expected {shape} finite numbers, got shape {value.shape}", field=key)
    return value


def read_reference(path) -> Reference:
    """Read a reference JSON (as scripts/make_demo_references.py writes); errors name the field."""
    path = Path(path)
    try:
        document = json.loads(path.read_text())
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(path, f"not JSON ({err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("symbols"), list):
        raise InputError(path, "expected an object with a list of 'symbols'", field="symbols")
    symbols = [str(s) for s in document["symbols"]]
    n = len(symbols)
    minimum = _array(path, document, "minimum", (n, 3))
    energy = _array(path, document, "energy", ())
    n_modes = len(document.get("frequencies_cm1") or [])
    frequencies = _array(path, document, "frequencies_cm1", (n_modes,))
    start = _array(path, document, "start", (n, 3)) if "start" in document else None
    return Reference(symbols, minimum, float(energy), np.sort(frequencies), start, dict(document.get("settings", {})))


def kabsch_align(positions, reference) -> np.ndarray:
    """``positions`` moved onto ``reference`` (same atoms, Å) by the best translation and rotation."""
    a = np.asarray(positions, dtype=float)
    b = np.asarray(reference, dtype=float)
    rotation, _ = Rotation.align_vectors(b - b.mean(axis=0), a - a.mean(axis=0))
    return rotation.apply(a - a.mean(axis=0)) + b.mean(axis=0)


def kabsch_rmsd(positions, reference) -> float:
    """RMSD (Å) between two geometries of the same atoms after the best translation and rotation."""
    b = np.asarray(reference, dtype=float)
    return float(np.sqrt(np.mean(np.sum((kabsch_align(positions, b) - b) ** 2, axis=1))))


def compare(symbols, positions, energy: float, frequencies, reference: Reference) -> dict:
    """The JSON fields of a comparison with ``reference``; frequencies may be None."""
    if list(symbols) != reference.symbols:
        raise ValueError(f"the reference's atoms ({''.join(reference.symbols)}) are not the models' "
                         f"({''.join(symbols)}, in this order)")
    result = {"rmsd_angstrom": kabsch_rmsd(positions, reference.minimum),
              "reference_energy": reference.energy, "energy_difference": energy - reference.energy}
    if frequencies is not None and len(reference.frequencies):
        if len(frequencies) != len(reference.frequencies):
            raise ValueError(f"{len(frequencies)} modes, the reference has {len(reference.frequencies)}")
        errors = np.sort(frequencies) - reference.frequencies
        result.update(frequency_errors_cm1=errors.tolist(), frequency_mae_cm1=float(np.abs(errors).mean()),
                      frequency_max_error_cm1=float(np.abs(errors).max()))
    return result
