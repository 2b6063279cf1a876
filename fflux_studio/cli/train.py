"""``fflux-studio train``: fit one model per (atom, property) by TL or DL and write FFLUX .model files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from fflux_studio.cli import UsageError
from fflux_studio.cli.options import add_alf_option, alf_override
from fflux_studio.cli.progress import ProgressPrinter
from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.io.model_file import write_model
from fflux_studio.jobs import TrainingTask, run_tasks
from fflux_studio.metrics import mae, rmse
from fflux_studio.protocols import PROTOCOLS, ProtocolSettings
from fflux_studio.protocols.settings import CHOICES
from fflux_studio.sizes import parse_size
from fflux_studio.splits import random_split
from fflux_studio.units import to_display


def _size(text: str):
    """A fraction or a count (sizes.py), with its own message on the command line."""
    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


DEFAULTS = ProtocolSettings()
SETTINGS_OPTIONS = {
    "optimizer": "TL relaxation / DL search optimiser",
    "seed-optimizer": "optimiser of the TL source models",
    "seeds": "number of TL source models",
    "subset": "size of each TL source subset, a fraction or a count",
    "selection": "how TL picks the seed among its sources",
    "starts": "DL L-BFGS-B random starts",
    "max-iterations": "iteration budget of the L-BFGS-B relaxation / DL search",
    "kernel": "correlation kernel",
    "likelihood": "likelihood maximised",
    "nugget": "added to R's diagonal",
    "random-state": "seed of every random choice",
}
SETTING_FIELDS = {"seeds": "n_seeds", "starts": "n_starts"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train GPR models by transfer learning (tl) or direct learning (dl)",
        description="Train one FFLUX GPR model per atom and property and write it as a .model file.")
    parser.add_argument("data", metavar="DATA", help="training data (a FEREBUS CSV, or any format `inspect` reads)")
    parser.add_argument("--property", required=True,
                        help="property to model, e.g. iqa, q00, q21c, atomic_energy, or 'all' (every property)")
    parser.add_argument("--atom", help="atom to model, e.g. C1 (1-based as in ICHOR), or 'all'; "
                        "optional when DATA holds one atom")
    test = parser.add_mutually_exclusive_group()
    test.add_argument("--test", metavar="FILE", help="held-out test set (e.g. a FEREBUS VALIDATION_SET.csv)")
    test.add_argument("--test-size", type=_size, metavar="N",
                      help="hold out N frames (or a fraction) of DATA as the test set")
    add_alf_option(parser)
    parser.add_argument("--train-size", type=_size, metavar="N",
                        help="train on N frames (or a fraction) of what is not tested (default: all)")
    parser.add_argument("--protocol", choices=tuple(PROTOCOLS), default="tl", help="default: tl")
    for option, help_text in SETTINGS_OPTIONS.items():
        _add_setting(parser, option, help_text)
    parser.add_argument("--out", default="models", metavar="DIR", help="where .model files go (default: models)")
    parser.add_argument("--json", metavar="FILE", help="write a summary of the run as JSON")
    parallel = parser.add_mutually_exclusive_group()
    parallel.add_argument("--jobs", type=int, default=1, metavar="N",
                          help="train several atoms at once in N local processes (one BLAS thread each)")
    parallel.add_argument("--dask", metavar="ADDRESS",
                          help="train atoms on a Dask cluster (scheduler address, or 'local')")
    parser.add_argument("--blas-threads", type=int, default=1, metavar="N",
                        help="BLAS threads per fit (default: 1; more only pays for large sets on idle cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


def _add_setting(parser, option: str, help_text: str) -> None:
    """``--option`` for a ProtocolSettings field: its type, choices and default come from the dataclass."""
    name = SETTING_FIELDS.get(option, option.replace("-", "_"))
    default = getattr(DEFAULTS, name)
    kind = {"subset": _size}.get(name, type(default))
    parser.add_argument(f"--{option}", type=kind, choices=CHOICES.get(name), default=default,
                        metavar=None if name in CHOICES else option.upper().replace("-", "_"),
                        help=f"{help_text} (default: {default})")


def _settings(args) -> ProtocolSettings:
    return ProtocolSettings(**{SETTING_FIELDS.get(option, option.replace("-", "_")):
                               getattr(args, option.replace("-", "_")) for option in SETTINGS_OPTIONS})


def _atoms(dataset, args) -> list[str]:
    if args.atom is None:
        if len(dataset.atoms) == 1:
            return dataset.atom_names
        raise InputError(args.data, f"holds {len(dataset.atoms)} atoms ({', '.join(dataset.atom_names)}); "
                                    "choose one with --atom NAME or --atom all")
    if args.atom.lower() == "all":
        return dataset.atom_names
    return [dataset.atom(args.atom).name]


def _split(dataset, args, alf):
    """(train frames, test dataset or None, test frames)."""
    test = load_dataset(args.test, alf=alf) if args.test else (dataset if args.test_size else None)
    try:
        train, test_frames = random_split(dataset.n_frames, None if args.test else args.test_size,
                                          args.train_size, args.random_state)
    except ValueError as err:
        raise UsageError(str(err)) from None
    return train, test, (np.arange(test.n_frames) if args.test else test_frames)


def _properties(dataset, atom: str, args) -> list[str]:
    return dataset.properties(atom) if args.property.lower() == "all" else [args.property]


def _task(dataset, atom: str, prop: str, args, settings, train) -> TrainingTask:
    x, y = dataset.xy(atom, prop)
    x, y = x[train], y[train]
    if len(y) <= x.shape[1]:
        raise InputError(args.data, f"{len(y)} training points for atom {atom} but {x.shape[1]} features: "
                                    "a model needs more points than features")
    metadata = dataset.model_metadata(atom, prop)
    return TrainingTask(f"{metadata['atom']} {prop}", x, y, args.protocol, settings, metadata)


def _summary(outcome, args, test, test_frames) -> dict:
    """Write the model and describe it (with its test errors when there is a test set)."""
    result, model = outcome.result, outcome.model
    path = write_model(model, args.out)
    summary = {"atom": model.atom, "property": model.property_name, "protocol": args.protocol,
               "optimizer": args.optimizer, "seed_optimizer": args.seed_optimizer if args.protocol == "tl" else None,
               "kernel": args.kernel, "likelihood": args.likelihood, "n_train": model.n_train,
               "n_features": model.n_features, "log_likelihood": result.log_likelihood, "status": result.status,
               "evaluations": int(result.evaluations), "seconds": dict(result.seconds),
               "theta": np.asarray(result.theta).tolist(), "model_file": str(path)}
    if test is not None:
        x_test, y_test = test.xy(model.atom, model.property_name)
        if x_test.shape[1] != model.n_features:
            raise InputError(args.test, f"test set has {x_test.shape[1]} features for atom {model.atom}, "
                                        f"training data has {model.n_features}")
        errors, unit = to_display(model.predict(x_test[test_frames]) - y_test[test_frames], model.target_unit)
        summary["test"] = {"n": int(len(errors)), "rmse": rmse(errors), "mae": mae(errors), "unit": unit}
    return summary


def run(args) -> int:
    if args.jobs < 1 or args.blas_threads < 1:
        raise UsageError("--jobs and --blas-threads must be at least 1")
    alf = alf_override(args)
    dataset = load_dataset(args.data, alf=alf)
    settings = _settings(args)
    train, test, test_frames = _split(dataset, args, alf)
    tasks = [_task(dataset, atom, prop, args, settings, train)
             for atom in _atoms(dataset, args) for prop in _properties(dataset, atom, args)]
    progress = None if args.quiet else (lambda task: ProgressPrinter(task.label))
    summaries = []
    try:
        for outcome in run_tasks(tasks, workers=args.jobs, dask_address=args.dask, progress=progress,
                                 blas_threads=args.blas_threads):
            summary = _summary(outcome, args, test, test_frames)
            summaries.append(summary)
            test_text = ""
            if "test" in summary:
                t = summary["test"]
                test_text = f", test RMSE {t['rmse']:.4g} {t['unit']}, MAE {t['mae']:.4g} {t['unit']} (n={t['n']})"
            print(f"[{len(summaries)}/{len(tasks)}] {outcome.task.label}: ln L {summary['log_likelihood']:.10g} "
                  f"({summary['status']}) in "
                  f"{summary['seconds']['total']:.1f} s{test_text} -> {summary['model_file']}", flush=True)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if args.json:
        document = summaries[0] if len(summaries) == 1 else {"data": args.data, "models": summaries}
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    return 0
