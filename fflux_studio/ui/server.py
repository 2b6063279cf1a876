"""Serving the Studio: one page factory and one ``serve`` for ``fflux-studio studio`` and
``python app.py``, listening on this machine only (127.0.0.1) unless an address is given.

The Studio runs training on the server's CPU and reads uploaded files, so it is not offered to the
network by default; ``--address 0.0.0.0`` opts into every interface.
"""

from __future__ import annotations

import panel as pn

from fflux_studio.ui.address import DEFAULT_PORT, LOCAL, url, websocket_origins
from fflux_studio.ui.studio import Studio

TITLE = "FFLUX Studio"

pn.extension(notifications=True)


def create_page() -> pn.viewable.Viewable:
    """A fresh Studio for one browser session."""
    return Studio().page()


def serve(port: int = DEFAULT_PORT, address: str = LOCAL, show: bool = False) -> None:
    """Serve the Studio at ``address:port`` until interrupted (one independent Studio per tab)."""
    print(f"FFLUX Studio at {url(address, port)} (Ctrl+C stops it)", flush=True)
    pn.serve(create_page, port=port, address=address, show=show, title=TITLE,
             websocket_origin=websocket_origins(address, port), threaded=False)
