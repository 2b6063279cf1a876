"""Progress lines on stderr for long CLI runs: phase changes at once, otherwise at most every few seconds."""

from __future__ import annotations

import sys
import time


class ProgressPrinter:
    """An optimiser callback that prints where the run is, without flooding a batch log."""

    def __init__(self, label: str = "", interval: float = 2.0, stream=None):
        self.label = label
        self.interval = interval
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._phase = None

    def __call__(self, event) -> None:
        now = time.monotonic()
        key = (event.phase, event.source)
        if key == self._phase and now - self._last < self.interval:
            return
        self._phase, self._last = key, now
        source = f" {event.source + 1}" if event.source is not None else ""
        prefix = f"{self.label}: " if self.label else ""
        print(f"{prefix}{event.phase}{source}: iteration {event.iteration}, ln L {event.log_likelihood:.6g}, "
              f"{event.evaluations} evaluations, {event.seconds:.1f} s", file=self.stream, flush=True)
