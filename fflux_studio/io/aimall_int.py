"""AIMAll ``.int`` files (one atom of one geometry): the IQA energy, the net charge, the
integration error L and the multipole moments Q[l,|m|,c/s] for l = 1…4, the numbers ICHOR takes
from them (SPEC §7, §8).

The moments are in AIMAll's global frame (the geometry's axes), about the nucleus, in e·bohr^l;
readers that know the geometry rotate them into the atom's ALF. A file without them (an AIMAll
run told not to compute them) still gives the other numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fflux_studio.io.errors import InputError

_ATOM = re.compile(r"^\s*Integration is over atom\s+(\S+)")
_CHARGE = re.compile(r"\bq\s*=\s*(\S+)\s*=\s*Net Charge")
_L = re.compile(r"^\s*L\s*=\s*(\S+)\s*$")
_IQA = re.compile(r"^\s*E_IQA\(A\)\s*=\s*(\S+)")
_BASIN = "Results of the basin integration"
_MOMENT = re.compile(r"^\s*Q\[(?P<l>[1-4]),(?P<m>\d)(,(?P<part>[cs]))?\]\s*=\s*(?P<value>\S+)")


@dataclass(frozen=True)
class AtomicIntegration:
    """One atom's integrated properties: ``iqa`` (Ha), ``q00`` (e), ``integration_error`` L and
    ``moments`` (``q10`` … ``q44s`` in e·bohr^l, global frame; empty when the file has none)."""

    atom: str
    iqa: float
    q00: float
    integration_error: float
    moments: dict[str, float] = field(default_factory=dict)


def _number(path: Path, text: str, line: int, field: str) -> float:
    try:
        value = float(text.replace("D", "E"))
    except ValueError:
        raise InputError(path, f"{text[:40]!r} is not a number", line=line, field=field) from None
    if not np.isfinite(value):
        raise InputError(path, f"value {text!r} is not finite", line=line, field=field)
    return value


def read_int(path) -> AtomicIntegration:
    """Read one AIMAll ``.int`` file; InputError names the file and the missing or bad line."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise InputError(path, "not a text file (an AIMAll .int file is text)") from None
    atom = None
    found: dict[str, float] = {}
    moments: dict[str, float] = {}
    in_basin = False
    for number, line in enumerate(lines, start=1):
        if atom is None and (match := _ATOM.match(line)):
            atom = match[1]
        elif _BASIN in line:
            in_basin = True
        elif "q00" not in found and (match := _CHARGE.search(line)):
            found["q00"] = _number(path, match[1], number, "q (Net Charge)")
        elif in_basin and "L" not in found and (match := _L.match(line)):
            found["L"] = _number(path, match[1], number, "L")
        elif "iqa" not in found and (match := _IQA.match(line)):
            found["iqa"] = _number(path, match[1], number, "E_IQA(A)")
        elif match := _MOMENT.match(line):
            label = f"q{match['l']}{match['m']}{match['part'] or ''}"
            moments.setdefault(label, _number(path, match["value"], number, label))
    for key, text in (("q00", "'q = … = Net Charge'"), ("L", "'L = …' in the basin integration results"),
                      ("iqa", "'E_IQA(A) = …'")):
        if key not in found:
            raise InputError(path, f"no {text} line: not an AIMAll .int file, or AIMAll did not finish")
    if atom is None:
        atom = path.stem.capitalize()
    return AtomicIntegration(atom, found["iqa"], found["q00"], found["L"], moments)
