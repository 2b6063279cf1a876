"""Files uploaded through the Studio → a Dataset, within explicit limits.

A browser hands over names and bytes. They are written into a fresh folder under ``workdir`` and
read as the library reads any path: one file as itself, several files as one folder, a ``.zip`` as
the folder it holds (descending through single folders, so ``data/water.xyz`` inside a zip is
found; ``__MACOSX/`` and dot-files are ignored). The folder is removed once the data is read.

Limits (:class:`UploadLimits`), each refused with a message that says which and by how much:

- the uploaded bytes together: 100 MiB;
- the members of a zip: 50 000 (an ICHOR points set of 3000 geometries has about 40 000);
- the bytes a zip or ``.gz`` inflates to: 1 GiB, counted while inflating (the sizes a zip
  declares are not trusted), and streamed to disk rather than inflated in memory.

Errors name the files as the user named them (``points.zip/WATER001.pointdir/o1.int``), never the
server's temporary folder.
"""

from __future__ import annotations

import gzip
import io
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fflux_studio.dataset import Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.io.ichor_points import is_points_input
from fflux_studio.io.load import load_dataset

MIB = 1024 ** 2
_CHUNK = MIB
_IGNORED_FOLDERS = {"__MACOSX"}


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold; see the module docstring for why these sizes."""

    max_upload_bytes: int = 100 * MIB
    max_members: int = 50_000
    max_inflated_bytes: int = 1024 * MIB

    def describe(self) -> str:
        return (f"at most {_mib(self.max_upload_bytes)} ({self.max_upload_bytes / 1e6:.1f} MB) uploaded, "
                f"{self.max_members:,} zip members, {_mib(self.max_inflated_bytes)} unpacked")

    def browser_size(self) -> str:
        """The upload limit as a browser-side uploader (FilePond) writes sizes: whole kilobytes of 1000
        bytes, rounded down so that the browser never sends more than :func:`stage_upload` accepts."""
        return f"{self.max_upload_bytes // 1000}KB"


@dataclass
class _Staging:
    """Where uploaded files went on disk, and how each is called in messages to the user."""

    root: Path
    limits: UploadLimits
    inflated: int = 0
    shown: dict[Path, str] = field(default_factory=dict)

    def show(self, path) -> str:
        path = Path(path)
        if path in self.shown:
            return self.shown[path]
        for parent in path.parents:
            if parent in self.shown:
                return f"{self.shown[parent]}/{path.relative_to(parent).as_posix()}"
        return path.name

    def count(self, size: int, source: str) -> None:
        self.inflated += size
        if self.inflated > self.limits.max_inflated_bytes:
            raise InputError(source, f"inflates to more than {_mib(self.limits.max_inflated_bytes)}, "
                                     "the limit of one upload")

    def inflate(self, source, target: Path, shown: str) -> None:
        """Copy the stream ``source`` to ``target`` chunk by chunk, counting towards the limit."""
        with open(target, "wb") as out:
            while chunk := source.read(_CHUNK):
                self.count(len(chunk), shown)
                out.write(chunk)

    def gunzip(self, source, target: Path, shown: str) -> Path:
        """Inflate the gzip stream ``source`` into ``target`` without its ``.gz``, as :meth:`inflate` does."""
        target = target.with_name(target.name[:-3])
        try:
            with gzip.GzipFile(fileobj=source) as inner:
                self.inflate(inner, target, shown)
        except (gzip.BadGzipFile, EOFError, zlib.error) as err:
            raise InputError(shown, f"not a readable gzip file ({err})") from None
        return target


def _mib(size: int) -> str:
    """A size in binary units: MiB, or GiB from one GiB up."""
    return f"{size / MIB / 1024:g} GiB" if size >= 1024 * MIB else f"{size / MIB:g} MiB"


def _plain_name(name: str) -> str:
    """The file's own name (browsers may send a path); InputError if nothing usable is left."""
    plain = PurePosixPath(name.replace("\\", "/")).name
    if plain in ("", ".", ".."):
        raise InputError(name or "<unnamed>", "not a usable file name")
    return plain


def _gzipped(name: str) -> bool:
    return name.lower().endswith(".gz") and len(name) > 3


def _ignored(parts) -> bool:
    return any(part in _IGNORED_FOLDERS or part.startswith(".") for part in parts)


def _write(staging: _Staging, folder: Path, name: str, data: bytes) -> Path:
    """One uploaded file in ``folder``; a ``.gz`` is inflated (streamed, counted) under its inner name."""
    target = folder / name
    if _gzipped(name):
        target = staging.gunzip(io.BytesIO(data), target, name)
    else:
        target.write_bytes(data)
    staging.shown[target] = name
    return target


def _unzip(staging: _Staging, archive_path: Path, name: str) -> Path:
    """The members of the zip at ``archive_path`` under a folder named after it; limits counted."""
    folder = staging.root / "unzipped" / Path(name).stem
    folder.mkdir(parents=True)
    staging.shown[folder] = name
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = archive.infolist()
            if len(members) > staging.limits.max_members:
                raise InputError(name, f"{len(members)} members, more than the limit of "
                                       f"{staging.limits.max_members} for one upload")
            for member in members:
                _extract(staging, archive, member, folder, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
        # RuntimeError: zipfile's word for an encrypted member
        raise InputError(name, f"not a readable zip archive ({err})") from None
    archive_path.unlink()
    return folder


def _extract(staging: _Staging, archive: zipfile.ZipFile, member: zipfile.ZipInfo, folder: Path,
             name: str) -> None:
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    shown = f"{name}/{member.filename}"
    if member.filename.startswith("/") or ".." in parts:
        raise InputError(shown, "a member that would be written outside the archive's folder")
    if not parts or _ignored(parts):
        return
    target = folder.joinpath(*parts)
    if member.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(member) as source:
        if _gzipped(parts[-1]):
            staging.gunzip(source, target, shown)
        else:
            staging.inflate(source, target, shown)


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not _ignored([p.name]))


def _single_root(path: Path) -> Path:
    """Down through folders that hold one visible entry, stopping at ICHOR points."""
    while path.is_dir() and not is_points_input(path):
        entries = _visible(path)
        if len(entries) != 1:
            break
        path = entries[0]
    return path


def stage_upload(names: list[str], contents: list[bytes], root: Path,
                 limits: UploadLimits = UploadLimits()) -> tuple[Path, _Staging]:
    """Write the upload under ``root`` and return what to read (a file or folder) and the staging."""
    if not names:
        raise InputError(None, "nothing was uploaded")
    plain = [_plain_name(n) for n in names]
    if len(set(plain)) != len(plain):
        twice = sorted({n for n in plain if plain.count(n) > 1})
        raise InputError(twice[0], "uploaded twice; file names must differ")
    total = sum(len(c) for c in contents)
    if total > limits.max_upload_bytes:
        raise InputError(", ".join(plain), f"{_mib(total)} uploaded, more than the limit of "
                                           f"{_mib(limits.max_upload_bytes)}")
    staging = _Staging(root, limits)
    files = root / "upload"
    files.mkdir()
    staging.shown[files] = ", ".join(plain)
    paths = [_write(staging, files, name, data) for name, data in zip(plain, contents)]
    if len(paths) == 1 and paths[0].suffix.lower() == ".zip":
        return _single_root(_unzip(staging, paths[0], plain[0])), staging
    return (paths[0] if len(paths) == 1 else files), staging


def read_upload(names: list[str], contents: list[bytes], reader, workdir=None,
                limits: UploadLimits = UploadLimits()):
    """``reader(path)`` on the uploaded files (names as the browser gave them, their bytes), staged in a
    fresh folder under ``workdir`` (the system's temporary folder by default) only while they are
    read. Returns what it returns, what was read in the user's words, and the staging (whose
    ``show`` names any staged path so). InputError messages name the files as the user named them."""
    with tempfile.TemporaryDirectory(prefix="upload-", dir=workdir) as folder:
        path, staging = stage_upload(names, contents, Path(folder), limits)
        try:
            return reader(path), staging.show(path), staging
        except InputError as err:
            problem = err.problem.replace(f"{folder}/", "")
            shown = staging.show(err.path) if err.path is not None else None
            raise InputError(shown, problem, err.line, err.field) from None


def load_upload(names: list[str], contents: list[bytes], workdir=None,
                limits: UploadLimits = UploadLimits()) -> Dataset:
    """Read uploaded files into a Dataset (see read_upload)."""
    dataset, dataset.provenance, _ = read_upload(names, contents, load_dataset, workdir, limits)
    return dataset
