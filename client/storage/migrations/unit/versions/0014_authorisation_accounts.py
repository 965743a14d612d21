"""缴费授权: 居民银行账户 and 两两协议 kept locally (issue 13)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 07:40:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
