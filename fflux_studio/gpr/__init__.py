"""Gaussian-process regression as FEREBUS builds it: numpy and scipy only."""

from fflux_studio.gpr.kernels import Kernel
from fflux_studio.gpr.likelihood import Likelihood, NotPositiveDefinite
from fflux_studio.gpr.model import GPRModel

__all__ = ["Kernel", "Likelihood", "NotPositiveDefinite", "GPRModel"]
