"""dev.py's choices that need no subprocess: the port `run` gives the backend, the venv stamp."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import dev
from client.app_context import DEFAULT_SERVER


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_defaults_to_the_clients_built_in_server_port() -> None:
    assert f"http://127.0.0.1:{dev.DEFAULT_PORT}" == DEFAULT_SERVER


def test_default_port_is_used_when_free(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setattr(dev, "DEFAULT_PORT", port)
    assert dev.backend_port(None) == port


def test_busy_default_port_falls_back_to_a_free_one_with_a_note(
    monkeypatch: pytest.MonkeyPatch, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dev, "DEFAULT_PORT", busy_port)
    assert dev.backend_port(None) == 0  # the backend picks a free port and prints it
    note = capsys.readouterr().out
    assert f"port {busy_port} is busy" in note and "--server" in note


def test_an_explicit_port_is_kept_even_if_busy(busy_port: int) -> None:
    assert dev.backend_port(busy_port) == busy_port
    assert dev.backend_port(0) == 0
    assert not dev.port_is_free(busy_port)


def test_venv_stamp_keeps_extras_only_for_the_same_pyproject(tmp_path: Path) -> None:
    stamp = tmp_path / ".dev-installed"
    assert dev._installed_extras(stamp, "abc") == set()
    stamp.write_text("abc\nbackend,build,dev\n", encoding="utf-8")
    assert dev._installed_extras(stamp, "abc") == {"backend", "build", "dev"}
    assert dev._installed_extras(stamp, "changed") == set()
    stamp.write_text("0123old-format-hash\n", encoding="utf-8")
    assert dev._installed_extras(stamp, "abc") == set()
