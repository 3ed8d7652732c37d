"""The outbox over SQLite: the unique dedupe key, cancelling, concurrent claims, stuck rows, the
migration."""

import asyncio
from datetime import datetime, timedelta

from alembic import command
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.uow import SqlUnitOfWork
from domain import outbox
from domain.clock import BEIJING
from domain.model import ChatUser, OutboxMessage, OutboxState

NOON = datetime(2027, 4, 16, 12, 0, tzinfo=BEIJING)


def message(user_id: int, key: str, *, due_at: datetime = NOON, **fields: object) -> OutboxMessage:
    return OutboxMessage(
        user_id=user_id,
        kind=str(fields.pop("kind", "test")),
        dedupe_key=key,
        text_id="Reminder {n}",
        due_at=due_at,
        created_at=NOON - timedelta(days=1),
        params={"n": 1, "what": "材料"},
        **fields,  # type: ignore[arg-type]
    )


async def add_users(uow: SqlUnitOfWork, count: int) -> list[int]:
    async with uow:
        users = [
            await uow.users.add(ChatUser("telegram", str(500 + n), NOON - timedelta(days=9)))
            for n in range(count)
        ]
        await uow.commit()
    return [user.id for user in users if user.id is not None]


async def stored(factory: async_sessionmaker[AsyncSession]) -> dict[str, OutboxMessage]:
    async with factory() as session:
        return {row.dedupe_key: row for row in await session.scalars(select(OutboxMessage))}


async def test_a_second_message_with_the_same_dedupe_key_is_refused_and_the_first_kept(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    [user] = await add_users(uow, 1)

    async with uow:
        first = message(user, "offer:17:24h", button_text_id="Answer", button_data="gd:offers")
        assert await outbox.enqueue(uow, first)
        assert first.id is not None
        assert not await outbox.enqueue(uow, message(user, "offer:17:24h"))
        # The refusal left the unit of work usable: its other changes are committed.
        assert await outbox.enqueue(uow, message(user, "offer:17:72h"))
        await uow.commit()

    rows = await stored(session_factory)
    assert set(rows) == {"offer:17:24h", "offer:17:72h"}
    kept = rows["offer:17:24h"]
    assert (kept.params, kept.button_data, kept.state, kept.due_at) == (
        {"n": 1, "what": "材料"},
        "gd:offers",
        OutboxState.QUEUED,
        NOON,
    )


async def test_nothing_enqueued_is_kept_without_the_callers_commit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    [user] = await add_users(uow, 1)

    async with uow:
        await outbox.enqueue(uow, message(user, "k"))

    async with uow:
        assert await uow.outbox.counts() == {}


async def test_cancel_touches_only_queued_rows_and_reads_a_prefix_literally(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    [user] = await add_users(uow, 1)
    async with uow:
        for key in ("a_1:x", "a_1:y", "ab1:z", "a_1:sent"):
            await outbox.enqueue(uow, message(user, key))
        await uow.commit()
    claim = await outbox.claim_due(SqlUnitOfWork(session_factory), NOON, 10)
    async with uow:
        for delivery in claim.ready:
            assert delivery.message.id is not None
            if delivery.message.dedupe_key == "a_1:sent":
                await uow.outbox.mark_sent([delivery.message.id], NOON)
            else:
                await uow.outbox.requeue(delivery.message.id, NOON)
        # "_" is a LIKE wildcard: "a_1:" must not match "ab1:".
        assert await outbox.cancel(uow, prefix="a_1:", reason="answered") == 2
        await uow.commit()

    rows = await stored(session_factory)
    assert {key: row.state for key, row in rows.items()} == {
        "a_1:x": "cancelled",
        "a_1:y": "cancelled",
        "ab1:z": "queued",
        "a_1:sent": "sent",
    }
    assert rows["a_1:x"].last_error == "answered"


async def test_two_concurrent_claims_never_take_the_same_row(engine: AsyncEngine, db_url: str) -> None:
    factory = create_session_factory(engine)
    users = await add_users(SqlUnitOfWork(factory), 5)
    uow = SqlUnitOfWork(factory)
    async with uow:
        for n in range(60):
            await outbox.enqueue(uow, message(users[n % 5], f"k{n}", due_at=NOON - timedelta(seconds=n)))
        await uow.commit()
    # A second engine: its own connections, as a second process would have.
    other = create_engine(db_url)
    try:
        factories = [factory, create_session_factory(other)] * 3
        claims = await asyncio.gather(*(outbox.claim_due(SqlUnitOfWork(f), NOON, 15) for f in factories))
    finally:
        await other.dispose()

    taken = [d.message.id for claim in claims for d in claim.ready]
    assert len(taken) == 60
    assert len(set(taken)) == 60


async def test_claim_orders_non_bulk_first_and_skips_blocked_people(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    a, blocked = await add_users(uow, 2)
    async with uow:
        await outbox.enqueue(uow, message(a, "late", due_at=NOON - timedelta(hours=1)))
        await outbox.enqueue(uow, message(a, "early", due_at=NOON - timedelta(hours=2)))
        await outbox.enqueue(uow, message(a, "notice", bulk=False))
        await outbox.enqueue(uow, message(a, "future", due_at=NOON + timedelta(minutes=1)))
        await outbox.enqueue(uow, message(blocked, "theirs", due_at=NOON - timedelta(hours=3)))
        person = await uow.users.get(blocked)
        assert person is not None
        person.blocked_at = NOON - timedelta(days=1)
        await uow.commit()

    claim = await outbox.claim_due(uow, NOON, 10)

    assert [d.message.dedupe_key for d in claim.ready] == ["notice", "early", "late"]
    assert all(d.message.state == OutboxState.SENDING for d in claim.ready)
    assert all(d.message.claimed_at == NOON for d in claim.ready)
    rows = await stored(session_factory)
    assert (rows["future"].state, rows["theirs"].state) == ("queued", "queued")


async def test_rows_left_sending_are_queued_again_at_start_up_and_counted(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    [user] = await add_users(uow, 1)
    async with uow:
        for key in ("crash", "sent", "blocked"):
            await outbox.enqueue(uow, message(user, key, kind="offer-closes"))
        await uow.commit()
    claim = await outbox.claim_due(uow, NOON, 10)
    ids = {d.message.dedupe_key: d.message.id or 0 for d in claim.ready}
    await outbox.record_sent(uow, [ids["sent"]], NOON)
    await outbox.record_blocked(uow, claim.ready[2].message, NOON, "Forbidden")

    stuck = await outbox.resolve_stuck(uow, NOON + timedelta(minutes=5))

    assert [m.dedupe_key for m in stuck] == ["crash"]
    rows = await stored(session_factory)
    assert (rows["crash"].state, rows["crash"].attempts, rows["crash"].claimed_at) == ("queued", 1, None)
    async with uow:
        assert await uow.outbox.counts() == {
            ("offer-closes", "queued"): 1,
            ("offer-closes", "sent"): 1,
            ("offer-closes", "blocked"): 1,
        }
        person = await uow.users.get(user)
        assert person is not None and person.blocked_at == NOON


async def test_a_person_who_comes_back_gets_their_live_reminders_again(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = SqlUnitOfWork(session_factory)
    [user] = await add_users(uow, 1)
    async with uow:
        await outbox.enqueue(uow, message(user, "now", deadline_at=NOON + timedelta(days=3)))
        await outbox.enqueue(uow, message(user, "live", deadline_at=NOON + timedelta(days=3)))
        await outbox.enqueue(uow, message(user, "stale", deadline_at=NOON + timedelta(hours=1)))
        await outbox.enqueue(uow, message(user, "old notice", bulk=False))
        await uow.commit()
    [first, *_] = (await outbox.claim_due(uow, NOON, 1)).ready
    assert await outbox.record_blocked(uow, first.message, NOON, "Forbidden") == 3

    assert await outbox.unblock(uow, user, NOON + timedelta(days=1)) == 2

    rows = await stored(session_factory)
    assert {key: row.state for key, row in rows.items()} == {
        "now": "queued",
        "live": "queued",
        "stale": "cancelled",
        "old notice": "blocked",  # claimed first (non-bulk): the one Telegram refused
    }


async def test_the_migration_goes_down_and_up_again(engine: AsyncEngine, db_url: str) -> None:
    config = alembic_config(db_url)

    def down(connection: object) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")

    async with engine.begin() as connection:
        await connection.run_sync(down)
        tables = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        assert "outbox_messages" not in {row[0] for row in tables}
        columns = await connection.exec_driver_sql("PRAGMA table_info(chat_users)")
        assert "blocked_at" not in {row[1] for row in columns}
    await engine.dispose()

    await upgrade_to_head(db_url)

    uow = SqlUnitOfWork(create_session_factory(engine))
    [user] = await add_users(uow, 1)
    async with uow:
        assert await outbox.enqueue(uow, message(user, "k"))
        await uow.commit()
