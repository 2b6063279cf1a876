"""The live hyperparameter landscape: ln L over a grid of two log theta, the others held at the
optimiser's current best, recomputed in its own thread as the best moves. The grid spans the
full-set optimiser's path and best point (``landscape_window.window``), never the seeds, and is
recomputed when the path leaves it.

The thread owns all its state and learns everything through its inbox (Follow, ChoosePair,
Finish, Stop messages): nothing is written from two threads.

It must never starve the optimiser on a 2-core machine, so after a grid that took ``c`` seconds it
rests ``rest * c`` seconds (at most 1/(1 + rest) of a core), recomputes only when the best point or
the chosen pair has moved, and stops between grid points when told to. Its grids are as fine as
their cost allows: one ln L is timed before the first, and each grid's cost sizes the next
(grid_points), so a large training set gets a coarser grid instead of minutes of work. It uses its
own Likelihood instance: the optimiser's work arrays are not shared.
"""

from __future__ import annotations

import math
import queue
import threading
import time

import numpy as np

from fflux_studio.evaluation import landscape, most_influential
from fflux_studio.gpr import Kernel, Likelihood, NotPositiveDefinite
from fflux_studio.optimize.events import Cancelled
from fflux_studio.ui.landscape_window import contains, window
from fflux_studio.ui.messages import ChoosePair, Finish, Follow, LandscapeGrid, Stop

FULL_SET_PHASES = ("relaxation", "direct")  # the optimiser the page draws as a path


GRID_SECONDS = 20.0
"""What one grid may cost: at N = 5000 one ln L takes seconds, and an 11 x 11 grid after the run
kept the job busy for about 10 minutes after its result was shown."""
MIN_SIDE = 5


def grid_points(n_train: int, point_seconds: float | None = None) -> int:
    """Grid side (odd, so a grid can be centred on a point): finer for small training sets, coarser
    where one evaluation costs more, and given one ln L's measured ``point_seconds``, no more than
    GRID_SECONDS of them (but at least MIN_SIDE per side: a coarser grid shows no landscape)."""
    side = 21 if n_train <= 400 else 15 if n_train <= 1000 else 11
    if point_seconds is not None and point_seconds > 0:
        fits = int(math.sqrt(GRID_SECONDS / point_seconds))
        side = min(side, max(MIN_SIDE, fits if fits % 2 else fits - 1))
    return side


class LandscapeTracker:
    """Follows the optimiser's best point and emits LandscapeGrid messages.

    ``cancel`` (anything with ``is_set``/``wait``, e.g. the job's cancel token) stops a grid half way.
    ``inbox``: the job's queue, where the page's ChoosePair commands also arrive; trackers that share
    it run one after another, each ending at its Finish or Stop.
    """

    def __init__(self, x, y, kernel: str, likelihood: str, nugget: float, emit, half_width: float = 3.0,
                 rest: float = 2.0, tolerance: float = 0.05, protocol: str = "", pair=None, cancel=None,
                 inbox: queue.SimpleQueue | None = None):
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.kernel, self.kind, self.nugget = kernel, likelihood, nugget
        self.emit, self.half_width, self.rest, self.tolerance = emit, half_width, rest, tolerance
        self.protocol = protocol
        self.n = grid_points(len(self.y))
        self.point_seconds: float | None = None
        self.initial_pair = None if pair is None else (int(pair[0]), int(pair[1]))
        self.cancel = cancel if cancel is not None else threading.Event()
        self.inbox = inbox if inbox is not None else queue.SimpleQueue()
        self.thread: threading.Thread | None = None

    def follow(self, log_theta, phase: str = "") -> None:
        """From the optimiser's callback: cheap, just posts the newest best point."""
        self.inbox.put(Follow(np.array(log_theta, dtype=float), phase))

    def choose(self, pair) -> None:
        """The pair of features to slice along, or None for the two most influential at the current best."""
        self.inbox.put(ChoosePair(None if pair is None else (int(pair[0]), int(pair[1]))))

    def start(self) -> "LandscapeTracker":
        self.thread = threading.Thread(target=self._loop, name="fflux-landscape", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop at once (cancel, session closed)."""
        self.inbox.put(Stop())

    def finish(self) -> None:
        """Draw the final best point (if it moved), then end; the caller may join the thread."""
        self.inbox.put(Finish())

    def _loop(self) -> None:
        likelihood = Likelihood(self.x, self.y, Kernel.named(self.kernel, self.x.shape[1]), self.kind, self.nugget)
        view = _View(self.initial_pair)
        while True:
            messages = [self.inbox.get()]
            while not isinstance(messages[-1], (Finish, Stop)) and not self.inbox.empty():
                messages.append(self.inbox.get())
            if not view.read(messages) or self.cancel.is_set():
                return
            pair = view.next_pair(self.x)
            box = None if pair is None else view.window(pair, self.half_width)
            if pair is not None and view.moved(pair, box, self.tolerance):
                try:
                    cost = self._grid(likelihood, view.centre, pair, box)
                except Cancelled:
                    return
                view.shown = (view.centre, pair, box)
                if not view.closing:
                    self.cancel.wait(self.rest * cost)
            if view.closing:
                return

    def _grid(self, likelihood, centre, pair, box) -> float:
        if self.point_seconds is None:
            self.point_seconds = _one_evaluation(likelihood, centre)
            self.n = grid_points(len(self.y), self.point_seconds)
        began = time.perf_counter()
        i, j = pair
        grid_i, grid_j = (np.linspace(low, high, self.n) for low, high in box)
        with np.errstate(over="ignore", invalid="ignore"):  # failed corners of the grid are NaN
            values = landscape(likelihood, centre, i, j, grid_i, grid_j, cancel=self.cancel)
        cost = time.perf_counter() - began
        self.emit(LandscapeGrid(self.protocol, i, j, grid_i, grid_j, values, centre, cost))
        self.point_seconds = cost / self.n ** 2  # the next grid's size follows what this one cost
        self.n = grid_points(len(self.y), self.point_seconds)
        return cost


def _one_evaluation(likelihood, log_theta) -> float | None:
    """Seconds of one ln L at ``log_theta`` (None where R is not positive definite)."""
    began = time.perf_counter()
    try:
        likelihood(np.asarray(log_theta, dtype=float), gradient=False)
    except NotPositiveDefinite:
        return None
    return time.perf_counter() - began


class _View:
    """What the landscape thread knows: the newest best point, the chosen pair, what it drew last."""

    def __init__(self, pair):
        self.pair, self.centre, self.phase, self.path = pair, None, "", []
        self.auto = self.shown = None
        self.closing = False

    def read(self, messages) -> bool:
        """Apply the inbox's messages in order; False after a Stop."""
        for message in messages:
            if isinstance(message, Stop):
                return False
            if isinstance(message, Follow):
                self.centre, self.phase = message.log_theta, message.phase
                if message.phase in FULL_SET_PHASES:
                    self.path.append(message.log_theta)
            elif isinstance(message, ChoosePair):
                self.pair, self.shown = message.pair, None
            elif isinstance(message, Finish):
                self.closing, self.phase = True, "final"
        return True

    def next_pair(self, x) -> tuple[int, int] | None:
        """The chosen pair, or the two most influential features, re-chosen only when the phase
        changes: every new pair redraws the page's landscape figure."""
        if self.centre is None:
            return None
        if self.pair is not None:
            return self.pair
        if self.auto is None or self.auto[0] != self.phase:
            self.auto = (self.phase, tuple(int(h) for h in most_influential(self.centre, x)))
        return self.auto[1]

    def window(self, pair, half_width: float):
        """The ln theta box to compute: the full-set path so far and the best point."""
        path = np.array(self.path).reshape(-1, len(self.centre))[:, list(pair)]
        return window(path, self.centre[list(pair)], half_width)

    def moved(self, pair, box, tolerance: float) -> bool:
        """A new grid is due: another pair, a best point that moved, or a path that left the grid."""
        if self.shown is None:
            return True
        shown_centre, shown_pair, shown_box = self.shown
        return (pair != shown_pair or np.max(np.abs(self.centre - shown_centre)) > tolerance
                or not contains(shown_box, box))
