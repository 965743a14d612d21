"""社保费代收代报（自主）: rows prepared for declaration that survive restarts (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:30:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
