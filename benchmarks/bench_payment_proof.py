"""职工缴费证明 of one employee over 10 years, end to end on the client side: the 缴费清单
query over HTTP (`PaymentProofs.query`) and the PDF of every row it found
(`PaymentProofs.write_pdf`), each the median of `ROUNDS`, and their sum. Then 按年度开具 of the
unit's last paid year, end to end (`print_year`: 查询, one 开具 per ticket through the
Submitter, the PDFs), once into separate files and once (补开) into one combined PDF.

Set-up (not timed) on a backend of its own (demo seed, small units: the shared bench
backend seeds 100,000 employees, which this figure does not need): a fresh unit of
`EMPLOYEES` employees plus one employee whose items start `YEARS` years back; the admin
API makes the unit's items of each month of those years (`fee-items/generate`), declares
them through another channel, pays every declaration (批量扣款) and makes the lines 入库;
then a client registers, logs in and syncs the unit as a clerk's would.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import BackendProcess, BenchEnv, Report, env_int

NAME = "payment_proof"
EMPLOYEES = env_int("BENCH_PROOF_EMPLOYEES", 20)
DEMO_EMPLOYEES = 20  # the demo seed's units, not measured: a fast start
YEARS = env_int("BENCH_PROOF_YEARS", 10)
ROUNDS = env_int("BENCH_PROOF_ROUNDS", 5)
PASSWORD = "Bench2026x"
PERSON = {"name": "陈证明", "id_type": "01", "birth": "19880315", "serial": "123"}


def median_of(rounds: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The median seconds of `rounds` calls, and the last call's answer."""
    seconds, answer = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        answer = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), answer


def server_today(backend: BackendProcess) -> date:
    response = backend.admin.get("bank")
    response.raise_for_status()
    return date.fromisoformat(response.headers["X-Server-Time"][:10])


def proof_employee(backend: BackendProcess, unit_id: str, first_month: str) -> dict[str, str]:
    """A 在职 employee whose items (those of an existing 在职 colleague, so the unit's own
    单位编号 and 征收品目) have been in force since `first_month`."""
    from client.domain.ids import identity_check_digit

    dump = backend.admin_get(f"units/{unit_id}/employees/dump")
    fields, item_fields = dump["fields"], dump["item_fields"]
    records = [dict(zip(fields, r, strict=True)) for r in dump["records"]]
    end = item_fields.index("end_month")
    template = next(
        r for r in records if r["status"] == "1" and all(i[end] is None for i in r["items"])
    )
    first17 = "440306" + PERSON["birth"] + PERSON["serial"]
    person = {"name": PERSON["name"], "id_type": PERSON["id_type"],
              "id_number": first17 + identity_check_digit(first17)}  # fmt: skip
    items = []
    for raw in template["items"]:
        item = dict(zip(item_fields, raw, strict=True))
        item.update(base="8000.00", start_month=first_month, end_month=None)
        items.append(item)
    backend.admin_post(
        f"units/{unit_id}/employees",
        {**person, "gender": "男", "birth_date": f"{PERSON['birth'][:4]}-03-15",
         "status": "1", "items": items},
    )  # fmt: skip
    # every 单位编号 × 征收品目 of the unit 正常, so no declaration fails on a 暂停 one
    boxes = {
        (i[item_fields.index("unit_number")], i[item_fields.index("levy_item")],
         i[item_fields.index("levy_category")])
        for r in records for i in r["items"]
    } | {(i["unit_number"], i["levy_item"], i["levy_category"]) for i in items}  # fmt: skip
    for number, levy, category in sorted(boxes):
        backend.admin_post(
            f"units/{unit_id}/insurance",
            {"unit_number": number, "levy_item": levy, "levy_category": category,
             "status": "正常"},
        )  # fmt: skip
    return person


def paid_and_stored(backend: BackendProcess, unit_id: str, months: list[str]) -> dict[str, int]:
    """Each month's items made, declared (电子税务局), paid and 入库; what it took."""
    item_ids: list[str] = []
    for period in months:
        item_ids += backend.admin_post(f"units/{unit_id}/fee-items/generate",
                                       {"period": period})["item_ids"]  # fmt: skip
    declared = backend.admin_post(
        f"units/{unit_id}/fee-declarations/other-channel",
        {"item_ids": item_ids, "channel": "电子税务局", "submitted_at": None},
    )["declaration_ids"]
    for declaration_id in declared:
        paid = backend.admin_post(f"units/{unit_id}/fee-declarations/{declaration_id}/pay")
        if paid["pay_status"] not in ("缴费成功", "无需缴费"):
            raise RuntimeError(f"declaration {declaration_id} not paid: {paid}")
    stored = backend.admin_post(f"units/{unit_id}/arrivals/process")["count"]
    return {"items": len(item_ids), "declarations": len(declared), "lines": stored}


def page_count(path: Path) -> int:
    """Pages of a reportlab PDF: its page objects (it writes them uncompressed)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", path.read_bytes()))


@dataclass
class ProofSetUp:
    backend: BackendProcess
    unit: dict[str, Any]
    person: dict[str, str]
    months: list[str]
    today: date


def set_up(root: Path, report: Report) -> ProofSetUp:
    """The backend, the unit with its ten years paid and 入库, and its synced client."""
    from benchmarks.prepare import prepare_client

    (root / "backend").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    backend = BackendProcess(
        root / "backend", "--seed", "demo", "--employees-per-unit", str(DEMO_EMPLOYEES)
    )
    try:
        today = server_today(backend)
        months = [f"{y}-{m:02d}" for y in range(today.year - YEARS, today.year)
                  for m in range(1, 13)]  # fmt: skip
        created = backend.admin_post(
            "taxpayers",
            {"kind": "employer", "region": "440300", "units": 1,
             "employees_per_unit": EMPLOYEES, "projects_per_unit": 0},
        )  # fmt: skip
        unit = {**created["units"][0], "taxpayer_id": created["taxpayer_id"]}
        person = proof_employee(backend, unit["unit_id"], months[0])
        made = paid_and_stored(backend, unit["unit_id"], months)
        prepare_client(root / "client", backend.url, unit, PASSWORD)
    except BaseException:
        backend.stop()
        raise
    report.add(
        f"set-up: {len(months)} months of a {EMPLOYEES + 1}-employee unit paid and 入库, client "
        "synced (not a target)",
        time.perf_counter() - started,
        "s",
    )
    print(f"  ({made['items']} items, {made['declarations']} declarations, "
          f"{made['lines']} lines 入库)")  # fmt: skip
    return ProofSetUp(backend, unit, person, months, today)


def run(report: Report, env: BenchEnv) -> None:
    from client.account.login import LoginService
    from client.app_context import AppContext
    from client.certificates.proofs import EMPLOYEE, PaymentProofs
    from client.certificates.tickets import TaxCertificates
    from client.certificates.year import print_year
    from client.documents.pdf_fonts import cjk_font
    from client.fees.journal import FeeJournal
    from client.jobs import JobContext

    root = env.root / "payment-proof"
    prepared = set_up(root, report)
    person, start, end = prepared.person, prepared.months[0], prepared.months[-1]
    try:
        ctx = AppContext.open(str(root / "client"), prepared.backend.url)
        session = LoginService(ctx).authenticate(ctx.app_db.units("employer")[0], PASSWORD)
        try:
            taxpayer = (session.unit.taxpayer_id, session.unit.taxpayer_name)
            proofs = PaymentProofs(
                session.api, session.unit.unit_id, taxpayer, FeeJournal(session.db),
                ctx.app_db.code_table("id_types"),
            )  # fmt: skip
            cjk_font()  # finding the font is start-up work, not the proof's

            def query() -> Any:
                return proofs.query(EMPLOYEE, start, end, person["name"], person["id_type"],
                                    person["id_number"])  # fmt: skip

            query_s, found = median_of(ROUNDS, query)
            if not found.rows:
                raise RuntimeError(f"the 缴费清单 is empty: {found.explanation()}")
            target = root / "职工缴费证明.pdf"
            pdf_s, _ = median_of(
                ROUNDS, lambda: proofs.write_pdf(found, found.rows, target, prepared.today)
            )
            tickets = TaxCertificates(session.api, session.db, session.unit.unit_id,
                                      FeeJournal(session.db))  # fmt: skip
            year = int(end[:4])
            folder = root / "完税证明"
            folder.mkdir(exist_ok=True)
            started = time.perf_counter()
            separate = print_year(tickets, year, folder, combined=False, include_issued=False,
                                  ctx=JobContext())  # fmt: skip
            separate_s = time.perf_counter() - started
            started = time.perf_counter()
            combined = print_year(tickets, year, root / "完税证明.pdf", combined=True,
                                  include_issued=True, ctx=JobContext())  # fmt: skip
            combined_s = time.perf_counter() - started
        finally:
            session.close()
            ctx.close()
    finally:
        prepared.backend.stop()
    paid_months = len({row["period"] for row in found.rows})
    what = f"{start}..{end}: {paid_months} months, {len(found.rows):,} rows"
    report.add(f"职工缴费证明: 缴费清单 query ({what}; median of {ROUNDS})", query_s * 1000, "ms")
    report.add(
        f"职工缴费证明: PDF of those rows ({page_count(target)} pages; median of {ROUNDS})",
        pdf_s * 1000,
        "ms",
    )
    report.add("职工缴费证明: query + PDF, client side", (query_s + pdf_s) * 1000, "ms")
    report.add("its file size", target.stat().st_size / 1024, "KB")
    count = len(separate.tickets)
    report.add(
        f"完税证明 按年度开具 {year}, end to end: {count} tickets 开具 into {count} files",
        separate_s,
        "s",
    )
    report.add("  per ticket (查询, 开具 over HTTP, PDF)", separate_s / max(count, 1) * 1000, "ms")
    report.add(
        f"完税证明 按年度开具 {year} again, 补开 into one PDF ({len(combined.tickets)} tickets)",
        combined_s,
        "s",
    )
