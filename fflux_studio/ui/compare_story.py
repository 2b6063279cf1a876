"""What a student reads on the Compare step: TL against DL in words, and what each DL baseline is
before it runs. On a set too small to seed (the opening demo) TL is one L-BFGS-B start by design,
so against the L-BFGS-B baseline both protocols run the same search; the texts say so, and say what
the paper's comparison (against FEREBUS's PSO) will cost here."""

from __future__ import annotations

import math
from dataclasses import replace

from fflux_studio.protocols.settings import MIN_POINTS_PER_FEATURE, SMALL_SET_MARGIN, ProtocolSettings
from fflux_studio.ui.progress import ProgressEstimate, seconds_text


def baseline_name(settings: dict) -> str:
    if settings["optimizer"] == "pso":
        return "PSO"
    starts = settings["n_starts"]
    return f"L-BFGS-B, {starts} start{'s' if starts > 1 else ''}"


def speedup_text(runs: dict) -> str:
    """TL against DL in words and numbers: wall times, the factor, whether the models agree, and,
    when TL trained directly, that it was one L-BFGS-B start and why."""
    if not {"tl", "dl"} <= set(runs):
        return ""
    tl, dl = runs["tl"].metrics, runs["dl"].metrics
    t_tl, t_dl = tl["seconds"]["total"], dl["seconds"]["total"]
    c_tl, c_dl = tl["seconds"].get("cpu"), dl["seconds"].get("cpu")
    on_cpu = bool(c_tl and c_dl)
    factor = (c_dl / c_tl) if on_cpu else (t_dl / t_tl if t_tl > 0 else float("inf"))
    verdict = (f"TL was **{factor:.1f}× faster**" if factor >= 1 else f"TL was **{1 / factor:.1f}× slower**")
    if _same_search(tl, dl) and tl["evaluations"] == dl["evaluations"]:
        verdict = f"the same {tl['evaluations']} evaluations each: no speed-up to expect, a gap in time is the machine's, not the method's"
    same_fit = abs(tl["log_likelihood"] - dl["log_likelihood"]) <= 1e-4 * max(1.0, abs(dl["log_likelihood"]))
    agreement = ("both reached the same ln L (to 4 digits)" if same_fit else
                 f"ln L {tl['log_likelihood']:.6g} (TL) against {dl['log_likelihood']:.6g} (DL)")
    timing = (f"TL {t_tl:.3g} s, DL {t_dl:.3g} s of wall time, {c_tl:.3g} s and {c_dl:.3g} s of CPU time (the "
              "factor's, which other programs on the machine do not lengthen)" if on_cpu else
              f"TL {t_tl:.3g} s, DL {t_dl:.3g} s")
    summary = (f"Against the **{baseline_name(dl['settings'])}** baseline: {timing}, "
               f"{verdict}; {agreement}; test RMSE {tl['test_rmse']:.4g} (TL) and {dl['test_rmse']:.4g} (DL) "
               f"{tl['unit']}.")
    return summary if not tl.get("plan") else summary + "\n\n" + direct_text(tl, dl)


def direct_text(tl: dict, dl: dict) -> str:
    """Why TL trained without sources, what it was instead, and how to see seeding at work."""
    reason = tl["plan"].removeprefix("direct: ").split("; ")[0]
    settings = tl["settings"]
    search = "one L-BFGS-B start" if settings["optimizer"] == "lbfgs" else "one PSO swarm"
    text = f"**TL trained directly here, by design**: {reason}, so TL was {search} on the full set, without sources."
    if _same_search(tl, dl):
        text += (" DL made the same search from the same random start: equal ln L and RMSE are expected, and a "
                 "gap in time comes from the machine, not from the method.")
    elif dl["settings"]["optimizer"] == "pso":
        text += " The factor above is that of one L-BFGS-B start over FEREBUS's PSO."
    smallest = _smallest_seeded(settings, len(tl["theta"]))
    if smallest is not None:
        text += f" TL seeds from {smallest} training points on (Data step)."
    return text


def baseline_text(optimizer: str, settings: ProtocolSettings, n_train: int, n_features: int, runs: dict) -> str:
    """The chosen baseline explained before it runs, with what the PSO baseline will cost here."""
    direct = settings.small_set_direct and settings.seed_optimizer == "lbfgs" and not settings.seeding_pays(
        n_train, n_features)
    if optimizer == "lbfgs":
        text = (f"**L-BFGS-B baseline** (takes seconds): DL is {settings.n_starts} L-BFGS-B start"
                f"{'s' if settings.n_starts > 1 else ''} from random points on the full set.")
        if direct:
            minimum = MIN_POINTS_PER_FEATURE * n_features
            text += (f" On {n_train} training points TL trains directly (a source needs {MIN_POINTS_PER_FEATURE} × "
                     f"{n_features} = {minimum} points, more than {SMALL_SET_MARGIN:g} × the subset fraction), so it is "
                     f"the same single start: expect the same result in about the same time; TL seeds from "
                     f"{settings.smallest_seeded_set(n_features)} training points on.")
        return text + " The paper's baseline is FEREBUS's PSO: choose **PSO (as in the paper)**."
    swarm, stall, budget = settings.pso_swarm, settings.pso_stall_iterations, settings.pso_max_iterations
    text = (f"**PSO baseline, as in the paper**: FEREBUS's swarm of {swarm} particles stops after {stall} iterations "
            f"without a gain, at most after {budget}: {swarm * (stall + 2):,} to {swarm * (budget + 1):,} evaluations "
            f"of ln L on {n_train} points.")
    costs = _measured_costs(runs, n_train)
    if not costs:
        return text + " It takes minutes where L-BFGS-B takes seconds; after an L-BFGS-B run here its time is said."
    swarm_settings = replace(settings, optimizer="pso")

    def estimate(cost):
        estimate = ProgressEstimate.for_settings("dl", swarm_settings, n_train, n_features)
        estimate.measured(n_train, "gradient", *cost)
        return estimate

    cheapest = estimate(min(costs, key=lambda c: c[0] / c[1]))
    dearest = estimate(max(costs, key=lambda c: c[0] / c[1]))
    return (text + f" Expected here, from this session's L-BFGS-B runs on these points: at least "
                   f"{seconds_text(cheapest.lower(), math.floor)}, at most {seconds_text(dearest.bound(), math.ceil)}.")


def _same_search(tl: dict, dl: dict) -> bool:
    """TL trained directly and DL is one L-BFGS-B start with the same random state: one computation twice."""
    settings, baseline = tl["settings"], dl["settings"]
    return bool(tl.get("plan")) and settings["optimizer"] == baseline["optimizer"] == "lbfgs" and (
        baseline["n_starts"] == 1 and baseline["random_state"] == settings["random_state"])


def _smallest_seeded(settings: dict, n_features: int) -> int | None:
    return ProtocolSettings(**{**settings, "stages": tuple(settings["stages"])}).smallest_seeded_set(n_features)


def _measured_costs(runs: dict, n_train: int) -> list[tuple[float, int]]:
    """(seconds, evaluations) of each finished all-full-set L-BFGS-B run on ``n_train`` points."""
    costs = []
    for run in runs.values():
        m = run.metrics
        full_set = m["protocol"] == "dl" or m.get("plan")
        if full_set and m["settings"]["optimizer"] == "lbfgs" and m["n_train"] == n_train and m["evaluations"]:
            costs.append((m["seconds"]["total"], m["evaluations"]))
    return costs
