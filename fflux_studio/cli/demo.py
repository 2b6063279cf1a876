"""``fflux-studio demo list`` and ``fflux-studio demo path NAME``: find the bundled demo datasets,
e.g. ``fflux-studio train "$(fflux-studio demo path ethanol)" --property atomic_energy``."""

from __future__ import annotations

import sys

from fflux_studio import demo
from fflux_studio.cli.errors import UsageError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="list the bundled demo datasets or print one's path",
        description="The bundled demo datasets (extended XYZ with per-atom energies and charges).")
    actions = parser.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="print the demo names, one a line")
    listing.set_defaults(run=run_list)
    path = actions.add_parser("path", help="print the file of demo NAME")
    path.add_argument("name", metavar="NAME")
    path.set_defaults(run=run_path)


def run_list(args) -> int:
    names = demo.list_demos()
    if not names:
        print(f"no demo datasets in {demo.DEMO_DIR}", file=sys.stderr)
    for name in names:
        print(name)
    return 0


def run_path(args) -> int:
    try:
        print(demo.demo_path(args.name))
    except demo.UnknownDemo as err:
        raise UsageError(str(err)) from None
    return 0
