"""备份恢复 of a client holding the 100,000-employee unit (issue 14): 备份 (online backup of every
database + SHA-256 + manifest, staged then renamed) and 恢复 (schema check, copy with SHA-256
in the same pass, swap under a journal, the replaced data kept as a 恢复前备份), each against a
bare ``sqlite3`` backup() of the same files. Best of ROUNDS each, ratio printed."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import BenchEnv, Report, env_int, temp_dir

NAME = "backup"
ROUNDS = env_int("BENCH_BACKUP_ROUNDS", 3)


def bare_backup(files: list[Path], target: Path) -> float:
    """sqlite3's backup() of each file into `target`, nothing else."""
    target.mkdir(parents=True)
    started = time.perf_counter()
    for path in files:
        src = sqlite3.connect(path)
        dst = sqlite3.connect(target / path.name)
        src.backup(dst)
        dst.close()
        src.close()
    return time.perf_counter() - started


def best(rounds: int, once: Callable[[int], float]) -> float:
    return min(once(i) for i in range(rounds))


def run(report: Report, env: BenchEnv) -> None:
    from client.backup.service import make_backup, restore
    from client.storage.paths import DataPaths

    source = env.synced_client(report)
    with temp_dir("bench-backup-") as root:
        data = root / "data"
        shutil.copytree(source, data, ignore=shutil.ignore_patterns("备份", "backups"))
        paths = DataPaths(data)
        files = [paths.app_db, *sorted(paths.units_dir.glob("*.sqlite3"))]
        size = sum(p.stat().st_size for p in files)
        report.add(f"databases backed up ({len(files)} files)", size / 1024 / 1024, "MB")

        bare = best(ROUNDS, lambda i: bare_backup(files, root / f"bare-{i}"))
        report.add("bare sqlite3 backup() of the same files", bare, "s")
        made = []

        def backup_once(i: int) -> float:
            result = make_backup(paths, root / f"backups-{i}")
            made.append(result)
            return result.seconds

        seconds = best(ROUNDS, backup_once)
        backup_size = made[-1].manifest.size
        report.add("备份 (online backup + SHA-256 + manifest)", seconds, "s")
        report.add("备份 size", backup_size / 1024 / 1024, "MB")
        report.add("备份 / bare backup()", seconds / bare, "×", "≤ 1.5")

        backup_files = [made[-1].folder / f.path for f in made[-1].manifest.files]
        bare_restore = best(ROUNDS, lambda i: bare_backup(backup_files, root / f"bare-restore-{i}"))
        report.add("bare sqlite3 backup() from the backup's files", bare_restore, "s")

        def restore_once(i: int) -> float:
            result = restore(paths, made[-1].folder, safety_parent=root / f"safety-{i}")
            return result.seconds

        seconds = best(ROUNDS, restore_once)
        report.add("恢复 (check, copy with SHA-256, swap, 恢复前备份 kept)", seconds, "s")
        report.add("恢复 / bare backup()", seconds / bare_restore, "×", "≤ 1.5")
