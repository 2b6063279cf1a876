"""ALF features of every atom of one geometry and their analytic Jacobian in the Cartesian
coordinates, vectorised over atoms (SPEC §2 and §9).

The origin, x-axis and xy-plane atoms fix the frame (x̂, ŷ, ẑ), so every polar feature of an atom
j depends on them as well as on j: d(ζ)/dR goes through the frame's derivatives. Distances are in
bohr, so the Jacobian is in bohr/bohr and radians/bohr, with positions given in Å.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.chem.features import n_features
from fflux_studio.units import BOHR_PER_ANGSTROM


def _cross_matrix(a: np.ndarray) -> np.ndarray:
    """[a]× for a stack of vectors (M, 3): [a]× b = a × b."""
    out = np.zeros(a.shape[:-1] + (3, 3))
    out[..., 0, 1], out[..., 0, 2] = -a[..., 2], a[..., 1]
    out[..., 1, 0], out[..., 1, 2] = a[..., 2], -a[..., 0]
    out[..., 2, 0], out[..., 2, 1] = -a[..., 1], a[..., 0]
    return out


def _unit_derivative(v: np.ndarray, norm: np.ndarray) -> np.ndarray:
    """d(v/|v|)/dv = (I − v̂v̂ᵀ)/|v| for a stack (M, 3)."""
    unit = v / norm[:, None]
    return (np.eye(3) - unit[:, :, None] * unit[:, None, :]) / norm[:, None, None]


def _frame_and_derivatives(u: np.ndarray, v: np.ndarray):
    """Frame rows C = (x̂, ŷ, ẑ) from u = r_x − r_o and v = r_xy − r_o, and dC/du, dC/dv
    (M, 3 rows, 3 components, 3 of u or v)."""
    eye = np.eye(3)
    u_norm = np.linalg.norm(u, axis=1)
    x_hat = u / u_norm[:, None]
    dx_du = _unit_derivative(u, u_norm)
    along = np.sum(v * x_hat, axis=1)
    p = v - along[:, None] * x_hat
    p_norm = np.linalg.norm(p, axis=1)
    y_hat = p / p_norm[:, None]
    # p = v − x̂ (x̂·v): dp/dv = I − x̂x̂ᵀ, dp/du = −(x̂ vᵀ + (x̂·v) I) dx̂/du.
    dp_dv = eye - x_hat[:, :, None] * x_hat[:, None, :]
    dp_du = -np.einsum("mab,mbc->mac", x_hat[:, :, None] * v[:, None, :] + along[:, None, None] * eye, dx_du)
    dy_dp = _unit_derivative(p, p_norm)
    dy_du = np.einsum("mab,mbc->mac", dy_dp, dp_du)
    dy_dv = np.einsum("mab,mbc->mac", dy_dp, dp_dv)
    z_hat = np.cross(x_hat, y_hat)
    # d(x̂ × ŷ) = x̂ × dŷ − ŷ × dx̂.
    x_cross, y_cross = _cross_matrix(x_hat), _cross_matrix(y_hat)
    dz_du = np.einsum("mab,mbc->mac", x_cross, dy_du) - np.einsum("mab,mbc->mac", y_cross, dx_du)
    dz_dv = np.einsum("mab,mbc->mac", x_cross, dy_dv)
    frame = np.stack([x_hat, y_hat, z_hat], axis=1)
    d_frame_du = np.stack([dx_du, dy_du, dz_du], axis=1)
    d_frame_dv = np.stack([np.zeros_like(dx_du), dy_dv, dz_dv], axis=1)
    return frame, d_frame_du, d_frame_dv


def _spherical_derivatives(zeta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(r, θ, φ) of local vectors ζ (M, K, 3) and their derivatives in ζ (M, K, 3, 3)."""
    x, y, z = zeta[..., 0], zeta[..., 1], zeta[..., 2]
    rho2 = x * x + y * y
    rho = np.sqrt(rho2)
    r = np.sqrt(rho2 + z * z)
    values = np.stack([r, np.arccos(np.clip(z / r, -1.0, 1.0)), np.arctan2(y, x)], axis=-1)
    d = np.empty(zeta.shape + (3,))
    d[..., 0, :] = zeta / r[..., None]
    d[..., 1, 0], d[..., 1, 1], d[..., 1, 2] = x * z / (r * r * rho), y * z / (r * r * rho), -rho / (r * r)
    d[..., 2, 0], d[..., 2, 1], d[..., 2, 2] = -y / rho2, x / rho2, 0.0
    return values, d


def features_and_jacobian(positions, alfs) -> tuple[np.ndarray, np.ndarray]:
    """Features (M, F) of the M atoms whose 0-based ALFs are the rows of ``alfs`` (M, 3), at one
    geometry ``positions`` (N, 3) in Å, and their Jacobian (M, F, N, 3) in bohr⁻¹ per bohr.

    Diatomics (N = 2, ALF (origin, x-axis)) have the distance as their one feature. Geometries on
    which a frame is undefined (coincident or collinear frame atoms) give non-finite numbers;
    ``chem.features.atom_features`` names them.
    """
    p = np.asarray(positions, dtype=float) * BOHR_PER_ANGSTROM
    alfs = np.asarray(alfs, dtype=int)
    n_atoms, m = len(p), len(alfs)
    origin, x_atom = alfs[:, 0], alfs[:, 1]
    rows = np.arange(m)
    u = p[x_atom] - p[origin]
    u_norm = np.linalg.norm(u, axis=1)
    x_hat = u / u_norm[:, None]
    features = np.zeros((m, n_features(n_atoms)))
    jacobian = np.zeros((m, n_features(n_atoms), n_atoms, 3))
    features[:, 0] = u_norm
    jacobian[rows, 0, x_atom] = x_hat
    jacobian[rows, 0, origin] = -x_hat
    if n_atoms == 2:
        return features, jacobian
    xy_atom = alfs[:, 2]
    v = p[xy_atom] - p[origin]
    v_norm = np.linalg.norm(v, axis=1)
    v_hat = v / v_norm[:, None]
    cos = np.clip(np.sum(x_hat * v_hat, axis=1), -1.0, 1.0)
    sin = np.sqrt(1.0 - cos * cos)
    features[:, 1], features[:, 2] = v_norm, np.arccos(cos)
    jacobian[rows, 1, xy_atom] = v_hat
    jacobian[rows, 1, origin] = -v_hat
    # f3 = arccos(û·v̂): df3/du = −(v̂ − cos û)/(|u| sin), and the same with u and v swapped.
    d3_du = -(v_hat - cos[:, None] * x_hat) / (u_norm * sin)[:, None]
    d3_dv = -(x_hat - cos[:, None] * v_hat) / (v_norm * sin)[:, None]
    jacobian[rows, 2, x_atom] = d3_du
    jacobian[rows, 2, xy_atom] = d3_dv
    jacobian[rows, 2, origin] = -d3_du - d3_dv
    if n_atoms == 3:
        return features, jacobian
    others = np.array([[j for j in range(n_atoms) if j not in alf] for alf in alfs.tolist()])
    frame, d_frame_du, d_frame_dv = _frame_and_derivatives(u, v)
    w = p[others] - p[origin][:, None, :]
    zeta = np.einsum("mkc,mjc->mjk", frame, w)
    values, d_spherical = _spherical_derivatives(zeta)
    features[:, 3:] = values.reshape(m, -1)
    # ζ = C w: dζ/dw = C; dζ/du = (dC/du) w; dζ/dv = (dC/dv) w.
    d_atom = np.einsum("mjsk,mkc->mjsc", d_spherical, frame)
    d_u = np.einsum("mjsk,mkcq,mjc->mjsq", d_spherical, d_frame_du, w)
    d_v = np.einsum("mjsk,mkcq,mjc->mjsq", d_spherical, d_frame_dv, w)
    polar = 3 + np.arange(3 * others.shape[1]).reshape(others.shape[1], 3)
    atom_rows = rows[:, None, None]
    jacobian[atom_rows, polar[None], others[:, :, None]] = d_atom
    jacobian[atom_rows, polar[None], x_atom[:, None, None]] = d_u
    jacobian[atom_rows, polar[None], xy_atom[:, None, None]] = d_v
    jacobian[atom_rows, polar[None], origin[:, None, None]] = -d_atom - d_u - d_v
    return features, jacobian
