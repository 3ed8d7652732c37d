"""The async engine and session factory; SQLite gets the pragmas a small always-on bot needs."""

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# WAL lets readers proceed while one writer writes; foreign keys are off by default in SQLite;
# busy_timeout makes a second writer wait instead of failing with "database is locked";
# synchronous=NORMAL is durable across application crashes in WAL mode and much faster than FULL.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``. Non-SQLite URLs (postgresql+asyncpg) pass through unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Entities stay readable after commit: handlers render them after the unit of work has ended.
    return async_sessionmaker(engine, expire_on_commit=False)
