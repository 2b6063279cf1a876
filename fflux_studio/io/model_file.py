"""The plain-text ``.model`` file that FFLUX (DL_FFLUX) reads, FEREBUS writes and ICHOR reads.

The writer uses Python's shortest round-trip float form, so write -> read gives back every number
exactly. The reader takes every file in the FEREBUS paper data and the ICHOR examples, including
products of kernels over disjoint features (``composition (k1*k2)``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fflux_studio import __version__
from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, Kernel
from fflux_studio.gpr.likelihood import DEFAULT_NUGGET
from fflux_studio.gpr.model import GPRModel
from fflux_studio.io.errors import InputError
from fflux_studio.names import model_file_name_of
from fflux_studio.units import default_unit

_KIND_OF_TYPE = {"rbf": RBF, "periodic": PERIODIC}


def model_file_name(model: GPRModel) -> str:
    """The file name FFLUX looks for this model under (names.model_file_name_of)."""
    return model_file_name_of(model.system, model.property_name, model.atom)


class _Lines:
    """Numbered lines with a cursor, so every error can name its line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.index = 0

    def error(self, problem: str, line: int | None = None) -> InputError:
        return InputError(self.path, problem, line=line if line is not None else self.index)

    def find(self, header: str) -> int:
        for i, line in enumerate(self.lines):
            if line.strip() == header:
                self.index = i + 1
                return i + 1
        raise InputError(self.path, f"missing section {header}")

    def take(self) -> tuple[int, str]:
        while self.index < len(self.lines):
            self.index += 1
            line = self.lines[self.index - 1].strip()
            if line:
                return self.index, line
        raise self.error("file ends early")

    def keyed(self, key: str, required: bool = True) -> list[str]:
        number, line = self.take()
        parts = line.split()
        if parts[0] != key:
            raise self.error(f"expected {key!r}, found {parts[0]!r}", number)
        if required and len(parts) == 1:
            raise self.error(f"no value after {key!r}", number)
        return parts[1:]

    def word(self, key: str) -> str:
        return self.keyed(key)[0]

    def block(self) -> list[tuple[int, str]]:
        """Lines after the cursor up to the next blank line, section header or end of file."""
        rows = []
        while self.index < len(self.lines):
            line = self.lines[self.index].strip()
            if not line or line.startswith("["):
                break
            self.index += 1
            rows.append((self.index, line))
        return rows


def _floats(lines: _Lines, words: list[str], what: str, number: int | None = None) -> np.ndarray:
    try:
        values = np.array([float(w) for w in words])
    except ValueError:
        raise lines.error(f"non-numeric value in {what}: {' '.join(words)[:60]!r}", number) from None
    if not np.isfinite(values).all():
        raise lines.error(f"value in {what} is not finite: {' '.join(words)[:60]!r}", number)
    return values


def _ints(lines: _Lines, words: list[str], what: str) -> list[int]:
    try:
        return [int(w) for w in words]
    except ValueError:
        raise lines.error(f"{what} must be integers, got {' '.join(words)[:60]!r}") from None


def _count(lines: _Lines, key: str, minimum: int, maximum: int) -> int:
    """The integer after ``key``, between ``minimum`` and ``maximum`` (a bound from the file's size,
    so that a corrupt count cannot ask for more memory than the file could fill)."""
    words = lines.keyed(key)
    value = _ints(lines, words[:1], key)[0]
    if not minimum <= value <= maximum:
        raise lines.error(f"{key} {value} is outside {minimum}..{maximum}")
    return value


def _metadata(lines: _Lines) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    """The ``# key value`` lines (with their line numbers) and the ``# key = value`` notes."""
    meta, notes = {}, {}
    for number, line in enumerate(lines.lines, start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        if body in ("[metadata]", "metadata") or not body:
            continue
        if "=" in body:
            key, value = (part.strip() for part in body.split("=", 1))
            notes[key] = value
        else:
            key, _, value = body.partition(" ")
            meta[key] = (value.strip(), number)
    return meta, notes


def _meta_float(lines: _Lines, meta: dict, key: str, default=None):
    if key not in meta:
        return default
    value, number = meta[key]
    return float(_floats(lines, value.split()[:1] or [value], f"# {key}", number)[0])


def _kernel(lines: _Lines, n_features: int) -> tuple[Kernel, np.ndarray]:
    lines.find("[kernels]")
    count = _count(lines, "number_of_kernels", 1, n_features)
    composition = "".join(lines.keyed("composition"))
    if "+" in composition:
        raise lines.error(f"sums of kernels ({composition}) are not supported, only products")
    kinds: list[str | None] = [None] * n_features
    theta = np.full(n_features, np.nan)
    for k in range(1, count + 1):
        lines.find(f"[kernel.k{k}]")
        kernel_type = lines.word("type")
        n_dims = _count(lines, "number_of_dimensions", 1, n_features)
        dims = _ints(lines, lines.keyed("active_dimensions"), "active_dimensions")
        values = _floats(lines, lines.keyed("theta"), "theta")
        if not len(dims) == len(values) == n_dims:
            raise lines.error(f"kernel k{k}: {n_dims} dimensions, {len(dims)} active, {len(values)} theta")
        for dim, value in zip(dims, values):
            if not 1 <= dim <= n_features:
                raise lines.error(f"kernel k{k}: active dimension {dim} outside 1..{n_features}")
            if kernel_type == "rbf-cyclic":
                kinds[dim - 1] = CYCLIC if dim % 3 == 0 else RBF
            elif kernel_type in _KIND_OF_TYPE:
                kinds[dim - 1] = _KIND_OF_TYPE[kernel_type]
            else:
                raise lines.error(f"unknown kernel type {kernel_type!r}")
            theta[dim - 1] = value
    missing = [h + 1 for h, kind in enumerate(kinds) if kind is None]
    if missing:
        raise InputError(lines.path, f"features {missing} belong to no kernel")
    return Kernel(tuple(kinds)), theta


def read_model(path) -> GPRModel:
    """Read a ``.model`` file; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InputError(path, f"cannot read model file: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise InputError(path, "not a .model file (those are plain text; is it compressed or binary?)") from None
    lines = _Lines(path, text)
    meta, notes = _metadata(lines)
    lines.find("[system]")
    system = lines.word("name")
    atom = lines.word("atom")
    prop = lines.word("property")
    alf = tuple(_ints(lines, lines.keyed("ALF", required=False), "ALF"))  # empty when the data had none
    lines.find("[dimensions]")
    n_atoms = _count(lines, "number_of_atoms", 0, len(text))
    n_features = _count(lines, "number_of_features", 1, len(text))
    n_train = _count(lines, "number_of_training_points", 1, len(text))
    lines.find("[mean]")
    lines.word("type")
    mean = float(_floats(lines, lines.keyed("value")[:1], "mean")[0])
    kernel, theta = _kernel(lines, n_features)
    feature_units, target_unit = None, default_unit(prop)
    lines.find("[training_data]")
    for number, line in lines.block():
        key, *words = line.split()
        if key == "units.x":
            feature_units = tuple(words)
        elif key == "units.y" and words:
            target_unit = words[0]
    x = _data_block(lines, "[training_data.x]", n_train, n_features)
    y = _data_block(lines, "[training_data.y]", n_train, 1)[:, 0]
    weights = _data_block(lines, "[weights]", n_train, 1)[:, 0]
    likelihood_value = _meta_float(lines, meta, "likelihood")
    # gpytorch models written by ICHOR say "noise": the diagonal term their weights were solved with.
    nugget = _meta_float(lines, meta, "nugget", _meta_float(lines, meta, "noise", DEFAULT_NUGGET))
    likelihood_kind = notes.pop("likelihood_kind", "concentrated")
    return GPRModel(x=x, y=y, theta=theta, kernel=kernel, mean=mean, weights=weights,
                    nugget=nugget, log_likelihood=likelihood_value, system=system, atom=atom,
                    property_name=prop, alf=alf, n_atoms=n_atoms, feature_units=feature_units,
                    target_unit=target_unit, notes=notes, likelihood=likelihood_kind)


def _data_block(lines: _Lines, header: str, n_rows: int, n_cols: int) -> np.ndarray:
    lines.find(header)
    rows = lines.block()
    if len(rows) != n_rows:
        raise lines.error(f"{header} has {len(rows)} rows, [dimensions] says {n_rows}")
    out = np.empty((n_rows, n_cols))
    for i, (number, line) in enumerate(rows):
        words = line.split()
        if len(words) != n_cols:
            raise lines.error(f"{header} row has {len(words)} values, expected {n_cols}", number)
        out[i] = _floats(lines, words, header, number)
    return out


def _kernel_blocks(kernel: Kernel) -> list[tuple[str, list[int]]]:
    """(FEREBUS type, 1-based dimensions) per kernel block of the file."""
    if kernel.name != "composite":
        return [(kernel.name, list(range(1, kernel.n_features + 1)))]
    smooth = [h + 1 for h, k in enumerate(kernel.kinds) if k in (RBF, CYCLIC)]
    cyclic = [h + 1 for h, k in enumerate(kernel.kinds) if k == CYCLIC]
    periodic = [h + 1 for h, k in enumerate(kernel.kinds) if k == PERIODIC]
    if cyclic and cyclic != [d for d in smooth if d % 3 == 0]:
        raise ValueError("cyclic features other than 3, 6, 9, ... cannot be written as an rbf-cyclic kernel")
    blocks = []
    if smooth:
        blocks.append(("rbf-cyclic" if cyclic else "rbf", smooth))
    if periodic:
        blocks.append(("periodic", periodic))
    return blocks


def format_model(model: GPRModel) -> str:
    """The text of ``model`` as a ``.model`` file."""
    out = ["# [metadata]", "# program fflux-studio", f"# version {__version__}",
           f"# nugget {model.nugget!r}"]
    if model.log_likelihood is not None:
        out.append(f"# likelihood {model.log_likelihood!r}")
    out.append(f"# likelihood_kind = {model.likelihood}")
    out += [f"# {key} = {value}" for key, value in model.notes.items()]
    alf = " ".join(str(a) for a in (model.alf or ()))
    out += ["", "[system]", f"name {model.system}", f"atom {model.atom}", f"property {model.property_name}",
            f"ALF {alf}", "", "[dimensions]", f"number_of_atoms {model.n_atoms or 0}",
            f"number_of_features {model.n_features}", f"number_of_training_points {model.n_train}",
            "", "[mean]", "type constant", f"value {model.mean!r}", ""]
    blocks = _kernel_blocks(model.kernel)
    names = [f"k{i}" for i in range(1, len(blocks) + 1)]
    composition = names[0] if len(names) == 1 else "(" + "*".join(names) + ")"
    out += ["[kernels]", f"number_of_kernels {len(blocks)}", f"composition {composition}", ""]
    for name, (kernel_type, dims) in zip(names, blocks):
        out += [f"[kernel.{name}]", f"type {kernel_type}", f"number_of_dimensions {len(dims)}",
                "active_dimensions " + " ".join(map(str, dims)),
                "theta " + " ".join(repr(float(model.theta[d - 1])) for d in dims), ""]
    units = model.feature_units or _default_units(model.n_features)
    out += ["[training_data]", "units.x " + " ".join(units), f"units.y {model.target_unit}",
            "scaling.x none", "scaling.y none", "", "[training_data.x]"]
    out += [" ".join(repr(float(v)) for v in row) for row in model.x]
    out += ["", "[training_data.y]"] + [repr(float(v)) for v in model.y]
    out += ["", "[weights]"] + [repr(float(v)) for v in model.weights]
    return "\n".join(out) + "\n"


def _default_units(n_features: int) -> list[str]:
    """ALF feature units: bohr, bohr, radians, then (bohr, radians, radians) per further atom."""
    pattern = ["bohr", "bohr", "radians"] + ["bohr", "radians", "radians"] * n_features
    return pattern[:n_features]


def write_model(model: GPRModel, directory) -> Path:
    """Write ``model`` into ``directory`` under the name FFLUX expects; return the path."""
    name = model_file_name(model)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(format_model(model))
    return path

