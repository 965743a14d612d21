"""备份恢复 services (manual §4.2) on real SQLite files, no Qt: a backup while the client
writes, restore with a 恢复前备份, refusals of foreign, damaged, newer and half-made backups
that leave the data untouched, 自动备份 keeping N, a full disk, and restores killed at any
point (SIGKILL of a real process) leaving the old data or the new, whole."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from client.backup import manifest as mf
from client.backup import service
from client.backup.manifest import BackupError
from client.backup.service import (
    BackupSettings,
    auto_backup,
    inspect_backup,
    list_backups,
    make_backup,
    recover_interrupted_restore,
    restore,
)
from client.storage.app_db import AppDatabase
from client.storage.paths import DataPaths, resolve_data_dir
from client.storage.unit_db import UnitDatabase

ROOT = Path(__file__).resolve().parents[2]


def make_data(root: Path, marker: str, rows: int = 50) -> DataPaths:
    """A data folder with the app database (a setting as marker) and two unit databases."""
    paths = resolve_data_dir(root)
    app = AppDatabase(paths)
    app.set_setting("marker", marker)
    app.close()
    for kind, unit in (("employer", "U1"), ("collector", "C1")):
        db = UnitDatabase(paths.unit_db(kind, unit), paths.migration_backups_dir)
        with db.write() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (v TEXT)")
            conn.exec_driver_sql("DELETE FROM t")
            conn.exec_driver_sql(
                "INSERT INTO t (v) VALUES " + ",".join(f"('{marker}-{i}')" for i in range(rows))
            )
        db.close()
    return paths


def markers(paths: DataPaths) -> tuple[str, set[str]]:
    app = AppDatabase(paths)
    marker = app.get_setting("marker")
    app.close()
    units = set()
    for db in sorted(paths.units_dir.glob("*.sqlite3")):
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        units |= {v.split("-")[0] for (v,) in conn.execute("SELECT v FROM t")}
        conn.close()
    return marker, units


def test_backup_restore_round_trip_with_a_safety_copy(tmp_path: Path) -> None:
    paths = make_data(tmp_path / "data", "old")
    target = tmp_path / "备份"
    made = make_backup(paths, target)
    assert made.folder.parent == target and made.folder.name.startswith(mf.FOLDER_PREFIX)
    m = made.manifest
    assert m.app == mf.APP_NAME and m.kind == "manual" and len(m.files) == 3
    assert {f.path for f in m.files} == {"app.sqlite3", "units/employer-U1.sqlite3",
                                         "units/collector-C1.sqlite3"}  # fmt: skip
    assert all(f.revision for f in m.files)
    assert {f.unit_kind for f in m.files} == {None, "employer", "collector"}
    make_data(tmp_path / "data", "new")  # the clerk works on
    assert markers(paths) == ("new", {"new"})

    result = restore(paths, made.folder / "manifest.json", safety_parent=tmp_path / "safety")
    assert markers(paths) == ("old", {"old"})
    assert result.safety is not None and result.safety.manifest.kind == "before-restore"
    assert not (paths.root / service.RESTORE_DIR).exists()
    # the replaced data is itself a backup that restores
    restore(paths, result.safety.folder, safety_parent=tmp_path / "safety")
    assert markers(paths) == ("new", {"new"})


def test_backup_is_consistent_while_the_client_writes(tmp_path: Path) -> None:
    paths = make_data(tmp_path / "data", "old")
    db = UnitDatabase(paths.unit_db("employer", "U1"), paths.migration_backups_dir)
    with db.write() as conn:  # committed, still in the WAL (the client keeps it open)
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('wal-1')")
    made = make_backup(paths, tmp_path / "b")
    db.close()
    copy = sqlite3.connect(made.folder / "units" / "employer-U1.sqlite3")
    assert copy.execute("SELECT count(*) FROM t WHERE v = 'wal-1'").fetchone()[0] == 1
    copy.close()


@pytest.mark.parametrize(
    "damage, expected",
    [
        ("no manifest", mf.NOT_A_BACKUP),
        ("foreign", mf.FOREIGN.format(app="其他客户端")),
        ("unreadable", mf.UNREADABLE),
        ("newer format", mf.NEWER_FORMAT.format(found=99)),
        ("newer schema", "数据结构版本（9999）比当前客户端"),
        ("missing file", mf.MISSING_FILE.format(file="units/collector-C1.sqlite3")),
        ("altered file", mf.DAMAGED_FILE.format(file="units/employer-U1.sqlite3")),
        ("not sqlite", mf.NOT_SQLITE.format(file="app.sqlite3")),
    ],
)
def test_bad_backups_are_refused_and_the_data_stays(
    tmp_path: Path, damage: str, expected: str
) -> None:
    paths = make_data(tmp_path / "data", "old")
    folder = make_backup(paths, tmp_path / "b").folder
    make_data(tmp_path / "data", "current")
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if damage == "no manifest":
        manifest.unlink()
    elif damage == "foreign":
        manifest.write_text(json.dumps({**data, "app": "其他客户端"}), encoding="utf-8")
    elif damage == "unreadable":
        manifest.write_text("{not json", encoding="utf-8")
    elif damage == "newer format":
        manifest.write_text(json.dumps({**data, "format": 99}), encoding="utf-8")
    elif damage == "newer schema":
        data["files"][1]["revision"] = "9999"
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "missing file":
        (folder / "units" / "collector-C1.sqlite3").unlink()
    elif damage == "altered file":
        path = folder / "units" / "employer-U1.sqlite3"
        raw = bytearray(path.read_bytes())
        raw[-100] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "not sqlite":
        path = folder / "app.sqlite3"
        size = path.stat().st_size
        path.write_bytes(b"x" * size)
    with pytest.raises(BackupError) as info:
        restore(paths, folder, safety_parent=tmp_path / "safety")
    assert expected in info.value.message
    assert markers(paths) == ("current", {"current"})
    assert not (tmp_path / "safety").exists()  # nothing was done before the check
    assert not (paths.root / service.RESTORE_DIR).exists()


def test_auto_backup_keeps_n_and_leaves_manual_ones(tmp_path: Path) -> None:
    paths = make_data(tmp_path / "data", "old")
    folder = tmp_path / "auto"
    assert auto_backup(paths, BackupSettings()) is None  # off by default
    manual = make_backup(paths, folder).folder
    settings = BackupSettings(auto_enabled=True, auto_keep=2, auto_folder=str(folder))
    made = []
    for _ in range(3):
        made.append(auto_backup(paths, settings).folder)  # type: ignore[union-attr]
        time.sleep(1.05)  # created_at has seconds
    left = [f for f, m in list_backups(folder) if m.kind == "auto"]
    assert left == [made[2], made[1]]  # the oldest removed first
    assert manual.exists()


def test_settings_round_trip(tmp_path: Path) -> None:
    paths = resolve_data_dir(tmp_path / "data")
    app = AppDatabase(paths)
    assert BackupSettings.load(app) == BackupSettings()
    BackupSettings("D:/备份", True, 7, "").save(app)
    assert BackupSettings.load(app) == BackupSettings("D:/备份", True, 7, "")
    with pytest.raises(BackupError):
        BackupSettings(auto_keep=0).save(app)
    app.close()


def test_a_full_disk_is_said_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = make_data(tmp_path / "data", "old")
    usage = service.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(service.shutil, "disk_usage", lambda _p: usage._replace(free=1000))
    with pytest.raises(BackupError) as info:
        make_backup(paths, tmp_path / "b")
    assert info.value.message.startswith("备份路径所在磁盘剩余空间不足")
    monkeypatch.undo()

    def full(_source: Path, _target: Path, **_options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(service, "sqlite_copy", full)
    with pytest.raises(BackupError) as info:
        make_backup(paths, tmp_path / "b")
    assert "磁盘剩余空间不足" in info.value.message
    assert list((tmp_path / "b").iterdir()) == []  # the staging folder is gone


def test_interrupted_swap_is_completed_and_unfinished_copy_discarded(tmp_path: Path) -> None:
    paths = make_data(tmp_path / "data", "old")
    folder = make_backup(paths, tmp_path / "b").folder
    make_data(tmp_path / "data", "current")
    # a copy that was still going: discarded, the data unchanged
    work = paths.root / service.RESTORE_DIR
    (work / "new" / "units").mkdir(parents=True)
    (work / "journal.json").write_text(json.dumps({"state": "staging"}), encoding="utf-8")
    (work / "new" / "app.sqlite3").write_bytes(b"partial")
    assert recover_interrupted_restore(paths) == "discarded"
    assert markers(paths) == ("current", {"current"}) and not work.exists()
    # a swap killed after the app database moved aside: finished forward
    (work / "new").mkdir(parents=True)
    (work / "old").mkdir()
    import shutil

    shutil.copyfile(folder / "app.sqlite3", work / "new" / "app.sqlite3")
    shutil.copytree(folder / "units", work / "new" / "units")
    (work / "journal.json").write_text(json.dumps({"state": "swapping"}), encoding="utf-8")
    os.replace(paths.app_db, work / "old" / "app.sqlite3")
    assert recover_interrupted_restore(paths) == "completed"
    assert markers(paths) == ("old", {"old"}) and not work.exists()


KILLER = """
import sys
from pathlib import Path
from client.backup.service import restore
from client.storage.paths import resolve_data_dir
print("ready", flush=True)
restore(resolve_data_dir(sys.argv[1]), Path(sys.argv[2]), safety_parent=Path(sys.argv[3]))
print("done", flush=True)
"""


def test_a_restore_killed_at_any_point_leaves_old_or_new(tmp_path: Path) -> None:
    base = make_data(tmp_path / "src", "new", rows=60_000)
    backup = make_backup(base, tmp_path / "b").folder
    seen = set()
    for n, delay in enumerate((0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.0, 1.5)):
        root = tmp_path / f"data{n}"
        paths = make_data(root, "old", rows=1000)
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLER, str(root), str(backup), str(tmp_path / f"s{n}")],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        recover_interrupted_restore(paths)
        state = markers(paths)
        assert state in [("old", {"old"}), ("new", {"new"})], (delay, state)
        seen.add(str(state[0]))
        inspect_backup(backup)  # the backup itself is never touched
    assert "old" in seen  # at least the earliest kill came before the swap
