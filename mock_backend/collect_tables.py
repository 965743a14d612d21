"""Tables of 费款缴纳 (征收子系统) and the simulated bank: arrears lines, deductions, bank-counter
vouchers, 三方协议, bank accounts, and the 安全认证 state of payments.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema (create_all makes them in a database seeded before issue 10). Amounts are integer 分,
moments of pending steps server-clock timestamps.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import metadata

# One line per item × part (单位缴纳/个人缴纳) of a 申报成功 declaration; paid lines stay here
# (state 已缴费) for 到账.
collect_lines = Table(
    "collect_lines",
    metadata,
    Column("line_id", String, primary_key=True),  # QF + 10 digits
    Column("unit_id", String, nullable=False),
    Column("declaration_id", String, nullable=False),
    Column("item_id", String, nullable=False),
    Column("voucher_number", String, nullable=False),  # 应征凭证序号
    Column("unit_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String),
    Column("part", String, nullable=False),  # 单位缴纳 | 个人缴纳
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("pay_type", String, nullable=False),  # 正常 | 特殊缴费
    Column("sequential", Boolean, nullable=False),
    Column("may_defer", Boolean, nullable=False),  # 可缓缴
    Column("amount", Integer, nullable=False),
    Column("state", String, nullable=False),  # 未缴费 | 扣费中 | 锁定 | 扣费失败 | 已缴费
    Column("reason", String),
    Column("declared_at", String, nullable=False),
    Column("tax_authority", String, nullable=False),
    Column("bank_voucher_id", String),  # the unpaid, unvoided voucher covering the line
    Column("paid_at", String),
    Column("paid_channel", String),  # 三方协议缴费 | 银行端凭证缴费 | 批量扣款 | 电子税务局
    Column("stored_due", Float),  # 入库 at this moment
    Column("arrive_due", Float),  # 到账 at this moment
    Index("ix_collect_lines_unit", "unit_id", "state"),
    Index("ix_collect_lines_declaration", "declaration_id"),
)

collect_deductions = Table(
    "collect_deductions",
    metadata,
    Column("deduction_id", String, primary_key=True),  # KK + 10 digits
    Column("unit_id", String, nullable=False),
    Column("payment_id", String, nullable=False),  # JK + yyyymmdd + serial
    Column("channel", String, nullable=False),  # 客户端 | 电子税务局 | 批量扣款
    Column("voucher_number", String, nullable=False),
    Column("declaration_id", String, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("line_ids", String, nullable=False),  # JSON list
    Column("agreement_id", String),
    Column("bank_name", String),
    Column("branch_name", String),
    Column("account_masked", String),
    Column("submitted_at", String, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("status", String, nullable=False),  # 扣费中 | 缴费成功 | 缴费失败 | 锁定
    Column("reason", String),
    Column("finished_at", String),
    Column("lost_deducted", Boolean),  # while 锁定: whether the bank really deducted
    Index("ix_collect_deductions_unit", "unit_id", "status"),
)

bank_vouchers = Table(
    "bank_vouchers",
    metadata,
    Column("voucher_id", String, primary_key=True),  # PZ + 10 digits
    Column("unit_id", String, nullable=False),
    Column("serial", String, nullable=False),  # 银行端查询缴税凭证序号, 19 digits
    Column("channel", String, nullable=False),  # 客户端 | 电子税务局
    Column("issued_at", String, nullable=False),
    Column("deadline", String, nullable=False),  # 税款缴款日期
    Column("taxpayer_id", String, nullable=False),
    Column("taxpayer_name", String, nullable=False),
    Column("tax_authority_code", String, nullable=False),
    Column("tax_authority_name", String, nullable=False),
    Column("payer", String),  # JSON {"name", "account", "bank_name"} or NULL
    Column("summary", Boolean, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("status", String, nullable=False),  # 未缴款 | 已缴款 | 已作废
    Column("void_reason", String),
    Column("paid_at", String),
    Column("voided_serials", String, nullable=False),  # JSON list
    Index("ix_bank_vouchers_unit", "unit_id", "status"),
)

bank_voucher_lines = Table(
    "bank_voucher_lines",
    metadata,
    Column("voucher_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("line_id", String, nullable=False),
    PrimaryKeyConstraint("voucher_id", "position"),
    Index("ix_bank_voucher_lines_line", "line_id"),
    sqlite_with_rowid=False,
)

agreements = Table(
    "agreements",
    metadata,
    Column("agreement_id", String, primary_key=True),  # XY + 10 digits
    Column("unit_id", String, nullable=False),
    Column("agreement_number", String, nullable=False),
    Column("tripartite_number", String, nullable=False),
    Column("agreement_name", String, nullable=False),
    Column("bank_code", String, nullable=False),
    Column("bank_name", String, nullable=False),
    Column("clearing_bank_code", String, nullable=False),
    Column("branch_code", String, nullable=False),
    Column("branch_name", String, nullable=False),
    Column("region_code", String, nullable=False),
    Column("tax_authority", String, nullable=False),
    Column("account_name", String, nullable=False),
    Column("account_number", String, nullable=False),
    Column("allow_deduction", Boolean, nullable=False),
    Column("deduction_flag", String, nullable=False),  # 费批扣 | 所有非批扣 | 所有批扣
    Column("status", String, nullable=False),  # 未验证 | 验证中 | 验证通过 | 验证失败 | 协议终止
    Column("reason", String),
    Column("created_at", String, nullable=False),
    Column("verified_on", String),
    Column("ended_at", String),
    Column("due_at", Float),  # while 验证中: the bank answers at this moment
    Index("ix_agreements_unit", "unit_id", "created_at"),
)

bank_accounts = Table(
    "bank_accounts",
    metadata,
    Column("account", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("balance", Integer, nullable=False),
    Column("status", String, nullable=False),  # 正常 | 冻结 | 销户
    Column("lose_next", Boolean),  # NULL, or the hidden outcome of the next deduction's loss
)

# 安全认证 before paying: consecutive wrong 申报密码 and the 3-minute lock.
payment_auth = Table(
    "payment_auth",
    metadata,
    Column("unit_id", String, primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", Float),
)

payment_tickets = Table(
    "payment_tickets",
    metadata,
    Column("ticket", String, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("expires_at", Float, nullable=False),
)
