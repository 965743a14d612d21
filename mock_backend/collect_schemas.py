"""Pydantic models of 费款缴纳 for the OpenAPI document and the admin request bodies.

Client request bodies are read by the routes themselves (so refusals carry the contract's
Chinese messages); these models only describe them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mock_backend.schemas import _In

LineState = Literal["未缴费", "扣费中", "锁定", "扣费失败"]
DeductionStatus = Literal["扣费中", "缴费成功", "缴费失败", "锁定"]
VoucherStatus = Literal["未缴款", "已缴款", "已作废"]
AgreementStatus = Literal["未验证", "验证中", "验证通过", "验证失败", "协议终止"]


class ArrearsList(BaseModel):
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[line_id, voucher_number, declaration_id, item_id, unit_number, levy_item,"
        " levy_category, part, period_start, period_end, pay_type, sequential, deferrable,"
        " amount, state, reason, bank_voucher_id, declared_at, tax_authority, pay_deadline]"
    )
    fetched_at: str


class PaymentAuthIn(BaseModel):
    password: str = Field(description="the unit's 申报密码")


class PaymentTicket(BaseModel):
    ticket: str = Field(description="sent as X-Payment-Ticket, valid 10 minutes")
    expires_at: str


class PaymentIn(BaseModel):
    line_ids: list[str]
    agreement_id: str


class Deduction(BaseModel):
    deduction_id: str
    payment_id: str
    channel: Literal["客户端", "电子税务局", "批量扣款"]
    voucher_number: str
    declaration_id: str
    unit_number: str
    period_start: str
    period_end: str
    amount: str
    line_ids: list[str]
    agreement_id: str | None
    bank_name: str | None
    branch_name: str | None
    account_masked: str | None
    submitted_at: str
    status: DeductionStatus
    reason: str | None
    finished_at: str | None


class PaymentAccepted(BaseModel):
    payment_id: str
    submitted_at: str
    amount: str
    processing_delay_seconds: int
    deductions: list[Deduction]


class DeductionList(BaseModel):
    deductions: list[Deduction]


class Payer(BaseModel):
    name: str
    account: str = Field(description="8–32 digits")
    bank_name: str


class VoucherIn(BaseModel):
    line_ids: list[str]
    payer: Payer | None = Field(description="null: the voucher's payer fields stay empty")


class VoucherRow(BaseModel):
    line_id: str
    voucher_number: str
    unit_number: str
    levy_item: str
    levy_item_name: str
    levy_category_name: str
    period_start: str
    period_end: str
    amount: str


class Voucher(BaseModel):
    voucher_id: str
    serial: str
    channel: Literal["客户端", "电子税务局"]
    issued_at: str
    deadline: str
    taxpayer_id: str
    taxpayer_name: str
    tax_authority_code: str
    tax_authority_name: str
    payer: Payer | None
    summary: bool
    amount: str
    status: VoucherStatus
    void_reason: str | None
    paid_at: str | None
    expired: bool
    voided_serials: list[str]
    rows: list[VoucherRow]


class VoucherList(BaseModel):
    vouchers: list[Voucher]


class AgreementIn(BaseModel):
    allow_deduction: bool
    tax_authority: str
    region_code: str
    bank_code: str
    branch_code: str
    account_name: str
    account_number: str = Field(description="8–32 digits")


class Agreement(BaseModel):
    agreement_id: str
    agreement_number: str
    tripartite_number: str
    agreement_name: str
    customer_name: str
    bank_code: str
    bank_name: str
    clearing_bank_code: str
    branch_code: str
    branch_name: str
    region_code: str
    tax_authority: str
    account_name: str
    account_number: str
    account_masked: str
    allow_deduction: bool
    deduction_flag: Literal["费批扣", "所有非批扣", "所有批扣"]
    status: AgreementStatus
    reason: str | None
    created_at: str
    verified_on: str | None
    ended_at: str | None


class AgreementList(BaseModel):
    agreements: list[Agreement]


class ArrivalList(BaseModel):
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[line_id, voucher_number, unit_number, levy_item, levy_category, part,"
        " period_start, period_end, amount, channel, paid_at, stored_on, arrived_on, state]"
    )


# -- admin -------------------------------------------------------------------------------
class BankSettingsIn(_In):
    deduct_delay_seconds: float | None = Field(None, ge=0)
    verify_delay_seconds: float | None = Field(None, ge=0)
    store_delay_seconds: float | None = Field(None, ge=0)
    arrive_delay_seconds: float | None = Field(None, ge=0)
    default_balance: str | None = Field(None, description='amount, e.g. "10000000.00"')


class BankSettingsOut(BaseModel):
    deduct_delay_seconds: float
    verify_delay_seconds: float
    store_delay_seconds: float
    arrive_delay_seconds: float
    default_balance: str


class BankAccountIn(_In):
    account: str
    name: str
    balance: str = "0.00"
    status: Literal["正常", "冻结", "销户"] = "正常"


class BankAccountOut(BaseModel):
    account: str
    name: str
    balance: str
    status: str


class LoseNextIn(_In):
    deducted: bool


class ProcessCounts(BaseModel):
    deductions: int
    agreements: int


class ArrivalCount(BaseModel):
    count: int
