"""Concentrated and marginal log-likelihoods of FEREBUS with their analytic gradient in log theta.

One evaluation costs one Cholesky factorisation, one inverse from it (LAPACK ``potrf``/``potri``
in place on preallocated arrays), one N x N x (d+2) product for the exponent and one N x N by
N x (d+1) symmetric product for the gradient; no N x N x d array is built. The inverse alone
costs about 2 Choleskys (twice the flops), so one evaluation costs at least 3 Choleskys.

With R = K + nugget * I, alpha = R^-1 (y - mu) and G = (R^-1 - alpha alpha^T / s) o K (s = sigma^2
for the concentrated form, 1 for the marginal one), d lnL / d log theta_h = (theta_h / 2) sum_ij
G_ij D_h,ij. For squared differences sum_ij G_ij (x_i - x_j)^2 = 2 g.x^2 - 2 x.(G x) with g = G 1,
and for periodic ones 4 sin^2(d/2) = 2 - 2 cos cos - 2 sin sin, so both come from G times a
matrix of columns. A cyclic feature is a squared difference minus 4 pi (|d| - pi) on the pairs
whose difference wraps (|d| > pi); those pairs are listed once per data set, after turning the
angles so that fewer pairs wrap (none when the data span less than half a turn, as real angle
features mostly do), so a cyclic feature usually costs no more than an rbf one.

Only the upper triangle (row <= column) of the work arrays is kept exact on the hot path: LAPACK
and BLAS read that triangle alone, so nothing is mirrored.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas, lapack

from fflux_studio.gpr.kernels import CYCLIC, PERIODIC, RBF, Kernel

LIKELIHOODS = ("concentrated", "marginal")
DEFAULT_NUGGET = 1e-10
# Wrapping pairs kept between evaluations (16 bytes each); above this they are listed anew each time.
MAX_STORED_WRAP_PAIRS = 2**23


class NotPositiveDefinite(ArithmeticError):
    """R = K + nugget*I is not positive definite at these hyperparameters (a failed point)."""


def _wrap_count(angle: np.ndarray) -> int:
    """How many pairs i < j have |a_i - a_j| > pi (each costs a correction)."""
    ordered = np.sort(angle)
    return int((len(ordered) - np.searchsorted(ordered, ordered + np.pi, side="right")).sum())


def _rotate_to_largest_gap(angle: np.ndarray) -> np.ndarray:
    """The angles turned (and put back in [-pi, pi)) so the largest empty arc sits at +-pi.

    Turning every angle by the same amount leaves each wrapped difference unchanged; angles given
    beyond [-pi, pi] are first put back there, so that no difference exceeds a full turn. Angles that
    fit in half a turn then never wrap (a cluster split by the cut at +-pi is the common case); for
    wider spreads the turn is kept only when fewer pairs wrap.
    """
    if np.abs(angle).max(initial=0.0) > np.pi:
        angle = np.mod(angle + np.pi, 2 * np.pi) - np.pi
    wrapping = _wrap_count(angle)
    if wrapping == 0:
        return angle
    ordered = np.sort(angle)
    gaps = np.diff(ordered, append=ordered[0] + 2 * np.pi)
    widest = int(np.argmax(gaps))
    middle = ordered[widest] + 0.5 * gaps[widest]
    turned = np.mod(angle - middle, 2 * np.pi) - np.pi
    return turned if _wrap_count(turned) < wrapping else angle


def _wrap_pairs(angle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat upper-triangle indices of the pairs with |a_i - a_j| > pi, and |a_i - a_j| - pi."""
    n = len(angle)
    order = np.argsort(angle, kind="stable")
    ordered = angle[order]
    first = np.searchsorted(ordered, ordered + np.pi, side="right")
    counts = n - first
    total = int(counts.sum())
    low = np.repeat(np.arange(n), counts)
    high = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(first, counts)
    excess = ordered[high] - ordered[low] - np.pi
    i, j = order[low], order[high]
    index = np.minimum(i, j) * n + np.maximum(i, j)
    # In memory order the gathers and scatters on the N x N arrays run forwards.
    by_position = np.argsort(index)
    return index[by_position], excess[by_position]


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
        self._cyc = kernel.indices(CYCLIC)
        angles = [_rotate_to_largest_gap(x[:, h]) for h in self._cyc]
        # Features whose distance is a squared difference (cyclic ones up to their wrap correction).
        self._sq = np.concatenate([kernel.indices(RBF), self._cyc])
        self._per = kernel.indices(PERIODIC)
        plain = np.column_stack([x[:, kernel.indices(RBF)]] + angles)
        centred = plain - plain.mean(axis=0)
        periodic = x[:, self._per]
        # Columns whose G-products give every gradient term; the last one (ones) gives g = G 1.
        self._columns = np.asfortranarray(np.hstack([centred, np.cos(periodic), np.sin(periodic), np.ones((n, 1))]))
        self._squares = centred**2
        self._angles = angles
        stored = sum(_wrap_count(a) for a in angles) <= MAX_STORED_WRAP_PAIRS
        self._wraps = [_wrap_pairs(a) for a in angles] if stored else None
        self._k = np.empty((n, n))
        self._r = np.empty((n, n))
        self._rhs = np.column_stack([y, np.ones(n)])

    def _wrapping(self):
        """(cyclic position, flat upper indices, excess) for every cyclic feature."""
        for c, angle in enumerate(self._angles):
            yield (c, *(self._wraps[c] if self._wraps is not None else _wrap_pairs(angle)))

    def _negative_exponent(self, theta: np.ndarray) -> np.ndarray:
        """-sum_h theta_h D_h into the work array K, exact on its upper triangle, 0 on the diagonal."""
        k = self._k
        theta_sq, theta_per = theta[self._sq], theta[self._per]
        scale = np.concatenate([np.sqrt(2.0 * theta_sq), np.sqrt(2.0 * theta_per), np.sqrt(2.0 * theta_per)])
        z = self._columns[:, :-1] * scale
        t = self._squares @ theta_sq + theta_per.sum()
        # One product gives z_i.z_j - t_i - t_j for all pairs.
        left = np.column_stack([z, -t, -np.ones(self.n)])
        right = np.column_stack([z, np.ones(self.n), t])
        np.matmul(left, right.T, out=k)
        flat = k.reshape(-1)
        for c, index, excess in self._wrapping():
            flat[index] += (4.0 * np.pi * theta[self._cyc[c]]) * excess
        np.fill_diagonal(k, 0.0)
        return k

    def correlation(self, theta: np.ndarray) -> np.ndarray:
        """K(theta) over the training points, into the work array (no nugget)."""
        k = self._negative_exponent(np.asarray(theta, dtype=float))
        np.copyto(k, k.T, where=np.tri(self.n, k=-1, dtype=bool))
        np.exp(k, out=k)
        return k

    def __call__(self, log_theta, gradient: bool = True):
        return self.evaluate(np.exp(np.asarray(log_theta, dtype=float)), gradient)

    def evaluate(self, theta, gradient: bool = True):
        """ln L at ``theta`` itself (which may hold zeros, as some reference files do)."""
        theta = np.asarray(theta, dtype=float)
        self.n_evaluations += 1
        n, k, r = self.n, self._k, self._r
        np.exp(self._negative_exponent(theta), out=k)
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
        inverse, info = lapack.dpotri(chol, lower=1, overwrite_c=1)
        if info != 0:
            raise NotPositiveDefinite(f"inverse failed (LAPACK potri info={info})")
        # G = (R^-1 - alpha alpha^T / s) o K, on r's upper triangle (the other one holds finite leftovers).
        blas.dsyr(-1.0 / scale, alpha, lower=1, a=inverse, overwrite_a=1)
        np.multiply(r, k, out=r)
        products = blas.dsymm(1.0, inverse, self._columns, side=0, lower=1)
        g = products[:, -1]
        n_sq, n_per = len(self._sq), len(self._per)
        sums = np.empty(self.kernel.n_features)
        sums[self._sq] = 2.0 * (g @ self._squares) - 2.0 * np.einsum("ij,ij->j", self._columns[:, :n_sq],
                                                                     products[:, :n_sq])
        trig = self._columns[:, n_sq:-1] * products[:, n_sq:-1]
        sums[self._per] = 2.0 * g.sum() - 2.0 * (trig[:, :n_per].sum(axis=0) + trig[:, n_per:].sum(axis=0))
        flat = r.reshape(-1)
        for c, index, excess in self._wrapping():
            sums[self._cyc[c]] -= 8.0 * np.pi * np.dot(flat[index], excess)
        return 0.5 * theta * sums
