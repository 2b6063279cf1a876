"""One error type for bad input, whose message names the file and where in it."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad user input: the message says which file, which line or field, and what is wrong."""

    def __init__(self, path, problem: str, line: int | None = None, field: str | None = None):
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.line = line
        self.field = field
        where = str(self.path) if self.path is not None else "<input>"
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
