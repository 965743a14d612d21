"""Tables of 缴费授权 for a 代收单位's residents (manual §3.18, §3.19): 居民银行账户, 居民两两协议
and the 短信验证码 a 他人账户's holder receives.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema (create_all makes them in a database seeded before issue 13). `resident_id` is the id
`authorisation_people.find_area_resident` answers (a feed resident's or an external one's).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, String, Table

from mock_backend.db import metadata

# 居民银行账户 (§3.18): a resident's bank accounts, kept for 退费 and as 缴费账户.
resident_bank_accounts = Table(
    "resident_bank_accounts",
    metadata,
    Column("account_id", String, primary_key=True),  # ZH + 10 digits
    Column("unit_id", String, nullable=False),
    Column("resident_id", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("bank_code", String, nullable=False),
    Column("bank_name", String, nullable=False),
    Column("region_code", String, nullable=False),
    Column("region_name", String, nullable=False),
    Column("branch_code", String, nullable=False),
    Column("branch_name", String, nullable=False),
    Column("account_number", String, nullable=False),
    Column("account_nature", String, nullable=False),  # 账户性质
    Column("refund_flag", Boolean, nullable=False),  # 退费账户标志
    Column("preferred_flag", Boolean, nullable=False),  # 首选缴费账户标志 (one per resident)
    Column("social_flag", Boolean, nullable=False),  # 社保费账户标志
    Column("created_at", String, nullable=False),
    Index("ix_resident_bank_accounts_unit", "unit_id", "resident_id"),
)

# 居民两两协议 (§3.19): state 有效 or 已撤销; a resident has at most one 有效 费批扣 agreement.
resident_agreements = Table(
    "resident_agreements",
    metadata,
    Column("agreement_id", String, primary_key=True),  # 协议号
    Column("unit_id", String, nullable=False),
    Column("resident_id", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("state", String, nullable=False),  # 有效 | 已撤销
    Column("account_type", String, nullable=False),  # 本人账户 | 他人账户
    Column("deduction_flag", String, nullable=False),  # 费批扣
    Column("tax_authority", String, nullable=False),
    Column("bank_code", String, nullable=False),
    Column("bank_name", String, nullable=False),
    Column("clearing_code", String, nullable=False),
    Column("region_code", String, nullable=False),
    Column("region_name", String, nullable=False),
    Column("branch_code", String, nullable=False),
    Column("branch_name", String, nullable=False),
    Column("account_number", String, nullable=False),
    Column("holder_name", String, nullable=False),  # 持卡人 (the payer of a 他人账户)
    Column("holder_id_type", String, nullable=False),
    Column("holder_id_number", String, nullable=False),
    Column("phone", String),  # 手机号码 (他人账户)
    Column("signed_at", String, nullable=False),  # 验证通过日期 (YYYY-MM-DD HH:MM:SS)
    Column("revoked_at", String),
    Index("ix_resident_agreements_unit", "unit_id", "resident_id", "state"),
)

# 短信验证码: issued per unit and phone, valid for five minutes, used once.
authorisation_sms_codes = Table(
    "authorisation_sms_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("phone", String, nullable=False),
    Column("code", String, nullable=False),
    Column("issued_at", Float, nullable=False),  # server clock timestamp
    Column("expires_at", Float, nullable=False),
    Column("used", Boolean, nullable=False),
    Index("ix_authorisation_sms_codes_phone", "phone", "id"),
)
