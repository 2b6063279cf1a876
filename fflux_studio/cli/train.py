"""``fflux-studio train``: every model of a molecule (atoms × properties) as one resumable campaign.

The models, and a manifest ``campaign.json`` of every task, go into the ``--out`` folder; running
the same command again trains only what is missing or changed. The exit status is the number of
models that failed (0: all good), 130 after Ctrl-C, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from rich.console import Console

from fflux_studio.campaign import DaskExecutor, InProcessExecutor, ProcessExecutor, plan_tasks, run_campaign
from fflux_studio.campaign.task import TRANSFERS
from fflux_studio.cli.campaign_display import CampaignDisplay, summary_table
from fflux_studio.cli.errors import UsageError
from fflux_studio.cli.options import add_alf_option, alf_override
from fflux_studio.io.errors import InputError
from fflux_studio.io.load import load_dataset
from fflux_studio.protocols import PROTOCOLS, ProtocolSettings
from fflux_studio.protocols.settings import CHOICES
from fflux_studio.sizes import parse_size
from fflux_studio.splits import random_split

INTERRUPTED = 130
MOST_FAILURES = 100
SUMMARY_WIDTH = 160  # of the summary table in a log file, where no terminal says how wide


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
                        help="properties to model, e.g. iqa, q00, q21c, atomic_energy, a list (iqa,q00) or 'all'")
    parser.add_argument("--atom", help="atoms to model, e.g. C1 (1-based as in ICHOR), a list (C1,H7) or 'all'; "
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
    parser.add_argument("--transfer", choices=TRANSFERS,
                        help="seed models from finished related ones instead of TL's sources: 'atoms' from a "
                             "chemically equivalent atom (same property), 'all' also each atom's later properties "
                             "from its first (default: atoms with --protocol tl, none with dl; "
                             "measured in benchmarks/campaign.py)")
    parser.add_argument("--out", default="models", metavar="DIR",
                        help="campaign folder: .model files and campaign.json (default: models)")
    parser.add_argument("--json", metavar="FILE", help="also write the campaign's manifest to FILE")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="train N models at once in local processes (one BLAS thread each), "
                             "or the number of workers of --dask local")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="train on a Dask cluster: a scheduler address, or 'local' for one on this machine")
    parser.add_argument("--blas-threads", type=int, default=1, metavar="N",
                        help="BLAS threads per fit (default: 1; more only pays for large sets on idle cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress display on stderr")
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
    try:
        return ProtocolSettings(**{SETTING_FIELDS.get(option, option.replace("-", "_")):
                                   getattr(args, option.replace("-", "_")) for option in SETTINGS_OPTIONS})
    except ValueError as err:
        raise UsageError(str(err)) from None


def _names(text: str) -> list[str]:
    return [name for name in text.replace(",", " ").split() if name]


def _atoms(dataset, args) -> list[str]:
    if args.atom is None:
        if len(dataset.atoms) == 1:
            return dataset.atom_names
        raise InputError(args.data, f"holds {len(dataset.atoms)} atoms ({', '.join(dataset.atom_names)}); "
                                    "choose with --atom NAME[,NAME...] or --atom all")
    if args.atom.lower() == "all":
        return dataset.atom_names
    return [dataset.atom(name).name for name in _names(args.atom)]


def _properties(dataset, atoms, args) -> list[str]:
    """The listed properties, or with 'all' every property any chosen atom has (in first-seen order)."""
    if args.property.lower() != "all":
        return _names(args.property)
    return list(dict.fromkeys(prop for atom in atoms for prop in dataset.properties(atom)))


def _split(dataset, args, alf):
    """(train frames, (test dataset, test frames) or None)."""
    test = load_dataset(args.test, alf=alf) if args.test else (dataset if args.test_size else None)
    try:
        train, test_frames = random_split(dataset.n_frames, None if args.test else args.test_size,
                                          args.train_size, args.random_state)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if test is None:
        return train, None
    for atom in dataset.atom_names:
        if atom in test.atoms and test.atom(atom).features.shape[1] != dataset.atom(atom).features.shape[1]:
            raise InputError(args.test, f"test set has {test.atom(atom).features.shape[1]} features for atom "
                                        f"{atom}, training data has {dataset.atom(atom).features.shape[1]}")
    return train, (test, np.arange(test.n_frames) if args.test else test_frames)


def _executor(args, display, cancel):
    if args.jobs < 1 or args.blas_threads < 1:
        raise UsageError("--jobs and --blas-threads must be at least 1")
    if args.dask:
        if args.jobs > 1 and args.dask != "local":
            raise UsageError("--jobs sets the workers of --dask local; a cluster at an address has its own")
        try:
            return DaskExecutor(args.dask, workers=args.jobs if args.jobs > 1 else None, blas_threads=args.blas_threads)
        except OSError as err:
            raise UsageError(f"--dask {args.dask}: cannot reach the scheduler ({err})") from None
    if args.jobs > 1:
        return ProcessExecutor(args.jobs, blas_threads=args.blas_threads)
    return InProcessExecutor(args.blas_threads, callback=display.iteration, cancel=cancel)


@contextmanager
def _first_interrupt_cancels(cancel: threading.Event):
    """Ctrl-C once: cancel running tasks and keep finished ones; twice: stop at once."""
    def stop(signum, frame):
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(args) -> int:
    alf = alf_override(args)
    dataset = load_dataset(args.data, alf=alf)
    settings = _settings(args)
    train, test = _split(dataset, args, alf)
    atoms = _atoms(dataset, args)
    for atom in atoms:
        n_features = dataset.atom(atom).features.shape[1]
        if len(train) <= n_features:
            raise InputError(args.data, f"{len(train)} training points for atom {atom} but {n_features} features: "
                                        "a model needs more points than features")
        if args.protocol == "tl":
            try:
                settings.subset_size(len(train), n_features)
            except ValueError as err:
                raise UsageError(f"--subset for atom {atom}: {err}") from None
    try:
        tasks = plan_tasks(dataset, atoms, _properties(dataset, atoms, args), args.protocol, settings, train,
                           test=test, transfer=args.transfer or ("atoms" if args.protocol == "tl" else "none"))
    except ValueError as err:
        raise UsageError(str(err)) from None
    cancel = threading.Event()
    with CampaignDisplay(len(tasks), quiet=args.quiet) as display, _first_interrupt_cancels(cancel):
        document = run_campaign(tasks, args.out, _executor(args, display, cancel), on_event=display.on_event,
                                cancel=cancel, data=str(args.data))
    console = Console()
    (console if console.is_terminal else Console(width=SUMMARY_WIDTH)).print(summary_table(document))
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    if cancel.is_set():
        return INTERRUPTED
    return min(document["counts"].get("failed", 0), MOST_FAILURES)
