"""The transactional outbox, and a person's delivery settings and block mark: issue 7, parts 2 and 4.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (as 0006): a batch copy of chat_users would cascade deletes to its children.
    op.add_column("chat_users", sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "chat_users", sa.Column("reminders_off", sa.Boolean, server_default=sa.text("false"), nullable=False)
    )
    op.add_column("chat_users", sa.Column("quiet_hours", sa.String(5), nullable=True))
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("text_id", sa.Text, nullable=False),
        sa.Column("params", sa.JSON, server_default=sa.text("'{}'"), nullable=False),
        sa.Column("button_text_id", sa.Text, nullable=True),
        sa.Column("button_data", sa.String(64), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bulk", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, server_default=sa.text("0"), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["chat_users.id"], name="fk_outbox_messages_user_id_chat_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_messages"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_messages_dedupe_key"),
    )
    op.create_index("ix_outbox_messages_state_bulk_due_at", "outbox_messages", ["state", "bulk", "due_at"])
    op.create_index("ix_outbox_messages_user_id_state", "outbox_messages", ["user_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_user_id_state", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_state_bulk_due_at", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_column("chat_users", "quiet_hours")
    op.drop_column("chat_users", "reminders_off")
    op.drop_column("chat_users", "blocked_at")
