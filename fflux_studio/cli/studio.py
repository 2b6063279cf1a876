"""``fflux-studio studio``: serve the Studio (GUI) on this machine, 127.0.0.1 by default."""

from __future__ import annotations

from fflux_studio.cli.errors import UsageError
from fflux_studio.ui.address import DEFAULT_PORT, LOCAL


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "studio", help="serve the Studio (GUI) in the browser, on this machine only by default",
        description="Serve the FFLUX Studio and print its URL. It listens on 127.0.0.1 (this machine only) "
                    "unless --address says otherwise: anyone who can reach the address can train on this "
                    "machine's CPU and upload files to it.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N", help=f"default: {DEFAULT_PORT}")
    parser.add_argument("--address", default=LOCAL, metavar="A",
                        help=f"interface to listen on (default: {LOCAL}; 0.0.0.0 for every interface)")
    parser.add_argument("--show", action="store_true", help="open the Studio in a browser tab")
    parser.set_defaults(run=run)


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")
    # Imported here so that the other subcommands never load the GUI stack.
    from fflux_studio.ui.server import serve

    serve(port=args.port, address=args.address, show=args.show)
    return 0
