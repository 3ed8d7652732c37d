"""The help line (issue 8): questions asked of the FAQ, threads with the staff group and their
messages, and FAQ entries written by staff.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_questions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("programme", sa.String(32), nullable=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["chat_users.id"], name="fk_faq_questions_user_id_chat_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_faq_questions"),
    )
    op.create_index("ix_faq_questions_user_id_asked_at", "faq_questions", ["user_id", "asked_at"])
    op.create_index("ix_faq_questions_outcome_text", "faq_questions", ["outcome", "text"])
    op.create_table(
        "helpline_threads",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("programme", sa.String(32), nullable=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["chat_users.id"], name="fk_helpline_threads_user_id_chat_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_helpline_threads"),
    )
    op.create_index("ix_helpline_threads_user_id_state", "helpline_threads", ["user_id", "state"])
    op.create_table(
        "helpline_messages",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("thread_id", sa.Integer, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["helpline_threads.id"],
            name="fk_helpline_messages_thread_id_helpline_threads",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_helpline_messages"),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_helpline_messages_chat_id_message_id"),
    )
    op.create_index("ix_helpline_messages_thread_id", "helpline_messages", ["thread_id"])
    op.create_table(
        "faq_staff_entries",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("programme", sa.String(32), nullable=True),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("thread_id", sa.Integer, nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["helpline_threads.id"],
            name="fk_faq_staff_entries_thread_id_helpline_threads",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_faq_staff_entries"),
    )


def downgrade() -> None:
    op.drop_table("faq_staff_entries")
    op.drop_index("ix_helpline_messages_thread_id", table_name="helpline_messages")
    op.drop_table("helpline_messages")
    op.drop_index("ix_helpline_threads_user_id_state", table_name="helpline_threads")
    op.drop_table("helpline_threads")
    op.drop_index("ix_faq_questions_outcome_text", table_name="faq_questions")
    op.drop_index("ix_faq_questions_user_id_asked_at", table_name="faq_questions")
    op.drop_table("faq_questions")
