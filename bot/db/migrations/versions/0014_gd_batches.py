"""广东住培 batches come with the year's catalog (issue 6): their windows move from the programme file
(domain/programmes/gd_residency.toml) to the database, imported with `baoming catalog import`.

A year imported before this revision could only be one with batches in that file, which held the
2021 windows alone: those are written here for an imported 2021, so nothing changes for it (when
the migration runs against the database; rendered as SQL, the year must be imported again).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23

"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import context, op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEIJING = timezone(timedelta(hours=8))
# (number, application, admission, confirmation), each (first day, last day) inclusive, Beijing time.
_WINDOWS_2021 = (
    (1, ("2021-04-15", "2021-04-22"), ("2021-04-15", "2021-05-31"), ("2021-05-24", "2021-05-31")),
    (2, ("2021-06-01", "2021-06-07"), ("2021-06-01", "2021-07-15"), ("2021-07-08", "2021-07-15")),
    (3, ("2021-07-16", "2021-07-23"), ("2021-07-16", "2021-08-31"), ("2021-08-24", "2021-08-31")),
)
_NAMES = ("application", "admission", "confirmation")


def _bounds(first: str, last: str, naive: bool) -> tuple[datetime, datetime]:
    """In UTC, naive on SQLite, as bot/db/tables.py's UtcDateTime stores them."""
    start = datetime.fromisoformat(first).replace(tzinfo=_BEIJING).astimezone(UTC)
    end = (datetime.fromisoformat(last).replace(tzinfo=_BEIJING) + timedelta(days=1)).astimezone(UTC)
    return (start.replace(tzinfo=None), end.replace(tzinfo=None)) if naive else (start, end)


def upgrade() -> None:
    table = op.create_table(
        "gd_batches",
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, autoincrement=False, nullable=False),
        *(
            sa.Column(f"{name}_{end}", sa.DateTime(timezone=True), nullable=False)
            for name in _NAMES
            for end in ("start", "end")
        ),
        sa.ForeignKeyConstraint(
            ["year"],
            ["gd_catalog_years.year"],
            name="fk_gd_batches_year_gd_catalog_years",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("year", "number", name="pk_gd_batches"),
    )
    if context.is_offline_mode():
        # No database to read while rendering SQL: an imported 2021 must then be imported again.
        op.execute("-- gd_batches: import each catalog year again (baoming catalog import) for its windows")
        return
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM gd_catalog_years WHERE year = 2021")):
        rows = []
        for number, *windows in _WINDOWS_2021:
            row: dict[str, object] = {"year": 2021, "number": number}
            for name, (first, last) in zip(_NAMES, windows, strict=True):
                row[f"{name}_start"], row[f"{name}_end"] = _bounds(first, last, bind.dialect.name == "sqlite")
            rows.append(row)
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("gd_batches")
