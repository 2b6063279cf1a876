"""The anisotropic correlation kernels of FEREBUS, described feature by feature.

A FEREBUS kernel is exp(-sum_h theta_h * D_h(x_h, x'_h)), and a product of kernels over disjoint
feature sets is the same exponential with the terms of each. So one kernel is fully described by
the kind of distance each feature uses:

- ``rbf``:      D = d**2
- ``cyclic``:   D = wrap(d)**2, wrap(d) = sign(d) * (mod(|d| + pi, 2 pi) - pi)
- ``periodic``: D = 4 sin(d / 2)**2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RBF, CYCLIC, PERIODIC = "rbf", "cyclic", "periodic"
_BLOCK = 2**22  # numbers in one work array of differences
FEATURE_KINDS = (RBF, CYCLIC, PERIODIC)
KERNEL_NAMES = ("rbf", "rbf-cyclic", "periodic")


@dataclass(frozen=True)
class Kernel:
    """Per-feature distance kinds of one (possibly composite) kernel."""

    kinds: tuple[str, ...]

    def __post_init__(self):
        unknown = sorted(set(self.kinds) - set(FEATURE_KINDS))
        if unknown:
            raise ValueError(f"unknown feature kind(s) {unknown}; expected one of {FEATURE_KINDS}")

    @classmethod
    def named(cls, name: str, n_features: int) -> "Kernel":
        """The kernel FEREBUS calls ``name`` over ``n_features`` features."""
        if name == "rbf":
            return cls((RBF,) * n_features)
        if name == "rbf-cyclic":
            return cls(tuple(CYCLIC if (h + 1) % 3 == 0 else RBF for h in range(n_features)))
        if name == "periodic":
            return cls((PERIODIC,) * n_features)
        raise ValueError(f"unknown kernel {name!r}; expected one of {', '.join(KERNEL_NAMES)}")

    @property
    def n_features(self) -> int:
        return len(self.kinds)

    def indices(self, kind: str) -> np.ndarray:
        return np.array([h for h, k in enumerate(self.kinds) if k == kind], dtype=int)

    @property
    def name(self) -> str:
        """The FEREBUS name when the kernel is one of the named ones, else ``composite``."""
        for name in KERNEL_NAMES:
            if self == Kernel.named(name, self.n_features):
                return name
        return "composite"


def wrap(d: np.ndarray) -> np.ndarray:
    """FEREBUS's cyclic wrap of an angle difference into [-pi, pi)."""
    return np.sign(d) * (np.mod(np.abs(d) + np.pi, 2 * np.pi) - np.pi)


def cross_exponent(theta: np.ndarray, kernel: Kernel, xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """sum_h theta_h D_h between every row of ``xa`` and every row of ``xb``, feature by feature.

    Exact (no cancellation), so it is the reference the fast likelihood is tested against and the
    form used for predictions, where accuracy matters more than speed. One work array is reused
    for every feature, since a fresh one per feature costs more than the arithmetic.
    """
    out = np.zeros((xa.shape[0], xb.shape[0]))
    d = np.empty_like(out)
    for h, kind in enumerate(kernel.kinds):
        if theta[h] == 0.0:
            continue
        np.subtract(xa[:, h, None], xb[None, :, h], out=d)
        if kind == CYCLIC:
            np.abs(d, out=d)
            d += np.pi
            np.mod(d, 2 * np.pi, out=d)
            d -= np.pi
        elif kind == PERIODIC:
            d *= 0.5
            np.sin(d, out=d)
            d *= 2.0
        np.square(d, out=d)
        d *= theta[h]
        out += d
    return out


def correlation(theta: np.ndarray, kernel: Kernel, xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """k(xa_i, xb_j) for all pairs (no nugget)."""
    return np.exp(-cross_exponent(theta, kernel, xa, xb))


def weighted_exponent_gradient(theta: np.ndarray, kernel: Kernel, xa: np.ndarray, xb: np.ndarray,
                               c: np.ndarray) -> np.ndarray:
    """sum_j c_ij d(sum_h theta_h D_h)/d xa_ih for every row i of ``xa`` and feature h: (n, d).

    dD/dd is 2 d (rbf), 2 wrap(d) (cyclic: the wrap has slope 1 between its jumps) and 2 sin d
    (periodic, from 4 sin^2(d/2)); with c = k * w this gives the gradient of a prediction (SPEC §9).
    All features at once, a block of rows at a time (a force field asks for one row per atom).
    """
    cyclic, periodic = kernel.indices(CYCLIC), kernel.indices(PERIODIC)
    out = np.empty((xa.shape[0], kernel.n_features))
    rows = max(1, _BLOCK // max(1, xb.size))
    for start in range(0, xa.shape[0], rows):
        d = xa[start:start + rows, None, :] - xb[None, :, :]
        d[:, :, cyclic] = wrap(d[:, :, cyclic])
        d[:, :, periodic] = np.sin(d[:, :, periodic])
        out[start:start + rows] = 2.0 * theta * np.einsum("ij,ijh->ih", c[start:start + rows], d)
    return out
