"""外部参保城乡居民 导入 on a real unit database, before anything is looked up: the three-fact
template, every kind of bad row (with the error workbook read back), and nothing kept until
the rows are confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from client.collector.external import (
    ALREADY_LISTED,
    IN_FEED,
    read_external_import,
    template_spec,
    write_external_template,
)
from client.documents.imports import ImportRefused, write_error_workbook
from client.domain.ids import identity_check_digit
from client.groups.imports import write_assignment_template
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Resident


def id_number(serial: int, born: str = "19800101") -> str:
    first17 = f"440304{born}{serial:03d}"
    return first17 + identity_check_digit(first17)


def with_wrong_check_digit(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    with database.write() as conn:
        conn.execute(insert(Resident), [{
            "id": 5, "seq": 1, "name": "钱七", "gender": "女", "id_type": "01",
            "id_number": id_number(7), "township": "城关镇", "village": "东村", "status": "1",
            "updated_at": "2026-11-01 08:00:00",
        }])  # fmt: skip
        conn.exec_driver_sql(
            "INSERT INTO external_residents (name, id_type, id_number, status, added_at,"
            " checked_at) VALUES (?, '01', ?, '未参保', ?, ?)",
            ("孙八", id_number(8), datetime(2026, 1, 1), datetime(2026, 1, 1)),
        )
    yield database
    database.close()


def fill(path: Path, rows: list[list[Any]]) -> Path:
    wb = load_workbook(path)
    for row in rows:
        wb[template_spec().sheet_title].append(row)
    wb.save(path)
    return path


def test_template_has_the_three_facts_all_required(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_external_template(path)
    wb = load_workbook(path)
    sheet = wb[template_spec().sheet_title]
    assert [c.value for c in sheet[2]] == ["姓名*", "证件类型*", "证件号码*"]
    assert "居民身份证" in str(sheet["A1"].value)
    assert wb["_template"].sheet_state == "veryHidden"


def test_good_and_bad_rows_are_told_apart_and_nothing_is_kept(
    tmp_path: Path, db: UnitDatabase
) -> None:
    path = tmp_path / "导入.xlsx"
    write_external_template(path)
    fill(path, [
        ["张三", "居民身份证", id_number(1)],                       # 3 good
        ["李四", "居民身份证", id_number(2).lower()],               # 4 good (x upper-cased)
        ["王五", "外国护照", "E1234567"],                           # 5 good
        ["赵六", "居民身份证", with_wrong_check_digit(id_number(3))],  # 6 check digit
        ["周九", "居民身份证", id_number(4)[:17]],                   # 7 17 digits
        [None, "居民身份证", id_number(5)],                          # 8 name missing
        ["吴十", "身份证明", id_number(6)],                          # 9 unknown type
        ["钱七", "居民身份证", id_number(7)],                        # 10 in the feed
        ["孙八", "居民身份证", id_number(8)],                        # 11 listed already
        ["郑一", "居民身份证", id_number(9)],                        # 12 duplicate of 13
        ["郑一", "居民身份证", id_number(9)],                        # 13
    ])  # fmt: skip
    result = read_external_import(db, path)

    assert [r.row for r in result.valid] == [3, 4, 5]
    assert [r.values["id_number"] for r in result.valid][1] == id_number(2).upper()
    assert result.valid[2].values["id_type"] == "08"
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(6, "证件号码")] == "居民身份证号码校验位不正确，请核对后重新输入。"
    assert reasons[(7, "证件号码")] == "居民身份证号码应为18位，当前为17位。"
    assert reasons[(8, "姓名")] == "必填，不能为空。"
    assert reasons[(9, "证件类型")].startswith("证件类型“身份证明”不正确")
    assert reasons[(10, "证件号码")] == IN_FEED
    assert reasons[(11, "证件号码")] == ALREADY_LISTED
    assert reasons[(12, "证件类型")] == "与第13行重复（证件类型、证件号码相同）。"
    assert result.error_count == 8
    with db.engine.connect() as conn:  # reading keeps nothing
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM external_residents").scalar() == 1

    errors = tmp_path / "错误.xlsx"
    assert write_error_workbook(result, errors) == 8
    sheet = load_workbook(errors).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == ["赵六", "周九", None, "吴十", "钱七", "孙八", "郑一", "郑一"]
    assert rows[0][3] == "证件号码：居民身份证号码校验位不正确，请核对后重新输入。"
    assert rows[4][2] == id_number(7)  # the number as typed, every digit kept


def test_another_template_is_refused_whole(tmp_path: Path, db: UnitDatabase) -> None:
    path = tmp_path / "分组.xlsx"
    write_assignment_template(path, "residents")
    with pytest.raises(ImportRefused, match="外部参保城乡居民导入"):
        read_external_import(db, path)
