"""The suite runs with outbound network refused: a test that tried to download would fail."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_outbound_sockets_are_refused() -> None:
    # 127.0.0.2 is loopback (harmless if the guard were missing: connection refused) but not in
    # the allow-list, so the guard must block it before any packet is sent.
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("127.0.0.2", 9), timeout=1)


def test_duckdb_never_autoloads_extensions(tmp_path) -> None:
    from healthradar.engine import open_warehouse

    wh = open_warehouse("duckdb", tmp_path)
    con = wh._con  # type: ignore[attr-defined]  # the test inspects the backend's settings
    try:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
    finally:
        con.close()
    assert settings == {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
