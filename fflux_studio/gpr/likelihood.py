"""Concentrated and marginal log-likelihoods of FEREBUS with their analytic gradient in log theta.

One evaluation costs one Cholesky factorisation, one inverse from it (LAPACK ``potrf``/``potri``
in place on preallocated arrays) and one N x N by N x d product; no N x N x d array is built.

With R = K + nugget * I, alpha = R^-1 (y - mu) and A = alpha alpha^T / s - R^-1 (s = sigma^2 for
the concentrated form, 1 for the marginal one), d lnL / d log theta_h = -(theta_h / 2) sum_ij
(A o K)_ij D_h,ij. For rbf features sum_ij B_ij (x_i - x_j)^2 = 2 b.x^2 - 2 x.(B x) with b = B 1,
and for periodic ones 4 sin^2(d/2) = 2 - 2 cos cos - 2 sin sin, so both come from B times a
matrix of columns; cyclic features are summed explicitly, one N x N pass each.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, Kernel

LIKELIHOODS = ("concentrated", "marginal")
DEFAULT_NUGGET = 1e-10


class NotPositiveDefinite(ArithmeticError):
    """R = K + nugget*I is not positive definite at these hyperparameters (a failed point)."""


def _wrapped_square(column: np.ndarray, out: np.ndarray) -> np.ndarray:
    """wrap(x_i - x_j)**2 for one angle feature, written into ``out``."""
    np.subtract(column[:, None], column[None, :], out=out)
    np.abs(out, out=out)
    np.fmod(out, 2 * np.pi, out=out)
    np.minimum(out, 2 * np.pi - out, out=out)
    np.square(out, out=out)
    return out


class Likelihood:
    """ln L(log theta) and its gradient for fixed training data, with reusable work arrays.

    Call it with ``log_theta`` (natural log of theta, one per feature); it returns
    ``(value, gradient)`` (gradient is None when not asked for) and raises
    :class:`NotPositiveDefinite` for a failed point.
    """

    def __init__(self, x, y, kernel: Kernel, kind: str = "concentrated", nugget: float = DEFAULT_NUGGET):
        if kind not in LIKELIHOODS:
            raise ValueError(f"unknown likelihood {kind!r}; expected one of {', '.join(LIKELIHOODS)}")
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.ndim != 2 or y.shape != (x.shape[0],):
            raise ValueError(f"x must be (n, d) and y (n,); got {x.shape} and {y.shape}")
        if x.shape[1] != kernel.n_features:
            raise ValueError(f"kernel has {kernel.n_features} features, data has {x.shape[1]}")
        self.x, self.y, self.kernel, self.kind, self.nugget = x, y, kernel, kind, float(nugget)
        self.n = n = x.shape[0]
        self.n_evaluations = 0
        self._rbf = kernel.indices(RBF)
        self._per = kernel.indices(PERIODIC)
        self._cyc = kernel.indices(CYCLIC)
        centred = x[:, self._rbf] - x[:, self._rbf].mean(axis=0)
        angles = x[:, self._per]
        # Columns whose B-products give every rbf/periodic gradient term, plus ones for b = B 1.
        self._columns = np.hstack([centred, np.cos(angles), np.sin(angles), np.ones((n, 1))])
        self._rbf_sq = centred**2
        self._k = np.empty((n, n))
        self._r = np.empty((n, n))
        self._lower = np.tril(np.ones((n, n), dtype=bool), -1)
        self._rhs = np.column_stack([y, np.ones(n)])

    def correlation(self, theta: np.ndarray) -> np.ndarray:
        """K(theta) over the training points, into the work array (no nugget)."""
        k, r = self._k, self._r
        theta_rbf, theta_per = theta[self._rbf], theta[self._per]
        scale = np.sqrt(2.0 * theta_per)
        z = np.hstack([self._columns[:, : len(self._rbf)] * np.sqrt(2.0 * theta_rbf),
                       self._columns[:, len(self._rbf): len(self._rbf) + len(self._per)] * scale,
                       self._columns[:, len(self._rbf) + len(self._per): -1] * scale])
        t = self._rbf_sq @ theta_rbf + theta_per.sum()
        np.matmul(z, z.T, out=k)
        np.subtract(t[:, None], k, out=k)
        k += t[None, :]
        for h in self._cyc:
            k += theta[h] * _wrapped_square(self.x[:, h], r)
        np.fill_diagonal(k, 0.0)
        np.negative(k, out=k)
        np.exp(k, out=k)
        return k

    def __call__(self, log_theta, gradient: bool = True):
        return self.evaluate(np.exp(np.asarray(log_theta, dtype=float)), gradient)

    def evaluate(self, theta, gradient: bool = True):
        """ln L at ``theta`` itself (which may hold zeros, as some reference files do)."""
        theta = np.asarray(theta, dtype=float)
        self.n_evaluations += 1
        n, k, r = self.n, self._k, self._r
        self.correlation(theta)
        np.copyto(r, k)
        r.flat[:: n + 1] += self.nugget
        # r.T is Fortran-ordered, so LAPACK works in place; its "lower" is r's upper triangle.
        chol, info = lapack.dpotrf(r.T, lower=1, clean=0, overwrite_a=1)
        if info != 0:
            raise NotPositiveDefinite(f"R is not positive definite (LAPACK potrf info={info})")
        log_det = 2.0 * np.log(np.diagonal(chol)).sum()
        solved, info = lapack.dpotrs(chol, self._rhs, lower=1)
        if info != 0:
            raise NotPositiveDefinite(f"solve failed (LAPACK potrs info={info})")
        r_inv_y, r_inv_1 = solved[:, 0], solved[:, 1]
        if self.kind == "concentrated":
            mu = r_inv_y.sum() / r_inv_1.sum()
        else:
            mu = self.y.mean()
        alpha = r_inv_y - mu * r_inv_1
        quad = float((self.y - mu) @ alpha)
        if self.kind == "concentrated":
            if not quad > 0.0:
                raise NotPositiveDefinite("sigma^2 is not positive: R is numerically singular")
            scale = quad / n
            value = -0.5 * n * np.log(scale) - 0.5 * log_det
        else:
            scale = 1.0
            value = -0.5 * quad - 0.5 * log_det - 0.5 * n * np.log(2.0 * np.pi)
        if not np.isfinite(value):
            raise NotPositiveDefinite("ln L is not finite: R is numerically singular")
        if not gradient:
            return float(value), None
        return float(value), self._gradient(theta, chol, alpha, scale)

    def _gradient(self, theta, chol, alpha, scale):
        k, r = self._k, self._r
        _, info = lapack.dpotri(chol, lower=1, overwrite_c=1)
        if info != 0:
            raise NotPositiveDefinite(f"inverse failed (LAPACK potri info={info})")
        # R^-1 sits in r's upper triangle: mirror it, then B = (alpha alpha^T / s - R^-1) o K.
        np.copyto(r, r.T, where=self._lower)
        np.negative(r, out=r)
        r += np.outer(alpha / scale, alpha)
        r *= k
        products = r @ self._columns
        b = products[:, -1]
        n_rbf, n_per = len(self._rbf), len(self._per)
        sums = np.empty(self.kernel.n_features)
        centred = self._columns[:, :n_rbf]
        sums[self._rbf] = 2.0 * (b @ self._rbf_sq) - 2.0 * np.einsum("ij,ij->j", centred, products[:, :n_rbf])
        cos = self._columns[:, n_rbf: n_rbf + n_per]
        sin = self._columns[:, n_rbf + n_per: -1]
        sums[self._per] = (2.0 * b.sum()
                           - 2.0 * np.einsum("ij,ij->j", cos, products[:, n_rbf: n_rbf + n_per])
                           - 2.0 * np.einsum("ij,ij->j", sin, products[:, n_rbf + n_per: -1]))
        for h in self._cyc:
            sums[h] = np.vdot(r, _wrapped_square(self.x[:, h], k))
        return -0.5 * theta * sums
