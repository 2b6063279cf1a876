"""The live hyperparameter landscape: ln L over a grid of two log theta, the others held at the
optimiser's current best, recomputed in its own thread as the best moves.

It must never starve the optimiser on a 2-core machine, so after a grid that took ``c`` seconds it
rests ``rest * c`` seconds (at most 1/(1 + rest) of a core), recomputes only when the best point or
the chosen pair has moved, and stops between grid points when told to. It uses its own Likelihood
instance: the optimiser's work arrays are not shared.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from fflux_studio.evaluation import landscape, most_influential
from fflux_studio.gpr import Kernel, Likelihood
from fflux_studio.optimize.events import Cancelled


def grid_points(n_train: int) -> int:
    """Grid side: finer for small training sets, coarser where one evaluation costs more."""
    return 21 if n_train <= 400 else 15 if n_train <= 1000 else 11


class LandscapeTracker:
    """Follows the optimiser's best point and emits ``{"kind": "landscape", ...}`` grids."""

    def __init__(self, x, y, kernel: str, likelihood: str, nugget: float, emit, half_width: float = 3.0,
                 rest: float = 2.0, tolerance: float = 0.05, protocol: str = ""):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.kernel, self.kind, self.nugget = kernel, likelihood, nugget
        self.emit, self.half_width, self.rest, self.tolerance = emit, half_width, rest, tolerance
        self.protocol = protocol
        self.n = grid_points(len(self.y))
        self.pair: tuple[int, int] | None = None
        self._latest = None
        self._phase = ""
        self._auto = None
        self._shown = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._closing = False
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def follow(self, log_theta, phase: str = "") -> None:
        """Called from the optimiser's callback: cheap, just remembers the newest best point."""
        with self._lock:
            self._latest = np.array(log_theta, dtype=float)
            self._phase = phase
        self._wake.set()

    def _auto_pair(self, centre, phase) -> tuple[int, int]:
        """The two most influential features, re-chosen only when the phase changes: every new
        pair redraws the page's landscape figure, which must not happen on every iteration."""
        if self._auto is None or self._auto[0] != phase:
            self._auto = (phase, tuple(int(h) for h in most_influential(centre, self.x)))
        return self._auto[1]

    def choose(self, pair) -> None:
        """The pair of features to slice along, or None for the two most influential at the current
        best (from the page); recomputed at the next chance."""
        self.pair = None if pair is None else (int(pair[0]), int(pair[1]))
        self._shown = None
        self._wake.set()

    def start(self) -> "LandscapeTracker":
        self.thread = threading.Thread(target=self._loop, name="fflux-landscape", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop at once (cancel, session closed)."""
        self._stop.set()
        self._wake.set()

    def finish(self) -> None:
        """Draw the final best point (if it moved), then end; the caller may join the thread."""
        self._closing = True
        self._wake.set()

    def _moved(self, centre, pair) -> bool:
        if self._shown is None:
            return True
        shown_centre, shown_pair = self._shown
        return pair != shown_pair or np.max(np.abs(centre - shown_centre)) > self.tolerance

    def _loop(self) -> None:
        likelihood = Likelihood(self.x, self.y, Kernel.named(self.kernel, self.x.shape[1]), self.kind, self.nugget)
        while not self._stop.is_set():
            if not self._closing:
                self._wake.wait()
                self._wake.clear()
            with self._lock:
                centre = None if self._latest is None else self._latest.copy()
                phase = "final" if self._closing else self._phase
            pair = None
            if centre is not None:
                pair = self.pair or self._auto_pair(centre, phase)
            if pair is None or self._stop.is_set() or not self._moved(centre, pair):
                if self._closing:
                    break
                continue
            began = time.perf_counter()
            i, j = pair
            grid_i = np.linspace(centre[i] - self.half_width, centre[i] + self.half_width, self.n)
            grid_j = np.linspace(centre[j] - self.half_width, centre[j] + self.half_width, self.n)
            try:
                with np.errstate(over="ignore", invalid="ignore"):  # failed corners of the grid are NaN
                    values = landscape(likelihood, centre, i, j, grid_i, grid_j, cancel=self._stop)
            except Cancelled:
                break
            self._shown = (centre, pair)
            cost = time.perf_counter() - began
            self.emit({"kind": "landscape", "protocol": self.protocol, "i": i, "j": j, "grid_i": grid_i.tolist(),
                       "grid_j": grid_j.tolist(), "values": values.tolist(), "centre": centre.tolist(),
                       "seconds": cost})
            if not self._closing:
                self._stop.wait(self.rest * cost)
