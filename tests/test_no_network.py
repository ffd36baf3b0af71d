"""The suite's own guard: a test that tried to reach beyond loopback would fail loudly."""

from __future__ import annotations

import socket

import pytest


def test_real_names_are_not_resolved() -> None:
    with pytest.raises(socket.gaierror, match="tests may not resolve"):
        socket.getaddrinfo("www.dailynk.com", 443)


def test_outside_addresses_are_not_connected() -> None:
    with socket.socket() as sock, pytest.raises(OSError, match="tests may not connect"):
        sock.connect(("192.0.2.1", 80))


def test_loopback_still_works() -> None:
    assert socket.getaddrinfo("localhost", 80)
    assert socket.getaddrinfo("127.0.0.1", 80)
