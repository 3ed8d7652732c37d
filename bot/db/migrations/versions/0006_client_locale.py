"""The language of each person's Telegram client, for the messages the bot starts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("chat_users", sa.Column("client_locale", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("chat_users", "client_locale")
