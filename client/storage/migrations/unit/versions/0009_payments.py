"""费款缴纳: arrears, deductions, bank vouchers with their rows, payer accounts, 三方协议, 到账

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "pay_vouchers",
    "pay_voucher_rows",
    "pay_payer_accounts",
    "pay_deductions",
    "pay_arrivals",
    "pay_arrears",
    "pay_agreements",
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "pay_agreements",
        sa.Column("agreement_id", sa.String(length=30), nullable=False),
        sa.Column("agreement_number", sa.String(length=30), nullable=True),
        sa.Column("tripartite_number", sa.String(length=30), nullable=True),
        sa.Column("agreement_name", sa.String(length=200), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("bank_code", sa.String(length=10), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("clearing_bank_code", sa.String(length=20), nullable=True),
        sa.Column("branch_code", sa.String(length=20), nullable=False),
        sa.Column("branch_name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("tax_authority", sa.String(length=200), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("account_number", sa.String(length=40), nullable=False),
        sa.Column("account_masked", sa.String(length=40), nullable=False),
        sa.Column("allow_deduction", sa.Boolean(), nullable=False),
        sa.Column("deduction_flag", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=19), nullable=False),
        sa.Column("verified_on", sa.String(length=10), nullable=True),
        sa.Column("ended_at", sa.String(length=19), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("agreement_id"),
    )
    op.create_table(
        "pay_arrears",
        sa.Column("line_id", sa.String(length=30), nullable=False),
        sa.Column("voucher_number", sa.String(length=30), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=30), nullable=False),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_category", sa.String(length=20), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("pay_type", sa.String(length=10), nullable=False),
        sa.Column("sequential", sa.Boolean(), nullable=False),
        sa.Column("deferrable", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("bank_voucher_id", sa.String(length=30), nullable=True),
        sa.Column("declared_at", sa.String(length=19), nullable=True),
        sa.Column("tax_authority", sa.String(length=200), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("line_id"),
    )
    op.create_index(
        "ix_pay_arrears_order",
        "pay_arrears",
        ["unit_number", "levy_item", "period_start"],
        unique=False,
    )
    op.create_table(
        "pay_arrivals",
        sa.Column("line_id", sa.String(length=30), nullable=False),
        sa.Column("voucher_number", sa.String(length=30), nullable=False),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_category", sa.String(length=20), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("paid_at", sa.String(length=19), nullable=False),
        sa.Column("stored_on", sa.String(length=10), nullable=True),
        sa.Column("arrived_on", sa.String(length=10), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("line_id"),
    )
    op.create_index("ix_pay_arrivals_period", "pay_arrivals", ["period_start"], unique=False)
    op.create_table(
        "pay_deductions",
        sa.Column("deduction_id", sa.String(length=30), nullable=False),
        sa.Column("payment_id", sa.String(length=30), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("voucher_number", sa.String(length=30), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("line_ids", sa.Text(), nullable=False),
        sa.Column("agreement_id", sa.String(length=30), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=True),
        sa.Column("branch_name", sa.String(length=200), nullable=True),
        sa.Column("account_masked", sa.String(length=40), nullable=True),
        sa.Column("submitted_at", sa.String(length=19), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.String(length=19), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("deduction_id"),
    )
    op.create_index("ix_pay_deductions_list", "pay_deductions", ["submitted_at"], unique=False)
    op.create_table(
        "pay_payer_accounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("bank_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "account", "bank_name"),
    )
    op.create_table(
        "pay_voucher_rows",
        sa.Column("voucher_id", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=30), nullable=False),
        sa.Column("voucher_number", sa.String(length=30), nullable=False),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_item_name", sa.String(length=100), nullable=False),
        sa.Column("levy_category_name", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("voucher_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "pay_vouchers",
        sa.Column("voucher_id", sa.String(length=30), nullable=False),
        sa.Column("serial", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.String(length=19), nullable=False),
        sa.Column("deadline", sa.String(length=10), nullable=False),
        sa.Column("taxpayer_id", sa.String(length=30), nullable=False),
        sa.Column("taxpayer_name", sa.String(length=200), nullable=False),
        sa.Column("tax_authority_code", sa.String(length=20), nullable=True),
        sa.Column("tax_authority_name", sa.String(length=200), nullable=True),
        sa.Column("payer_name", sa.String(length=200), nullable=True),
        sa.Column("payer_account", sa.String(length=40), nullable=True),
        sa.Column("payer_bank", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("paid_at", sa.String(length=19), nullable=True),
        sa.Column("expired", sa.Boolean(), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("pdf_path", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("voucher_id"),
    )
    op.create_index("ix_pay_vouchers_issued", "pay_vouchers", ["issued_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for table in TABLES:
        op.drop_table(table)
