"""``fflux-studio check``: recompute a .model file's likelihood, weights and mean from its own data."""

from __future__ import annotations

import json
from pathlib import Path

from fflux_studio.io.model_file import read_model
from fflux_studio.model_check import LOG_LIKELIHOOD_TOLERANCE, WEIGHTS_TOLERANCE, check_model
from fflux_studio.units import to_display


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="verify a .model file against its own training data",
        description="Recompute both likelihoods and the weights from the θ and training data stored in a "
                    f".model file. Exit status 0 when ln L agrees within {LOG_LIKELIHOOD_TOLERANCE:g} (relative) "
                    f"and the weights within {WEIGHTS_TOLERANCE:g} (max |Δw| / max |w|), 1 otherwise; an "
                    "inconsistent [mean] value is reported as a defect.")
    parser.add_argument("model", metavar="MODEL", help="a .model file")
    parser.add_argument("--json", metavar="FILE", help="write the findings as JSON")
    parser.set_defaults(run=run)


def run(args) -> int:
    model = read_model(args.model)
    result = check_model(model)
    print(f"{args.model}: {model.system} {model.atom} {model.property_name}, "
          f"{model.n_train} points x {model.n_features} features")
    for kind, value in result.log_likelihoods.items():
        print(f"  {kind} ln L at the stored theta: {value:.12g}")
    if result.stored_log_likelihood is None:
        print("  no stored ln L in the file: nothing to check it against")
    else:
        verdict = "agrees" if result.relative_difference <= LOG_LIKELIHOOD_TOLERANCE else "DISAGREES"
        print(f"  stored ln L {result.stored_log_likelihood:.12g} matches the {result.likelihood} likelihood: "
              f"relative difference {result.relative_difference:.2e} ({verdict})")
    verdict = "agree" if result.weights_max_relative_difference <= WEIGHTS_TOLERANCE else "DISAGREE"
    print(f"  weights: max |dw| / max |w| = {result.weights_max_relative_difference:.2e} ({verdict})")
    if result.mean_consistent:
        print(f"  mean: the stored value {result.stored_mean:.12g} is the mean the weights were computed with")
    else:
        offset, unit = to_display(result.prediction_offset, model.target_unit)
        print(f"  DEFECT: the stored [mean] value {result.stored_mean:.12g} is not the mean the weights were "
              f"computed with ({result.weights_mean:.12g}); predictions made from this file are off by "
              f"{result.prediction_offset:+.6g} {model.target_unit} ({offset:+.4g} {unit}) everywhere")
    if args.json:
        Path(args.json).write_text(json.dumps({"model": str(args.model), **result.as_dict()}, indent=2) + "\n")
    print("  OK" if result.ok else "  FAILED")
    return 0 if result.ok else 1
