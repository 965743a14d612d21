"""The sheet scan (`workbook_checks.scan_sheets`) bounds what python-calamine would allocate
without refusing what real programs write: cells whose `r` comes after other attributes,
a stray value a few columns right of the template, many rows within the limit. Tricks
that would hide a cell's missing reference count as cells without one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from client.documents import workbook_checks as wb
from client.documents.imports import ImportRefused
from client.groups.imports import GROUP_TREE_SPEC, read_group_tree, write_group_tree_template
from tests.hostile.corpus import members, sheet_part, write_members

FIRST = GROUP_TREE_SPEC.first_data_row


def group_file(tmp: Path, name: str, rows_xml: str) -> Path:
    base = tmp / f"{name}-模板.xlsx"
    write_group_tree_template(base)
    parts = members(base)
    part = sheet_part(parts, GROUP_TREE_SPEC.sheet_title)
    parts[part] = parts[part].replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
    return write_members(tmp / f"{name}.xlsx", parts)


def test_references_after_other_attributes_are_read_as_usual(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c t="inlineStr" s="0" r="A{r}"><is><t>组{r}</t></is></c></row>'
        for r in range(FIRST, FIRST + 3000)
    )
    result = read_group_tree(group_file(tmp_path, "属性顺序", rows))
    assert (result.valid_count, result.error_count) == (3000, 0)


def test_a_stray_value_right_of_the_template_is_not_a_bomb(tmp_path: Path) -> None:
    rows = f'<row r="{FIRST}"><c r="A{FIRST}" t="inlineStr"><is><t>一组</t></is></c>'
    rows += f'<c r="AZ{FIRST}"><v>1</v></c></row>'
    scans = wb.scan_sheets(group_file(tmp_path, "多一格", rows), 200_000)
    assert scans[GROUP_TREE_SPEC.sheet_title].max_col == 52


def test_hidden_missing_references_count_as_missing(tmp_path: Path) -> None:
    # r inside a single-quoted attribute is no reference: python-calamine would place each
    # cell one column further, so 20,000 of them are as wide as 20,000 bare cells.
    cells = "".join(f"<c foo=' r=\"A{FIRST}\"'><v>1</v></c>" for _ in range(20_000))
    path = group_file(tmp_path, "藏起来的引用", f'<row r="{FIRST}">{cells}</row>')
    with pytest.raises(ImportRefused) as caught:
        read_group_tree(path)
    assert re.fullmatch(
        re.escape(wb.SHEET_TOO_WIDE.format(sheet=GROUP_TREE_SPEC.sheet_title, rows="R",
                                           cols=16384, where="")).replace("R", r"\d+"),
        caught.value.message,
    )  # fmt: skip


def test_rows_up_to_the_limit_pass_the_scan(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>组{r % 50}</t></is></c></row>'
        for r in range(99_990, 100_010)
    )
    scans = wb.scan_sheets(group_file(tmp_path, "十万行附近", rows), 200_000)
    assert scans[GROUP_TREE_SPEC.sheet_title].max_row == 100_009
