"""Pydantic models of 社保费申报 for the OpenAPI document (and the admin request bodies).

Item, line and declaration records travel as arrays in the order of their `fields`; the
answers are written from row tuples by orjson, so these models only describe them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mock_backend.schemas import _In

ItemState = Literal["初始", "申报中", "申报成功", "销账", "已生成待批扣清册"]
DeclarationStatus = Literal["申报中", "申报成功", "申报失败", "作废中", "已作废"]
PayStatus = Literal["未缴费", "部分缴费", "缴费成功", "无需缴费"]
Channel = Literal["客户端", "电子税务局", "办税服务厅"]
SpecialType = Literal["补缴", "退休补收", "政策性补缴"]

_ITEM_RECORD = (
    "[item_id, category (daily/special/project/self), data_source (01/02/03/04), unit_number,"
    " agency, tax_authority, project_number, collection_serial, valid_until, period_start,"
    " period_end, levy_item, levy_category, special_type, headcount, wage_total, base_total,"
    " unit_rate, personal_rate, unit_amount, personal_amount, amount, state, declaration_id,"
    " reason, created_at]"
)


class FeeItemList(BaseModel):
    fields: list[str]
    records: list[list[Any]] = Field(description=_ITEM_RECORD)
    generated_at: str = Field(description="server time of the read (items due were made first)")


class FeeItemDetails(BaseModel):
    item_id: str
    total: int = Field(description="number of person lines of the item")
    next_after: int | None = Field(description="last position of this page; null on the last")
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[position, person_id, person_number, name, id_type, id_number, period,"
        " wage, base, unit_rate, personal_rate, unit_amount, personal_amount, amount]"
    )


class FeeDeclarationIn(BaseModel):
    item_ids: list[str] = Field(description="应缴信息 to declare; every merged tick box whole")


class FeeDeclarationCreated(BaseModel):
    declaration_id: str
    item_ids: list[str]
    headcount: int
    amount: str
    status: Literal["申报中"]


class FeeSubmitted(BaseModel):
    submitted_at: str
    processing_delay_seconds: int
    declarations: list[FeeDeclarationCreated]


class FailedRow(BaseModel):
    index: int = Field(description="0-based index of the row in the 代收代报（自主） request")
    id_number: str
    reason: str = Field(description="不在本代收单位管辖范围内, 未参保该险种 or 该年度已申报")


class FeeDeclaration(BaseModel):
    declaration_id: str
    category: Literal["daily", "special", "project", "self"]
    data_source: Literal["01", "02", "03", "04"]
    channel: Channel
    submitted_at: str
    status: DeclarationStatus
    pay_status: PayStatus | None
    amount: str
    headcount: int
    tax_authority: str
    voucher_number: str | None = Field(description="应征凭证序号 (20 digits), from success on")
    unit_number: str
    period_start: str
    period_end: str
    project_number: str | None
    collection_serial: str | None
    reason: str | None
    processed_at: str | None
    voided_at: str | None
    items: list[list[Any]] = Field(description=_ITEM_RECORD)
    failed_rows: list[FailedRow] = Field(
        description="persons of a `self` declaration that did not pass (empty for other kinds)"
    )


class FeeDeclarationList(BaseModel):
    item_fields: list[str]
    declarations: list[FeeDeclaration]


class FeeVoidAccepted(BaseModel):
    declaration_id: str
    status: Literal["作废中"]
    processing_delay_seconds: int


# -- admin -------------------------------------------------------------------------------
class FeeGenerateRequest(_In):
    period: str | None = Field(None, description="YYYY-MM; null = the current month")


class SpecialFeeRequest(_In):
    special_type: SpecialType = "补缴"
    levy_item: str = "10201"
    period_start: str = Field(description="YYYY-MM")
    period_end: str = Field(description="YYYY-MM")
    persons: int = Field(3, ge=1, le=100_000)
    valid_until: str | None = Field(None, description="YYYY-MM-DD; null = end of next month")


class FeeRefuseRequest(_In):
    reason: str = Field(min_length=1)


class OtherChannelRequest(_In):
    item_ids: list[str]
    channel: Literal["电子税务局", "办税服务厅"] = "电子税务局"
    submitted_at: str | None = Field(None, description="YYYY-MM-DD HH:MM:SS; null = now")


class FeeItemIds(BaseModel):
    item_ids: list[str]


class FeeDeclarationIds(BaseModel):
    declaration_ids: list[str]


class FeeCount(BaseModel):
    count: int
