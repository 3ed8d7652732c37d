"""同等学力申硕: degree applications (学位申请): issue 6, part 4.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("state <> 'cancelled'")


def upgrade() -> None:
    op.create_table(
        "degree_applications",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("province", sa.String(2), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("degree_type", sa.String(16), nullable=False),
        sa.Column("category_code", sa.String(2), nullable=False),
        sa.Column("discipline_code", sa.String(4), nullable=False),
        sa.Column("applicant_category", sa.String(32), nullable=False),
        sa.Column("application_month", sa.String(6), nullable=False),
        sa.Column("studying_at_unit", sa.Boolean, nullable=False),
        sa.Column("student_number", sa.String(20), nullable=True),
        sa.Column("class_name", sa.String(30), nullable=True),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("work_province", sa.String(2), nullable=False),
        sa.Column("work_unit", sa.String(60), nullable=False),
        sa.Column("work_unit_nature", sa.String(32), nullable=False),
        sa.Column("admin_rank", sa.String(32), nullable=False),
        sa.Column("tech_rank", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_degree_applications_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_degree_applications"),
    )
    op.create_index("ix_degree_applications_account_id_year", "degree_applications", ["account_id", "year"])
    op.create_index(
        "uq_degree_applications_live",
        "degree_applications",
        ["account_id", "year", "unit", "discipline_code"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_degree_applications_live", table_name="degree_applications")
    op.drop_index("ix_degree_applications_account_id_year", table_name="degree_applications")
    op.drop_table("degree_applications")
