"""``fflux-studio studio`` serves the Studio on 127.0.0.1 only: a real server in a subprocess, its
listening socket read back from the kernel's table (/proc/net/tcp and tcp6)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from fflux_studio.cli import main

LISTEN = "0A"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses (kernel hex notation) of the sockets listening on ``port``, IPv4 and IPv6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == LISTEN:
                found.add(address)
    return found


def stop_group(process, signum) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group may be gone already
        os.killpg(process.pid, signum)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc/net/tcp")
def test_serves_on_localhost_only(tmp_path):
    port = free_port()
    # Its own process group, so that stopping it also stops any worker processes it started.
    server = subprocess.Popen([sys.executable, "-m", "fflux_studio", "studio", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not listening_addresses(port):
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "the server did not start listening"
            time.sleep(0.2)
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no IPv4 or IPv6 wildcard
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
            assert response.status == 200 and b"FFLUX Studio" in response.read()
    finally:
        stop_group(server, signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            stop_group(server, signal.SIGKILL)
            output, _ = server.communicate()
    assert f"http://127.0.0.1:{port}/" in output


def test_a_port_out_of_range_is_a_usage_error(capsys):
    assert main(["studio", "--port", "70000"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err
