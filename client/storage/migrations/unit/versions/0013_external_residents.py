"""外部参保城乡居民 and the 申报缴费状态 snapshot (issue 12)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _status_columns(*, row_id: bool) -> list[sa.Column]:
    first = [sa.Column("row_id", sa.Integer(), nullable=False)] if row_id else []
    key = ("row_id",) if row_id else ("year", "resident_id", "levy_category")
    return [
        *first,
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=4), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_category", sa.String(length=20), nullable=False),
        sa.Column("declare_status", sa.String(length=4), nullable=False),
        sa.Column("pay_status", sa.String(length=4), nullable=True),
        sa.Column("grade", sa.String(length=4), nullable=True),
        sa.Column("amount", sa.String(length=20), nullable=True),
        sa.Column("declaration_id", sa.String(length=40), nullable=True),
        sa.Column("declared_at", sa.String(length=19), nullable=True),
        sa.Column("paid_at", sa.String(length=19), nullable=True),
        sa.PrimaryKeyConstraint(*key),
    ]


STATUS_INDEXES = {
    "ix_resident_statuses_place": ["year", "township", "village"],
    "ix_resident_statuses_levy": ["year", "levy_item", "levy_category"],
    "ix_resident_statuses_state": ["year", "declare_status", "pay_status"],
    "ix_resident_statuses_name": ["year", "name"],
    "ix_resident_statuses_id_number": ["year", "id_number"],
}
EXTERNAL_INDEXES = {
    "ix_external_residents_name": ["name"],
    "ix_external_residents_id_number": ["id_number"],
    "ix_external_residents_status": ["status"],
    "ix_external_residents_group_id": ["group_id"],
}


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "external_residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=4), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=4), nullable=False),
        sa.Column("person_number", sa.String(length=30), nullable=True),
        sa.Column("gender", sa.String(length=4), nullable=True),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("township", sa.String(length=100), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("items", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_external_residents_person", "external_residents", ["id_type", "id_number"],
        unique=True,
    )  # fmt: skip
    for name, columns in EXTERNAL_INDEXES.items():
        op.create_index(name, "external_residents", columns, unique=False)
    op.create_table(
        "external_resident_sync",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pushed_digest", sa.String(length=64), nullable=True),
        sa.Column("pushed_count", sa.Integer(), nullable=True),
        sa.Column("pushed_at", sa.DateTime(), nullable=True),
        sa.Column("pending_key", sa.String(length=40), nullable=True),
        sa.Column("pending_digest", sa.String(length=64), nullable=True),
        sa.Column("pending_body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table("resident_statuses", *_status_columns(row_id=True))
    op.create_index(
        "uq_resident_statuses_row", "resident_statuses", ["year", "resident_id", "levy_category"],
        unique=True,
    )  # fmt: skip
    for name, columns in STATUS_INDEXES.items():
        op.create_index(name, "resident_statuses", columns, unique=False)
    op.create_table("resident_statuses_staging", *_status_columns(row_id=False))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("resident_statuses_staging")
    for name in STATUS_INDEXES:
        op.drop_index(name, table_name="resident_statuses")
    op.drop_index("uq_resident_statuses_row", table_name="resident_statuses")
    op.drop_table("resident_statuses")
    op.drop_table("external_resident_sync")
    for name in EXTERNAL_INDEXES:
        op.drop_index(name, table_name="external_residents")
    op.drop_index("uq_external_residents_person", table_name="external_residents")
    op.drop_table("external_residents")
