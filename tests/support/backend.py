"""Run the mock backend as a real subprocess (uvicorn on 127.0.0.1) and drive its admin API."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import orjson

READY_PREFIX = "mock_backend ready on "
START_TIMEOUT = 60.0
ROOT = Path(__file__).resolve().parents[2]


class BackendError(RuntimeError):
    """An admin call answered with a non-2xx status."""


class BackendServer:
    def __init__(
        self, url: str, data_dir: Path, process: subprocess.Popen[str], processing_delay: float
    ) -> None:
        self.url = url
        self.data_dir = data_dir
        self.process = process
        self.processing_delay = processing_delay
        self._stderr: list[str] = []
        self._http = httpx.Client(base_url=f"{url}/api/v1/admin", timeout=120.0, trust_env=False)

    # -- raw admin calls -------------------------------------------------------------
    def _check(self, response: httpx.Response) -> Any:
        if not response.is_success:
            raise BackendError(
                f"{response.request.method} {response.request.url.path} -> "
                f"{response.status_code}: {response.text}"
            )
        return orjson.loads(response.content) if response.content else None

    def admin_get(self, path: str, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None}
        return self._check(self._http.get(f"/{path.lstrip('/')}", params=clean))

    def admin_post(self, path: str, json: dict[str, Any] | None = None) -> Any:
        return self._check(self._http.post(f"/{path.lstrip('/')}", json=json or {}))

    def admin_patch(self, path: str, json: dict[str, Any]) -> Any:
        return self._check(self._http.patch(f"/{path.lstrip('/')}", json=json))

    def admin_delete(self, path: str) -> Any:
        return self._check(self._http.delete(f"/{path.lstrip('/')}"))

    # -- conveniences ----------------------------------------------------------------
    def create_taxpayer(
        self,
        kind: str = "employer",
        region: str = "440300",
        units: int = 1,
        employees_per_unit: int = 20,
        residents_per_unit: int = 0,
        unit_numbers: list[list[str]] | None = None,
        seed: int | None = None,
        projects_per_unit: int | None = None,
    ) -> dict[str, Any]:
        """A fresh taxpayer; `projects_per_unit` None lets the seed decide on 工程项目."""
        body: dict[str, Any] = {
            "kind": kind,
            "region": region,
            "units": units,
            "employees_per_unit": employees_per_unit,
            "residents_per_unit": residents_per_unit,
        }
        if unit_numbers is not None:
            body["unit_numbers"] = unit_numbers
        if seed is not None:
            body["seed"] = seed
        if projects_per_unit is not None:
            body["projects_per_unit"] = projects_per_unit
        return self.admin_post("taxpayers", body)

    def mutate(
        self, unit_id: str, feed: str, add: int = 0, change: int = 0, remove: int = 0, seed: int = 0
    ) -> dict[str, Any]:
        return self.admin_post(
            f"units/{unit_id}/{feed}/mutate",
            {"add": add, "change": change, "remove": remove, "seed": seed},
        )

    def dump(self, unit_id: str, feed: str) -> dict[str, Any]:
        return self.admin_get(f"units/{unit_id}/{feed}/dump")

    # -- unit reference data (单位信息, 单位参保信息, 工程项目) ---------------------------------
    def set_unit_info(self, unit_id: str, **fields: Any) -> dict[str, Any]:
        """Change 单位信息 fields (None clears a nullable one); returns the new info."""
        return self.admin_patch(f"units/{unit_id}/info", fields)

    def add_insurance(self, unit_id: str, **row: Any) -> int:
        """Add (or replace, same 单位编号 and 征收品目) a 单位参保信息 row; the unit's row count."""
        return int(self.admin_post(f"units/{unit_id}/insurance", row)["count"])

    def clear_insurance(self, unit_id: str) -> None:
        self.admin_delete(f"units/{unit_id}/insurance")

    def add_project(self, unit_id: str, project_name: str = "测试工程", **fields: Any) -> str:
        """Add a 工程项目 (number generated unless given); returns its project number."""
        body = {"project_name": project_name, **fields}
        return str(self.admin_post(f"units/{unit_id}/projects", body)["project_number"])

    def remove_project(self, unit_id: str, project_number: str) -> None:
        self.admin_delete(f"units/{unit_id}/projects/{project_number}")

    # -- records ------------------------------------------------------------------------
    def add_record(self, unit_id: str, feed: str, record: dict[str, Any]) -> int:
        """Add one record (named fields, items as objects); returns its id."""
        return int(self.admin_post(f"units/{unit_id}/{feed}", record)["id"])

    def remove_record(self, feed: str, record_id: int) -> int:
        """Remove a record (it becomes a tombstone); returns its new seq."""
        return int(self.admin_delete(f"{feed}/{record_id}")["seq"])

    # -- 缴费工资申报 -------------------------------------------------------------------------
    def process_wage_declaration(self, unit_id: str, declaration_id: str) -> dict[str, Any]:
        """Process a wage declaration now, whatever the delay; returns its summary."""
        return self.admin_post(f"units/{unit_id}/wage-declarations/{declaration_id}/process")

    def fee_preprocessing(
        self, unit_id: str, declaration_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The unit's 社保费预处理信息 (optionally of one declaration) as dicts."""
        page = self.admin_get(f"units/{unit_id}/fee-preprocessing", declaration_id=declaration_id)
        return [dict(zip(page["fields"], r, strict=True)) for r in page["records"]]

    # -- 社保费申报 ---------------------------------------------------------------------------
    def generate_fee_items(self, unit_id: str, period: str | None = None) -> list[str]:
        """Make a period's (None: this month's) 01, 03 and project items again; their ids."""
        body = {"period": period}
        return list(self.admin_post(f"units/{unit_id}/fee-items/generate", body)["item_ids"])

    def add_special_fee(
        self,
        unit_id: str,
        special_type: str = "补缴",
        levy_item: str = "10201",
        period_start: str = "2025-01",
        period_end: str = "2025-03",
        persons: int = 3,
        valid_until: str | None = None,
    ) -> list[str]:
        """特殊缴费 from the 社保 department (one item per 征收品目, one 征集通知流水号); ids."""
        body = {"special_type": special_type, "levy_item": levy_item,
                "period_start": period_start, "period_end": period_end, "persons": persons,
                "valid_until": valid_until}  # fmt: skip
        return list(self.admin_post(f"units/{unit_id}/special-fees", body)["item_ids"])

    def refuse_fee_item(self, unit_id: str, item_id: str, reason: str) -> None:
        """The next processing of a declaration holding the item fails with `reason`."""
        self.admin_post(f"units/{unit_id}/fee-items/{item_id}/refuse", {"reason": reason})

    def process_fee_declaration(self, unit_id: str, declaration_id: str) -> dict[str, Any]:
        """Process a fee declaration (or its 作废) now, whatever the delay; the declaration."""
        return self.admin_post(f"units/{unit_id}/fee-declarations/{declaration_id}/process")

    def pay_fee_declaration(self, unit_id: str, declaration_id: str) -> dict[str, Any]:
        """Mark a 申报成功 fee declaration 缴费成功; the declaration."""
        return self.admin_post(f"units/{unit_id}/fee-declarations/{declaration_id}/pay")

    def declare_fee_items_elsewhere(
        self,
        unit_id: str,
        item_ids: list[str],
        channel: str = "电子税务局",
        submitted_at: str | None = None,
    ) -> list[str]:
        """Declare items through another channel, processed at once; the declaration ids."""
        body = {"item_ids": item_ids, "channel": channel, "submitted_at": submitted_at}
        path = f"units/{unit_id}/fee-declarations/other-channel"
        return list(self.admin_post(path, body)["declaration_ids"])

    def fee_batch_deduction(self, unit_id: str) -> int:
        """Every 申报成功 unpaid item goes into a bank deduction list; how many did."""
        return int(self.admin_post(f"units/{unit_id}/fee-items/batch-deduction")["count"])

    # -- 费款缴纳 and the simulated bank ---------------------------------------------------
    BANK_DEFAULTS: dict[str, Any] = {
        "deduct_delay_seconds": 5, "verify_delay_seconds": 5, "store_delay_seconds": 60,
        "arrive_delay_seconds": 120, "default_balance": "10000000.00",
    }  # fmt: skip

    def bank_settings(self, **settings: Any) -> dict[str, Any]:
        """Change any of the bank's settings (delays in seconds, `default_balance` an amount
        string); returns them all."""
        return dict(self.admin_post("bank", settings))

    def bank_account(
        self, account: str, name: str, balance: str = "0.00", status: str = "正常"
    ) -> dict[str, Any]:
        """Create or replace an account of the simulated bank (`正常`/`冻结`/`销户`)."""
        body = {"account": account, "name": name, "balance": balance, "status": status}
        return dict(self.admin_post("bank/accounts", body))

    def get_bank_account(self, account: str) -> dict[str, Any]:
        """{"account", "name", "balance", "status"} of a bank account."""
        return dict(self.admin_get(f"bank/accounts/{account}"))

    def lose_next_deduction(self, account: str, deducted: bool) -> None:
        """The next deduction on the account ends 锁定; 解锁 shows whether it was deducted."""
        self.admin_post(f"bank/accounts/{account}/lose-next", {"deducted": deducted})

    def process_collect(self, unit_id: str) -> dict[str, int]:
        """The bank answers every pending deduction and verification of the unit now."""
        return dict(self.admin_post(f"units/{unit_id}/collect/process"))

    def process_arrivals(self, unit_id: str) -> int:
        """Every paid line of the unit is 入库 and 到账 now; how many lines moved."""
        return int(self.admin_post(f"units/{unit_id}/arrivals/process")["count"])

    def pay_bank_voucher(self, unit_id: str, voucher_id: str) -> dict[str, Any]:
        """The voucher paid at a bank counter; returns it (已缴款)."""
        return dict(self.admin_post(f"units/{unit_id}/bank-vouchers/{voucher_id}/pay"))

    def clear_payment_lock(self, unit_id: str) -> None:
        """Forget the unit's wrong payment passwords and its 3-minute payment lock."""
        self.admin_post(f"units/{unit_id}/payment-lock/clear")

    # -- 证明打印 -------------------------------------------------------------------------
    def void_tax_certificate(
        self,
        unit_id: str,
        ticket_id: str,
        voided_by: str = "系统管理员",
        reason: str = "票证信息有误",
    ) -> dict[str, Any]:
        """The tax office voids a 税收完税证明 ticket; returns it (已作废)."""
        body = {"voided_by": voided_by, "reason": reason}
        return dict(self.admin_post(f"units/{unit_id}/tax-certificates/{ticket_id}/void", body))

    # -- 退费 -----------------------------------------------------------------------------
    def refund_settings(self, **settings: Any) -> dict[str, Any]:
        """Change the refund settings (`refund_delay_seconds`: each step's delay); returns them."""
        return dict(self.admin_post("refunds", settings))

    def decide_refund(
        self, unit_id: str, refund_id: str, approve: bool, reason: str | None = None
    ) -> dict[str, Any]:
        """The outcome of 审核 of an application (不予退费 with `reason` when not approved),
        applied when its 审核中 ends; returns the application."""
        body = {"approve": approve, "reason": reason}
        return dict(self.admin_post(f"units/{unit_id}/refunds/{refund_id}/decide", body))

    def process_refunds(self, unit_id: str) -> int:
        """Every pending step of the unit's refund applications happens now; how many moved."""
        return int(self.admin_post(f"units/{unit_id}/refunds/process")["count"])

    # -- 外部参保城乡居民 (issue 12) ----------------------------------------------------------
    def add_external_registry(self, region: str, persons: list[dict[str, Any]]) -> list[int]:
        """Register persons (name, id_type, id_number, levy_categories; optional township,
        village, grade, start_month, end_month…) with the region's 管理子系统 outside every
        agent's feed; their ids (from 900000001 up)."""
        persons = [{"township": "城关街道", "village": "城关社区第1组", **p} for p in persons]
        body = {"region": region, "persons": persons}
        return list(self.admin_post("external-registry", body)["ids"])

    def external_registry(
        self, region: str, after_id: int = 0, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Registered persons of a region outside every feed (seeded ones first), with their
        items as [person_number, levy_item, levy_category, levy_subcategory, start, end]."""
        page = self.admin_get("external-registry", region=region, after_id=after_id, limit=limit)
        return list(page["persons"])

    def set_clock(self, now: str | None = None, offset_seconds: float | None = None) -> None:
        """Shift the server clock (`now` 'YYYY-MM-DD HH:MM:SS' or an offset from real time)."""
        body = {"now": now} if now is not None else {"offset_seconds": offset_seconds or 0}
        self.admin_post("clock", body)

    def add_fault(self, kind: str, **kw: Any) -> dict[str, Any]:
        return self.admin_post("faults", {"kind": kind, **kw})

    def clear_faults(self) -> None:
        self.admin_delete("faults")

    def reset_clock(self) -> None:
        self.admin_delete("clock")

    def set_processing_delay(self, seconds: float) -> None:
        self.admin_post("delay", {"seconds": seconds})

    def reset_state(self) -> None:
        """Undo what a test may have changed on a shared server: faults, clock, delays and
        the bank's settings."""
        self.clear_faults()
        self.reset_clock()
        self.set_processing_delay(self.processing_delay)
        self.bank_settings(**self.BANK_DEFAULTS)

    @property
    def stderr_text(self) -> str:
        return "".join(self._stderr)

    def stop(self) -> None:
        """SIGTERM, wait, and assert the server exited cleanly (code 0)."""
        self._http.close()
        if self.process.poll() is None:
            if sys.platform == "win32":
                self.process.send_signal(signal.CTRL_BREAK_EVENT)
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("mock backend did not stop within 20 s of SIGTERM") from None
        code = self.process.returncode
        assert code == 0, f"mock backend exited with {code}:\n{self.stderr_text[-4000:]}"


def start_backend(
    data_dir: Path,
    *,
    seed: str = "demo",
    admin: bool = True,
    employees_per_unit: int | None = None,
    residents_per_unit: int | None = None,
    random_seed: int | None = None,
    processing_delay: float | None = None,
    extra_args: Sequence[str] = (),
) -> BackendServer:
    """Start `python -m mock_backend --port 0 ...` and wait for its ready line (60 s at most)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "mock_backend", "--port", "0", "--data-dir", str(data_dir)]
    cmd += ["--seed", seed]
    if admin:
        cmd.append("--admin")
    if employees_per_unit is not None:
        cmd += ["--employees-per-unit", str(employees_per_unit)]
    if residents_per_unit is not None:
        cmd += ["--residents-per-unit", str(residents_per_unit)]
    if random_seed is not None:
        cmd += ["--random-seed", str(random_seed)]
    if processing_delay is not None:
        cmd += ["--processing-delay", str(processing_delay)]
    cmd += list(extra_args)
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONUNBUFFERED": "1"}
    flags = subprocess.CREATE_NEW_PROCESS_GROUP if sys.platform == "win32" else 0
    process = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        creationflags=flags,
    )
    assert process.stdout is not None and process.stderr is not None
    stderr_lines: list[str] = []
    _drain(process.stderr, stderr_lines.append)
    lines: queue.Queue[str | None] = queue.Queue()
    _drain(process.stdout, lines.put, end=lambda: lines.put(None))

    deadline = time.monotonic() + START_TIMEOUT
    url = None
    while url is None:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(0.01, remaining)) if remaining > 0 else None
        except queue.Empty:
            line = None
        if line is None:
            process.kill()
            process.wait()
            time.sleep(0.1)
            reason = "exited" if remaining > 0 else f"was not ready within {START_TIMEOUT:.0f} s"
            raise RuntimeError(
                f"mock backend {reason} (code {process.returncode}); stderr:\n"
                + "".join(stderr_lines)[-6000:]
            )
        if line.startswith(READY_PREFIX):
            url = line[len(READY_PREFIX) :].strip()
    server = BackendServer(url, data_dir, process, processing_delay or 0.0)
    server._stderr = stderr_lines
    return server


def _drain(stream: Any, sink: Any, end: Any = None) -> None:
    """Read a pipe on a daemon thread so the server never blocks on a full pipe."""

    def run() -> None:
        for line in stream:
            sink(line)
        if end is not None:
            end()

    threading.Thread(target=run, daemon=True).start()
