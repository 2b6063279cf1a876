"""The bundled demo datasets (``fflux_studio/assets/demo/<name>.extxyz.gz``): names, paths, datasets.

Whatever files are in that folder are the demos, so adding one needs no code change.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from fflux_studio.io.load import load_dataset

DEMO_DIR = Path(__file__).resolve().parent / "assets" / "demo"
SUFFIXES = (".extxyz.gz", ".extxyz", ".xyz.gz", ".xyz")


class UnknownDemo(LookupError):
    """A demo name that is not bundled; the message lists the ones that are."""

    def __str__(self):
        return str(self.args[0])


def _name(path: Path) -> str | None:
    return next((path.name[: -len(s)] for s in SUFFIXES if path.name.endswith(s)), None)


def list_demos(directory=None) -> list[str]:
    """Names of the bundled demo datasets, sorted."""
    folder = Path(directory) if directory is not None else DEMO_DIR
    if not folder.is_dir():
        return []
    return sorted({name for path in folder.iterdir() if path.is_file() and (name := _name(path))})


def demo_path(name: str, directory=None) -> Path:
    """The file of demo ``name``; UnknownDemo names the ones available."""
    folder = Path(directory) if directory is not None else DEMO_DIR
    for suffix in SUFFIXES:
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    available = list_demos(folder)
    raise UnknownDemo(f"no demo dataset {name!r}; available: {', '.join(available) if available else 'none'} "
                      f"(in {folder})")


@functools.lru_cache(maxsize=8)
def _featurised(path: Path):
    return load_dataset(path)


def load_demo(name: str, directory=None):
    """Demo ``name`` as a Dataset of the caller's own: featurised once per process (seconds), then
    copied for each caller, so one Studio session cannot change another's data."""
    return copy.deepcopy(_featurised(demo_path(name, directory)))


def reference_path(data_path) -> Path | None:
    """The GFN2-xTB reference minimum (``<name>.reference.json``) shipped beside a bundled demo's data
    file; None for any other file."""
    path = Path(data_path).resolve()
    name = _name(path)
    if name is None or path.parent != DEMO_DIR.resolve():
        return None
    reference = DEMO_DIR / f"{name}.reference.json"
    return reference if reference.is_file() else None
