"""Typed access to the client's settings (server, proxy, list paging, column widths)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import quote

from client.storage.app_db import AppDatabase

PROXY_MODES = ("none", "http", "socks5")
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10_000
MIN_COLUMN_WIDTH = 30


@dataclass(frozen=True)
class ProxyConfig:
    """网络设置: how every request leaves this computer."""

    mode: str = "none"  # "none" | "http" | "socks5"
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""

    def url(self) -> str | None:
        """The proxy URL for httpx, or None for a direct connection."""
        if self.mode == "none":
            return None
        scheme = "socks5" if self.mode == "socks5" else "http"
        auth = ""
        if self.username:
            auth = quote(self.username, safe="")
            if self.password:
                auth += ":" + quote(self.password, safe="")
            auth += "@"
        return f"{scheme}://{auth}{self.host}:{self.port}"

    def validation_error(self) -> str | None:
        """A Chinese sentence saying what is missing, or None when the settings are usable."""
        if self.mode not in PROXY_MODES:
            return "代理方式只能是不使用代理、HTTP代理或SOCKS5代理。"
        if self.mode == "none":
            return None
        if not self.host.strip():
            return "请填写代理服务器地址。"
        if not 1 <= int(self.port) <= 65535:
            return "代理端口必须是1到65535之间的数字。"
        if self.password and not self.username:
            return "填写了代理密码时，请同时填写代理用户名。"
        return None


class AppSettings:
    def __init__(self, db: AppDatabase) -> None:
        self._db = db

    # -- server --------------------------------------------------------------------
    def server_url(self) -> str | None:
        return self._db.get_setting("server_url")

    def set_server_url(self, url: str) -> None:
        self._db.set_setting("server_url", url.rstrip("/"))

    # -- proxy (网络设置); the password is encrypted at rest --------------------------------
    def proxy(self) -> ProxyConfig:
        raw: dict[str, Any] | None = self._db.get_setting("proxy")
        if not raw:
            return ProxyConfig()
        secret = raw.pop("password_encrypted", "")
        password = (self._db.secrets.decrypt(secret) or "") if secret else ""
        return ProxyConfig(**{k: v for k, v in raw.items() if k != "password"}, password=password)

    def set_proxy(self, config: ProxyConfig) -> None:
        stored = asdict(replace(config, password=""))
        del stored["password"]
        stored["password_encrypted"] = (
            self._db.secrets.encrypt(config.password) if config.password else ""
        )
        self._db.set_setting("proxy", stored)

    # -- list pages --------------------------------------------------------------------
    def page_size(self) -> int:
        return clamp_page_size(self._db.get_setting("page_size", DEFAULT_PAGE_SIZE))

    def set_page_size(self, size: int) -> None:
        self._db.set_setting("page_size", clamp_page_size(size))

    def column_widths(self, page_key: str) -> dict[str, int]:
        widths: dict[str, int] = self._db.get_setting(f"column_widths.{page_key}", {}) or {}
        return {k: max(int(v), MIN_COLUMN_WIDTH) for k, v in widths.items()}

    def set_column_widths(self, page_key: str, widths: dict[str, int]) -> None:
        """Widths are kept per column key; a zero or tiny width is never stored."""
        clean = {k: max(int(v), MIN_COLUMN_WIDTH) for k, v in widths.items()}
        self._db.set_setting(f"column_widths.{page_key}", clean)


def clamp_page_size(size: Any) -> int:
    try:
        value = int(size)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return min(max(value, 1), MAX_PAGE_SIZE)
