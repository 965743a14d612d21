"""A mock backend of the upgrade tests' own (no seed): releases published here never reach
the other tests' server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.backend import BackendServer, start_backend
from tests.upgrade.payloads import b64, build_payload


class Channel:
    """The backend's update channel driven through its admin API."""

    def __init__(self, server: BackendServer) -> None:
        self.server = server

    def publish(self, package: Path, version: str, **options: Any) -> dict[str, Any]:
        body = {"version": version, "content_base64": b64(package), **options}
        return dict(self.server.admin_post("updates", body))

    def set_forced(self, version: str, forced: bool) -> dict[str, Any]:
        return dict(
            self.server.admin_post("updates/forced", {"version": version, "forced": forced})
        )

    def clear(self) -> None:
        self.server.admin_delete("updates")


@pytest.fixture(scope="package")
def upgrade_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendServer]:
    server = start_backend(tmp_path_factory.mktemp("upgrade-backend"), seed="none", admin=True)
    yield server
    server.stop()


@pytest.fixture
def channel(upgrade_server: BackendServer) -> Iterator[Channel]:
    yield Channel(upgrade_server)
    upgrade_server.admin_delete("updates")
    upgrade_server.clear_faults()


@pytest.fixture(scope="package")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Payload zips of versions 0.9.0, 1.0.0, 1.1.0 and 1.10.0."""
    folder = tmp_path_factory.mktemp("payloads")
    return {v: build_payload(folder, v) for v in ("0.9.0", "1.0.0", "1.1.0", "1.10.0")}
