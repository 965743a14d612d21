"""社会保险费缴费申报表 of a whole unit: 100,000 PERSONS lines through `write_fee_form`,
beside a bare reportlab baseline drawing the same cells — one platypus `Table` per page
with the same rows, column widths, alignment, grid and embedded font, the plainest fair
way to draw that table with reportlab.

Both sides start from the same generator of lines (nothing held) and the same cell
texts (`row_cells`). Each run is a child process of its own, so the form's peak RSS is
the form's and not that of the baseline or of earlier benchmarks. Timings are the best
of `ROUNDS` alternating runs. No backend is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import BenchEnv, Report, env_int, peak_rss_mb, temp_dir

NAME = "fee_form"
ROWS = env_int("BENCH_FEE_FORM_ROWS", 100_000)
ROUNDS = env_int("BENCH_FEE_FORM_ROUNDS", 2)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高欧阳"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"]
CATEGORIES = [
    ("职工基本养老保险(单位缴纳)", "16%"),
    ("职工基本养老保险(个人缴纳)", "8%"),
    ("职工基本医疗保险(单位缴纳)", "5%"),
    ("失业保险(单位缴纳)", "0.7%"),
    ("工伤保险", "0.4%"),
]
SPECIAL = ["", "", "", "", "", "", "", "补缴", "退休补收", "政策性补缴"]


def run(report: Report, env: BenchEnv) -> None:  # env unused: no backend needed
    form_s: list[float] = []
    base_s: list[float] = []
    rss: list[float] = []
    figures: dict[str, Any] = {}
    with temp_dir("fee-form-") as folder:
        for _ in range(ROUNDS):
            figures = _child("form", folder)
            form_s.append(figures["seconds"])
            rss.append(figures["rss"])
            base_s.append(_child("baseline", folder)["seconds"])
    size_mb = figures["bytes"] / 1024 / 1024
    report.add(
        f"write_fee_form, {ROWS:,} PERSONS lines ({figures['pages']:,} pages, {size_mb:.0f} MB;"
        f" best of {ROUNDS})",
        min(form_s),
        "s",
    )
    report.add(
        f"bare reportlab: a platypus Table per page, same cells and font (best of {ROUNDS})",
        min(base_s),
        "s",
    )
    report.add("申报表 / bare reportlab", min(form_s) / min(base_s), "x", "≤ 1.5×")
    report.add("peak RSS writing the form (own process)", max(rss), "MB", "≤ 400 MB")


def _child(kind: str, folder: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_fee_form", kind, str(folder), str(ROWS)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"fee form {kind} child failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_lines(count: int) -> Iterator[Any]:
    """A unit's person lines, made one at a time (never a list of 100,000)."""
    from client.documents.fee_form_pdf import FeeFormLine

    for i in range(count):
        category, rate = CATEGORIES[i % len(CATEGORIES)]
        base = Decimal(300_000 + i * 7919 % 2_700_000) / 100
        special = SPECIAL[i % len(SPECIAL)]
        month = f"2024-{1 + i % 12:02d}" if special else "2024-05"
        yield FeeFormLine(
            agency="深圳市社会保险基金管理局",
            unit_number=f"10{i // 20_000:08d}",
            levy_item="企业职工基本养老保险费",
            levy_category=category,
            period_start=month,
            period_end=month,
            base=base,
            rate=rate,
            amount=base * Decimal(rate.rstrip("%")) / 100,
            special_type=special,
            person_number=f"P{440300000000 + i}",
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)],
            id_type="居民身份证",
            id_number=f"44030{i % 10}19{70 + i % 30}0101{i % 10_000:04d}",
        )


def write_form(folder: Path, rows: int) -> dict[str, Any]:
    """In a child process: the form itself."""
    from client.documents.fee_form_pdf import PERSONS, FeeFormHeader, write_fee_form
    from client.documents.pdf_fonts import cjk_font

    cjk_font()  # finding the font is start-up work, not the form's
    header = FeeFormHeader("91440300MA5G7XKQ3R", "深圳市前海示例科技有限公司", "2024-05-17")
    target = folder / "form.pdf"
    started = time.perf_counter()
    result = write_fee_form(target, header, bench_lines(rows), PERSONS)
    seconds = time.perf_counter() - started
    assert result.rows == rows
    return {
        "seconds": seconds,
        "rss": peak_rss_mb(),
        "pages": result.pages,
        "bytes": target.stat().st_size,
    }


def write_baseline(folder: Path, rows: int) -> dict[str, Any]:
    """In a child process: the same cells as platypus Tables, one per page."""
    import itertools

    from reportlab import rl_config
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

    from client.documents import fee_form_pdf as form
    from client.documents.pdf_fonts import cjk_font

    rl_config.useA85 = 0  # binary streams, as write_fee_form writes them
    font = cjk_font().name
    columns = form.COLUMNS[form.PERSONS]
    per_page = int((form.TABLE_TOP - form.TITLE_ROW_HEIGHT - form.TABLE_BOTTOM) // form.ROW_HEIGHT)
    align = {form.LEFT_ALIGN: "LEFT", form.CENTER: "CENTER", form.RIGHT_ALIGN: "RIGHT"}
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, form.BODY_SIZE),
            ("GRID", (0, 0), (-1, -1), 0.45, "black"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *(("ALIGN", (i, 1), (i, -1), align[c.align]) for i, c in enumerate(columns)),
        ]
    )
    widths = [c.width for c in columns]
    titles = [c.title for c in columns]
    started = time.perf_counter()
    cells = (form.row_cells(form.PERSONS, n, line) for n, line in enumerate(bench_lines(rows), 1))
    story: list[Any] = []
    while chunk := list(itertools.islice(cells, per_page)):
        heights = [form.TITLE_ROW_HEIGHT] + [form.ROW_HEIGHT] * len(chunk)
        story += [Table([titles, *chunk], widths, heights, style), PageBreak()]
    margin = form.LEFT
    doc = SimpleDocTemplate(
        str(folder / "baseline.pdf"),
        pagesize=(form.PAGE_WIDTH, form.PAGE_HEIGHT),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    doc.build(story)
    return {"seconds": time.perf_counter() - started}


if __name__ == "__main__":
    kind, where, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    measure = write_form if kind == "form" else write_baseline
    print(json.dumps(measure(where, count)))
