"""Curvature transfer: finite-difference Hessian of -ln L and the preconditioner built from it."""

import numpy as np

from fflux_studio.optimize.curvature import hessian, preconditioner
from fflux_studio.optimize.lbfgs import lbfgs

from .conftest import Bowl


def test_hessian_of_a_bowl_and_its_preconditioner_whiten_it(bowl):
    curvature = hessian(bowl, np.zeros(3))
    np.testing.assert_allclose(curvature, 2.0 * np.eye(3), atol=1e-6)
    transform = preconditioner(curvature, scale=4.0)
    np.testing.assert_allclose(transform.T @ (4.0 * curvature) @ transform, np.eye(3), atol=1e-9)


def test_hessian_steps_backwards_at_a_wall():
    """Mirrored so the wall sits just above the point: the forward step fails, the backward one works."""
    wall = Bowl([-0.3, 1.2], wall=0.0)

    def mirrored(log_theta):
        value, gradient = wall(-np.asarray(log_theta))
        return value, -gradient

    np.testing.assert_allclose(hessian(mirrored, np.zeros(2)), 2.0 * np.eye(2), atol=1e-4)
    assert wall.failures == 1


def test_preconditioned_lbfgs_finds_an_anisotropic_optimum_in_few_steps(ammonia):
    start = np.array([1.0, 0.5, -1.7, 0.4, -1.2, -2.2])
    transform = preconditioner(hessian(ammonia, start))
    plain = lbfgs(ammonia, start)
    fast = lbfgs(ammonia, start, transform=transform)
    assert fast.log_likelihood >= plain.log_likelihood - 1e-4
    assert fast.evaluations < plain.evaluations
