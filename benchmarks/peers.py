"""Other people's GP trainers, fitted on (x, y), returning the theta of our kernel (SPEC section 3).

Each returns (theta, seconds): theta = 1 / (2 l^2) for their k = exp(-d^2 / (2 l^2)), so our
likelihood can be evaluated at their optimum. Both peers fit an amplitude and a noise of their own;
only the length scales carry over (our R is a correlation matrix with a fixed nugget).
"""

from __future__ import annotations

import time

import numpy as np


def sklearn_theta(x, y, nugget: float, restarts: int, random_state) -> tuple[np.ndarray, float]:
    """scikit-learn's GPR: ConstantKernel x anisotropic RBF, normalised y, L-BFGS-B with restarts."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel

    kernel = ConstantKernel(1.0, (1e-8, 1e3)) * RBF(np.ones(x.shape[1]), (1e-3, 1e4))
    gpr = GaussianProcessRegressor(kernel, alpha=nugget, normalize_y=True, n_restarts_optimizer=restarts,
                                   random_state=random_state)
    started = time.perf_counter()
    gpr.fit(x, y)
    return 1.0 / (2.0 * gpr.kernel_.k2.length_scale ** 2), time.perf_counter() - started


def gpytorch_theta(x, y, optimizer: str, iterations: int, seed: int = 0) -> tuple[np.ndarray, float]:
    """GPyTorch's exact GP on the CPU in float64: constant mean, scaled ARD RBF, Gaussian noise.

    ``optimizer`` is ``adam`` (its tutorials' loop: lr 0.1 for ``iterations`` steps) or ``lbfgs``
    (torch.optim.LBFGS with a strong-Wolfe line search, ``iterations`` outer steps). y is
    standardised, as its tutorials do, which leaves the length scales unchanged.
    """
    import gpytorch
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)  # as our fits: one thread per fit on this shared 2-core machine
    train_x = torch.as_tensor(x, dtype=torch.float64)
    train_y = torch.as_tensor((y - y.mean()) / y.std(), dtype=torch.float64)

    class ExactModel(gpytorch.models.ExactGP):
        def __init__(self, likelihood):
            super().__init__(train_x, train_y, likelihood)
            self.mean = gpytorch.means.ConstantMean()
            self.covariance = gpytorch.kernels.ScaleKernel(gpytorch.kernels.RBFKernel(ard_num_dims=x.shape[1]))

        def forward(self, inputs):
            return gpytorch.distributions.MultivariateNormal(self.mean(inputs), self.covariance(inputs))

    likelihood = gpytorch.likelihoods.GaussianLikelihood().double()
    model = ExactModel(likelihood).double()
    model.train(), likelihood.train()
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(likelihood, model)

    def loss():
        return -mll(model(train_x), train_y)

    started = time.perf_counter()
    with gpytorch.settings.max_cholesky_size(10**6):  # exact Cholesky, no CG, at every N used here
        if optimizer == "adam":
            adam = torch.optim.Adam(model.parameters(), lr=0.1)
            for _ in range(iterations):
                adam.zero_grad()
                value = loss()
                value.backward()
                adam.step()
        else:
            lbfgs = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=20, line_search_fn="strong_wolfe")

            def closure():
                lbfgs.zero_grad()
                value = loss()
                value.backward()
                return value
            for _ in range(iterations):
                lbfgs.step(closure)
    seconds = time.perf_counter() - started
    length_scale = model.covariance.base_kernel.lengthscale.detach().numpy().ravel()
    return 1.0 / (2.0 * length_scale ** 2), seconds
