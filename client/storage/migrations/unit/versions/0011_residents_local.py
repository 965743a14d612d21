"""城乡居民 local fields: 手机号码 and 备注 kept by the agent (issue 12, 城乡居民参保信息更新)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "resident_local",
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_edited", sa.Boolean(), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("resident_local")
