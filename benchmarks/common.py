"""Shared pieces of the benchmarks: figures, targets, the backend process, memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "value": round(self.value, 4), "unit": self.unit}


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, target: str = "") -> Figure:
        fig = Figure(name, value, unit, target)
        self.figures.append(fig)
        if isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = f"{value:,.3f}" if unit in ("s", "x") else f"{value:,.1f}"
        note = f"   target {target}" if target else ""
        print(f"  {name:<52} {shown:>12} {unit:<4}{note}", flush=True)
        return fig


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    if sys.platform == "win32":
        import psutil

        return psutil.Process().memory_info().peak_wset / 1024 / 1024
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


class BackendProcess:
    """`python -m mock_backend` in its own process, so its memory is not counted as ours."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.stderr_path = data_dir / "backend-stderr.log"
        self._stderr = open(self.stderr_path, "w", encoding="utf-8")  # noqa: SIM115
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mock_backend",
                "--port",
                "0",
                "--data-dir",
                str(data_dir),
                "--admin",
                "--reset",
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        url: list[str] = []

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                if line.startswith("mock_backend ready on "):
                    url.append(line.split(" on ", 1)[1].strip())
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=600)
        if not url:
            self.process.kill()
            raise RuntimeError(
                "mock backend did not start:\n" + self.stderr_path.read_text(encoding="utf-8")
            )
        self.url = url[0]
        self.startup_seconds = time.perf_counter() - started
        self.admin = httpx.Client(base_url=self.url + "/api/v1/admin", timeout=300)

    def admin_get(self, path: str, **params: Any) -> Any:
        r = self.admin.get(path, params=params)
        r.raise_for_status()
        return r.json()

    def admin_post(self, path: str, body: Any = None) -> Any:
        r = self.admin.post(path, json=body or {})
        r.raise_for_status()
        return r.json()

    def stop(self) -> None:
        self.admin.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._stderr.close()


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as d:
        yield Path(d)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class BenchEnv:
    """Shared by all benchmarks of one run: a temp folder and one bench-seeded backend."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._backend: BackendProcess | None = None
        self.employees = env_int("BENCH_EMPLOYEES", 100_000)
        self.residents = env_int("BENCH_RESIDENTS", 100_000)  # the bench 代收单位 (issue 12)

    def backend(self, report: Report) -> BackendProcess:
        if self._backend is None:
            folder = self.root / "backend"
            folder.mkdir(exist_ok=True)
            self._backend = BackendProcess(
                folder, "--seed", "bench", "--employees-per-unit", str(self.employees),
                "--residents-per-unit", str(self.residents),
            )  # fmt: skip
            report.add(
                "backend start incl. seeding (setup, not a target)",
                self._backend.startup_seconds,
                "s",
            )
        return self._backend

    def bench_unit(self, report: Report) -> dict[str, Any]:
        """The employer unit with the most employees (the bench profile's big unit)."""
        units = self.backend(report).admin_get("units", kind="employer", region="440300")
        return max(units, key=lambda u: u.get("employees", u.get("record_count", 0)))

    def bench_collector(self, report: Report) -> dict[str, Any]:
        """The 代收单位 with the most residents (the bench profile's big agent)."""
        units = self.backend(report).admin_get("units", kind="collector")
        return max(units, key=lambda u: u.get("residents", u.get("record_count", 0)))

    client_password = "Bench2026x"

    def synced_client(self, report: Report) -> Path:
        """A client data folder with the bench unit registered, its password changed and
        its employees fully synced (set-up shared by the shell and roster benchmarks)."""
        folder = self.root / "synced-client"
        if not folder.exists():
            from benchmarks.prepare import prepare_client

            prepare_client(folder, self.backend(report).url, self.bench_unit(report),
                           self.client_password)  # fmt: skip
        return folder

    def close(self) -> None:
        if self._backend is not None:
            self._backend.stop()
