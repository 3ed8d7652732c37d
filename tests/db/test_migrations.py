from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine
from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.tables import metadata


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


async def test_migrated_database_has_exactly_the_schema_of_tables_py(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_migrating_again_at_the_next_start_up_changes_nothing(engine: AsyncEngine, db_url: str) -> None:
    await upgrade_to_head(db_url)

    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        versions = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
    assert len(versions) == 1


async def test_first_start_creates_the_database_directory(tmp_path: Path) -> None:
    database = tmp_path / "not" / "yet" / "there.sqlite3"

    await upgrade_to_head(f"sqlite+aiosqlite:///{database}")

    assert database.is_file()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 5000), ("synchronous", 1)],
)
async def test_every_sqlite_connection_gets_the_pragmas(
    engine: AsyncEngine, pragma: str, expected: object
) -> None:
    async with engine.connect() as connection:
        value = (await connection.exec_driver_sql(f"PRAGMA {pragma}")).scalar()
    assert value == expected


async def test_a_second_engine_on_the_same_file_also_enforces_foreign_keys(db_url: str) -> None:
    await upgrade_to_head(db_url)
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await engine.dispose()


def test_initial_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    # Offline mode needs only the dialect, not asyncpg: this checks the DDL compiles for PostgreSQL.
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "head", sql=True)

    sql = capsys.readouterr().out
    assert "GENERATED ALWAYS AS (lower(username)) STORED" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "ON DELETE SET NULL" in sql
