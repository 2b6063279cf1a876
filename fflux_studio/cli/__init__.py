"""The ``fflux-studio`` command: headless training, checking and inspection for batch and HPC use.

Each subcommand lives in its own module with ``register(subparsers)``; bad input ends with one
line on stderr naming the file and problem, and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from fflux_studio import __version__
from fflux_studio.cli.errors import UsageError
from fflux_studio.dataset import DatasetError
from fflux_studio.gpr.likelihood import NotPositiveDefinite
from fflux_studio.io.errors import InputError
from fflux_studio.optimize.events import Cancelled

SUBCOMMANDS = ("train", "check", "inspect", "demo", "optimize", "studio")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fflux-studio",
        description="Train FFLUX's anisotropic GPR models by transfer learning (TL) or direct learning (DL).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = __import__(f"fflux_studio.cli.{name}", fromlist=["register"])
        module.register(subparsers)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (InputError, DatasetError, UsageError, NotPositiveDefinite) as err:
        print(f"fflux-studio {args.command}: error: {err}", file=sys.stderr)
        return 2
    except Cancelled:
        print(f"fflux-studio {args.command}: cancelled", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"fflux-studio {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
