"""FEREBUS training/validation/test CSVs: ``{SYSTEM}_{ATOM}_TRAINING_SET.csv``.

A header row; an empty header is the index column; ``f<number>`` columns (optionally
``f1/bohr``) are features; every other column is a property.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from fflux_studio.dataset import AtomFeatures, Dataset
from fflux_studio.io.errors import InputError
from fflux_studio.units import default_unit

_NAME = re.compile(r"^(?P<system>.+)_(?P<atom>[A-Za-z]{1,2}\d+)_(TRAINING|VALIDATION|TEST)_SET$", re.IGNORECASE)
_FEATURE = re.compile(r"^f(?P<index>\d+)(/(?P<unit>.+))?$")


def system_and_atom(path: Path) -> tuple[str, str]:
    """SYSTEM and ATOM from a FEREBUS file name; the stem and ``A1`` when the name does not say."""
    match = _NAME.match(path.stem)
    if match:
        return match["system"], match["atom"].upper()
    return path.stem, "A1"


def read_ferebus_csv(path) -> Dataset:
    """Read one FEREBUS CSV into a one-atom Dataset."""
    path = Path(path)
    try:
        with path.open(newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(path, f"not a text CSV file ({err})") from None
    if not rows:
        raise InputError(path, "the file is empty")
    header = [h.strip() for h in rows[0]]
    features, properties, units = [], [], []
    for column, name in enumerate(header):
        match = _FEATURE.match(name)
        if match:
            features.append((int(match["index"]), column))
            units.append(match["unit"])
        elif name:
            properties.append((name, column))
    if not features:
        raise InputError(path, "no feature columns (f1, f2, ...) in the header", line=1)
    if not properties:
        raise InputError(path, "no property column (iqa, q00, ...) in the header", line=1)
    order = np.argsort([index for index, _ in features])
    feature_columns = [features[i][1] for i in order]
    values = np.empty((len(rows) - 1, len(header)))
    data_rows = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(path, f"{len(row)} cells, the header has {len(header)}", line=number)
        for column, cell in enumerate(row):
            if not header[column]:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise InputError(path, f"non-numeric value {cell.strip()[:40]!r}", line=number,
                                 field=header[column]) from None
            if not np.isfinite(value):
                raise InputError(path, f"value {cell.strip()!r} is not finite", line=number, field=header[column])
            values[data_rows, column] = value
        data_rows += 1
    if data_rows == 0:
        raise InputError(path, "no data rows after the header")
    values = values[:data_rows]
    system, atom = system_and_atom(path)
    feature_units = tuple(units[i] for i in order) if all(units) else None
    atoms = {atom: AtomFeatures(atom, values[:, feature_columns], feature_units=feature_units)}
    targets = {atom: {name: values[:, column].copy() for name, column in properties}}
    units_by_property = {name: default_unit(name) for name, _ in properties}
    return Dataset(system, atoms, targets, units_by_property, provenance=str(path))
