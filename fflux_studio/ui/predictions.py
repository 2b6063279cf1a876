"""A trained model's predictions on the test set, as the Compare step shows them: reference and
predicted values in display units, each point's frame in the loaded data, and the points ranked
from worst to best. Computed in the worker, so the page only draws them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fflux_studio.units import to_display


@dataclass(frozen=True)
class Predictions:
    """``frames[k]`` (1-based, as ``fflux-studio inspect`` counts frames) is test point k;
    ``ranking`` lists test points by decreasing |error|."""

    frames: np.ndarray
    reference: np.ndarray
    predicted: np.ndarray
    errors: np.ndarray
    unit: str
    ranking: np.ndarray

    @classmethod
    def of(cls, model, x_test, y_test, target_unit: str, frames=None) -> Predictions:
        """``model``'s predictions at ``x_test``; ``frames``: the test points' 0-based indices in the
        loaded data (their positions in the test set when not given)."""
        raw = np.asarray(model.predict(x_test), dtype=float)
        y_test = np.asarray(y_test, dtype=float)
        predicted, unit = to_display(raw, target_unit)
        reference, _ = to_display(y_test, target_unit)
        errors, _ = to_display(raw - y_test, target_unit)  # before scaling: no cancellation in large energies
        frames = np.arange(len(y_test)) if frames is None else np.asarray(frames)
        ranking = np.argsort(-np.abs(errors), kind="stable")
        return cls(frames + 1, np.asarray(reference), np.asarray(predicted), np.asarray(errors), unit, ranking)

    def worst(self, count: int) -> dict[str, np.ndarray]:
        """The ``count`` worst-predicted test points, worst first: frame, reference, predicted, error."""
        picked = self.ranking[:count]
        return {"frame": self.frames[picked], "reference": self.reference[picked],
                "predicted": self.predicted[picked], "error": self.errors[picked]}
