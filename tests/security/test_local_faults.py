"""Local faults at start: a second client on the same data folder, a read-only folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from client.storage.lock import (
    LOCK_NAME,
    DataFolderInUseError,
    DataFolderNotWritableError,
    claim_data_folder,
    holder_pid,
)
from tests.support.backend import BackendServer

ROOT = Path(__file__).resolve().parents[2]
IN_USE = "客户端已在运行"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("SHEBAOFEI_DATA_DIR", None)
    return env


def _client(data_dir: Path, server: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "client", "--data-dir", str(data_dir), "--server", server, *extra],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _files(root: Path) -> dict[str, str]:
    """Every file under the folder with a digest of its bytes (the lock file's too; not
    SQLite's -shm index, which a reader of the running client may touch)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith("-shm"):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _wait_for_lock_holder(root: Path, process: subprocess.Popen[str]) -> None:
    lock = root / LOCK_NAME
    for _ in range(600):
        if process.poll() is not None:
            raise AssertionError(f"the first client ended: {process.communicate()}")
        if lock.exists() and holder_pid(root) == process.pid:
            return
        time.sleep(0.1)
    raise AssertionError("the first client never took the data folder's lock")


def _wait_until_quiet(root: Path) -> dict[str, str]:
    """The folder's files once they stopped changing (the first client is idle)."""
    previous = _files(root)
    for _ in range(100):
        time.sleep(0.5)
        current = _files(root)
        if current == previous and (root / "app.sqlite3").exists():
            return current
        previous = current
    raise AssertionError("the first client kept writing")


def test_a_second_client_on_the_same_folder_is_told_and_touches_nothing(
    backend: BackendServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = _client(data, backend.url)
    try:
        _wait_for_lock_holder(data, first)
        before = _wait_until_quiet(data)
        second = _client(data, backend.url, "--quit-after-start")
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert IN_USE in out
        assert "first window shown" not in out
        assert "Traceback" not in err
        assert _files(data) == before
        assert first.poll() is None  # the first one runs on
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    # A killed client leaves no stale lock: the next start works.
    third = _client(data, backend.url, "--quit-after-start")
    out, err = third.communicate(timeout=180)
    assert third.returncode == 0, err
    assert "first window shown" in out and IN_USE not in out


def test_the_lock_in_one_process(tmp_path: Path) -> None:
    with claim_data_folder(tmp_path) as held:
        assert held.held
        assert (tmp_path / LOCK_NAME).read_text().strip() == str(os.getpid())
        with pytest.raises(DataFolderInUseError) as refused:
            claim_data_folder(tmp_path, grace=0)
        assert "客户端已在运行" in refused.value.message
        assert holder_pid(tmp_path) == os.getpid()
    assert not held.held
    claim_data_folder(tmp_path, grace=0).release()  # free again


def test_a_client_started_by_the_holder_waits_for_it_to_quit(tmp_path: Path) -> None:
    """The restart after an upgrade: the old client starts the new one, then quits."""
    script = (
        "import sys, pathlib\n"
        "from client.storage.lock import claim_data_folder\n"
        "lock = claim_data_folder(pathlib.Path(sys.argv[1]), grace=0, parent_wait=60)\n"
        "print('took it', flush=True)\n"
    )
    held = claim_data_folder(tmp_path, grace=0)
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)
        assert child.poll() is None  # still waiting: its parent holds the lock
    finally:
        held.release()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "took it" in out


def _read_only_command(data: Path, command: list[str]) -> tuple[list[str], bool]:
    """The command run so that `data` cannot be written, and whether chmod is needed.

    As root, permission bits do not stop anyone: the client then runs in its own mount
    namespace where the folder is bind-mounted read-only (nothing outside sees that mount).
    """
    if os.geteuid() != 0:
        return command, True
    if shutil.which("unshare") is None:
        pytest.skip("root without unshare: no way to make a folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", str(data), *command], False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and mounts")
def test_a_read_only_data_folder_is_refused_with_a_clear_message(
    backend: BackendServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    # Make a real data folder first, then take away the right to write it.
    made = _client(data, backend.url, "--quit-after-start")
    out, err = made.communicate(timeout=180)
    assert made.returncode == 0, err
    before = _files(data)
    command = [sys.executable, "-m", "client", "--data-dir", str(data),
               "--server", backend.url, "--quit-after-start"]  # fmt: skip
    command, chmod = _read_only_command(data, command)
    if chmod:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        run = subprocess.run(
            command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=180
        )
    finally:
        if chmod:
            for path in [data, *data.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
    if "mount:" in run.stderr and "first window" not in run.stdout:
        pytest.skip(f"read-only bind mount refused here: {run.stderr.strip()}")
    assert run.returncode == 1, run.stderr
    assert "不可写入" in run.stdout, run.stdout
    assert "Traceback" not in run.stderr
    assert _files(data) == before


def test_an_unwritable_folder_in_process(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataFolderNotWritableError) as refused:
        claim_data_folder(blocker / "data")  # a file where the folder should be
    assert "不可写入" in refused.value.message
