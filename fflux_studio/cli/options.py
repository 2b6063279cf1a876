"""Options shared by several subcommands."""

from __future__ import annotations

from fflux_studio.chem.alf import ALFError, parse_override
from fflux_studio.cli.errors import UsageError


def add_alf_option(parser) -> None:
    parser.add_argument("--alf", metavar="ATOM:O,X,XY", nargs="+",
                        help="override local frames, e.g. --alf C1:1,3,2 (1-based, as in ICHOR)")


def alf_override(args):
    """The --alf overrides as atom name -> (origin, x-axis, xy-plane), or None."""
    try:
        return parse_override(" ".join(args.alf)) if args.alf else None
    except ALFError as err:
        raise UsageError(str(err)) from None
