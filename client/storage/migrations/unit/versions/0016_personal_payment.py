"""城乡居民个人缴费 orders kept locally (issue 13)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 07:40:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
