"""Training protocols: direct learning (DL) and transfer learning (TL) of the hyperparameters.

``run_protocol("tl" | "dl", x, y, settings, callback, cancel)`` is the one entry point the CLI and
the GUI use; ``callback`` receives :class:`fflux_studio.optimize.events.Iteration` events and a set
``cancel`` (threading.Event) raises :class:`fflux_studio.optimize.events.Cancelled`.

Default TL (measured in benchmarks/protocols.py): 3 L-BFGS-B sources on 10 % subsets, the best on
the full set as seed, one growth stage on 30 % of the set, then L-BFGS-B on the full set
preconditioned by the 30 % subset's curvature. DL: L-BFGS-B from ``n_starts`` random starts, or
FEREBUS's PSO.
"""

from __future__ import annotations

import time

import numpy as np

from fflux_studio.protocols.dl import run_dl
from fflux_studio.protocols.result import ProtocolResult, SourceFit
from fflux_studio.protocols.settings import ProtocolSettings
from fflux_studio.protocols.tl import run_tl

PROTOCOLS = {"dl": run_dl, "tl": run_tl}

__all__ = ["ProtocolSettings", "ProtocolResult", "SourceFit", "run_protocol", "PROTOCOLS"]


def run_protocol(protocol: str, x, y, settings: ProtocolSettings | None = None, callback=None,
                 cancel=None) -> ProtocolResult:
    """Train hyperparameters on (x, y) with DL or TL; see the module docstring.

    ``seconds["cpu"]`` is the CPU time of the thread that ran the fit: unlike the wall times, other
    programs on the machine (a browser drawing the run, another fit) do not lengthen it, so TL and DL
    compare fairly on it."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    settings = ProtocolSettings() if settings is None else settings
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must be (n, d) and y (n,); got {x.shape} and {y.shape}")
    cpu = time.thread_time()
    result = PROTOCOLS[protocol](x, y, settings, callback, cancel, time.perf_counter())
    result.seconds["cpu"] = time.thread_time() - cpu
    return result
