"""A file or folder path typed by a user (the Studio's path field) → a Dataset.

The data of a local app is usually on the same machine already, so the Studio reads it where it is
rather than through an upload. What the user typed is taken as a path on the machine that reads it:
surrounding quotes (left by copying from a file manager) are dropped, ``~`` is the user's home, and
a relative path starts at that process's working folder. Errors name the path as typed.

A ``.zip`` is read as the folder it holds, unpacked into a temporary folder within the upload
limits on members and unpacked size (io/upload.py) but not on its own size: it is already here.
"""

from __future__ import annotations

from pathlib import Path

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.io.upload import UploadLimits, load_upload

_QUOTES = "'\""


def typed_text(text: str) -> str:
    """The path as the user meant it: without surrounding blanks and quotes."""
    typed = str(text).strip()
    if len(typed) >= 2 and typed[0] == typed[-1] and typed[0] in _QUOTES:
        typed = typed[1:-1].strip()
    return typed


def _as_typed(path: Path | None, resolved: Path, typed: str) -> str | None:
    """``path`` (inside ``resolved``) written from what the user typed."""
    if path is None:
        return None
    if path == resolved:
        return typed
    if path.is_relative_to(resolved):
        return f"{typed.rstrip('/')}/{path.relative_to(resolved).as_posix()}"
    return str(path)


def read_typed_path(text: str, reader, what: str = "a file or folder"):
    """(``reader(path)``, the path as typed) for the path ``text`` names (see the module docstring);
    InputError names it, or the file inside it, as typed."""
    typed = typed_text(text)
    if not typed:
        raise InputError(None, f"no path given: type the path of {what}")
    resolved = Path(typed).expanduser()
    try:
        return reader(resolved), typed
    except InputError as err:
        problem = err.problem.replace(str(resolved), typed)
        raise InputError(_as_typed(err.path, resolved, typed), problem, err.line, err.field) from None


def load_typed_path(text: str) -> Dataset:
    """Read the file or folder ``text`` names into a Dataset, a ``.zip`` as the folder it holds."""
    dataset, dataset.provenance = read_typed_path(text, _load)
    return dataset


def _load(path: Path) -> Dataset:
    return _load_zip(path) if path.suffix.lower() == ".zip" and path.is_file() else load_dataset(path)


def _load_zip(path: Path) -> Dataset:
    """The zip's folder read as an upload of it; errors name its members as paths under the zip's."""
    limits = UploadLimits(max_upload_bytes=max(UploadLimits.max_upload_bytes, path.stat().st_size))
    try:
        return load_upload([path.name], [path.read_bytes()], limits=limits)
    except InputError as err:
        inside = str(err.path) if err.path is not None else None
        if inside is not None and (inside == path.name or inside.startswith(f"{path.name}/")):
            inside = path / inside[len(path.name):].lstrip("/")
        raise InputError(inside, err.problem, err.line, err.field) from None
