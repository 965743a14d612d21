"""社保费批扣清册查询 page (pytest-qt) against the real backend: empty on open; 查询 by
resident and 费款所属期 reads the 清册 from the server page by page; 查看; 作废 where §3.20.2
allows it (扣款失败) and not for 扣款成功 (no link; a row that became 扣款成功 meanwhile is
refused with one sentence); 导出 read back from the workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.authorisation.amounts import AmountSettings
from client.ui.authorisation.rolls_page import EMPTY, DeductionRollsPage
from tests.authorisation.people import YEAR, pension_residents, run_roll, set_state
from tests.collector.collector_pages import open_page, sheet_rows, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit


def settle(qtbot: Any, page: DeductionRollsPage) -> None:
    qtbot.waitUntil(lambda: not page.list.loading)


def ask(qtbot: Any, page: DeductionRollsPage, **conditions: Any) -> None:
    for key in ("name", "id_number"):
        page.list.set_condition(key, conditions.get(key, ""))
    page.list.set_condition("period", conditions.get("period", (None, None)))
    page.list.query_clicked()
    settle(qtbot, page)


def make_roll(cu: CollectorUnit, people: list[dict[str, Any]]) -> list[int]:
    amounts = AmountSettings(cu.session.api, cu.unit_id)
    for person in people:
        found = amounts.candidate(person["name"], "01", person["id_number"], "10210")
        amounts.save(found, YEAR, "200")
    return list(run_roll(cu)["row_ids"])


def test_query_view_void_and_export(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    a, b, c = pension_residents(cu)[:3]
    row_a, row_b, row_c = make_roll(cu, [a, b, c])
    set_state(cu, row_b, "扣款成功")
    page = open_page(qtbot, cu, DeductionRollsPage)
    prompts = page.prompts
    assert page.list.total == 0 and page.list.empty_text == EMPTY

    # by resident and period
    ask(qtbot, page, name=a["name"], id_number=a["id_number"], period=(f"{YEAR}-01", f"{YEAR}-12"))
    assert page.list.total == 1
    assert shown(page, 0, "state") == "扣款失败"
    assert shown(page, 0, "failure_reason") == "未签订有效的两两协议"
    assert shown(page, 0, "amount") == "200.00"
    assert shown(page, 0, "period") == f"{YEAR}-01至{YEAR}-12"
    ask(qtbot, page, id_number=a["id_number"], period=(f"{YEAR - 1}-01", f"{YEAR - 1}-12"))
    assert page.list.total == 0
    # a wrong check digit is named, not sent
    ask(qtbot, page, id_number=a["id_number"][:17] + ("0" if a["id_number"][17] != "0" else "1"))
    assert prompts.last.text == "居民身份证号码校验位不正确，请核对后重新输入。"

    # the whole 清册 of the unit
    ask(qtbot, page, period=(f"{YEAR}-01", f"{YEAR}-12"))
    assert page.list.total == 3
    by_id = {r["row_id"]: i for i, r in enumerate(page.list.rows)}

    # 查看
    wait_ok(qtbot, page.list.trigger_row_action(by_id[row_b], "view") or page.handle)
    assert page.dialog is not None
    assert page.dialog.field_text("批扣状态") == "扣款成功"
    assert page.dialog.field_text("姓名") == b["name"]
    page.dialog.reject()

    # 作废: 扣款成功 has no link; 扣款失败 does
    assert [x.key for x in page.list.model.visible_actions(by_id[row_b])] == ["view"]
    assert [x.key for x in page.list.model.visible_actions(by_id[row_a])] == ["view", "void"]
    page.list.trigger_row_action(by_id[row_a], "void")
    wait_ok(qtbot, page.handle)
    assert prompts.texts()[-2].startswith("是否确定作废此批扣清册信息")
    assert prompts.last.text.startswith("作废成功")
    settle(qtbot, page)
    qtbot.waitUntil(lambda: shown(page, by_id[row_a], "voided") == "已作废")
    assert [x.key for x in page.list.model.visible_actions(by_id[row_a])] == ["view"]

    # a row the bank deducted after the list was read: the server refuses
    set_state(cu, row_c, "扣款成功")
    page.list.trigger_row_action(by_id[row_c], "void")
    wait(qtbot, page.handle)
    assert prompts.last.text == "该批扣清册已扣款成功，不能作废。"
    settle(qtbot, page)
    qtbot.waitUntil(lambda: shown(page, by_id[row_c], "state") == "扣款成功")

    # 导出 所有清册
    out = tmp_path / "清册.xlsx"
    page.list.save_path_provider = lambda _name: str(out)
    wait_ok(qtbot, page.list.export_all())
    header, rows = sheet_rows(out)
    assert header[:3] == ["清册编号", "姓名", "证件类型"]
    assert sorted(r[1] for r in rows) == sorted([a["name"], b["name"], c["name"]])
    states = {r[1]: (r[header.index("批扣状态")], r[header.index("作废状态")]) for r in rows}
    assert states[a["name"]] == ("扣款失败", "已作废")
    assert states[b["name"]] == ("扣款成功", "未作废")
    assert {float(r[header.index("扣款金额(元)")]) for r in rows} == {200.0}  # numeric cells


def test_server_side_paging_and_sort(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    cu.backend.admin_post(
        f"units/{cu.unit_id}/authorisation/deduction-rolls/bench-seed", {"count": 2500}
    )
    page = open_page(qtbot, cu, DeductionRollsPage)
    page.list.set_page_size(1000)
    ask(qtbot, page)
    assert page.list.total == 2500 and len(page.list.rows) == 1000
    page.list.go_to_page(2)
    settle(qtbot, page)
    assert page.list.page_index == 2 and len(page.list.rows) == 500
    page.list.set_sort("name", ascending=False)
    settle(qtbot, page)
    assert page.list.page_index == 0
    assert shown(page, 0, "name") == "批扣居民002499"
    assert shown(page, 1, "name") == "批扣居民002498"
