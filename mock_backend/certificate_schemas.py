"""Pydantic models of 证明打印 (tickets and the 缴费清单) for the OpenAPI document and the
admin request body; client request bodies are read by the routes themselves."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mock_backend.schemas import _In

TicketStatus = Literal["未开具", "已开具", "已作废"]


class TicketRow(BaseModel):
    line_id: str
    original_voucher: str = Field(description="原凭证号 (应征凭证序号)")
    tax_kind: str = Field(description="税种 (征收项目 name)")
    item_name: str = Field(description="品目名称 (征收品目 name with its part)")
    period_start: str = Field(description="税款所属时期起 YYYY-MM-DD")
    period_end: str
    stored_on: str = Field(description="入(退)库日期")
    amount: str = Field(description="实缴(退)金额")


class Ticket(BaseModel):
    ticket_id: str
    e_ticket_number: str = Field(description="电子税票号码, 18 digits")
    ticket_kind: str
    ticket_word: str = Field(description="票证字轨")
    ticket_number: str = Field(description="票证号码, 10 digits")
    taxpayer_id: str
    taxpayer_name: str
    tax_authority_code: str
    tax_authority_name: str
    region_code: str
    treasury_name: str = Field(description="收款国库")
    stored_on: str
    period_start: str
    period_end: str
    amount: str
    amount_in_words: str
    status: TicketStatus
    issued_on: str | None
    issuer: str | None
    print_count: int
    check_code: str = Field(description="校验码, 16 characters in groups of 4")
    remark: str
    voided_by: str | None
    voided_on: str | None
    void_reason: str | None
    rows: list[TicketRow]


class TicketList(BaseModel):
    tickets: list[Ticket]


class PersonalTicket(Ticket):
    """个人税收完税证明: the resident is the 纳税人 (taxpayer_id = 证件号码, taxpayer_name = 姓名)."""

    id_type: str = Field(description="the resident's 证件类型 code")


class PersonalTicketList(BaseModel):
    tickets: list[PersonalTicket]


class VerifiedTicket(Ticket):
    ticket_kind_name: str
    ticket_word_name: str
    id_type: str | None = Field(None, description="证件类型 of a personal ticket's resident")


class VerifyIn(BaseModel):
    taxpayer_id: str
    taxpayer_name: str
    ticket_kind: str
    e_ticket_number: str
    region_code: str
    amount: str
    tax_authority_name: str | None = None
    ticket_word: str | None = None
    ticket_number: str | None = None
    check_code: str | None = None


class VerifyOut(BaseModel):
    match: bool
    result: VerifiedTicket | None = None
    message: str | None = None


class EmptyReason(BaseModel):
    code: Literal["NOT_REGISTERED", "NOT_PAID", "NOT_STORED"]
    message: str


class PaymentList(BaseModel):
    fields: list[str]
    records: list[list[Any]]
    empty_reason: EmptyReason | None


class VoidTicketIn(_In):
    voided_by: str = Field(min_length=1, description="作废人")
    reason: str = Field(min_length=1, description="作废原因")
