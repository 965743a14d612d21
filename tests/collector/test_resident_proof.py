"""社保费缴费证明打印 (manual §3.12) under pytest-qt against the real backend: a resident's 代收代报
declarations of two 缴费年度 are paid and 入库; the page asks by 姓名, 证件类型, 证件号码 and
缴费年度起止 (the 证件号码 checked with GB 11643 before anything is sent), prints the ticked rows
as the 城乡居民 证明 (合计 = the sum of the rows, in figures and in words) and exports them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from client.certificates.proofs import YEAR_ORDER
from client.collector.module import DESCRIPTOR
from client.documents.amount_words import amount_in_words
from client.ui.certificates.proofs_page import ResidentProofPage
from tests.collector.collector_pages import open_page, sheet_rows, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents
from tests.support.pdf import compact, needs_poppler, pdf_text

PENSION = "102100001"
MEDICAL = "102110001"


def grade_of(cu: CollectorUnit, category: str, year: int, n: int = 0) -> str:
    grades = sorted(e["grade"] for e in cu.app.app_db.rule_file("resident_grades")["entries"]
                    if e["year"] == year and e["levy_category"] == category)  # fmt: skip
    return grades[min(n, len(grades) - 1)]


def paid_resident(cu: CollectorUnit) -> dict[str, Any]:
    """A resident (居民身份证) insured in 医保 in YEAR-1 and YEAR with both years declared and
    paid and, when also insured in 养老, 养老 for YEAR at another 档次; everything 入库 now.
    (Most adults of the 40 residents have 医保 in both years, far fewer 养老.)"""
    this_year = {r["id"] for r in insured_residents(cu, MEDICAL)}
    both = [r for r in insured_residents(cu, MEDICAL, YEAR - 1) if r["id"] in this_year]
    pension = {r["id"] for r in insured_residents(cu, PENSION)}
    person = next((r for r in both if r["id"] in pension), both[0])
    rows = [
        dict(person, levy_category=MEDICAL, year=YEAR - 1, grade=grade_of(cu, MEDICAL, YEAR - 1)),
        dict(person, levy_category=MEDICAL, year=YEAR, grade=grade_of(cu, MEDICAL, YEAR)),
    ]
    if person["id"] in pension:
        rows.append(
            dict(person, levy_category=PENSION, year=YEAR, grade=grade_of(cu, PENSION, YEAR, 2))
        )
    for row in rows:  # one declaration per 缴费年度 and item
        declare(cu, [row], pay=True)
    cu.backend.process_arrivals(cu.unit_id)
    return dict(person, declared=len(rows))


def ask(
    qtbot: Any, page: ResidentProofPage, person: dict[str, Any], years: tuple[int, int],
    ok: bool = True,
) -> None:  # fmt: skip
    page.list.set_condition("name", person["name"])
    page.list.set_condition("id_type", "01")
    page.list.set_condition("id_number", person["id_number"])
    page.list.set_condition("year_from", str(years[0]))
    page.list.set_condition("year_to", str(years[1]))
    qtbot.mouseClick(page.list.btn_query, Qt.MouseButton.LeftButton)
    if ok:
        wait_ok(qtbot, page.handle)
    else:
        qtbot.waitUntil(lambda: page.handle is not None and page.handle.done)


@needs_poppler
def test_resident_proof_print_and_export(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    entry = DESCRIPTOR.entry("proof_resident")
    assert entry is not None and entry.title == "社保费缴费证明打印"
    person = paid_resident(cu)
    page = open_page(qtbot, cu, ResidentProofPage)
    assert page.list.total == 0  # nothing on open
    assert page.list.spec.title == "社保费缴费证明打印"

    # 缴费年度 range: one row per 缴费年度 × item part the resident paid
    ask(qtbot, page, person, (YEAR - 1, YEAR))
    found = page.found
    assert found is not None and found.empty_code is None
    assert page.list.total == len(found.rows) == person["declared"]
    assert {r["period"] for r in found.rows} == {str(YEAR - 1), str(YEAR)}
    assert {r["id_number"] for r in found.rows} == {person["id_number"]}
    total = sum((Decimal(r["amount"]) for r in found.rows), Decimal("0.00"))
    assert total == found.total and total > 0
    assert f"{total:,.2f}" in page.list.summary_label.text()

    # 打印: nothing ticked is refused, then the ticked rows as the 城乡居民 证明
    assert page.print_checked() is None
    assert page.prompts.last.text == "请先勾选需要打印的缴费清单。"
    page.list.model.set_keys_checked([r["row_key"] for r in found.rows])
    wait_ok(qtbot, page.print_checked())
    assert page.preview is not None and page.preview.isVisible()
    text = compact(pdf_text(page.preview.pdf_path))
    assert "社会保险费缴费证明（城乡居民）" in text
    assert person["name"] in text and person["id_number"] in text
    assert f"{YEAR - 1}至{YEAR}缴费年度" in text
    for row in found.rows:
        assert f"{Decimal(row['amount']):,.2f}" in text
    assert f"¥{total:,.2f}" in text or f"{total:,.2f}" in text
    assert amount_in_words(total) in text  # 合计 in words is the sum of the rows
    page.preview.close()

    # 打印 only part: the 合计 follows the ticked rows
    first = found.rows[0]
    page.list.model.clear_checks()
    page.list.model.set_keys_checked([first["row_key"]])
    wait_ok(qtbot, page.print_checked())
    text = compact(pdf_text(page.preview.pdf_path))
    assert amount_in_words(Decimal(first["amount"])) in text
    page.preview.close()

    # 导出: the ticked rows as xlsx; the 实缴金额 add up to the page's 合计
    page.list.model.set_keys_checked([r["row_key"] for r in found.rows])
    target = tmp_path / "缴费清单.xlsx"
    page.list.save_path_provider = lambda _name: str(target)
    handle = page.list.export_selected()
    wait_ok(qtbot, handle)
    header, data = sheet_rows(target)
    assert "缴费年度" in header and "证件号码" in header
    amounts = [Decimal(r[header.index("实缴金额（元）")]) for r in data]
    assert len(amounts) == len(found.rows) and sum(amounts) == total

    # one 缴费年度: only that year's rows
    ask(qtbot, page, person, (YEAR, YEAR))
    assert page.list.total == person["declared"] - 1
    assert {r["period"] for r in page.found.rows} == {str(YEAR)}


def test_resident_proof_refusals_and_reasons(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    person = insured_residents(cu, MEDICAL)[0]
    page = open_page(qtbot, cu, ResidentProofPage)
    # a wrong check digit (GB 11643) is refused before anything is sent
    bad = person["id_number"][:17] + ("0" if person["id_number"][17] != "0" else "1")
    ask(qtbot, page, dict(person, id_number=bad), (YEAR, YEAR), ok=False)
    assert page.prompts.last.kind == "error"
    assert "校验位不正确" in page.prompts.last.text and page.found is None
    # 缴费年度起 after 缴费年度止
    page.list.set_condition("id_number", person["id_number"])
    page.list.set_condition("year_from", str(YEAR))
    page.list.set_condition("year_to", str(YEAR - 1))
    qtbot.mouseClick(page.list.btn_query, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.handle.done)
    assert page.prompts.last.text == YEAR_ORDER
    # nothing paid: the server's reason and the manual's three possible ones
    ask(qtbot, page, person, (YEAR, YEAR))
    assert page.list.total == 0 and page.found.empty_code == "NOT_PAID"
    text = page.prompts.last.text
    assert "原因可能有" in text and "外部参保城乡居民导入" in text and "未入库" in text
    # not this agent's resident
    ask(qtbot, page, dict(person, name="查无此人"), (YEAR, YEAR))
    assert page.found.empty_code == "NOT_REGISTERED"
