"""Names from the data (system, atom, property) that become parts of file and zip member names.

A system name comes from an extended XYZ's ``info``, a CSV's file name or a folder's name, so it
could hold ``/`` or ``..`` and send a ``.model`` file outside the folder it belongs in. Every name
that goes into ``{SYSTEM}_{property}_{ATOM}.model`` passes :func:`file_name_part` first.

The system name is written upper-case (``WATER_iqa_O1.model``): ICHOR's ``SYSTEM_NAME`` convention,
followed by every model FEREBUS and ICHOR wrote in the reference data, and FFLUX looks its models up
by exact name, so the CLI and the Studio must agree on one case.
"""

from __future__ import annotations

import re

from fflux_studio.io.errors import InputError

MAX_LENGTH = 100
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


def file_name_part(name, what: str, source=None) -> str:
    """``name`` unchanged if it is safe in a file name (letters, digits and ``_ . + -``, no ``..``);
    otherwise an InputError naming ``source`` (the file the name came from) and the name's role."""
    text = str(name)
    if _SAFE.fullmatch(text) and ".." not in text and len(text) <= MAX_LENGTH:
        return text
    raise InputError(source, f"the {what} name {text[:MAX_LENGTH]!r} cannot be part of a model file name: "
                             f"use at most {MAX_LENGTH} letters, digits and _ . + - (no '..', no leading "
                             "punctuation)", field=what)


def model_system_name(system, source=None) -> str:
    """The system name as model files carry it: checked, and upper-case."""
    return file_name_part(system, "system", source).upper()


def model_file_name_of(system, property_name, atom) -> str:
    """``{SYSTEM}_{property}_{ATOM}.model``, the name FFLUX looks for; InputError for a name that
    could leave the folder (``../``) or is not a plain file name."""
    parts = (file_name_part(system, "system"), file_name_part(property_name, "property"),
             file_name_part(atom, "atom"))
    return "_".join(parts) + ".model"
