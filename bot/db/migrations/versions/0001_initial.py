"""Initial schema: chat users, accounts, SMS challenges, FSM states.

Hand-written to match bot/db/tables.py exactly (tests/db compares a migrated database with it).
Revisions spell out plain SQLAlchemy types, never the application's, so they keep working when
tables.py changes later.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chat_users"),
        sa.UniqueConstraint("channel", "external_id", name="uq_chat_users_channel_external_id"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column(
            "username_canonical",
            sa.String(64),
            sa.Computed("lower(username)", persisted=True),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("real_name", sa.String(100), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("mobile", sa.String(11), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["chat_users.id"],
            name="fk_accounts_user_id_chat_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("programme", "id_number", name="uq_accounts_programme_id_number"),
        sa.UniqueConstraint(
            "programme", "username_canonical", name="uq_accounts_programme_username_canonical"
        ),
    )
    op.create_index("ix_accounts_user_id_programme", "accounts", ["user_id", "programme"])
    op.create_table(
        "sms_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("mobile", sa.String(11), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["chat_users.id"],
            name="fk_sms_challenges_user_id_chat_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sms_challenges"),
    )
    op.create_index("ix_sms_challenges_user_id_purpose_sent_at", "sms_challenges", ["user_id", "purpose", "sent_at"])
    op.create_table(
        "fsm_states",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_fsm_states"),
    )


def downgrade() -> None:
    op.drop_table("fsm_states")
    op.drop_index("ix_sms_challenges_user_id_purpose_sent_at", table_name="sms_challenges")
    op.drop_table("sms_challenges")
    op.drop_index("ix_accounts_user_id_programme", table_name="accounts")
    op.drop_table("accounts")
    op.drop_table("chat_users")
