"""证明打印 documents, PDF writing only (no backend): one 税收完税证明 of 10 rows; a unit's year
of tickets (12 months × 5 险种) written as separate files and as one combined PDF; 职工缴费证明
of one employee over 10 years (5 items × 2 parts × 120 months = 1,200 rows) and 单位缴费证明 of a
year — the PDF only: querying the 缴费清单 is measured with the client's services.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from benchmarks.common import BenchEnv, Report, env_int, temp_dir

NAME = "certificates"
ROUNDS = env_int("BENCH_CERT_ROUNDS", 5)
TICKET_ROWS = env_int("BENCH_TICKET_ROWS", 10)
YEARS = env_int("BENCH_PROOF_YEARS", 10)

# (code, 征收项目, 征收品目 without its part, 分 per month of one employee)
ITEMS = [
    ("10201", "企业职工基本养老保险费", "企业职工基本养老保险（城镇职工）", 128000),
    ("10301", "职工基本医疗保险费", "职工基本医疗保险", 48000),
    ("10501", "失业保险费", "失业保险", 5600),
    ("10401", "工伤保险费", "工伤保险", 1600),
    ("10601", "生育保险费", "生育保险", 4000),
]
PARTS = ("单位缴纳", "个人缴纳")
UNIT_ID, UNIT_NAME = "91440300MA5G7XKQ3R", "深圳市前海示例科技有限公司"
AUTHORITY, AGENCY = "国家税务总局深圳市宝安区税务局", "深圳市社会保险基金管理局"


def ticket(serial: int, month: int, items: list[tuple[str, str, str, int]], rows: int) -> Any:
    """A ticket of `rows` rows cycling through `items` and both parts, as the contract sends it."""
    from client.documents.tax_certificate import TaxCertificate

    lines = []
    for i, ((_code, item, name, cents), part) in enumerate(
        itertools.islice(itertools.cycle(itertools.product(items, PARTS)), rows)
    ):
        lines.append(
            {
                "original_voucher": f"1001440300{serial:06d}{i:04d}",
                "tax_kind": item,
                "item_name": f"{name}({part})",
                "period_start": f"2026-{month:02d}-01",
                "period_end": f"2026-{month:02d}-28",
                "stored_on": f"2026-{month:02d}-20",
                "amount": f"{Decimal(cents * 37 + i) / 100}",
            }
        )
    total = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    return TaxCertificate.from_wire(
        {
            "e_ticket_number": f"3440302612{serial:08d}",
            "ticket_kind": "税收完税证明（非印刷）",
            "ticket_word": "(2026)粤税证",
            "ticket_number": f"{serial:010d}",
            "taxpayer_id": UNIT_ID,
            "taxpayer_name": UNIT_NAME,
            "tax_authority_name": AUTHORITY,
            "region_code": "440306",
            "issued_on": "2026-12-04",
            "issuer": "单位社保费管理客户端",
            "print_count": 1,
            "check_code": "7Q2K-9D4M-X8PA-3C6T",
            "remark": f"正常申报 主管税务所(科、分局): {AUTHORITY}",
            "amount": f"{total}",
            "rows": lines,
        }
    )


def employee_proof(years: int) -> Any:
    from client.documents.payment_proof import PERSON_FIELDS, ProofDocument

    records = []
    for year in range(2026 - years, 2026):
        for month in range(1, 13):
            for (code, item, name, cents), part in itertools.product(ITEMS, PARTS):
                records.append(
                    ["张三", "居民身份证", "440306199001011234", AUTHORITY, AGENCY, "29747206",
                     code, item, f"{name}({part})", part, f"{year}-{month:02d}", "8000.00",
                     f"{Decimal(cents + len(records) % 97) / 100}", f"{year}-{month:02d}-20",
                     "三方协议缴费"]
                )  # fmt: skip
    return ProofDocument.from_wire(
        PERSON_FIELDS,
        records,
        kind="employee",
        taxpayer_id=UNIT_ID,
        taxpayer_name=UNIT_NAME,
        period_from=f"{2026 - years}-01",
        period_to="2025-12",
        printed_on=date(2026, 12, 4),
    )


def unit_proof() -> Any:
    from client.documents.payment_proof import UNIT_FIELDS, ProofDocument

    records = []
    for month in range(1, 13):
        for (code, item, name, cents), part in itertools.product(ITEMS, PARTS):
            records.append(
                [AUTHORITY, AGENCY, "29747206", code, item, f"{name}({part})", "",
                 f"2026-{month:02d}-01", f"2026-{month:02d}-28", f"2026-{month:02d}-20",
                 f"{Decimal(cents * 240 + len(records)) / 100}", f"QF{len(records):010d}"]
            )  # fmt: skip
    return ProofDocument.from_wire(
        UNIT_FIELDS,
        records,
        kind="unit",
        taxpayer_id=UNIT_ID,
        taxpayer_name=UNIT_NAME,
        period_from="2026-01",
        period_to="2026-12",
        printed_on=date(2026, 12, 4),
    )


def best_of(rounds: int, action: Callable[[], object]) -> float:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def run(report: Report, env: BenchEnv) -> None:  # env unused: no backend needed
    from client.documents.payment_proof_pdf import write_payment_proof
    from client.documents.pdf_fonts import cjk_font
    from client.documents.tax_certificate_pdf import write_tax_certificate, write_tax_certificates

    cjk_font()  # finding the font is start-up work, not the documents'
    one = ticket(1, 11, ITEMS, TICKET_ROWS)
    year = [
        ticket(1 + m * len(ITEMS) + i, m, [item], 2)
        for m in range(1, 13)
        for i, item in enumerate(ITEMS)
    ]
    employee = employee_proof(YEARS)
    unit = unit_proof()
    with temp_dir("certificates-") as folder:
        single = folder / "ticket.pdf"
        seconds = best_of(ROUNDS * 4, lambda: write_tax_certificate(single, one))
        report.add(
            f"完税证明 PDF, one ticket of {TICKET_ROWS} rows (best of {ROUNDS * 4})",
            seconds * 1000,
            "ms",
        )
        report.add("its file size", single.stat().st_size / 1024, "KB")

        def separate() -> None:
            for cert in year:
                write_tax_certificate(folder / f"{cert.e_ticket_number}.pdf", cert)

        seconds = best_of(ROUNDS, separate)
        report.add(
            f"完税证明, a unit's year: {len(year)} separate files (best of {ROUNDS})", seconds, "s"
        )
        combined = folder / "year.pdf"
        seconds = best_of(ROUNDS, lambda: write_tax_certificates(combined, year))
        report.add(
            f"完税证明, the same {len(year)} tickets as one PDF (best of {ROUNDS})", seconds, "s"
        )
        report.add("its file size", combined.stat().st_size / 1024, "KB")

        proof = folder / "employee.pdf"
        seconds = best_of(ROUNDS, lambda: write_payment_proof(proof, employee))
        pages = write_payment_proof(proof, employee).pages
        report.add(
            f"职工缴费证明 PDF only, {YEARS} years = {len(employee.rows):,} rows, {pages} pages "
            f"(best of {ROUNDS})",
            seconds,
            "s",
        )
        report.add("its file size", proof.stat().st_size / 1024, "KB")
        unit_file = folder / "unit.pdf"
        seconds = best_of(ROUNDS, lambda: write_payment_proof(unit_file, unit))
        report.add(
            f"单位缴费证明 PDF only, one year = {len(unit.rows)} rows (best of {ROUNDS})",
            seconds,
            "s",
        )
