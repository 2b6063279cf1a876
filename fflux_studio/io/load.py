"""One entry point that reads any supported input into a Dataset, chosen by what the path is."""

from __future__ import annotations

from pathlib import Path

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.ferebus_csv import read_ferebus_csv


def load_dataset(path) -> Dataset:
    """Read ``path`` (a FEREBUS CSV) into a Dataset; InputError names the file and problem."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.suffix.lower() == ".csv":
        return read_ferebus_csv(path)
    raise InputError(path, f"unsupported input format {path.suffix or '(no extension)'!r}; expected a FEREBUS .csv")
