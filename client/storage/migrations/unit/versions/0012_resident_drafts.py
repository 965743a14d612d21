"""社保费代收代报（自主）: rows prepared for declaration that survive restarts (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "resident_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=4), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("levy_item", sa.String(length=10), nullable=False),
        sa.Column("levy_category", sa.String(length=20), nullable=False),
        sa.Column("levy_subcategory", sa.String(length=20), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("grade_name", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.String(length=20), nullable=False),
        sa.Column("person_number", sa.String(length=30), nullable=True),
        sa.Column("added_via", sa.String(length=10), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_resident_drafts_person", "resident_drafts",
        ["id_type", "id_number", "levy_category", "year"], unique=True,
    )  # fmt: skip


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("uq_resident_drafts_person", table_name="resident_drafts")
    op.drop_table("resident_drafts")
