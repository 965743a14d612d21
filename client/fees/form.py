"""打印 社会保险费申报表 (manual §2.10): the PDF of one declaration, from local data.

A declaration with persons is printed line by line (its items' 预处理明细, downloaded first
if missing); a 工程项目 declaration, which has no persons, item by item. The form's 合计 must
equal the declaration's 应缴费额合计 to the 分, else no form is made. The file is kept under
the data folder, so a reprint shows the saved file instead of drawing it again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from client.documents.fee_form_pdf import (
    ITEMS,
    PERSONS,
    FeeFormHeader,
    FeeFormLine,
    FeeFormResult,
    write_fee_form,
)
from client.fees.declare import FeeDeclarations
from client.fees.rules import PROJECT, SPECIAL, FeeRuleError, rate_text, total
from client.jobs import JobContext
from client.storage.chunks import chunked, marks
from client.unit_reference.service import LevyNames

FORM_TITLE = "社会保险费缴费申报表"
SUBTITLES = {SPECIAL: "（适用特殊缴费）", PROJECT: "（工程项目工伤保险费）"}
STREAM_CHUNK = 5000


def form_path(folder: Path, declaration_id: str) -> Path:
    safe = "".join(ch for ch in declaration_id if ch.isalnum() or ch in "-_")
    return folder / f"{FORM_TITLE}_{safe}.pdf"


def declaration_form(
    service: FeeDeclarations,
    declaration_id: str,
    taxpayer: tuple[str, str],
    names: LevyNames,
    id_types: Mapping[str, str],
    folder: Path,
    ctx: JobContext | None = None,
) -> Path:
    """The 申报表 PDF of a declaration (made once, then reused); `taxpayer` is
    (纳税人识别号, 纳税人名称); codes are printed by their names in the rule files."""
    ctx = ctx or JobContext()
    path = form_path(folder, declaration_id)
    if path.exists():
        return path
    d = service.records.declaration(declaration_id)
    if d is None:
        raise FeeRuleError("找不到该申报记录，请先点击【同步】。")
    item_ids = service.records.item_ids(declaration_id)
    items = service.items.rows(item_ids)
    if not items:
        raise FeeRuleError("该申报记录没有申报明细，请先点击【同步】后再打印。")
    persons = any(int(i["headcount"]) for i in items)
    if persons:
        service.items.download_lines(item_ids, ctx.sub(0, 50, "下载申报明细"))
    header = FeeFormHeader(
        taxpayer_id=taxpayer[0],
        taxpayer_name=taxpayer[1],
        declared_on=str(d["submitted_at"])[:10],
        subtitle=SUBTITLES.get(d["category"], ""),
        declaration_id=declaration_id,
        voucher_number=d["voucher_number"] or "",
    )
    drawing = ctx.sub(50 if persons else 0, 100, "生成申报表")
    rows = _line_count(service, item_ids) if persons else len(items)

    def progress(done: int) -> None:
        drawing.progress("生成申报表", done, rows)

    folder.mkdir(parents=True, exist_ok=True)
    result: FeeFormResult = write_fee_form(
        path,
        header,
        _person_lines(service, items, names, id_types) if persons else _item_lines(items, names),
        PERSONS if persons else ITEMS,
        expected_total=total([d["amount"]]),
        progress=progress,
        check_cancelled=ctx.check_cancelled,
    )
    return result.path


def _item_lines(items: list[dict[str, Any]], names: LevyNames) -> Iterator[FeeFormLine]:
    for item in items:
        yield FeeFormLine(
            agency=item["agency"] or "",
            unit_number=item["unit_number"],
            levy_item=names.levy_item(item["levy_item"]),
            levy_category=names.levy_category(item["levy_category"]),
            period_start=item["period_start"],
            period_end=item["period_end"],
            base=Decimal(item["base_total"]),
            rate=rate_text(item["unit_rate"], item["personal_rate"]),
            amount=Decimal(item["amount"]),
            special_type=item["special_type"] or "",
            headcount=int(item["headcount"]),
        )


def _person_lines(
    service: FeeDeclarations,
    items: list[dict[str, Any]],
    names: LevyNames,
    id_types: Mapping[str, str],
) -> Iterator[FeeFormLine]:
    """Every person line of the items, streamed from the database a chunk at a time."""
    by_id = {i["item_id"]: i for i in items}
    with service.db.engine.connect() as conn:
        for item_id in sorted(by_id):
            item = by_id[item_id]
            category = names.levy_category(item["levy_category"])
            levy = names.levy_item(item["levy_item"])
            result = conn.exec_driver_sql(
                "SELECT person_number, name, id_type, id_number, period, base, unit_rate,"
                " personal_rate, amount FROM fee_item_lines WHERE item_id = ? ORDER BY position",
                (item_id,),
            )
            while chunk := result.fetchmany(STREAM_CHUNK):
                for (
                    number,
                    name,
                    id_type,
                    id_number,
                    period,
                    base,
                    unit_rate,
                    personal,
                    amount,
                ) in chunk:
                    yield FeeFormLine(
                        agency=item["agency"] or "",
                        unit_number=item["unit_number"],
                        levy_item=levy,
                        levy_category=category,
                        period_start=period,
                        period_end=period,
                        base=Decimal(base),
                        rate=rate_text(unit_rate, personal),
                        amount=Decimal(amount),
                        special_type=item["special_type"] or "",
                        person_number=number or "",
                        name=name,
                        id_type=id_types.get(id_type, id_type),
                        id_number=id_number,
                    )


def _line_count(service: FeeDeclarations, item_ids: list[str]) -> int:
    count = 0
    with service.db.engine.connect() as conn:
        for chunk in chunked(item_ids):
            count += int(
                conn.exec_driver_sql(
                    f"SELECT COUNT(*) FROM fee_item_lines WHERE item_id IN ({marks(len(chunk))})",
                    tuple(chunk),
                ).scalar()
                or 0
            )
    return count
