"""What the running client holds: data folder, app database, settings, server, session."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from client.backup.service import recover_interrupted_restore
from client.installed import installed_modules
from client.storage.app_db import AppDatabase
from client.storage.app_models import ChosenRegion, RegisteredUnit
from client.storage.paths import DataPaths, resolve_data_dir
from client.storage.settings import AppSettings, ProxyConfig

if TYPE_CHECKING:  # imported when first used: 单位管理 shows before httpx and pydantic load
    from client.storage.unit_db import UnitDatabase
    from client.sync.api import ApiClient

log = logging.getLogger(__name__)

DEFAULT_SERVER = "http://127.0.0.1:8765"


@dataclass
class UnitSession:
    """A logged-in unit: its API client (with token), database and region."""

    unit: RegisteredUnit
    api: ApiClient
    db: UnitDatabase
    region: ChosenRegion
    initial_password: bool = False

    @property
    def kind(self) -> str:
        return self.unit.kind

    def close(self) -> None:
        self.api.close()
        self.db.close()


@dataclass
class AppContext:
    paths: DataPaths
    app_db: AppDatabase
    settings: AppSettings
    server_url: str
    modules_installed: tuple[str, ...]
    session: UnitSession | None = None
    today: date | None = field(default=None)  # tests may pin the client's date
    # Every client made with the saved proxy, so that saving 网络设置 reaches them all.
    _clients: weakref.WeakSet[ApiClient] = field(
        default_factory=weakref.WeakSet, init=False, repr=False, compare=False
    )
    _clients_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @classmethod
    def open(cls, data_dir: str | None = None, server_url: str | None = None) -> AppContext:
        paths = resolve_data_dir(data_dir)
        recover_interrupted_restore(paths)  # a 恢复 killed half-way: finish or discard it
        app_db = AppDatabase(paths)
        settings = AppSettings(app_db)
        if server_url:
            settings.set_server_url(server_url)
        url = server_url or settings.server_url() or DEFAULT_SERVER
        return cls(paths, app_db, settings, url, installed_modules())

    def api(self, proxy: ProxyConfig | None = None) -> ApiClient:
        """A new API client using the saved proxy, and any proxy saved later (or only the
        one being tested, when `proxy` is given)."""
        from client.sync.api import ApiClient

        if proxy is not None:
            return ApiClient(self.server_url, proxy)
        with self._clients_lock:  # no save may slip between reading the proxy and tracking
            client = ApiClient(self.server_url, self.settings.proxy())
            self._clients.add(client)
        return client

    def set_proxy(self, config: ProxyConfig) -> None:
        """网络设置 保存: stored, and every live API client uses it from its next request."""
        with self._clients_lock:
            self.settings.set_proxy(config)
            clients = list(self._clients)
        for client in clients:
            client.use_proxy(config)

    def local_today(self) -> date:
        return self.today or date.today()

    def region(self) -> ChosenRegion | None:
        return self.app_db.region()

    def available_modules(self, loaded: Collection[str]) -> tuple[str, ...]:
        """Installed modules that loaded and are online in the chosen region (单位管理 switch);
        a module that failed to load is reported instead."""
        region = self.region()
        if region is None:
            return ()
        online = {"employer": region.employer_online, "collector": region.collector_online}
        return tuple(m for m in self.modules_installed if online.get(m) and m in loaded)

    def end_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def discard_session(self, session: UnitSession) -> None:
        """A login the clerk walked away from: its session ends, whether or not it is current."""
        if self.session is session:
            self.end_session()
        else:
            session.close()

    def close_databases(self) -> None:
        """Before 恢复 replaces the files: the session ends and the app database closes."""
        self.end_session()
        self.app_db.close()

    def reopen_databases(self) -> None:
        """After 恢复 (or a refused one): the app database and settings read anew."""
        self.app_db = AppDatabase(self.paths)
        self.settings = AppSettings(self.app_db)

    def close(self) -> None:
        self.end_session()
        self.app_db.close()
