"""Broken files through the 社保费代收代报（自主） page (pytest-qt, real backend): each one is
refused with its own sentence (a file that is not the template, shown as an error) or shown in
the preview with its rows' reasons and no way to confirm; the working list stays empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from client.collector.external import template_spec as external_spec
from client.collector.self_declare_page import SelfDeclarePage
from client.collector.self_template import SHEET_TITLE
from client.documents.templates import META_SHEET, write_template
from tests.collector.collector_pages import open_page, wait
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, insured_residents
from tests.collector.external_people import PENSION, new_id_number

ITEM = "城乡居民基本养老保险费"


def test_broken_files_through_the_page(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, SelfDeclarePage)
    prompts = page.prompts
    person = insured_residents(cu, PENSION)[0]
    good = [person["name"], "居民身份证", person["id_number"], ITEM, None, YEAR, "第一档"]
    made = iter(range(1000))

    def template(rows: list[list[Any]], change: Any = None) -> Path:
        path = Path(page.download_template(str(tmp_path / f"t{next(made)}.xlsx")))
        wb = load_workbook(path)
        for row in rows:
            wb[SHEET_TITLE].append(row)
        if change is not None:
            change(wb)
        wb.save(path)
        return path

    def refused(path: Path) -> str:
        shown = len(prompts.history)
        flow = page.import_file(str(path))
        wait(qtbot, flow.read_handle)
        assert flow.read_handle.error is not None and flow.preview is None
        assert len(prompts.history) == shown + 1
        return prompts.last.text

    def with_errors(rows: list[list[Any]]) -> str:
        flow = page.import_file(str(template(rows)))
        wait(qtbot, flow.read_handle)
        assert flow.read_handle.error is None and flow.preview is not None
        assert not flow.preview.btn_confirm.isEnabled()  # a file with an error adds nothing
        assert "本次未导入任何数据" in flow.preview.summary.text()
        flow.preview.reject()
        return "；".join(e.reason for e in flow.result.errors)

    messages: dict[str, str] = {}
    renamed = tmp_path / "名单.xlsx"
    renamed.write_text("姓名,证件号码\n张三,1\n", encoding="utf-8")
    messages["renamed csv"] = refused(renamed)
    (tmp_path / "空.xlsx").write_bytes(b"")
    messages["empty file"] = refused(tmp_path / "空.xlsx")
    other = tmp_path / "外部.xlsx"
    write_template(external_spec(), other, [[person["name"], "居民身份证", person["id_number"]]])
    messages["another template"] = refused(other)
    own = tmp_path / "自制.xlsx"
    wb = Workbook()
    wb.active.append(
        ["姓名", "证件类型", "证件号码", "征收项目", "征收品目", "缴费年度", "缴费档次"]
    )
    wb.active.append(good)
    wb.save(own)
    messages["own workbook"] = refused(own)

    def old_version(wb: Any) -> None:
        wb[META_SHEET]["B2"] = "0"

    def extra(wb: Any) -> None:
        wb[SHEET_TITLE]["H2"] = "金额"

    messages["old version"] = refused(template([good], old_version))
    messages["missing column"] = refused(
        template([good], lambda wb: wb[SHEET_TITLE].delete_cols(5))
    )
    messages["extra column"] = refused(template([good], extra))
    messages["header moved"] = refused(template([good], lambda wb: wb[SHEET_TITLE].insert_rows(2)))
    messages["no rows"] = refused(template([]))

    stranger = new_id_number()
    wrong = person["id_number"][:17] + ("1" if person["id_number"][17] != "1" else "2")
    messages["not the agent's"] = with_errors([good, ["路人", "居民身份证", stranger, ITEM, None,
                                                      YEAR, "第一档"]])  # fmt: skip
    messages["check digit"] = with_errors([good, [person["name"], "居民身份证", wrong, ITEM, None,
                                                  YEAR, "第一档"]])  # fmt: skip
    messages["name differs"] = with_errors([good, ["别人", *good[1:]]])
    messages["grade unknown"] = with_errors([[*good[:6], "第十三档"]])
    messages["year unknown"] = with_errors([[*good[:5], 2019, "第一档"]])
    messages["formula"] = with_errors([[*good[:5], "=2020+6", "第一档"]])
    messages["repeated"] = with_errors([good, [*good[:6], "第二档"]])

    assert all(messages.values()), messages
    assert len(set(messages.values())) == len(messages) >= 12, messages
    assert "第十三档" in messages["grade unknown"]
    assert "校验位" in messages["check digit"]
    assert page.drafts.count() == 0 and page.list.total == 0
