"""单位退费申请管理: refund applications and their rows

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "refund_applications",
        sa.Column("refund_id", sa.String(length=30), nullable=False),
        sa.Column("application_number", sa.String(length=30), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("refund_kind", sa.String(length=20), nullable=True),
        sa.Column("submitted_at", sa.String(length=19), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("reason_code", sa.String(length=10), nullable=False),
        sa.Column("reason_name", sa.String(length=40), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("bank_code", sa.String(length=10), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("account_masked", sa.String(length=40), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("refunded_on", sa.String(length=10), nullable=True),
        sa.Column("history", sa.Text(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=True),
        sa.Column("period_end", sa.String(length=7), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("refund_id"),
    )
    op.create_index(
        "ix_refund_applications_submitted", "refund_applications", ["submitted_at"], unique=False
    )
    op.create_table(
        "refund_application_rows",
        sa.Column("refund_id", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.String(length=60), nullable=False),
        sa.Column("e_ticket_number", sa.String(length=30), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("id_number", sa.String(length=40), nullable=True),
        sa.Column("levy_item_name", sa.String(length=100), nullable=False),
        sa.Column("levy_category_name", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.String(length=10), nullable=False),
        sa.Column("period_end", sa.String(length=10), nullable=False),
        sa.Column("paid", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("refund_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_refund_application_rows_row", "refund_application_rows", ["row_id"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_refund_application_rows_row", table_name="refund_application_rows")
    op.drop_table("refund_application_rows")
    op.drop_index("ix_refund_applications_submitted", table_name="refund_applications")
    op.drop_table("refund_applications")
