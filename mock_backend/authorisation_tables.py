"""Tables of 缴费授权 (issue 13, manual §3.17 and §3.20): 社保费批扣费额设置 and the rows of
社保费批扣清册 the bank makes from them.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema (create_all adds them to a database seeded before issue 13).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, text

from mock_backend.db import metadata

# 社保费批扣费额设置: one resident × 险种 (征收项目 10210 养老 / 10211 医疗) × 生效年度 with
# its 缴费金额; at most one 有效 setting of each (the partial unique index).
authorisation_amounts = Table(
    "authorisation_amounts",
    metadata,
    Column("setting_id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", String, nullable=False),
    Column("resident_id", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),  # upper case
    Column("insurance", String, nullable=False),  # 征收项目: 10210 | 10211
    Column("levy_category", String, nullable=False),
    Column("levy_subcategory", String, nullable=False),
    Column("agency", String, nullable=False),  # 社保经办机构
    Column("year", Integer, nullable=False),  # 生效年度
    Column("amount_cents", Integer, nullable=False),
    Column("state", String, nullable=False),  # 有效 | 已作废
    Column("created_at", String, nullable=False),
    Column("voided_at", String),
    Index(
        "ux_authorisation_amounts_valid",
        "unit_id",
        "resident_id",
        "insurance",
        "year",
        unique=True,
        sqlite_where=text("state = '有效'"),
    ),
    Index("ix_authorisation_amounts_unit", "unit_id", "setting_id"),
)

# 社保费批扣清册: one row per resident × 险种 × 所属年度 the bank is to deduct; 批扣状态 as the
# bank reports it, 作废状态 the agent's.
authorisation_rolls = Table(
    "authorisation_rolls",
    metadata,
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", String, nullable=False),
    Column("roll_number", String, nullable=False),  # 清册编号
    Column("setting_id", Integer),
    Column("resident_id", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("insurance", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("year", Integer, nullable=False),  # 所属年度
    Column("amount_cents", Integer, nullable=False),
    Column("deduct_date", String),  # 扣款日期 YYYY-MM-DD
    Column("state", String, nullable=False),  # 批扣状态
    Column("voided", String, nullable=False),  # 作废状态: 未作废 | 已作废
    Column("failure_reason", String),
    Column("created_at", String, nullable=False),
    Column("voided_at", String),
    Index("ix_authorisation_rolls_unit", "unit_id", "row_id"),
    Index("ix_authorisation_rolls_person", "unit_id", "id_number", "year"),
    Index("ix_authorisation_rolls_year", "unit_id", "year", "row_id"),
)
