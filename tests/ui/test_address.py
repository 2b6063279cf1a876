"""Where the Studio listens and which page origins its websocket accepts."""

from fflux_studio.ui.address import LOCAL, url, websocket_origins


def test_a_local_server_accepts_only_local_pages():
    assert LOCAL == "127.0.0.1" and url(LOCAL, 5006) == url("localhost", 5006) == "http://127.0.0.1:5006/"
    assert websocket_origins(LOCAL, 5006) == ["localhost:5006", "127.0.0.1:5006"]


def test_an_address_the_user_opened_accepts_any_page():
    assert url("0.0.0.0", 8080) == "http://0.0.0.0:8080/" and websocket_origins("0.0.0.0", 8080) == ["*"]
