"""One entry point that reads any supported input into a Dataset, chosen by what the path is."""

from __future__ import annotations

from pathlib import Path

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.ferebus_csv import read_ferebus_csv
from fflux_studio.io.ichor_csv import is_ichor_csv, read_header, read_ichor_csv
from fflux_studio.io.ichor_points import is_points_input, read_points
from fflux_studio.io.xyz import read_trajectory


def load_dataset(path, alf=None) -> Dataset:
    """Read ``path`` into a Dataset; InputError names the file and problem.

    - a directory of ICHOR ``*.pointdir``, one ``*.pointdir``, or a directory of one geometry's
      AIMAll ``.int`` files beside its ``.xyz``/``.gjf``;
    - a ``.csv``: ICHOR's per-atom layouts or a FEREBUS set, told apart by name and header
      (ICHOR's ``{ATOM}_features_with_properties.txt`` too);
    - anything else ASE reads: ``.xyz``, ``.extxyz``, compressed ``.gz``, ….

    ``alf`` overrides atoms' local frames (atom name → 1-based origin, x-axis, xy-plane) where the
    input has geometries.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_dir():
        if is_points_input(path):
            return read_points(path, alf=alf)
        raise InputError(path, "a directory without ICHOR points (*.pointdir) or AIMAll .int files")
    suffix = path.suffix.lower()
    if suffix == ".csv" or (suffix == ".txt" and "_features_with_properties" in path.name):
        _no_override(path, alf)
        if is_ichor_csv(path, read_header(path)):
            return read_ichor_csv(path)
        return read_ferebus_csv(path)
    return read_trajectory(path, alf=alf)


def _no_override(path: Path, alf):
    if alf:
        raise InputError(path, "holds features, not geometries, so its local frames cannot be changed")
