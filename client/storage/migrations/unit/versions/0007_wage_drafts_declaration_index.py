"""wage_drafts: index (declaration_id, employee_id)

获取反馈 deletes or fails the rows of a declaration employee by employee; with an index on
declaration_id alone each of those statements scanned every row of the declaration, so
settling a declaration of 20,000 rows took half a minute (quadratic).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:05:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("wage_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_wage_drafts_declaration_id")
        batch_op.create_index(
            "ix_wage_drafts_declaration", ["declaration_id", "employee_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("wage_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_wage_drafts_declaration")
        batch_op.create_index("ix_wage_drafts_declaration_id", ["declaration_id"], unique=False)
