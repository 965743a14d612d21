"""pay_arrears: 缴费期限 (pay_deadline) of each 欠费 line

The 征收子系统 now answers each arrears line's 缴费期限 (YYYY-MM-DD); 首页 异常提醒 names the
unpaid lines past it (manual §2.1.3 二(三)) and the 缴费 page shows it. Lines kept before have
none until the next 刷新 replaces them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("pay_arrears") as batch_op:
        batch_op.add_column(sa.Column("pay_deadline", sa.String(length=10), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("pay_arrears") as batch_op:
        batch_op.drop_column("pay_deadline")
