"""Seed 003's accounts: e-mail, activation, the other registration fields, and the e-mail challenges.

Accounts of the other programmes are active from their creation, so existing rows are activated at
their creation time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): the accounts table has a generated column.
    op.add_column("accounts", sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("accounts", sa.Column("email", sa.String(254), nullable=True))
    op.add_column("accounts", sa.Column("details", sa.JSON, nullable=False, server_default=sa.text("'{}'")))
    op.add_column("accounts", sa.Column("purge_warned_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_accounts_programme_activated_at_created_at",
        "accounts",
        ["programme", "activated_at", "created_at"],
    )
    op.execute("UPDATE accounts SET activated_at = created_at")
    op.create_table(
        "email_challenges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_email_challenges_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["chat_users.id"], name="fk_email_challenges_user_id_chat_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_email_challenges"),
        sa.UniqueConstraint("token_hash", name="uq_email_challenges_token_hash"),
    )
    op.create_index(
        "ix_email_challenges_account_id_purpose_sent_at",
        "email_challenges",
        ["account_id", "purpose", "sent_at"],
    )


def downgrade() -> None:
    op.drop_table("email_challenges")
    op.drop_index("ix_accounts_programme_activated_at_created_at", table_name="accounts")
    for column in ("purge_warned_at", "details", "email", "activated_at"):
        op.drop_column("accounts", column)
