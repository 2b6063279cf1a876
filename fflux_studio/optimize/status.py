"""Why an optimiser run stopped: the words ``train --json`` and the Studio's run summary show.

- ``converged``: the optimiser's own test passed (L-BFGS-B: relative change of -ln L <= ftol, or
  projected gradient <= gtol).
- ``budget reached``: its iteration or evaluation cap ended the run first.
- ``stalled``: the best ln L stopped rising (the L-BFGS-B stall window, FEREBUS's PSO tolerance,
  which tests no gradient, or a line search that found no better point).
- ``cancelled``: its cancel token was set (carried by the Cancelled exception, see events.py).
"""

CONVERGED = "converged"
BUDGET_REACHED = "budget reached"
STALLED = "stalled"
CANCELLED = "cancelled"
