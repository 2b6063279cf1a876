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


def load_typed_path(text: str) -> Dataset:
    """Read the file or folder ``text`` names (see the module docstring); InputError names it as typed."""
    typed = typed_text(text)
    if not typed:
        raise InputError(None, "no path given: type the path of a file or folder")
    resolved = Path(typed).expanduser()
    try:
        dataset = _load_zip(resolved, typed) if _is_zip(resolved) else load_dataset(resolved)
    except InputError as err:
        problem = err.problem.replace(str(resolved), typed)
        raise InputError(_as_typed(err.path, resolved, typed), problem, err.line, err.field) from None
    dataset.provenance = typed
    return dataset


def _is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip" and path.is_file()


def _load_zip(path: Path, typed: str) -> Dataset:
    """The zip's folder read as an upload of it; errors name its members under the path as typed."""
    limits = UploadLimits(max_upload_bytes=max(UploadLimits.max_upload_bytes, path.stat().st_size))
    try:
        return load_upload([path.name], [path.read_bytes()], limits=limits)
    except InputError as err:
        inside = str(err.path) if err.path is not None else None
        if inside is not None and (inside == path.name or inside.startswith(f"{path.name}/")):
            inside = typed + inside[len(path.name):]
        raise InputError(inside, err.problem, err.line, err.field) from None
