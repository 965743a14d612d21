"""Tables of 费款缴纳 in a unit database (issue 10): the arrears as last fetched from the
征收子系统, agreement deductions (缴费记录), bank-counter vouchers with their rows and the path
of the PDF printed here (缴费凭证打印记录), payer accounts typed in by hand, 三方协议 and 到账.

Everything but `payer_accounts` and a voucher's `pdf_path` mirrors the server and is replaced
on 刷新/同步; a voucher's PDF is written once, when it is printed, and never regenerated.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class ArrearsLine(UnitBase):
    """One 欠费 line: an item × part (单位缴纳 / 个人缴纳) of a successful declaration."""

    __tablename__ = "pay_arrears"
    __table_args__ = (Index("ix_pay_arrears_order", "unit_number", "levy_item", "period_start"),)

    line_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    voucher_number: Mapped[str] = mapped_column(String(30))  # 应征凭证序号
    declaration_id: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str] = mapped_column(String(30))
    unit_number: Mapped[str] = mapped_column(String(30))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(10))  # 单位缴纳 | 个人缴纳
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    pay_type: Mapped[str] = mapped_column(String(10))  # 正常 | 特殊缴费
    sequential: Mapped[bool] = mapped_column(Boolean)  # 是否顺序缴费
    deferrable: Mapped[bool] = mapped_column(Boolean)  # 操作类型 可缓缴
    amount: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10))  # 未缴费 | 扣费中 | 锁定 | 扣费失败
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    bank_voucher_id: Mapped[str | None] = mapped_column(String(30), nullable=True)
    declared_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    tax_authority: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # 缴费期限 YYYY-MM-DD (None from a server that does not send it)
    pay_deadline: Mapped[str | None] = mapped_column(String(10), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class Deduction(UnitBase):
    """缴费记录: one 三方协议 deduction (扣款) of one 应征凭证序号, from any channel."""

    __tablename__ = "pay_deductions"
    __table_args__ = (Index("ix_pay_deductions_list", "submitted_at"),)

    deduction_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    payment_id: Mapped[str | None] = mapped_column(String(30), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    voucher_number: Mapped[str] = mapped_column(String(30))
    declaration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    unit_number: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    amount: Mapped[str] = mapped_column(String(20))
    line_ids: Mapped[str] = mapped_column(Text)  # JSON list
    agreement_id: Mapped[str | None] = mapped_column(String(30), nullable=True)
    bank_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    branch_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    account_masked: Mapped[str | None] = mapped_column(String(40), nullable=True)
    submitted_at: Mapped[str] = mapped_column(String(19))
    status: Mapped[str] = mapped_column(String(10))  # 扣费中 | 缴费成功 | 缴费失败 | 锁定
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    finished_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class BankVoucher(UnitBase):
    """缴费凭证打印记录: a 银行端查询缴税凭证 from any channel; `pdf_path` when printed here."""

    __tablename__ = "pay_vouchers"
    __table_args__ = (Index("ix_pay_vouchers_issued", "issued_at"),)

    voucher_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    serial: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[str] = mapped_column(String(19))
    deadline: Mapped[str] = mapped_column(String(10))
    taxpayer_id: Mapped[str] = mapped_column(String(30))
    taxpayer_name: Mapped[str] = mapped_column(String(200))
    tax_authority_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    tax_authority_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    payer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    payer_account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    payer_bank: Mapped[str | None] = mapped_column(String(200), nullable=True)
    summary: Mapped[bool] = mapped_column(Boolean)  # 汇总开具
    amount: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))  # 未缴款 | 已缴款 | 已作废
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    paid_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    expired: Mapped[bool] = mapped_column(Boolean)
    period_start: Mapped[str] = mapped_column(String(7))  # earliest 费款所属期 of its rows
    period_end: Mapped[str] = mapped_column(String(7))
    row_count: Mapped[int] = mapped_column(Integer)
    pdf_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class BankVoucherRow(UnitBase):
    """A row of a voucher: one arrears line with the names printed on it."""

    __tablename__ = "pay_voucher_rows"
    __table_args__ = (PrimaryKeyConstraint("voucher_id", "position"), {"sqlite_with_rowid": False})

    voucher_id: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[str] = mapped_column(String(30))
    voucher_number: Mapped[str] = mapped_column(String(30))
    unit_number: Mapped[str] = mapped_column(String(30))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_item_name: Mapped[str] = mapped_column(String(100))
    levy_category_name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    amount: Mapped[str] = mapped_column(String(20))


class PayerAccount(UnitBase):
    """人工录入账户账号信息: payer accounts kept for the next voucher (never sent anywhere else)."""

    __tablename__ = "pay_payer_accounts"
    __table_args__ = (UniqueConstraint("name", "account", "bank_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(String(40))
    bank_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Agreement(UnitBase):
    """单位三方协议 as last fetched from the 征收子系统 (§2.18)."""

    __tablename__ = "pay_agreements"

    agreement_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    agreement_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    tripartite_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    agreement_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    customer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    bank_code: Mapped[str] = mapped_column(String(10))
    bank_name: Mapped[str] = mapped_column(String(100))
    clearing_bank_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    branch_code: Mapped[str] = mapped_column(String(20))
    branch_name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12))
    tax_authority: Mapped[str] = mapped_column(String(200))
    account_name: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(String(40))
    account_masked: Mapped[str] = mapped_column(String(40))
    allow_deduction: Mapped[bool] = mapped_column(Boolean)
    deduction_flag: Mapped[str] = mapped_column(String(10))  # 费批扣 | 所有批扣 | 所有非批扣
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[str] = mapped_column(String(19))
    verified_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    ended_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class Arrival(UnitBase):
    """社保费到账信息 (§2.22): a paid line once 入库, as last fetched from the 管理子系统."""

    __tablename__ = "pay_arrivals"
    __table_args__ = (Index("ix_pay_arrivals_period", "period_start"),)

    line_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    voucher_number: Mapped[str] = mapped_column(String(30))
    unit_number: Mapped[str] = mapped_column(String(30))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    amount: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    paid_at: Mapped[str] = mapped_column(String(19))
    stored_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    arrived_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    state: Mapped[str] = mapped_column(String(10))  # 已入库 | 已到账
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
