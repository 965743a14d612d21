"""银行端查询缴税凭证: one voucher of 200 item rows (a large 汇总开具) written through
`write_bank_voucher` — seconds and file size, best of `ROUNDS` — and the cost of one
`amount_in_words` call over 100,000 random amounts of every size. No backend is needed.
"""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

from benchmarks.common import BenchEnv, Report, env_int, temp_dir

NAME = "bank_voucher"
ROWS = env_int("BENCH_VOUCHER_ROWS", 200)
ROUNDS = env_int("BENCH_VOUCHER_ROUNDS", 5)
AMOUNTS = env_int("BENCH_AMOUNT_WORDS", 100_000)

ITEMS = [
    ("企业职工基本养老保险费", "企业职工基本养老保险（城镇职工）(单位缴纳)"),
    ("企业职工基本养老保险费", "职工基本养老保险(个人缴纳)"),
    ("职工基本医疗保险费", "职工基本医疗保险(单位缴纳)"),
    ("失业保险费", "失业保险(单位缴纳)"),
    ("工伤保险费", "工伤保险"),
]


def bench_voucher(rows: int) -> object:
    from client.documents.bank_voucher_pdf import BankVoucherDocument, VoucherRow

    rng = random.Random(rows)
    return BankVoucherDocument(
        serial="4403061202612040001",
        issued_on=date(2026, 12, 4),
        taxpayer_id="91440300MA5G7XKQ3R",
        taxpayer_name="深圳市前海示例科技有限公司",
        tax_authority_code="14403060000",
        tax_authority_name="国家税务总局深圳市宝安区税务局",
        deadline=date(2026, 12, 11),
        rows=[
            VoucherRow(*ITEMS[i % len(ITEMS)], Decimal(rng.randrange(1, 50_000_000)) / 100)
            for i in range(rows)
        ],
        payer_name="深圳市前海示例科技有限公司",
        payer_account="6222020200012345678",
        payer_bank="中国工商银行深圳宝安支行",
    )


def random_amounts(count: int) -> list[Decimal]:
    """Amounts from 0.01 to trillions, evenly spread over their number of digits."""
    rng = random.Random(count)
    return [Decimal(rng.randrange(10 ** rng.randint(1, 15))).scaleb(-2) for _ in range(count)]


def run(report: Report, env: BenchEnv) -> None:  # env unused: no backend needed
    from client.documents.amount_words import amount_in_words
    from client.documents.bank_voucher_pdf import write_bank_voucher
    from client.documents.pdf_fonts import cjk_font

    cjk_font()  # finding the font is start-up work, not the voucher's
    doc = bench_voucher(ROWS)
    seconds: list[float] = []
    with temp_dir("bank-voucher-") as folder:
        target = folder / "voucher.pdf"
        for _ in range(ROUNDS):
            started = time.perf_counter()
            write_bank_voucher(doc, target)  # type: ignore[arg-type]
            seconds.append(time.perf_counter() - started)
        size_kb = target.stat().st_size / 1024
    report.add(f"write_bank_voucher, {ROWS} item rows (best of {ROUNDS})", min(seconds), "s")
    report.add("its file size", size_kb, "KB")

    amounts = random_amounts(AMOUNTS)
    started = time.perf_counter()
    for amount in amounts:
        amount_in_words(amount)
    per_call = (time.perf_counter() - started) / len(amounts) * 1e6
    report.add(f"amount_in_words per call ({AMOUNTS:,} random amounts)", per_call, "µs")
