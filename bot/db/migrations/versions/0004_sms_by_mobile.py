"""SMS codes looked up by mobile, for the per-mobile limits (domain/sms.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sms_challenges_mobile_sent_at", "sms_challenges", ["mobile", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_challenges_mobile_sent_at", table_name="sms_challenges")
