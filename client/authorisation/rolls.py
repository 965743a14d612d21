"""社保费批扣清册查询 (manual §3.20): the 清册 rows the bank made from this unit's 批扣费额,
queried page by page from the 管理子系统 by resident (三要素) and 费款所属期起止; 查看 one row;
作废 a row per the table of §3.20.2 — every row but 扣款成功 and those already 已作废 — after
which the resident may pay another way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.authorisation.rolls_source import RemoteListSource
from client.collector.persons import PersonError, number_error
from client.sync.unit_service import UnitCalls

SUCCEEDED = "扣款成功"
NOT_VOIDED, VOIDED = "未作废", "已作废"
STATES = ("正在生成", "已生成待扣款", "扣款中", "扣款锁定", "扣款成功", "扣款失败", "分票成功",
          "状态不明", "接收回执成功")  # fmt: skip
VOID_QUESTION = "是否确定作废此批扣清册信息? 作废后可选择其他缴费方式缴纳该笔社保费。"
SORTABLE = ("row_id", "name", "year", "amount", "deduct_date", "state")


def can_void(row: Mapping[str, Any]) -> bool:
    """§3.20.2: 作废 is offered unless 批扣状态 is 扣款成功 or 作废状态 is 已作废."""
    return row.get("voided") != VOIDED and row.get("state") != SUCCEEDED


def void_refusal(row: Mapping[str, Any]) -> str | None:
    """Why a row cannot be 作废 (None when it can)."""
    if row.get("voided") == VOIDED:
        return "该批扣清册已作废，不能重复作废。"
    if row.get("state") == SUCCEEDED:
        return "该批扣清册已扣款成功，不能作废。"
    return None


def roll_params(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The page's conditions as the endpoint's query: 姓名, 证件类型, 证件号码 and 费款所属期
    起止 (a 证件号码 is checked first: a 居民身份证 number must pass GB 11643)."""
    out: dict[str, Any] = {}
    name = str(filters.get("name") or "").strip()
    number = str(filters.get("id_number") or "").strip().upper()
    id_type = str(filters.get("id_type") or "").strip()
    if name:
        out["name"] = name
    if number:
        problem = number_error(id_type or "01", number)
        if problem:
            raise PersonError(problem, "id_number")
        out["id_number"] = number
        if id_type:
            out["id_type"] = id_type
    period = filters.get("period") or (None, None)
    start, end = (list(period) + [None, None])[:2]
    if start and end and str(start) > str(end):
        raise PersonError("费款所属期起不能晚于费款所属期止。", "period")
    if start:
        out["period_from"] = str(start)
    if end:
        out["period_to"] = str(end)
    if filters.get("state"):
        out["state"] = str(filters["state"])
    return out


def decorate(row: dict[str, Any]) -> dict[str, Any]:
    row["period"] = f"{row['period_start']}至{row['period_end']}"
    return row


class DeductionRolls(UnitCalls):
    """The 管理子系统 calls of 社保费批扣清册查询 for one unit."""

    PATH = "/mgmt/units/{unit_id}/authorisation/deduction-rolls"

    def source(self) -> RemoteListSource:
        return RemoteListSource(self.api, self.path, "row_id", roll_params, SORTABLE, decorate)

    def detail(self, row_id: int) -> dict[str, Any]:
        """查看: the row as the 管理子系统 has it now."""
        return decorate(self.api.get_json(f"{self.path}/{row_id}"))

    def void(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """作废 per §3.20.2; refused here for a row known to be 扣款成功 or 已作废, and by the
        server when its state changed meanwhile."""
        refusal = void_refusal(row)
        if refusal:
            raise PersonError(refusal)
        return decorate(self.api.post_json(f"{self.path}/{row['row_id']}/void", None))
