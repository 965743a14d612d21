"""Shared fixtures: the real mock backend (a uvicorn subprocess with demo data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.backend import BackendServer, start_backend


@pytest.fixture(scope="session")
def backend_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendServer]:
    server = start_backend(tmp_path_factory.mktemp("backend"), seed="demo", admin=True)
    yield server
    server.stop()


@pytest.fixture
def backend(backend_server: BackendServer) -> Iterator[BackendServer]:
    yield backend_server
    backend_server.reset_state()
