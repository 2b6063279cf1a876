"""One entry point that reads any supported input into a Dataset, chosen by what the path is."""

from __future__ import annotations

from pathlib import Path

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.ferebus_csv import read_ferebus_csv
from fflux_studio.io.xyz import read_trajectory


def load_dataset(path, alf=None) -> Dataset:
    """Read ``path`` into a Dataset; InputError names the file and problem.

    A ``.csv`` is a FEREBUS training/validation/test set; anything else is a trajectory that ASE
    reads (``.xyz``, ``.extxyz``, compressed ``.gz``, …). ``alf`` overrides atoms' local frames
    (atom name → 1-based origin, x-axis, xy-plane) where the input has geometries.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_file() and path.suffix.lower() == ".csv":
        _no_override(path, alf)
        return read_ferebus_csv(path)
    if path.is_dir():
        raise InputError(path, "a directory, and no reader for it")
    return read_trajectory(path, alf=alf)


def _no_override(path: Path, alf):
    if alf:
        raise InputError(path, "holds features, not geometries, so its local frames cannot be changed")
