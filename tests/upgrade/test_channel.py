"""The update channel end to end against the real mock backend: its signature verifies with
the key shipped in the client; altered metadata, an altered package and an older version
are refused with one sentence and nothing is installed."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from client.jobs import JobContext
from client.sync.api import ApiClient
from client.upgrade.channel import TAMPERED, canonical_json, check_for_update, verify_info
from client.upgrade.errors import UpgradeRefused
from client.upgrade.keys import update_public_key
from client.upgrade.service import Upgrader
from client.upgrade.versions import VersionError, is_newer, parse_version
from installer.manifest import sha256_of
from tests.upgrade.conftest import Channel
from tests.upgrade.payloads import install


def upgrader(channel: Channel, tmp_path: Path, root: Path | None) -> Upgrader:
    return Upgrader(channel.server.url, tmp_path / "downloads", root)


def test_versions_compare_as_numbers() -> None:
    assert is_newer("1.10", "1.9")
    assert is_newer("1.10.0", "1.9.9")
    assert not is_newer("1.2", "1.2.0")
    assert parse_version("V2.0.1") == (2, 0, 1, 0)
    for bad in ("", "1.x", "1..2", "1.2.3.4.5", "-1"):
        with pytest.raises(VersionError):
            parse_version(bad)


def test_the_mock_key_pair_matches_the_client_key() -> None:
    from mock_backend.updates import sign

    fields = {"version": "1.1.0", "notes": "说明", "size": 1, "sha256": "0" * 64,
              "url": "/x", "forced": False}  # fmt: skip
    signature = base64.b64decode(sign(fields))
    update_public_key().verify(signature, canonical_json(fields))  # raises if not


def test_a_published_release_is_offered_with_a_valid_signature(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    with ApiClient(channel.server.url) as api:
        assert check_for_update(api, "1.0.0").newer is False  # nothing published yet
        published = channel.publish(packages["1.1.0"], "1.1.0", notes="修复了若干问题。")
        check = check_for_update(api, "1.0.0")
        assert check.newer and check.info is not None
        assert check.info.version == "1.1.0" and check.info.notes == "修复了若干问题。"
        assert check.info.sha256 == sha256_of(packages["1.1.0"]) == published["sha256"]
        assert check.info.size == packages["1.1.0"].stat().st_size
        assert check.info.forced is False
        same = check_for_update(api, "1.1.0")
        assert (same.newer, same.latest) == (False, "1.1.0")
        channel.set_forced("1.1.0", True)
        forced = check_for_update(api, "1.0.0")
        assert forced.info is not None and forced.info.forced is True  # re-signed


def test_every_signed_field_is_covered(channel: Channel, packages: dict[str, Path]) -> None:
    channel.publish(packages["1.1.0"], "1.1.0", notes="说明")
    with ApiClient(channel.server.url) as api:
        payload: dict[str, Any] = api.get_json("/updates/latest", channel="stable")
    verify_info(payload)
    changes = {"version": "9.9.9", "notes": "别的说明", "size": payload["size"] + 1,
               "sha256": "f" * 64, "url": "/api/v1/updates/packages/x.zip", "forced": True}  # fmt: skip
    for name, value in changes.items():
        with pytest.raises(UpgradeRefused) as caught:
            verify_info({**payload, name: value})
        assert caught.value.message == TAMPERED, name
    other_key = Ed25519PrivateKey.generate()
    fields = {k: v for k, v in payload.items() if k != "signature"}
    forged = base64.b64encode(other_key.sign(canonical_json(fields))).decode()
    with pytest.raises(UpgradeRefused, match="签名校验失败"):
        verify_info({**payload, "signature": forged})
    with pytest.raises(UpgradeRefused, match="缺少或写错了“size”"):
        verify_info({**payload, "size": "12"})


def test_tampered_metadata_is_refused_and_nothing_installed(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    before = (root / "current.json").read_bytes()
    channel.publish(packages["1.1.0"], "1.1.0", tamper="signature")
    with pytest.raises(UpgradeRefused) as caught:
        upgrader(channel, tmp_path, root).check()
    assert caught.value.message == TAMPERED
    assert (root / "current.json").read_bytes() == before


def test_a_tampered_package_is_refused_by_its_hash(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    before = (root / "current.json").read_bytes()
    channel.publish(packages["1.1.0"], "1.1.0", tamper="package")
    up = upgrader(channel, tmp_path, root)
    check = up.check()  # the metadata is genuine
    assert check.info is not None
    with pytest.raises(UpgradeRefused, match="升级包校验失败.*已删除该文件并拒绝安装"):
        up.upgrade(check.info, JobContext())
    assert (root / "current.json").read_bytes() == before
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["1.0.0"]
    assert list((tmp_path / "downloads").iterdir()) == []  # neither the package nor a part


def test_an_older_version_is_refused(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    channel.publish(packages["0.9.0"], "0.9.0")  # correctly signed, but a downgrade
    with pytest.raises(UpgradeRefused, match="V0.9.0低于当前版本V1.0.0，已拒绝安装旧版本"):
        upgrader(channel, tmp_path, root).check()
    assert json.loads((root / "current.json").read_text())["version"] == "1.0.0"


def test_a_whole_upgrade_through_the_service(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"], modules=("collector",))
    channel.publish(packages["1.10.0"], "1.10.0", notes="新版本")
    started: list[tuple[list[str], Path]] = []
    up = Upgrader(
        channel.server.url, tmp_path / "downloads", root, spawn=lambda c, w: started.append((c, w))
    )
    assert up.current_version == "1.0.0"
    check = up.check()
    assert check.info is not None
    ctx = JobContext()
    applied = up.upgrade(check.info, ctx)
    assert applied.installed and applied.version == "1.10.0"
    assert json.loads((root / "current.json").read_text()) == {
        "version": "1.10.0", "previous": "1.0.0", "pending_first_start": True,
    }  # fmt: skip
    assert not applied.package.exists()  # the installed download is not kept
    phases = [p.phase for p in ctx.history]
    assert phases[0] == "下载升级包" and "校验升级包" in phases and phases[-1] == "安装新版本"
    restart = up.restart(applied, ["--server", channel.server.url])
    exe = root / "versions/1.10.0/社保费管理客户端"
    assert restart.started and started == [([str(exe), "--server", channel.server.url], exe.parent)]


def test_a_development_checkout_downloads_and_verifies_but_installs_nothing(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    channel.publish(packages["1.1.0"], "1.1.0")
    up = upgrader(channel, tmp_path, None)  # no D: the dev checkout's own version, 0.1.0
    check = up.check()
    assert check.info is not None
    applied = up.upgrade(check.info)
    assert not applied.installed and "开发环境" in applied.message
    assert sha256_of(applied.package) == check.info.sha256
    restart = up.restart(applied)
    assert not restart.started and restart.message == applied.message
