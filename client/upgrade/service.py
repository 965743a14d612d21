"""The whole upgrade of §1.3 as one service: check → download → verify → apply → restart.

The UI (client/ui/upgrade_dialog.py, client/ui/about.py) only shows what this returns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from client import __version__
from client.app_context import AppContext
from client.jobs import JobContext
from client.storage.settings import ProxyConfig
from client.sync.api import ApiClient
from client.upgrade.channel import DEFAULT_CHANNEL, UpdateCheck, UpdateInfo, check_for_update
from client.upgrade.download import download_package
from client.upgrade.errors import UpgradeRefused
from client.upgrade.layout import Restart, Spawner, install_root, restart_client
from installer.upgrade import UpgradeError, apply_upgrade, read_current

log = logging.getLogger(__name__)

DOWNLOADS = "updates"  # under the data folder: packages and .part files survive restarts


@dataclass(frozen=True)
class Applied:
    """The result of an upgrade: `installed` false in a development checkout (no D)."""

    version: str
    package: Path
    installed: bool
    message: str


class Upgrader:
    def __init__(
        self,
        server_url: str,
        downloads: Path,
        root: Path | None,
        *,
        proxy: ProxyConfig | None = None,
        channel: str = DEFAULT_CHANNEL,
        key: Ed25519PublicKey | None = None,
        transport: httpx.BaseTransport | None = None,
        spawn: Spawner | None = None,
    ) -> None:
        self.server_url = server_url
        self.downloads = downloads
        self.root = root
        self.proxy = proxy or ProxyConfig()
        self.channel = channel
        self.key = key
        self.transport = transport
        self.spawn = spawn  # how the new version is started (tests pass a recorder)

    @classmethod
    def for_app(cls, app: AppContext, root: Path | None = None) -> Upgrader:
        """The upgrader of the running client: its server, proxy and data folder."""
        return cls(
            app.server_url,
            app.paths.root / DOWNLOADS,
            root if root is not None else install_root(),
            proxy=app.settings.proxy(),
        )

    @property
    def current_version(self) -> str:
        """The installed version (D/current.json), else this program's own version."""
        if self.root is not None:
            state = read_current(self.root)
            if state is not None:
                return state.version
        return __version__

    def check(self) -> UpdateCheck:
        with ApiClient(self.server_url, self.proxy, retries=1) as api:
            return check_for_update(api, self.current_version, self.channel, self.key)

    def download(self, info: UpdateInfo, ctx: JobContext | None = None) -> Path:
        found = download_package(
            info,
            self.server_url,
            self.downloads,
            ctx,
            proxy=self.proxy,
            transport=self.transport,
        )
        return found.path

    def apply(self, info: UpdateInfo, package: Path) -> Applied:
        if self.root is None:
            return Applied(
                info.version,
                package,
                False,
                f"当前是开发环境（不是安装目录），升级包V{info.version}已下载并校验通过，"
                f"未安装：{package}",
            )
        try:
            apply_upgrade(self.root, package, expected_version=info.version)
        except UpgradeError as exc:
            raise UpgradeRefused(exc.message) from exc
        package.unlink(missing_ok=True)  # installed: the download is no longer needed
        return Applied(info.version, package, True, f"新版本V{info.version}已安装。")

    def upgrade(self, info: UpdateInfo, ctx: JobContext | None = None) -> Applied:
        """Download (resuming), verify and apply; nothing is installed on any refusal."""
        ctx = ctx or JobContext()
        package = self.download(info, ctx)
        ctx.check_cancelled()
        ctx.progress("安装新版本", 0, 1)
        applied = self.apply(info, package)
        ctx.progress("安装新版本", 1, 1)
        log.info("upgrade to %s: %s", info.version, applied.message)
        return applied

    def restart(
        self, applied: Applied, args: Sequence[str] = (), spawn: Spawner | None = None
    ) -> Restart:
        if not applied.installed:
            return Restart(False, applied.message)
        return restart_client(self.root, applied.version, args, spawn or self.spawn)
