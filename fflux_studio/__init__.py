"""FFLUX Studio: anisotropic GPR models for FFLUX, trained by transfer learning of hyperparameters."""

__version__ = "0.1.0"
