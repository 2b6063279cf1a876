"""Where the Studio listens: this machine only (127.0.0.1) unless the user names an address.

No GUI imports, so the command line can read these without loading Panel.
"""

LOCAL = "127.0.0.1"
DEFAULT_PORT = 5006
LOOPBACK = {LOCAL, "localhost", "::1"}


def url(address: str, port: int) -> str:
    """The URL to open for a server listening on ``address:port``."""
    host = LOCAL if address in LOOPBACK else address
    return f"http://{host}:{port}/"


def websocket_origins(address: str, port: int) -> list[str]:
    """The page origins Bokeh accepts: the local names for a local server; any once the user has
    opened it to the network (the page is then reached by whatever name the network gives it)."""
    return [f"localhost:{port}", f"{LOCAL}:{port}"] if address in LOOPBACK else ["*"]
