"""ALF features (SPEC §2): per atom 3N−6 numbers in bohr and radians, vectorised over frames.

f1, f2 are the distances to the x-axis and xy-plane atoms, f3 the angle between them; every
other atom j, in index order, adds (r, θ, φ), its spherical coordinates in the Gram–Schmidt frame.
The φ's (1-based 6, 9, 12, …) are periodic.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.units import BOHR_PER_ANGSTROM

_TINY = 1e-8  # bohr: below this two atoms coincide, or three are collinear, and no frame exists


class FeatureError(ValueError):
    """A geometry on which a local frame is undefined; ``frame`` and ``atom`` are 0-based."""

    def __init__(self, problem: str, frame: int, atom: int):
        self.frame, self.atom = frame, atom
        super().__init__(f"frame {frame + 1}, atom {atom + 1}: {problem}")


def n_features(n_atoms: int) -> int:
    return 1 if n_atoms == 2 else 3 * n_atoms - 6


def periodic_mask(n: int) -> np.ndarray:
    """True on the φ features (1-based 6, 9, 12, …)."""
    h = np.arange(1, n + 1)
    return (h >= 6) & (h % 3 == 0)


def _check(values: np.ndarray, problem: str, atom: int):
    bad = np.flatnonzero(~(values > _TINY))
    if bad.size:
        raise FeatureError(problem, int(bad[0]), atom)


def atom_features(positions, alf) -> np.ndarray:
    """Features of the atom whose 0-based ALF is ``alf``, for ``positions`` (F, N, 3) in Å: (F, 3N−6).
    Overflow is not warned about but reported, as a FeatureError naming the frame."""
    with np.errstate(all="ignore"):
        out = _features(np.asarray(positions, dtype=float) * BOHR_PER_ANGSTROM, alf)
    bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
    if bad.size:
        raise FeatureError("features are not finite (coordinates too large?)", int(bad[0]), alf[0])
    return out


def alf_rotation(positions, alf) -> np.ndarray:
    """C of the atom whose 0-based ALF is ``alf``, for ``positions`` (F, N, 3) in Å: (F, 3, 3), rows
    x̂, ŷ, ẑ in global coordinates, so that C @ v is v in the ALF. The same frame as the features',
    which multipole moments are rotated into."""
    with np.errstate(all="ignore"):
        frame = _axes(np.asarray(positions, dtype=float) * BOHR_PER_ANGSTROM, alf)
    bad = np.flatnonzero(~np.isfinite(frame).all(axis=(1, 2)))
    if bad.size:
        raise FeatureError("local frame is not finite (coordinates too large?)", int(bad[0]), alf[0])
    return frame


def _axes(p: np.ndarray, alf) -> np.ndarray:
    """Rows x̂, ŷ (Gram–Schmidt) and ẑ = x̂ × ŷ of the ALF over frames, checking that the frame exists."""
    origin, x_atom, xy_atom = alf
    to_x = p[:, x_atom] - p[:, origin]
    f1 = np.linalg.norm(to_x, axis=1)
    _check(f1, f"atom {x_atom + 1} (x-axis) coincides with the origin", origin)
    to_xy = p[:, xy_atom] - p[:, origin]
    _check(np.linalg.norm(to_xy, axis=1), f"atom {xy_atom + 1} (xy-plane) coincides with the origin", origin)
    x_hat = to_x / f1[:, None]
    y = to_xy - np.sum(to_xy * x_hat, axis=1)[:, None] * x_hat
    y_norm = np.linalg.norm(y, axis=1)
    _check(y_norm, f"atoms {origin + 1}, {x_atom + 1}, {xy_atom + 1} of the frame are collinear", origin)
    y_hat = y / y_norm[:, None]
    return np.stack([x_hat, y_hat, np.cross(x_hat, y_hat)], axis=1)


def _features(p: np.ndarray, alf) -> np.ndarray:
    origin, x_atom = alf[0], alf[1]
    to_x = p[:, x_atom] - p[:, origin]
    f1 = np.linalg.norm(to_x, axis=1)
    _check(f1, f"atom {x_atom + 1} (x-axis) coincides with the origin", origin)
    if p.shape[1] == 2:
        return f1[:, None]
    frame = _axes(p, alf)
    to_xy = p[:, alf[2]] - p[:, origin]
    f2 = np.linalg.norm(to_xy, axis=1)
    f3 = np.arccos(np.clip(np.sum(to_x * to_xy, axis=1) / (f1 * f2), -1.0, 1.0))
    others = [j for j in range(p.shape[1]) if j not in alf]
    out = np.empty((p.shape[0], n_features(p.shape[1])))
    out[:, 0], out[:, 1], out[:, 2] = f1, f2, f3
    if others:
        rel = p[:, others] - p[:, origin][:, None, :]
        zeta = np.einsum("fkc,fmc->fmk", frame, rel)
        r = np.linalg.norm(zeta, axis=2)
        closest = np.argmin(r, axis=1)
        _check(r[np.arange(len(r)), closest], "another atom coincides with the origin", origin)
        out[:, 3::3] = r
        out[:, 4::3] = np.arccos(np.clip(zeta[:, :, 2] / r, -1.0, 1.0))
        out[:, 5::3] = np.arctan2(zeta[:, :, 1], zeta[:, :, 0])
    return out


def all_features(positions, frames) -> list[np.ndarray]:
    """Features of every atom, ``frames`` being the 0-based ALF of each atom."""
    return [atom_features(positions, alf) for alf in frames]
