"""医师资格考试 exam registrations imported by an operator (seed 001).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exam_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(32), nullable=False),
        sa.Column("real_name", sa.String(100), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("mobile", sa.String(11), nullable=False),
        sa.Column("exam_region", sa.String(32), nullable=False),
        sa.Column("exam_site", sa.String(50), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exam_registrations"),
        sa.UniqueConstraint("registration_number", name="uq_exam_registrations_registration_number"),
    )
    op.create_index("ix_exam_registrations_id_number", "exam_registrations", ["id_number"])


def downgrade() -> None:
    op.drop_index("ix_exam_registrations_id_number", table_name="exam_registrations")
    op.drop_table("exam_registrations")
