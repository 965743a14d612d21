"""外部参保城乡居民 and the 申报缴费状态 snapshot (issue 12)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:30:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
