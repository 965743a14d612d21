"""社保费申报: fee items and their person lines, declarations, the append-only journal

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 16:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOURNAL_GUARDS = {
    "fee_journal_no_update": "UPDATE",
    "fee_journal_no_delete": "DELETE",
}


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "fee_items",
        sa.Column("item_id", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("data_source", sa.String(length=2), nullable=False),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=True),
        sa.Column("tax_authority", sa.String(length=200), nullable=True),
        sa.Column("project_number", sa.String(length=40), nullable=True),
        sa.Column("collection_serial", sa.String(length=30), nullable=True),
        sa.Column("valid_until", sa.String(length=10), nullable=True),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_category", sa.String(length=20), nullable=False),
        sa.Column("special_type", sa.String(length=20), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("wage_total", sa.String(length=20), nullable=False),
        sa.Column("base_total", sa.String(length=20), nullable=False),
        sa.Column("unit_rate", sa.String(length=12), nullable=True),
        sa.Column("personal_rate", sa.String(length=12), nullable=True),
        sa.Column("unit_amount", sa.String(length=20), nullable=False),
        sa.Column("personal_amount", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=19), nullable=False),
        sa.Column("merge_key", sa.String(length=120), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("lines_fetched", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("item_id"),
    )
    op.create_index("ix_fee_items_list", "fee_items", ["category", "state", "period_start"])
    op.create_index("ix_fee_items_box", "fee_items", ["merge_key"])
    op.create_index("ix_fee_items_declaration", "fee_items", ["declaration_id"])

    op.create_table(
        "fee_item_lines",
        sa.Column("item_id", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("person_number", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=4), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("wage", sa.String(length=20), nullable=True),
        sa.Column("base", sa.String(length=20), nullable=False),
        sa.Column("unit_rate", sa.String(length=12), nullable=True),
        sa.Column("personal_rate", sa.String(length=12), nullable=True),
        sa.Column("unit_amount", sa.String(length=20), nullable=False),
        sa.Column("personal_amount", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_fee_item_lines_person", "fee_item_lines", ["person_id", "period"])
    op.create_index("ix_fee_item_lines_name", "fee_item_lines", ["name"])
    op.create_index("ix_fee_item_lines_id_number", "fee_item_lines", ["id_number"])

    op.create_table(
        "fee_declarations",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("data_source", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.String(length=19), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("pay_status", sa.String(length=10), nullable=True),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("tax_authority", sa.String(length=200), nullable=True),
        sa.Column("voucher_number", sa.String(length=30), nullable=True),
        sa.Column("unit_number", sa.String(length=30), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("project_number", sa.String(length=40), nullable=True),
        sa.Column("collection_serial", sa.String(length=30), nullable=True),
        sa.Column("levy_items", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.String(length=19), nullable=True),
        sa.Column("voided_at", sa.String(length=19), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id"),
    )
    op.create_index("ix_fee_declarations_list", "fee_declarations", ["category", "submitted_at"])
    op.create_index("ix_fee_declarations_status", "fee_declarations", ["status", "pay_status"])

    op.create_table(
        "fee_declaration_items",
        sa.Column("declaration_id", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("declaration_id", "item_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_fee_declaration_items_item", "fee_declaration_items", ["item_id"])

    op.create_table(
        "fee_journal",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("page", sa.String(length=40), nullable=False),
        sa.Column("declaration_ids", sa.Text(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fee_journal_at", "fee_journal", ["at"])
    # Append-only: an entry, once written, can be neither changed nor removed.
    for name, event in JOURNAL_GUARDS.items():
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON fee_journal BEGIN"
            " SELECT RAISE(ABORT, 'fee_journal is append-only'); END"
        )


def downgrade() -> None:
    """Downgrade schema."""
    for name in JOURNAL_GUARDS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in (
        "fee_journal",
        "fee_declaration_items",
        "fee_declarations",
        "fee_item_lines",
        "fee_items",
    ):
        op.drop_table(table)
