"""The Studio's Deploy step on a bundled demo, as a user runs it, timed and printed as JSON.

A Studio session (no browser; its queue drained by hand as the page's periodic callback would) loads
the demo, presses "Train every atom's atomic_energy (TL and DL)", then "Deploy" with both sets from
the default start frame. Printed: the wall time of each job (worker start included; the goal for the
training on ethanol is well under a minute on one core), the optimiser steps per set, and per set
the RMSD to the GFN2-xTB minimum, the frequency MAE and maximum error and the NVE drift. Wall times
on a shared machine are noisy.

    python benchmarks/studio_deploy.py [--demo ethanol]
"""

from __future__ import annotations

import argparse
import json
import time

from fflux_studio.ui.studio import Studio


def _finish(studio: Studio, timeout: float = 900.0) -> float:
    """Seconds until the session's job has ended and its messages are on the page."""
    started = time.perf_counter()
    while studio.worker.busy or not studio.worker.queue.empty():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{studio.worker.task} did not end within {timeout:.0f} s")
        studio.drain()
        time.sleep(0.05)
    studio.drain()
    if studio.state.status != "done":
        raise RuntimeError(f"{studio.state.task} ended {studio.state.status}: {studio.state.message}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", default="ethanol")
    args = parser.parse_args()
    studio = Studio(demo=args.demo)
    try:
        _finish(studio)
        view = studio.deploy_view
        view.train()
        train_seconds = _finish(studio)
        view.deploy()
        deploy_seconds = _finish(studio)
        sets = {}
        for label, done in view.model.results.items():
            d = done.document
            sets[label] = {"steps": d["steps"], "converged": d["converged"], "rmsd_angstrom": d.get("rmsd_angstrom"),
                           "frequency_mae_cm1": d.get("frequency_mae_cm1"),
                           "frequency_max_error_cm1": d.get("frequency_max_error_cm1"),
                           "nve_drift_ha": d["nve"]["drift_ha"],
                           "nve_drift_slope_ha_per_ps": d["nve"]["drift_slope_ha_per_ps"],
                           "warnings": d["warnings"]}
        print(json.dumps({"demo": args.demo, "start_frame": view.frame.value, "models_trained": len(view.model.tasks),
                          "seeded_from_an_equivalent_atom": view.model.seeded, "train_seconds": train_seconds,
                          "deploy_seconds": deploy_seconds, "sets": sets}, indent=1))
    finally:
        studio._destroyed(None)


if __name__ == "__main__":
    main()
