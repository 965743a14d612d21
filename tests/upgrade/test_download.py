"""Downloading a package: progress, resume after a cut connection (Range), cancel keeps
the part for later."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.jobs import CancelToken, JobCancelled, JobContext, Progress
from client.upgrade.channel import UpdateInfo
from client.upgrade.download import DownloadFailed, download_package, package_name
from installer.manifest import sha256_of
from tests.upgrade.conftest import Channel

PACKAGES_PATH = "/api/v1/updates/packages"


def info_of(channel: Channel, package: Path, version: str) -> UpdateInfo:
    from client.sync.api import ApiClient
    from client.upgrade.channel import check_for_update

    channel.publish(package, version)
    with ApiClient(channel.server.url) as api:
        check = check_for_update(api, "1.0.0")
    assert check.info is not None
    return check.info


def test_download_reports_progress_and_verifies(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    info = info_of(channel, packages["1.1.0"], "1.1.0")
    ctx = JobContext()
    found = download_package(info, channel.server.url, tmp_path, ctx)
    assert found.path == tmp_path / package_name(info) and found.starts == [0]
    assert sha256_of(found.path) == info.sha256
    done = [p.done for p in ctx.history if p.phase == "下载升级包"]
    assert done == sorted(done) and done[-1] == info.size
    again = download_package(info, channel.server.url, tmp_path)
    assert again.starts == []  # already there and verified: nothing fetched


def test_a_cut_download_resumes_with_range(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    info = info_of(channel, packages["1.1.0"], "1.1.0")
    channel.server.add_fault("drop", path_prefix=PACKAGES_PATH, after_bytes=150_000, count=1)
    found = download_package(info, channel.server.url, tmp_path, backoff=0.01)
    assert len(found.starts) == 2 and found.starts[0] == 0
    assert 0 < found.starts[1] <= 150_000 and found.resumed
    assert sha256_of(found.path) == info.sha256


def test_a_download_cut_for_good_keeps_its_part_and_resumes_next_time(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    info = info_of(channel, packages["1.1.0"], "1.1.0")
    channel.server.add_fault("drop", path_prefix=PACKAGES_PATH, after_bytes=120_000, count=3)
    with pytest.raises(DownloadFailed, match="已下载的部分已保留.*将从中断处继续下载"):
        download_package(info, channel.server.url, tmp_path, retries=2, backoff=0.01)
    part = tmp_path / (package_name(info) + ".part")
    kept = part.stat().st_size
    assert 0 < kept < info.size
    found = download_package(info, channel.server.url, tmp_path)  # the network is back
    assert found.starts == [kept]
    assert sha256_of(found.path) == info.sha256 and not part.exists()


def test_cancel_keeps_the_part(channel: Channel, packages: dict[str, Path], tmp_path: Path) -> None:
    info = info_of(channel, packages["1.1.0"], "1.1.0")
    token = CancelToken()

    def progressed(p: Progress) -> None:
        if p.done >= 100_000:
            token.cancel()

    with pytest.raises(JobCancelled):
        download_package(info, channel.server.url, tmp_path, JobContext(progressed, token))
    part = tmp_path / (package_name(info) + ".part")
    kept = part.stat().st_size
    assert 100_000 <= kept < info.size
    found = download_package(info, channel.server.url, tmp_path)
    assert found.starts == [kept] and sha256_of(found.path) == info.sha256


def test_a_stale_part_of_other_bytes_is_refused_then_downloaded_afresh(
    channel: Channel, packages: dict[str, Path], tmp_path: Path
) -> None:
    from client.upgrade.errors import UpgradeRefused

    info = info_of(channel, packages["1.1.0"], "1.1.0")
    part = tmp_path / (package_name(info) + ".part")
    part.write_bytes(b"\x00" * 1000)  # not the package's first bytes
    with pytest.raises(UpgradeRefused, match="升级包校验失败"):
        download_package(info, channel.server.url, tmp_path)
    assert not part.exists()
    found = download_package(info, channel.server.url, tmp_path)
    assert found.starts == [0] and sha256_of(found.path) == info.sha256
