"""The update channel (manual §1.3): published client packages, signed with Ed25519.

`latest(channel)` is the newest published release of a channel; its metadata
(version, notes, size, sha256, url, forced) is signed over the canonical JSON the
client checks (docs/installer.md, "Appendix"). For tests a release can be published
tampered: `package` serves altered bytes under the original hash, `signature` serves
altered bytes with their own hash but the original signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# THE MOCK BACKEND'S OWN SIGNING KEY: a fixed test/dev key, public in this repository.
# A real update server keeps its private key secret; its public half ships in the
# client (client/upgrade/keys.py) and must match this one for the mock's packages.
MOCK_SIGNING_SEED_B64 = "XeNaVw45vBA57JbTfjff8Kgs8MD34Nf//QmTqAt+4gc="

TAMPER_MODES = ("none", "package", "signature")
SIGNED_FIELDS = ("version", "notes", "size", "sha256", "url", "forced")
PACKAGES_PATH = "/api/v1/updates/packages"
VERSION_PATTERN = re.compile(r"^\d+(\.\d+){0,3}$")
CHUNK = 64 * 1024


def canonical_json(fields: dict[str, Any]) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8 text kept as is."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(MOCK_SIGNING_SEED_B64))


def sign(fields: dict[str, Any], key: Ed25519PrivateKey | None = None) -> str:
    return base64.b64encode((key or signing_key()).sign(canonical_json(fields))).decode("ascii")


def version_key(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


@dataclass
class Release:
    channel: str
    version: str
    notes: str
    forced: bool
    file_name: str
    size: int
    sha256: str
    signature: str
    tamper: str

    def metadata(self) -> dict[str, Any]:
        """What GET /updates/latest answers (signature included)."""
        return {
            "version": self.version,
            "notes": self.notes,
            "size": self.size,
            "sha256": self.sha256,
            "url": f"{PACKAGES_PATH}/{self.file_name}",
            "forced": self.forced,
            "signature": self.signature,
        }


class UpdateChannel:
    """Published releases per channel (kept in memory; packages under `folder`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._releases: dict[str, list[Release]] = {}
        self._lock = threading.Lock()

    def publish(
        self,
        version: str,
        content: bytes,
        *,
        channel: str = "stable",
        notes: str = "",
        forced: bool = False,
        tamper: str = "none",
    ) -> Release:
        if not VERSION_PATTERN.match(version):
            raise ValueError(f"版本号“{version}”格式不正确，应为 1.2.3 这样的数字。")
        if tamper not in TAMPER_MODES:
            raise ValueError(f"未知的篡改方式“{tamper}”。")
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(content).hexdigest()
        file_name = f"shebaofei-{channel}-{version}-{digest[:12]}-{tamper}.zip"
        fields = {
            "version": version,
            "notes": notes,
            "size": len(content),
            "sha256": digest,
            "url": f"{PACKAGES_PATH}/{file_name}",
            "forced": forced,
        }
        signature = sign(fields)
        served = content
        if tamper != "none":
            served = _altered(content)
        if tamper == "signature":  # the package and its hash replaced, the signature kept
            fields["size"] = len(served)
            fields["sha256"] = hashlib.sha256(served).hexdigest()
        (self.folder / file_name).write_bytes(served)
        release = Release(
            channel, version, notes, forced, file_name, fields["size"], fields["sha256"],
            signature, tamper,
        )  # fmt: skip
        with self._lock:
            kept = [r for r in self._releases.get(channel, []) if r.version != version]
            self._releases[channel] = [*kept, release]
        return release

    def latest(self, channel: str) -> Release | None:
        """The release published last on the channel (an older one published after a newer
        one is what a rolled-back or hostile server would announce)."""
        with self._lock:
            releases = self._releases.get(channel, [])
            return releases[-1] if releases else None

    def set_forced(self, channel: str, version: str, forced: bool) -> Release | None:
        with self._lock:
            for release in self._releases.get(channel, []):
                if release.version == version:
                    release.forced = forced
                    fields = {k: v for k, v in release.metadata().items() if k in SIGNED_FIELDS}
                    if release.tamper == "signature":
                        return release  # stays wrongly signed
                    release.signature = sign(fields)
                    return release
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"channel": r.channel, "tamper": r.tamper, **r.metadata()}
                for releases in self._releases.values()
                for r in releases
            ]

    def clear(self) -> int:
        with self._lock:
            count = sum(len(r) for r in self._releases.values())
            self._releases.clear()
        return count

    def package_path(self, file_name: str) -> Path | None:
        if "/" in file_name or "\\" in file_name or file_name.startswith("."):
            return None
        path = self.folder / file_name
        return path if path.is_file() else None


def _altered(content: bytes) -> bytes:
    """The same bytes with one flipped in the middle (same size, another hash)."""
    if not content:
        return b"\x00"
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :]


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """`bytes=START-[END]` → (start, end inclusive); None when absent. ValueError when the
    range cannot be served (416)."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header)
    if not match or (not match.group(1) and not match.group(2)):
        raise ValueError(header)
    if not match.group(1):  # suffix range: the last N bytes
        length = int(match.group(2))
        if length == 0:
            raise ValueError(header)
        return max(0, size - length), size - 1
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else size - 1
    if start >= size or end < start:
        raise ValueError(header)
    return start, min(end, size - 1)


def read_chunks(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
