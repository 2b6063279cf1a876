"""The landscape's two axes as the page offers them, in the Train and the Model step alike: one
selector per axis, each naming ln θ of a feature as the figures' axes do (plots.theta_label, counted
from 1 as in FEREBUS), optionally led by AUTO: the two features that matter most to the kernel."""

from __future__ import annotations

import panel as pn
from panel.viewable import Viewer

from fflux_studio.ui.plots import theta_label

AUTO = "most influential"


class PairSelect(Viewer):
    """Two selectors; ``on_change()`` runs when either changes, but not when ``show`` sets them: the
    program showing the pair it draws is no choice of the user's."""

    def __init__(self, on_change, auto: bool = True, **params):
        super().__init__(**params)
        self.auto, self._on_change, self._showing = auto, on_change, False
        self._labels: list[str] = []  # the features offered, in order
        first = [AUTO] if auto else []
        self.x, self.y = (pn.widgets.Select(name=f"Landscape {axis}", options=first, value=first[0] if first else None,
                                            width=150) for axis in "xy")
        for widget in (self.x, self.y):
            widget.param.watch(self._changed, "value")

    def _options(self, n_features: int) -> list[str]:
        self._labels = [theta_label(h) for h in range(n_features)]
        return ([AUTO] if self.auto else []) + self._labels

    def features(self, n_features: int) -> None:
        """Offer ln θ of every feature; a value no longer offered becomes the first option (a change)."""
        options = self._options(n_features)
        for widget in (self.x, self.y):
            widget.options = options
            if widget.value not in options:
                widget.value = options[0]

    def show(self, pair, n_features: int | None = None) -> None:
        """Set the selectors to ``pair`` (None: AUTO on both), after offering ``n_features`` when given."""
        self._showing = True
        try:
            if n_features is not None:
                self.x.options = self.y.options = self._options(n_features)
            self.x.value, self.y.value = (AUTO, AUTO) if pair is None else (theta_label(h) for h in pair)
        finally:
            self._showing = False

    def chosen(self) -> tuple[int, int] | None:
        """The chosen (x, y) features, 0-based; None when either is AUTO. ValueError, in words, for
        the same feature on both axes: a landscape needs two."""
        a, b = self.x.value, self.y.value
        if AUTO in (a, b):
            return None
        if a == b:
            raise ValueError(f"{a} on both axes: choose two different features")
        return self._labels.index(a), self._labels.index(b)

    @property
    def disabled(self) -> bool:
        return self.x.disabled

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self.x.disabled = self.y.disabled = value

    def _changed(self, _event) -> None:
        if not self._showing:
            self._on_change()

    def __panel__(self):
        return pn.Row(self.x, self.y)
