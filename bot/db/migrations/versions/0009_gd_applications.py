"""广东住培: the per-year catalog (specialties, training bases), applications and offers: issue 6.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCEPTED = sa.text("state = 'accepted'")


def upgrade() -> None:
    op.create_table(
        "gd_catalog_years",
        sa.Column("year", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_gd_catalog_years"),
    )
    op.create_table(
        "gd_specialties",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(
            ["year"], ["gd_catalog_years.year"], name="fk_gd_specialties_year_gd_catalog_years", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gd_specialties"),
        sa.UniqueConstraint("year", "code", name="uq_gd_specialties_year_code"),
    )
    op.create_table(
        "gd_training_bases",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("base_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("city", sa.String(30), nullable=False),
        sa.ForeignKeyConstraint(
            ["year"],
            ["gd_catalog_years.year"],
            name="fk_gd_training_bases_year_gd_catalog_years",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gd_training_bases"),
        sa.UniqueConstraint("year", "base_id", name="uq_gd_training_bases_year_base_id"),
    )
    op.create_table(
        "gd_base_specialties",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("base_id", sa.String(16), nullable=False),
        sa.Column("specialty_code", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("quota", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["year", "base_id"],
            ["gd_training_bases.year", "gd_training_bases.base_id"],
            name="fk_gd_base_specialties_year_gd_training_bases",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["year", "specialty_code"],
            ["gd_specialties.year", "gd_specialties.code"],
            name="fk_gd_base_specialties_year_gd_specialties",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gd_base_specialties"),
        sa.UniqueConstraint(
            "year", "base_id", "specialty_code", name="uq_gd_base_specialties_year_base_id_specialty_code"
        ),
    )
    op.create_table(
        "gd_applications",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("applicant_type", sa.String(16), nullable=True),
        sa.Column("specialty_code", sa.String(8), nullable=True),
        sa.Column("base_ids", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_gd_applications_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gd_applications"),
        sa.UniqueConstraint("account_id", "year", "batch", name="uq_gd_applications_account_id_year_batch"),
    )
    op.create_index("ix_gd_applications_year_state", "gd_applications", ["year", "state"])
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("application_id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("base_id", sa.String(16), nullable=False),
        sa.Column("specialty_code", sa.String(8), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("notice_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["gd_applications.id"],
            name="fk_offers_application_id_gd_applications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_offers_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_offers"),
        sa.UniqueConstraint("application_id", "base_id", name="uq_offers_application_id_base_id"),
        sa.UniqueConstraint("application_id", "rank", name="uq_offers_application_id_rank"),
    )
    op.create_index("ix_offers_account_id_year", "offers", ["account_id", "year"])
    op.create_index("ix_offers_base_id_year", "offers", ["base_id", "year"])
    op.create_index(
        "uq_offers_account_id_year_accepted",
        "offers",
        ["account_id", "year"],
        unique=True,
        sqlite_where=ACCEPTED,
        postgresql_where=ACCEPTED,
    )


def downgrade() -> None:
    op.drop_index("uq_offers_account_id_year_accepted", table_name="offers")
    op.drop_index("ix_offers_base_id_year", table_name="offers")
    op.drop_index("ix_offers_account_id_year", table_name="offers")
    op.drop_table("offers")
    op.drop_index("ix_gd_applications_year_state", table_name="gd_applications")
    op.drop_table("gd_applications")
    op.drop_table("gd_base_specialties")
    op.drop_table("gd_training_bases")
    op.drop_table("gd_specialties")
    op.drop_table("gd_catalog_years")
