"""Curvature of -ln L from finite differences of its analytic gradient, turned into a preconditioner.

In log theta the likelihood is badly conditioned (eigenvalues of the Hessian spread over 3-4 orders
of magnitude), so L-BFGS-B from any start spends most of its evaluations learning that curvature.
On a subset the same curvature costs d + 1 cheap gradient evaluations; scaled by n_full / n_subset
(ln L grows about linearly with the number of points) it preconditions the full-set search.
"""

from __future__ import annotations

import numpy as np

from fflux_studio.gpr import NotPositiveDefinite


def hessian(evaluate, log_theta, step: float = 1e-4) -> np.ndarray:
    """Symmetrised Hessian of -ln L at ``log_theta``; ``evaluate(log_theta)`` returns (ln L, gradient).

    Forward differences, or backward ones where the forward point is not positive definite.
    """
    log_theta = np.asarray(log_theta, dtype=float)
    d = len(log_theta)
    _, centre = evaluate(log_theta)
    columns = np.empty((d, d))
    for j in range(d):
        shifted = log_theta.copy()
        for h in (step, -step):
            shifted[j] = log_theta[j] + h
            try:
                columns[:, j] = (evaluate(shifted)[1] - centre) / h
                break
            except NotPositiveDefinite:
                continue
        else:
            raise NotPositiveDefinite(f"no finite difference possible along feature {j}")
    return -0.5 * (columns + columns.T)


def preconditioner(curvature, scale: float = 1.0, relative_floor: float = 3e-2) -> np.ndarray:
    """T with log theta = origin + T z, so that -ln L is about |z|^2 / 2 near the origin.

    Eigenvalues are made positive (absolute values, at least ``relative_floor`` times the largest):
    negative or tiny curvature belongs to features dying towards theta = 0, where long steps are right,
    but a flat subset direction is rarely as flat on the full set, and stretched too far it costs the
    relaxation evaluations. Measured (TL relaxation evaluations at random states 0/1/2, floors
    1e-3 | 1e-2 | 3e-2 | 1e-1): NMA C1 53/50/128 | 58/53/55 | 60/56/73 | 79/62/86; glycine C1
    (states 0/1) 72/130 | -/73 | 66/62 | -; demo ethanol C1 57/25/34 | 24/23/28 | 22/20/23 | 18/17/17
    and formic acid dimer C1 39 | 40 | 25/20/20 | 24/26/22 (single-start DL: 27/21/18 and 35).
    """
    values, vectors = np.linalg.eigh(scale * np.asarray(curvature, dtype=float))
    largest = max(np.abs(values).max(), np.finfo(float).tiny)
    return vectors / np.sqrt(np.maximum(np.abs(values), relative_floor * largest))
