"""The 批量导入 (groups) and 批量编辑职工分组 templates end to end on a real unit database:
download the template, fill it as a user would, check, apply only what is confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from client.documents.imports import ImportRefused, read_import
from client.domain.ids import identity_check_digit
from client.groups.imports import (
    GROUP_TREE_SPEC,
    apply_assignments,
    apply_group_tree,
    assignment_spec,
    read_assignments,
    read_group_tree,
    write_assignment_template,
    write_group_tree_template,
)
from client.groups.service import GroupService
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee, Resident


def id_number(serial: int) -> str:
    first17 = f"11010519900101{serial:03d}"
    return first17 + identity_check_digit(first17)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    people = [
        (1, "张三", "01", id_number(1)),
        (2, "李四", "01", id_number(2)),
        (3, "王五", "08", "E12345678"),
        (4, "赵六", "01", id_number(4)),
    ]
    common = {"seq": 1, "gender": "男", "status": "1", "updated_at": "2026-11-01 08:00:00"}
    with database.write() as conn:
        conn.execute(
            insert(Employee),
            [
                {"id": i, "name": n, "id_type": t, "id_number": num, **common}
                for i, n, t, num in people
            ],
        )
        conn.execute(
            insert(Resident),
            [
                {
                    "id": 101,
                    "name": "钱七",
                    "id_type": "01",
                    "id_number": id_number(7),
                    "township": "城关镇",
                    "village": "东村",
                    **common,
                }
            ],
        )
    yield database
    database.close()


@pytest.fixture
def service(db: UnitDatabase) -> GroupService:
    return GroupService(db)


def fill(template: Path, rows: list[list[Any]], sheet: str) -> Path:
    wb = load_workbook(template)
    for row in rows:
        wb[sheet].append(row)
    wb.save(template)
    return template


# -- 批量导入 ---------------------------------------------------------------------------
def test_group_tree_import_creates_missing_groups_after_confirmation(
    tmp_path: Path, service: GroupService
) -> None:
    existing = service.create("行政部")
    path = tmp_path / "分组.xlsx"
    write_group_tree_template(path)
    fill(
        path,
        [
            ["行政部", "综合科", "档案组"],
            ["行政部", "综合科"],  # already on the way of the row above: reused
            ["生产部"],
            ["生产部", None, "三级"],  # 二级 skipped
            [None, "二级"],  # 一级 missing
            ["生产部"],  # duplicate of row 5
            ["字" * 31],
            ["甲/乙"],
        ],
        GROUP_TREE_SPEC.sheet_title,
    )
    result = read_group_tree(path)
    assert [r.row for r in result.valid] == [3, 4]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(6, "二级分组")] == "填写了三级分组时，二级分组不能为空。"
    assert reasons[(7, "一级分组")] == "必填，不能为空。"
    assert reasons[(5, "一级分组")] == "与第8行重复（一级分组、二级分组、三级分组相同）。"
    assert "不能超过30个字" in reasons[(9, "一级分组")]
    assert "不能包含“/”" in reasons[(10, "一级分组")]
    assert [n.path for n in service.flat()] == ["行政部"]  # nothing applied yet

    assert apply_group_tree(service, result.valid) == 2
    assert [n.path for n in service.flat()] == ["行政部", "行政部/综合科", "行政部/综合科/档案组"]
    assert service.flat()[0].id == existing.id


def test_group_tree_template_is_refused_by_the_assignment_import(
    tmp_path: Path, db: UnitDatabase
) -> None:
    path = tmp_path / "分组.xlsx"
    write_group_tree_template(path)
    fill(path, [["行政部"]], GROUP_TREE_SPEC.sheet_title)
    with pytest.raises(ImportRefused, match="《批量导入分组》模板，不是《批量编辑职工分组》模板"):
        read_assignments(db, path)


# -- 批量编辑职工分组 ---------------------------------------------------------------------
def test_assignment_template_round_trip(tmp_path: Path, service: GroupService) -> None:
    service.ensure_paths([("行政部", "综合科", "档案组"), ("生产部",)])
    path = tmp_path / "职工分组.xlsx"
    write_assignment_template(path)
    wb = load_workbook(path)
    spec = assignment_spec()
    assert [c.value for c in wb[spec.sheet_title][2]] == ["姓名*", "证件类型", "证件号码*", "分组*"]
    fill(
        path,
        [
            ["张三", "居民身份证", id_number(1).lower(), "行政部/综合科/档案组"],
            ["李四", None, id_number(2), " 生产部 "],
            ["王五", "外国护照", "E12345678", "行政部／综合科"],
        ],
        spec.sheet_title,
    )
    result = read_assignments(service.db, path)
    assert result.errors == [] and result.valid_count == 3
    assert service.group_of(1) is None  # nothing applied before confirmation
    assert apply_assignments(service, result.valid) == 3
    assert service.group_of(1).path == "行政部/综合科/档案组"  # type: ignore[union-attr]
    assert service.group_of(2).path == "生产部"  # type: ignore[union-attr]
    assert service.group_of(3).path == "行政部/综合科"  # type: ignore[union-attr]


def test_assignment_row_errors(tmp_path: Path, service: GroupService) -> None:
    service.ensure_paths([("行政部", "综合科", "档案组")])
    service.assign([4], service.path_index()["行政部"])
    path = tmp_path / "职工分组.xlsx"
    write_assignment_template(path)
    bad_check = id_number(9)[:-1] + ("0" if id_number(9)[-1] != "0" else "1")
    rows: list[list[Any]] = [
        ["张三", "居民身份证", id_number(1), "行政部"],  # 3: valid
        ["张三丰", None, id_number(2), "行政部"],  # 4: name differs
        ["无名", "居民身份证", id_number(8), "行政部"],  # 5: not in this unit
        ["无名", "居民身份证", bad_check, "行政部"],  # 6: GB 11643 check digit
        ["王五", "居民身份证", "E12345678", "行政部"],  # 7: type differs
        ["王五", "军人证", "E12345678", "行政部"],  # 8: unknown type
        ["赵六", None, id_number(4), "行政部/人事科"],  # 9: unknown group
        ["赵六", None, id_number(4), "行政部/综合科/档案组/四级"],  # 10: too deep (dup of 9)
        ["李四", None, id_number(2), "行政部//综合科"],  # 11: bad path (dup of 4)
        [None, None, None, "行政部"],  # 12: required cells
    ]
    fill(path, rows, assignment_spec().sheet_title)
    result = read_assignments(service.db, path)
    assert [r.row for r in result.valid] == [3]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(4, "姓名")] == "姓名与系统中该证件号码的职工不一致，请核对姓名。"
    assert reasons[(5, "证件号码")] == "本单位没有该证件号码的职工，请核对证件号码。"
    assert "校验位不正确" in reasons[(6, "证件号码")]
    assert reasons[(7, "证件类型")] == "证件类型与系统中该职工的证件类型不一致。"
    assert "证件类型“军人证”不正确" in reasons[(8, "证件类型")]
    assert reasons[(9, "分组")] == "分组“行政部/人事科”不存在，请先在【分组管理】中新建该分组。"
    assert reasons[(10, "分组")] == "分组最多为3级，“行政部/综合科/档案组/四级”有4级。"
    assert reasons[(11, "分组")].startswith("分组“行政部//综合科”格式不正确")
    assert reasons[(12, "姓名")] == reasons[(12, "证件号码")] == "必填，不能为空。"
    # 7 and 8 repeat one number, and 9 and 10; 4 and 11 too.
    duplicates = {e.row for e in result.errors if e.reason.startswith("与第")}
    assert duplicates >= {7, 8, 4, 11}
    apply_assignments(service, result.valid)
    assert service.group_of(1).path == "行政部"  # type: ignore[union-attr]
    assert service.group_of(4).path == "行政部"  # type: ignore[union-attr]  # rows had errors
    assert service.group_of(2) is None


def test_residents_import_uses_the_residents_table(tmp_path: Path, service: GroupService) -> None:
    service.ensure_paths([("东村",)])
    spec = assignment_spec("residents")
    assert spec.title == "批量编辑城乡居民分组"
    path = tmp_path / "居民分组.xlsx"
    write_assignment_template(path, "residents")
    fill(
        path,
        [["钱七", None, id_number(7), "东村"], ["张三", None, id_number(1), "东村"]],
        spec.sheet_title,
    )
    result = read_assignments(service.db, path, "residents")
    assert [r.values["record_id"] for r in result.valid] == [101]
    assert result.errors[0].reason == "本单位没有该证件号码的城乡居民，请核对证件号码。"
    # The employees' template is a different template.
    other = tmp_path / "职工分组.xlsx"
    write_assignment_template(other)
    with pytest.raises(ImportRefused, match="不是《批量编辑城乡居民分组》模板"):
        read_import(spec, other)


# -- bad files, each with its own message, nothing applied ----------------------------
def _assignment(tmp_path: Path) -> Path:
    path = tmp_path / "职工分组.xlsx"
    write_assignment_template(path)
    return path


def _tree(tmp_path: Path) -> Path:
    path = tmp_path / "分组.xlsx"
    write_group_tree_template(path)
    return path


def _edit(path: Path, change: Any) -> Path:
    wb = load_workbook(path)
    change(wb[wb.sheetnames[0]])
    wb.save(path)
    return path


def _bad_files(tmp_path: Path) -> dict[str, tuple[str, Path, str]]:
    """name → (template kind, file, the message it must give)."""
    from openpyxl import Workbook

    from client.documents import row_checks as rows
    from client.documents import template_checks as tpl
    from client.documents import workbook_checks as wbc

    spec = assignment_spec()
    header_row = spec.first_data_row - 1
    files: dict[str, tuple[str, Path, str]] = {}
    d = tmp_path / "bad"
    d.mkdir()

    def case(name: str, kind: str, path: Path, message: str) -> None:
        files[name] = (kind, path, message)

    def fresh(name: str) -> Path:
        (d / name).mkdir()
        return d / name

    p = _assignment(fresh("a1"))
    case("assignment, no data", "assignment", p, rows.NO_DATA.format(row=spec.first_data_row))

    def drop_column(ws: Any) -> None:
        ws.delete_cols(2)

    p = _edit(_assignment(fresh("a2")), drop_column)
    case(
        "assignment, missing column", "assignment", p, tpl.MISSING_COLUMNS.format(names="证件类型")
    )

    def extra_column(ws: Any) -> None:
        ws.cell(header_row, 5, "备注")

    p = _edit(_assignment(fresh("a3")), extra_column)
    case("assignment, extra column", "assignment", p, tpl.EXTRA_COLUMNS.format(names="备注"))

    def renamed(ws: Any) -> None:
        ws.cell(header_row, 4, "部门")

    p = _edit(_assignment(fresh("a4")), renamed)
    case("assignment, renamed column", "assignment", p,
         tpl.RENAMED_COLUMN.format(n=4, expected="分组", actual="部门"))  # fmt: skip

    foreign = d / "foreign.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "证件号码", "分组"])
    wb.active.append(["张三", id_number(1), "行政部"])
    wb.save(foreign)
    case("foreign workbook", "assignment", foreign, "")  # NOT_TEMPLATE, checked by prefix

    renamed_txt = d / "renamed.xlsx"
    renamed_txt.write_text("姓名,证件号码,分组\n张三,1,行政部\n", encoding="utf-8")
    case("csv renamed .xlsx", "assignment", renamed_txt, wbc.RENAMED)

    empty = d / "empty.xlsx"
    empty.write_bytes(b"")
    case("0-byte file", "tree", empty, wbc.EMPTY_FILE)

    junk = d / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not a zip archive at all" * 10)
    case("broken zip", "tree", junk, wbc.CORRUPT)

    tree_spec = GROUP_TREE_SPEC
    p = _tree(fresh("t1"))
    case("tree template to the assignment import", "assignment", p,
         tpl.WRONG_KIND.format(other=tree_spec.title, title=spec.title))  # fmt: skip
    p = _assignment(fresh("a5"))
    case("assignment template to the tree import", "tree", p,
         tpl.WRONG_KIND.format(other=spec.title, title=tree_spec.title))  # fmt: skip
    return files


def test_bad_group_files_each_give_their_own_message(tmp_path: Path, service: GroupService) -> None:
    service.ensure_paths([("行政部",)])
    before = [service.group_of(i) for i in (1, 2, 3, 4)]
    groups_before = service.path_index()
    files = _bad_files(tmp_path)
    messages: dict[str, str] = {}
    for name, (kind, path, expected) in files.items():
        with pytest.raises(ImportRefused) as info:
            if kind == "assignment":
                read_assignments(service.db, path)
            else:
                read_group_tree(path)
        messages[name] = info.value.message
        if expected:
            assert info.value.message == expected, name
    assert "模板" in messages["foreign workbook"]
    assert len(set(messages.values())) == len(messages), messages  # each its own message
    assert [service.group_of(i) for i in (1, 2, 3, 4)] == before  # nothing applied
    assert service.path_index() == groups_before


def test_formulas_and_merged_cells_in_a_group_file_are_row_errors(
    tmp_path: Path, service: GroupService
) -> None:
    service.ensure_paths([("行政部",)])
    spec = assignment_spec()
    path = fill(
        _assignment(tmp_path),
        [
            ["张三", None, id_number(1), "行政部"],
            ["李四", None, id_number(2), '=CONCATENATE("行政","部")'],
            ["王五", "外国护照", "E12345678", "行政部"],
            [None, "外国护照", "E12345678", "行政部"],
        ],
        spec.sheet_title,
    )
    wb = load_workbook(path)
    wb[spec.sheet_title].merge_cells(f"A{spec.first_data_row + 2}:A{spec.first_data_row + 3}")
    wb.save(path)
    result = read_assignments(service.db, path)
    first = spec.first_data_row
    assert [r.row for r in result.valid] == [first]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    from client.documents import row_checks as rows

    assert reasons[(first + 1, "分组")] == rows.FORMULA
    merged = rows.MERGED.format(ref=f"A{first + 2}:A{first + 3}")
    assert reasons[(first + 2, "姓名")] == reasons[(first + 3, "姓名")] == merged
    assert service.group_of(2) is None  # nothing applied before confirmation
