"""wage_drafts: the (declaration_id, employee_id) index covers submitted rows only

Rows still 未申报 have no declaration; indexing their NULLs made 添加全部正常缴费职工 keep a
third randomly ordered index for 85,000 new rows. 获取反馈 looks rows up by
`declaration_id = ?`, which a partial index WHERE declaration_id IS NOT NULL serves.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 13:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_index("ix_wage_drafts_declaration", table_name="wage_drafts")
    op.create_index(
        "ix_wage_drafts_declaration",
        "wage_drafts",
        ["declaration_id", "employee_id"],
        unique=False,
        sqlite_where=sa.text("declaration_id IS NOT NULL"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_wage_drafts_declaration", table_name="wage_drafts")
    op.create_index(
        "ix_wage_drafts_declaration", "wage_drafts", ["declaration_id", "employee_id"], unique=False
    )
