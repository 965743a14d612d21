"""Soak: the hostile-file corpus (`tests/hostile/corpus.py`), each file read by its import in
a process of its own, so each file's time and peak RSS are its own.

`run(report)` (for `python dev.py soak`) or `python -m benchmarks.soak_hostile` (also
`python -m tests.hostile`) prints per file: the import, seconds, peak RSS and the message
the clerk gets; then files tried / clear messages / worst time / worst peak RSS. A file
"ends with a clear message" when its child process ends (within `TIMEOUT` s) and gives
exactly the corpus's expected refusal or cell reasons. A child that reads the import's
good file gives the baseline RSS of a process that imports anything at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.common import Report, peak_rss_mb

NAME = "soak_hostile"
TIMEOUT = 120  # seconds a file may take before it counts as hanging
PARALLEL = 2  # children at a time


def run(report: Report) -> None:
    from tests.hostile.corpus import CASES, Cells, Refused, cases_for
    from tests.hostile.world import World

    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        root = Path(tmp)
        world = World(root / "world")
        targets = list(world.targets().values())
        jobs: list[tuple[str, Any, Path, Any]] = []
        started = time.perf_counter()
        for index, case in enumerate(CASES):
            if case.posix_only and not hasattr(os, "mkfifo"):
                continue
            # each case at one import, in turn (the test suite throws each at all of them)
            fitting = [t for t in targets if case in cases_for(t)]
            target = fitting[index % len(fitting)]
            folder = root / f"case{index:02d}"
            folder.mkdir()
            jobs.append((case.name, target, case.build(target, folder), case.expect(target)))
        good_dir = root / "good"
        good_dir.mkdir()
        good = targets[0].filled(good_dir / "good.xlsx")
        build_s = time.perf_counter() - started
        world.close()
        print(f"  built {len(jobs)} hostile files in {build_s:.1f} s (setup, not measured)")

        base = _child(world.root, targets[0].name, good)
        print(f"  baseline (good file, {targets[0].name}): {base['seconds']:.3f} s, "
              f"{base['rss']:.0f} MB")  # fmt: skip
        tried = clear = 0
        worst_s: tuple[float, str] = (0.0, "")
        worst_rss: tuple[float, str] = (0.0, "")
        # Two children at a time (each file's figures stay its own process's).
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            answers = list(pool.map(lambda job: _child(world.root, job[1].name, job[2]), jobs))
        for (name, target, _path, expected), figures in zip(jobs, answers, strict=True):
            tried += 1
            ok = _clear(figures, expected, Refused, Cells)
            clear += ok
            seconds, rss = figures.get("seconds", float(TIMEOUT)), figures.get("rss", 0.0)
            worst_s = max(worst_s, (seconds, name))
            worst_rss = max(worst_rss, (rss, name))
            shown = figures.get("message") or figures.get("summary") or figures.get("error", "")
            print(f"  {'ok ' if ok else 'BAD'} {name:<22} {target.name:<14} {seconds:7.3f} s "
                  f"{rss:7.1f} MB  {shown[:60]}")  # fmt: skip
    report.add("hostile files tried", tried, "files")
    report.add("hostile files ending with a clear message", clear, "files", f"= {tried}")
    report.add(f"worst time of one file ({worst_s[1]})", worst_s[0], "s")
    report.add(f"worst peak RSS of one file ({worst_rss[1]})", worst_rss[0], "MB")
    report.add("baseline peak RSS (the good file)", base["rss"], "MB")


def _clear(figures: dict[str, Any], expected: Any, refused: type, cells: type) -> bool:
    if "error" in figures:
        return False
    if isinstance(expected, refused):
        return "message" in figures and expected.matches(figures["message"])
    assert isinstance(expected, cells)
    if "message" in figures:
        return False
    found = {(row, column): reason for row, column, reason in figures["errors"]}
    return (
        all(found.get(key) == reason for key, reason in expected.errors.items())
        and figures["valid"] == expected.valid
    )


def _child(world: Path, target: str, path: Path) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.soak_hostile",
                "--one",
                str(world),
                target,
                str(path),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {TIMEOUT} s", "seconds": float(TIMEOUT)}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return {"error": f"crashed: {tail[0]}"}
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def _one(world_root: str, target_name: str, path: str) -> dict[str, Any]:
    """In the child: a copy of the parent's world, then the one read, timed."""
    from client.documents.imports import ImportRefused
    from tests.hostile.world import World

    with tempfile.TemporaryDirectory(prefix="hostile-child-") as tmp:
        shutil.copytree(world_root, Path(tmp) / "world")
        world = World(Path(tmp) / "world", fresh=False)
        target = world.targets()[target_name]
        before = world.fingerprint()
        started = time.perf_counter()
        figures: dict[str, Any]
        try:
            result = target.read(Path(path))
        except ImportRefused as exc:
            figures = {"message": exc.message}
        else:
            figures = {
                "summary": result.summary,
                "valid": result.valid_count,
                "errors": [(e.row, e.column, e.reason) for e in result.errors[:20]],
            }
            del result
        figures["seconds"] = time.perf_counter() - started
        if world.fingerprint() != before:
            figures["error"] = "the databases changed"
        world.close()
    figures["rss"] = _peak_rss_mb()
    return figures


def _peak_rss_mb() -> float:
    """This process's peak RSS. On Linux from VmHWM: getrusage's maximum survives exec, so
    a child would report its parent's peak."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return peak_rss_mb()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(_one(sys.argv[2], sys.argv[3], sys.argv[4]), ensure_ascii=False))
        return
    print("hostile files (each read in its own process)")
    run(Report())


if __name__ == "__main__":
    main()
