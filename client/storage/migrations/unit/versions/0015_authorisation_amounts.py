"""缴费授权: 批扣费额设置 and 批扣清册 kept locally (issue 13)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:40:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
