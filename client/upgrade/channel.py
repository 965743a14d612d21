"""The update channel: ask for the latest release and verify its Ed25519 signature.

The signature covers the canonical JSON of every other field (sorted keys, no spaces,
UTF-8 text as is), so neither the version, the hash nor `forced` can be changed on the way.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.upgrade.errors import UpgradeRefused
from client.upgrade.keys import update_public_key
from client.upgrade.versions import VersionError, parse_version

DEFAULT_CHANNEL = "stable"
LATEST_PATH = "/updates/latest"
SIGNED_FIELDS = ("version", "notes", "size", "sha256", "url", "forced")
TAMPERED = "升级信息的签名校验失败，可能已被篡改，已拒绝本次升级，当前版本保持不变。"


def canonical_json(fields: dict[str, Any]) -> bytes:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


@dataclass(frozen=True)
class UpdateInfo:
    """A verified release announced by the channel."""

    version: str
    notes: str
    size: int
    sha256: str
    url: str
    forced: bool
    signature: str

    def signed_fields(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: data[k] for k in SIGNED_FIELDS}


@dataclass(frozen=True)
class UpdateCheck:
    """What a check found: `info` is set only when a newer, correctly signed version exists."""

    current: str
    info: UpdateInfo | None
    latest: str | None = None  # the channel's version (None: nothing published)

    @property
    def newer(self) -> bool:
        return self.info is not None


def verify_info(payload: Any, key: Ed25519PublicKey | None = None) -> UpdateInfo:
    """The release in `payload` if its shape and signature are right; UpgradeRefused else."""
    if not isinstance(payload, dict):
        raise UpgradeRefused("服务器返回的升级信息格式不正确，已拒绝本次升级。")
    types = {"version": str, "notes": str, "size": int, "sha256": str, "url": str,
             "forced": bool, "signature": str}  # fmt: skip
    for name, kind in types.items():
        value = payload.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise UpgradeRefused(f"服务器返回的升级信息缺少或写错了“{name}”，已拒绝本次升级。")
    info = UpdateInfo(**{name: payload[name] for name in types})
    try:
        signature = base64.b64decode(info.signature, validate=True)
        (key or update_public_key()).verify(signature, canonical_json(info.signed_fields()))
    except (binascii.Error, ValueError, InvalidSignature):
        raise UpgradeRefused(TAMPERED) from None
    try:
        parse_version(info.version)
    except VersionError:
        raise UpgradeRefused(
            f"升级信息中的版本号“{info.version}”不正确，已拒绝本次升级。"
        ) from None
    if info.size <= 0 or len(info.sha256) != 64:
        raise UpgradeRefused("升级信息中的升级包大小或校验值不正确，已拒绝本次升级。")
    return info


def check_for_update(
    api: ApiClient,
    current: str,
    channel: str = DEFAULT_CHANNEL,
    key: Ed25519PublicKey | None = None,
) -> UpdateCheck:
    """Ask the channel; a newer verified release comes back in `info`.

    An announced version older than the current one is refused (UpgradeRefused): a server
    must never talk the client into a downgrade.
    """
    try:
        payload = api.get_json(LATEST_PATH, channel=channel, current=current)
    except ApiError as exc:
        if exc.status == 404:
            return UpdateCheck(current, None, None)
        raise
    info = verify_info(payload, key)
    announced, mine = parse_version(info.version), parse_version(current)
    if announced == mine:
        return UpdateCheck(current, None, info.version)
    if announced < mine:
        raise UpgradeRefused(
            f"服务器提供的版本V{info.version}低于当前版本V{current}，已拒绝安装旧版本。"
        )
    return UpdateCheck(current, info, info.version)
