"""Sizes given as "a fraction or a count", one rule for the CLI, the Studio, splits and settings.

A number strictly between 0 and 1 is a fraction of what is available; a whole number of at least 1
(``200`` or ``200.0``) is a count. Anything else (0, 1.5, a negative, NaN, True) is refused with
a message naming ``what``.
"""

from __future__ import annotations

import math


def size_value(value, what: str = "size") -> float | int:
    """``value`` as a float fraction in (0, 1) or an int count >= 1; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{what} must be a fraction in (0, 1) or a count, got {value!r}")
    if 0.0 < value < 1.0:
        return float(value)
    if value >= 1 and float(value).is_integer():
        return int(value)
    raise ValueError(f"{what} must be a fraction in (0, 1) or a whole count of at least 1, got {value!r}")


def parse_size(text: str, what: str = "size") -> float | int:
    """``"0.1"`` -> 0.1, ``"200"`` -> 200 (argparse ``type=`` and the Studio's text boxes)."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a fraction in (0, 1) or a count, got {text!r}") from None
    return size_value(value, what)


def parse_sizes(text: str, what: str = "size") -> list[float | int]:
    """``"50, 100; 0.5"`` -> [50, 100, 0.5]; at least one size."""
    sizes = [parse_size(word.strip(), what) for word in text.replace(";", ",").split(",") if word.strip()]
    if not sizes:
        raise ValueError(f"give at least one {what}, e.g. 50, 100, 200")
    return sizes


def size_count(size, total: int, what: str = "size") -> int:
    """How many of ``total`` items ``size`` means: a fraction rounds (at least 1), a count stays."""
    size = size_value(size, what)
    return max(1, int(round(size * total))) if isinstance(size, float) else size
