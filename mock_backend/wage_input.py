"""Checking a submitted 缴费工资申报 body: 422 INVALID_DECLARATION with a sentence saying what.

The body is checked by hand (not by a pydantic model) so that every refusal names the row
and field in Chinese, and so that 10,000 rows pass in about 0.2 s. Wages only
have to be amounts here; a wage of 0 or less is a row failure at processing time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple, NoReturn

import orjson

from mock_backend.errors import ApiError

DAILY = "daily"
ANNUAL = "annual"
DECLARATION_TYPES = {DAILY: "日常缴费工资申报", ANNUAL: "年度缴费工资申报"}
MODES = {"by_employee": "按职工申报", "by_item": "按险种申报"}
MAX_ROWS = 100_000
AMOUNT = re.compile(r"-?\d{1,9}(\.\d{1,2})?")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_ITEM_TEXT_FIELDS = (
    ("unit_number", "单位编号"),
    ("levy_item", "征收项目代码"),
    ("levy_category", "征收品目代码"),
)


class ItemIn(NamedTuple):
    unit_number: str
    levy_item: str
    levy_category: str
    old_wage: str | None
    new_wage: str


class RowIn(NamedTuple):
    employee_id: int
    id_number: str
    effective_month: str | None
    items: list[ItemIn]


class DeclarationIn(NamedTuple):
    declaration_type: str
    mode: str
    tax_authority: str
    rows: list[RowIn]


def _refuse(message: str, **details: Any) -> NoReturn:
    raise ApiError(422, "INVALID_DECLARATION", message, details)


def _text(value: Any) -> str | None:
    """A non-empty string, stripped, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


@lru_cache(maxsize=65_536)  # wages repeat a lot within a declaration
def _is_amount(value: str) -> bool:
    return AMOUNT.fullmatch(value) is not None


def _amount(value: Any, label: str, row: int, item: int, field: str) -> str:
    if isinstance(value, str) and _is_amount(value):
        return value
    shown = value if isinstance(value, str) else orjson.dumps(value).decode()
    _refuse(
        f"第{row}条申报明细第{item}个险种的{label}“{shown}”不是有效的金额，"
        '请以字符串填写，例如"6000.00"。',
        row=row,
        item=item,
        field=field,
    )


def _item(raw: Any, row: int, index: int) -> ItemIn:
    if not isinstance(raw, dict):
        _refuse(
            f"第{row}条申报明细的第{index}个险种格式不正确，请检查后重试。", row=row, item=index
        )
    # An empty code is accepted: it matches none of the employee's items (a row failure).
    unit_number = raw.get("unit_number")
    levy_item = raw.get("levy_item")
    category = raw.get("levy_category")
    if type(unit_number) is not str or type(levy_item) is not str or type(category) is not str:
        field, label = next(f for f in _ITEM_TEXT_FIELDS if not isinstance(raw.get(f[0]), str))
        _refuse(
            f"第{row}条申报明细的第{index}个险种缺少{label}，请检查后重试。",
            row=row,
            item=index,
            field=field,
        )
    new = raw.get("new_wage")
    if new is None:
        _refuse(
            f"第{row}条申报明细的第{index}个险种缺少新缴费工资，请填写后再提交申报。",
            row=row,
            item=index,
            field="new_wage",
        )
    new_wage = _amount(new, "新缴费工资", row, index, "new_wage")
    old = raw.get("old_wage")
    old_wage = None if old is None else _amount(old, "原缴费工资", row, index, "old_wage")
    return ItemIn(unit_number.strip(), levy_item.strip(), category.strip(), old_wage, new_wage)


def _row(raw: Any, number: int, declaration_type: str, by_employee: bool) -> RowIn:
    if not isinstance(raw, dict):
        _refuse(f"第{number}条申报明细格式不正确，请检查后重试。", row=number)
    employee_id = raw.get("employee_id")
    if not isinstance(employee_id, int) or isinstance(employee_id, bool) or employee_id <= 0:
        _refuse(
            f"第{number}条申报明细缺少有效的职工编号，请更新职工参保信息后重新添加该职工。",
            row=number,
            field="employee_id",
        )
    id_number = _text(raw.get("id_number"))
    if id_number is None:
        _refuse(f"第{number}条申报明细缺少证件号码，请检查后重试。", row=number, field="id_number")
    month = raw.get("effective_month")
    if declaration_type == ANNUAL:
        if month is not None:
            _refuse(
                f"年度缴费工资申报的生效年月由系统生成，第{number}条申报明细不能填写生效年月。",
                row=number,
                field="effective_month",
            )
    elif month is None:
        _refuse(
            f"第{number}条申报明细缺少生效年月，日常缴费工资申报必须填写生效年月。",
            row=number,
            field="effective_month",
        )
    elif not isinstance(month, str) or not MONTH.fullmatch(month):
        _refuse(
            f"第{number}条申报明细的生效年月“{month}”格式不正确，应为YYYY-MM，例如2026-11。",
            row=number,
            field="effective_month",
        )
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        _refuse(
            f"第{number}条申报明细没有险种信息，每名职工至少要申报一个险种。",
            row=number,
            field="items",
        )
    items = [_item(item, number, index) for index, item in enumerate(raw_items, 1)]
    if by_employee and len({float(item.new_wage) for item in items}) > 1:
        _refuse(
            f"按职工申报缴费工资时，同一职工各险种的新缴费工资应相同，第{number}条申报明细不一致。",
            row=number,
            field="new_wage",
        )
    return RowIn(employee_id, id_number, month, items)


def parse_declaration(body: bytes) -> DeclarationIn:
    """The checked declaration, or ApiError 422 INVALID_DECLARATION."""
    try:
        data = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        _refuse("申报内容不是有效的JSON对象，请检查后重试。")
    declaration_type = data.get("declaration_type")
    if declaration_type not in DECLARATION_TYPES:
        _refuse(
            f"申报类型“{declaration_type}”不正确，应为daily（日常缴费工资申报）"
            "或annual（年度缴费工资申报）。",
            field="declaration_type",
        )
    mode = data.get("mode")
    if mode not in MODES:
        _refuse(
            f"申报方式“{mode}”不正确，应为by_employee（按职工申报）或by_item（按险种申报）。",
            field="mode",
        )
    tax_authority = _text(data.get("tax_authority"))
    if tax_authority is None:
        _refuse("请选择主管税务机关后再提交申报。", field="tax_authority")
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        _refuse("申报明细为空，请至少添加一名职工后再提交申报。", field="rows")
    if len(rows) > MAX_ROWS:
        _refuse(
            f"一次最多申报{MAX_ROWS}名职工，本次有{len(rows)}名，请分批提交申报。",
            field="rows",
            rows=len(rows),
        )
    by_employee = mode == "by_employee"
    parsed = [
        _row(row, number, declaration_type, by_employee) for number, row in enumerate(rows, 1)
    ]
    return DeclarationIn(declaration_type, mode, tax_authority, parsed)
