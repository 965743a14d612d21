"""installer.upgrade: apply a newer package next to the old version, confirm it once it has
started, roll back a version that did not start, and refuse older or altered packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.upgrade import (
    FIRST_START_MARKER,
    UpgradeError,
    apply_upgrade,
    choose_version,
    confirm_started,
    read_current,
    rollback,
    version_folder,
)
from tests.upgrade.payloads import install, tampered_copy


def current_json(root: Path) -> dict[str, object]:
    return json.loads((root / "current.json").read_text(encoding="utf-8"))


def test_apply_switches_current_and_keeps_the_previous_version(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"], modules=("employer",))
    applied = apply_upgrade(root, packages["1.1.0"], expected_version="1.1.0")
    assert (applied.old_version, applied.new_version) == ("1.0.0", "1.1.0")
    assert current_json(root) == {
        "version": "1.1.0",
        "previous": "1.0.0",
        "pending_first_start": True,
    }
    new = version_folder(root, "1.1.0")
    assert (new / "_internal/client/VERSION.txt").read_text() == "1.1.0"
    # Only the installed module comes along; the other stays uninstalled.
    assert (new / "_internal/client/employer/menu.json").exists()
    assert not (new / "_internal/client/collector/menu.json").exists()
    assert json.loads((new / "manifest.json").read_text(encoding="utf-8"))["version"] == "1.1.0"
    assert (version_folder(root, "1.0.0") / "_internal/client/VERSION.txt").read_text() == "1.0.0"
    assert not any((root / ".staging").iterdir())
    assert "upgrade 1.0.0 -> 1.1.0" in (root / "maintenance.log").read_text(encoding="utf-8")

    # The new version started once: the old one goes.
    assert confirm_started(root, "1.1.0") is True
    assert current_json(root) == {
        "version": "1.1.0",
        "previous": None,
        "pending_first_start": False,
    }
    assert not version_folder(root, "1.0.0").exists()
    assert confirm_started(root, "1.1.0") is False  # nothing pending any more


def test_a_version_that_fails_to_start_is_rolled_back(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    apply_upgrade(root, packages["1.1.0"])
    # First start of 1.1.0: the launcher starts it and marks the attempt.
    assert choose_version(root) == "1.1.0"
    assert (root / FIRST_START_MARKER).read_text(encoding="utf-8").strip() == "1.1.0"
    # It crashed before confirm_started: the next start brings 1.0.0 back.
    assert choose_version(root) == "1.0.0"
    state = read_current(root)
    assert state is not None and (state.version, state.previous, state.pending_first_start) == (
        "1.0.0", None, False,
    )  # fmt: skip
    assert not version_folder(root, "1.1.0").exists()
    assert (version_folder(root, "1.0.0") / "_internal/client/VERSION.txt").read_text() == "1.0.0"
    assert not (root / FIRST_START_MARKER).exists()
    assert choose_version(root) == "1.0.0"  # and stays


def test_explicit_rollback_and_nothing_to_roll_back_to(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    with pytest.raises(UpgradeError, match="没有可以恢复的上一版本"):
        rollback(root)
    apply_upgrade(root, packages["1.1.0"])
    assert rollback(root) == "1.0.0"
    assert current_json(root)["version"] == "1.0.0"
    assert not version_folder(root, "1.1.0").exists()


def test_versions_compare_as_numbers(tmp_path: Path, packages: dict[str, Path]) -> None:
    root = install(tmp_path / "D", packages["1.1.0"])
    apply_upgrade(root, packages["1.10.0"])  # 1.10 is newer than 1.1 (and than 1.9)
    assert current_json(root)["version"] == "1.10.0"


def test_an_older_or_same_version_is_refused_and_nothing_changes(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    before = (root / "current.json").read_bytes()
    for version in ("0.9.0", "1.0.0"):
        with pytest.raises(UpgradeError, match="不高于当前版本V1.0.0，已拒绝安装旧版本"):
            apply_upgrade(root, packages[version])
    assert (root / "current.json").read_bytes() == before
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["1.0.0"]


def test_a_package_that_is_not_the_announced_version_is_refused(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    with pytest.raises(UpgradeError, match="与升级信息中的版本V1.10.0不一致"):
        apply_upgrade(root, packages["1.1.0"], expected_version="1.10.0")
    assert current_json(root)["version"] == "1.0.0"


def test_an_altered_file_in_the_package_is_refused(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    bad = tampered_copy(packages["1.1.0"], tmp_path / "bad.zip")
    with pytest.raises(UpgradeError, match="已被修改或损坏.*当前版本保持不变"):
        apply_upgrade(root, bad)
    assert current_json(root) == {
        "version": "1.0.0",
        "previous": None,
        "pending_first_start": False,
    }
    assert not version_folder(root, "1.1.0").exists()
    assert not any((root / ".staging").iterdir())


def test_a_damaged_zip_and_a_folder_that_is_no_installation_are_refused(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    junk = tmp_path / "junk.zip"
    junk.write_bytes(packages["1.1.0"].read_bytes()[:1000])
    with pytest.raises(UpgradeError, match="升级包无法使用，当前版本保持不变"):
        apply_upgrade(root, junk)
    with pytest.raises(UpgradeError, match="没有找到已安装的客户端"):
        apply_upgrade(tmp_path / "empty", packages["1.1.0"])
    assert current_json(root)["version"] == "1.0.0"


def test_leftovers_of_a_killed_upgrade_are_discarded(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    """A kill half-way leaves a staging folder, or the new folder without the switch of
    current.json: the old version is still current, and the next upgrade starts clean."""
    root = install(tmp_path / "D", packages["1.0.0"])
    (root / ".staging/upgrade-1.1.0-dead/_internal").mkdir(parents=True)
    half = version_folder(root, "1.1.0") / "_internal/client"
    half.mkdir(parents=True)
    (half / "VERSION.txt").write_text("half")
    assert choose_version(root) == "1.0.0"
    apply_upgrade(root, packages["1.1.0"])
    assert (version_folder(root, "1.1.0") / "_internal/client/VERSION.txt").read_text() == "1.1.0"
    assert list((root / ".staging").iterdir()) == []


def test_a_second_upgrade_before_the_first_started_keeps_the_confirmed_version(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    apply_upgrade(root, packages["1.1.0"])
    apply_upgrade(root, packages["1.10.0"])
    assert current_json(root) == {
        "version": "1.10.0",
        "previous": "1.0.0",
        "pending_first_start": True,
    }
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["1.0.0", "1.10.0"]


def test_no_upgrade_while_the_maintenance_program_holds_the_folder(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    from installer.journal import folder_lock

    root = install(tmp_path / "D", packages["1.0.0"])
    busy = pytest.raises(UpgradeError, match="安装维护程序正在处理客户端的安装目录")
    with folder_lock(root), busy:
        apply_upgrade(root, packages["1.1.0"])
    assert current_json(root)["version"] == "1.0.0"
    apply_upgrade(root, packages["1.1.0"])  # once it is done
    with folder_lock(root):
        assert choose_version(root) == "1.1.0"  # starts what is current, decides later
    assert not (root / FIRST_START_MARKER).exists()


def test_no_upgrade_over_an_unfinished_maintenance_run(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])
    (root / "maintenance-journal.json").write_text('{"txn": "x", "op": "repair", "steps": []}\n')
    with pytest.raises(
        UpgradeError, match="上次的安装维护没有完成，请先运行安装维护程序修复客户端"
    ):
        apply_upgrade(root, packages["1.1.0"])
    assert current_json(root)["version"] == "1.0.0"
    assert sorted(p.name for p in (root / "versions").iterdir()) == ["1.0.0"]


def test_a_previous_version_that_cannot_be_removed_yet_goes_at_a_later_start(
    tmp_path: Path, packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows the old version may still be exiting when the new one confirms: its
    folder cannot be moved then; the confirmation stands and the next start removes it."""
    import installer.upgrade as upgrade

    root = install(tmp_path / "D", packages["1.0.0"])
    apply_upgrade(root, packages["1.1.0"])
    real_replace = upgrade.os.replace

    def busy(src: object, dst: object) -> None:
        if Path(str(src)) == version_folder(root, "1.0.0"):
            raise PermissionError("in use")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(upgrade.os, "replace", busy)
    assert confirm_started(root, "1.1.0") is True
    assert current_json(root) == {
        "version": "1.1.0",
        "previous": None,
        "pending_first_start": False,
    }
    assert version_folder(root, "1.0.0").exists()
    monkeypatch.setattr(upgrade.os, "replace", real_replace)
    assert choose_version(root) == "1.1.0"
    assert not version_folder(root, "1.0.0").exists()
