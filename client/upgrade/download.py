"""Download an upgrade package with progress and resume, then check its size and SHA-256.

The bytes go to `<name>.part`; a cut connection, a cancel or a closed client leaves the
part, and the next attempt asks for the rest with `Range: bytes=N-`. Only a package whose
size and SHA-256 match the signed update information is renamed to its final name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from client.jobs import JobContext
from client.storage.settings import ProxyConfig
from client.upgrade.channel import UpdateInfo
from client.upgrade.errors import DownloadFailed, UpgradeRefused

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
PHASE = "下载升级包"
HASH_MISMATCH = (
    "升级包校验失败（大小或SHA-256与签名的升级信息不符），可能已被篡改或损坏，"
    "已删除该文件并拒绝安装，当前版本保持不变。"
)


@dataclass
class Downloaded:
    path: Path
    starts: list[int] = field(default_factory=list)  # the byte each request started at

    @property
    def resumed(self) -> bool:
        return any(start > 0 for start in self.starts)


def package_name(info: UpdateInfo) -> str:
    return f"shebaofei-{info.version}-{info.sha256[:16]}.zip"


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def download_package(
    info: UpdateInfo,
    server_url: str,
    folder: Path,
    ctx: JobContext | None = None,
    *,
    proxy: ProxyConfig | None = None,
    retries: int = 3,
    backoff: float = 0.3,
    transport: httpx.BaseTransport | None = None,
) -> Downloaded:
    """The verified package in `folder` (downloaded, resumed, or already there)."""
    ctx = ctx or JobContext()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / package_name(info)
    result = Downloaded(final)
    if final.exists():
        if final.stat().st_size == info.size and sha256_file(final) == info.sha256:
            ctx.progress(PHASE, info.size, info.size)
            return result
        final.unlink()
    part = final.with_name(final.name + ".part")
    url = (
        info.url
        if info.url.startswith(("http://", "https://"))
        else server_url.rstrip("/") + info.url
    )
    with httpx.Client(
        proxy=(proxy or ProxyConfig()).url(),
        timeout=httpx.Timeout(30.0, connect=5.0),
        trust_env=False,
        transport=transport,
        follow_redirects=True,
    ) as http:
        failures = 0
        while True:
            have = part.stat().st_size if part.exists() else 0
            if have > info.size:  # not this package's bytes
                part.unlink()
                have = 0
            if have == info.size:
                break
            ctx.check_cancelled()
            try:
                _fetch(http, url, part, have, info.size, ctx, result)
            except httpx.TransportError as exc:
                failures += 1
                log.info("package download cut at %s bytes: %r", _size(part), exc)
                if failures > retries:
                    raise DownloadFailed(
                        "下载升级包时网络中断，已下载的部分已保留，请检查网络后重试，将从中断处继续下载。"
                    ) from exc
                time.sleep(backoff * failures)
    ctx.progress("校验升级包", 0, 1)
    if part.stat().st_size != info.size or sha256_file(part) != info.sha256:
        part.unlink(missing_ok=True)
        raise UpgradeRefused(HASH_MISMATCH)
    os.replace(part, final)
    ctx.progress("校验升级包", 1, 1)
    return result


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _fetch(
    http: httpx.Client,
    url: str,
    part: Path,
    have: int,
    size: int,
    ctx: JobContext,
    result: Downloaded,
) -> None:
    """One request: the rest of the package from `have`, appended to the part."""
    headers = {"Range": f"bytes={have}-"} if have else {}
    with http.stream("GET", url, headers=headers) as response:
        if response.status_code == 416:  # the part is not a prefix of this package
            part.unlink(missing_ok=True)
            raise httpx.RemoteProtocolError("range not satisfiable; starting over")
        if response.status_code >= 400:
            raise DownloadFailed(
                f"下载升级包失败（服务器返回{response.status_code}），请稍后重试。"
            )
        if response.status_code == 206:
            start = _range_start(response.headers.get("Content-Range"))
            if start != have:
                part.unlink(missing_ok=True)
                raise httpx.RemoteProtocolError("unexpected Content-Range; starting over")
        else:
            have = 0  # the server sent the whole package again
        result.starts.append(have)
        done = have
        ctx.progress(PHASE, done, size)
        with part.open("ab" if have else "wb") as handle:
            for chunk in response.iter_bytes(CHUNK):
                handle.write(chunk)
                done += len(chunk)
                ctx.progress(PHASE, min(done, size), size)
                if done > size:
                    break
                ctx.check_cancelled()
            handle.flush()
            os.fsync(handle.fileno())
    if done > size:  # more bytes than the signed size: not the announced package
        part.unlink(missing_ok=True)
        raise UpgradeRefused(HASH_MISMATCH)
    if done < size:
        raise httpx.RemoteProtocolError("the server closed the download early")


def _range_start(header: str | None) -> int | None:
    try:
        return int((header or "").split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None
