"""The outbox sender against the emulator over HTTP: what each chat received, counted there."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_i18n
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.tables import start_mappers
from bot.db.uow import SqlUnitOfWork
from bot.notifier import Notifier
from bot.sandbox.emulator import Emulator
from domain import outbox
from domain.announcements import Broadcast, broadcast
from domain.clock import BEIJING, SandboxClock
from domain.model import Account, ChatUser, OutboxMessage, OutboxState

CHATS = [7001 + n for n in range(8)]
SORRY = "Sorry, something went wrong on my side. What you entered is kept: please try again."


@pytest.fixture
async def factory(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.sqlite3'}"
    start_mappers()
    await upgrade_to_head(url)
    engine = create_engine(url)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock()


async def people(
    factory: async_sessionmaker[AsyncSession], emulator: Emulator, clock: SandboxClock, **locales: str
) -> dict[int, int]:
    """A chat user for every chat (and the emulator's user behind it); chat id → user id."""
    uow = SqlUnitOfWork(factory)
    ids: dict[int, int] = {}
    async with uow:
        for chat in CHATS:
            emulator.add_user(chat, f"p{chat}")
            user = await uow.users.add(
                ChatUser("telegram", str(chat), clock.now(), locale=locales.get(f"c{chat}"))
            )
            assert user.id is not None
            ids[chat] = user.id
        await uow.commit()
    return ids


async def queue(
    factory: async_sessionmaker[AsyncSession], clock: SandboxClock, users: dict[int, int], per_chat: int
) -> int:
    uow = SqlUnitOfWork(factory)
    async with uow:
        for n in range(per_chat):
            for chat, user_id in users.items():
                await outbox.enqueue(
                    uow,
                    OutboxMessage(
                        user_id=user_id,
                        kind="test",
                        dedupe_key=f"test:{chat}:{n}",
                        text_id="Reminder {n} for {chat}",
                        params={"n": n, "chat": chat},
                        due_at=clock.now() - timedelta(minutes=1),
                        created_at=clock.now(),
                        bulk=True,
                        # Quiet hours must not hold back a test run at night.
                        deadline_at=clock.now() + timedelta(hours=1),
                    ),
                )
        await uow.commit()
    return per_chat * len(users)


def notifier(factory: async_sessionmaker[AsyncSession], bot: Bot, clock: SandboxClock) -> Notifier:
    return Notifier(
        factory,
        bot,
        build_i18n(),
        clock,
        rate=25,
        chat_interval=1.0,
        in_flight=10,
        retry_delay=0.2,
        poll_interval=0.1,
    )


def received(emulator: Emulator, chat: int) -> list[str]:
    return [m.text or "" for m in emulator.chat_messages(chat) if m.from_bot]


def delivered(emulator: Emulator) -> int:
    return len(emulator.calls("sendMessage", ok=True))


async def until_delivered(emulator: Emulator, count: int, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait (not a timing assertion: the timeout only keeps a broken run from hanging)."""
    async with asyncio.timeout(timeout):
        while delivered(emulator) < count:  # noqa: ASYNC110 (the emulator has no event for this)
            await asyncio.sleep(0.02)


async def states(factory: async_sessionmaker[AsyncSession]) -> dict[str, OutboxState]:
    async with factory() as session:
        rows = await session.scalars(select(OutboxMessage))
        return {row.dedupe_key: OutboxState(row.state) for row in rows}


def assert_each_chat_got_each_message_once(emulator: Emulator, per_chat: int) -> None:
    for chat in CHATS:
        texts = [text for text in received(emulator, chat) if text.startswith("Reminder")]
        assert sorted(texts) == sorted(f"Reminder {n} for {chat}" for n in range(per_chat)), chat


async def test_every_queued_message_is_received_once_in_the_persons_language(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock, **{f"c{CHATS[0]}": "en"})
    total = await queue(factory, clock, users, per_chat=3)
    uow = SqlUnitOfWork(factory)
    async with uow:
        for chat in CHATS[:2]:
            await outbox.enqueue(
                uow,
                OutboxMessage(
                    user_id=users[chat],
                    kind="notice",
                    dedupe_key=f"notice:{chat}",
                    text_id=SORRY,
                    button_text_id="This button is no longer active.",
                    button_data="gd:offers",
                    due_at=clock.now(),
                    created_at=clock.now(),
                    bulk=False,
                ),
            )
        await uow.commit()

    settled = await notifier(factory, emulator_bot, clock).run_once()

    assert settled == total + 2
    assert delivered(emulator_core) == total + 2
    assert_each_chat_got_each_message_once(emulator_core, 3)
    english, chinese = (emulator_core.chat_messages(chat) for chat in CHATS[:2])
    assert english[0].text == SORRY  # non-bulk first, in the chosen language
    assert chinese[0].text == "抱歉，系统出现问题。您填写的内容已保存，请重试。"
    assert chinese[0].inline_buttons()[0][0] == {"text": "此按钮已失效。", "callback_data": "gd:offers"}
    assert set((await states(factory)).values()) == {OutboxState.SENT}
    assert await notifier(factory, emulator_bot, clock).run_once() == 0  # nothing is sent twice


async def test_a_429_pauses_the_sender_and_then_everything_arrives_once(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock)
    total = await queue(factory, clock, users, per_chat=2)
    emulator_core.throttle_next("sendMessage", retry_after=1, times=2)

    await notifier(factory, emulator_bot, clock).run_once()

    throttled = emulator_core.calls("sendMessage", ok=False)
    assert [r.status for r in throttled] == [429, 429]
    assert delivered(emulator_core) == total
    assert_each_chat_got_each_message_once(emulator_core, 2)
    async with factory() as session:
        rows = list(await session.scalars(select(OutboxMessage)))
    assert {row.state for row in rows} == {OutboxState.SENT}
    assert {row.attempts for row in rows} == {1}  # a 429 is not a failed attempt


async def test_server_errors_are_retried_and_a_persistent_one_fails_the_message(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock)
    await queue(factory, clock, {CHATS[0]: users[CHATS[0]]}, per_chat=1)
    emulator_core.inject_fault("sendMessage", status=502, times=2)
    sender = notifier(factory, emulator_bot, clock)

    await sender.start()
    try:
        await until_delivered(emulator_core, 1)
    finally:
        await sender.stop()

    assert received(emulator_core, CHATS[0]) == [f"Reminder 0 for {CHATS[0]}"]
    async with factory() as session:
        [row] = await session.scalars(select(OutboxMessage))
    assert (row.state, row.attempts) == (OutboxState.SENT, 3)

    emulator_core.inject_fault("sendMessage", status=500, times=10)
    await queue(factory, clock, {CHATS[1]: users[CHATS[1]]}, per_chat=1)
    sender = notifier(factory, emulator_bot, clock)
    sender.max_attempts = 2
    await sender.start()
    try:
        async with asyncio.timeout(30):
            while (await states(factory)).get(f"test:{CHATS[1]}:0") != OutboxState.FAILED:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        await sender.stop()
    assert received(emulator_core, CHATS[1]) == []


async def test_a_person_who_blocked_the_bot_gets_nothing_more(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock)
    blocker = CHATS[0]
    emulator_core.set_blocked(blocker)
    total = await queue(factory, clock, users, per_chat=2)
    uow = SqlUnitOfWork(factory)
    async with uow:  # one more, due tomorrow: cancelled with the others
        await outbox.enqueue(
            uow,
            OutboxMessage(
                user_id=users[blocker],
                kind="test",
                dedupe_key="tomorrow",
                text_id="Later",
                due_at=clock.now() + timedelta(days=1),
                created_at=clock.now(),
            ),
        )
        await uow.commit()

    await notifier(factory, emulator_bot, clock).run_once()
    clock.advance(timedelta(days=2))
    await notifier(factory, emulator_bot, clock).run_once()

    assert received(emulator_core, blocker) == []
    assert len(emulator_core.calls("sendMessage", chat_id=blocker)) == 1  # one 403, never another try
    assert delivered(emulator_core) == total - 2
    found = await states(factory)
    mine = {key: state for key, state in found.items() if f":{blocker}:" in key}
    # The first refused; the second, claimed with it, was not tried (blocked) or was cancelled.
    assert OutboxState.BLOCKED in mine.values()
    assert set(mine.values()) <= {OutboxState.BLOCKED, OutboxState.CANCELLED}
    assert found["tomorrow"] == OutboxState.CANCELLED
    async with factory() as session:
        person = await session.get(ChatUser, users[blocker])
        assert person is not None and person.blocked_at is not None


async def test_a_sender_stopped_mid_batch_and_a_new_one_deliver_every_message_exactly_once(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock)
    total = await queue(factory, clock, users, per_chat=3)

    first = notifier(factory, emulator_bot, clock)
    await first.start()
    await until_delivered(emulator_core, 5)
    await first.stop()
    stopped_at = delivered(emulator_core)
    found = await states(factory)
    assert OutboxState.SENDING not in found.values()
    assert sum(state == OutboxState.SENT for state in found.values()) == stopped_at < total

    second = notifier(factory, emulator_bot, clock)
    await second.start()
    try:
        await until_delivered(emulator_core, total)
    finally:
        await second.stop()

    assert delivered(emulator_core) == total
    assert_each_chat_got_each_message_once(emulator_core, 3)


async def test_rows_a_crash_left_sending_are_sent_by_the_next_sender(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock)
    total = await queue(factory, clock, users, per_chat=1)
    # A sender claimed them and died before sending anything.
    claim = await outbox.claim_due(SqlUnitOfWork(factory), clock.now(), total)
    assert len(claim.ready) == total

    sender = notifier(factory, emulator_bot, clock)
    await sender.start()
    try:
        await until_delivered(emulator_core, total)
    finally:
        await sender.stop()

    assert_each_chat_got_each_message_once(emulator_core, 1)
    assert set((await states(factory)).values()) == {OutboxState.SENT}


async def test_an_announcement_arrives_as_written_in_each_persons_frame_and_once(
    factory: async_sessionmaker[AsyncSession], emulator_core: Emulator, emulator_bot: Bot, clock: SandboxClock
) -> None:
    users = await people(factory, emulator_core, clock, **{f"c{CHATS[0]}": "en"})
    uow = SqlUnitOfWork(factory)
    async with uow:
        for n, chat in enumerate(CHATS[:2]):
            await uow.accounts.add(
                Account(
                    programme="tj-upgrade",
                    username=f"u{n}",
                    password_hash="x",
                    real_name="王五",
                    id_number=f"11010119800101{n:03d}X",
                    mobile="13712345678",
                    created_at=clock.now(),
                    user_id=users[chat],
                )
            )
        await uow.commit()
    clock.set(clock.now().astimezone(BEIJING).replace(hour=12))  # outside the default quiet hours
    text = "{name} 系统维护：今晚 22:00–23:00。"

    first = await broadcast(SqlUnitOfWork(factory), "tj-upgrade", text, clock.now())
    again = await broadcast(SqlUnitOfWork(factory), "tj-upgrade", text, clock.now())
    await notifier(factory, emulator_bot, clock).run_once()

    assert (first, again) == (Broadcast(2, 2), Broadcast(2, 0))
    english, chinese = (received(emulator_core, chat) for chat in CHATS[:2])
    assert english == [f"Announcement about 天津高职升本报名:\n\n{text}"]
    assert chinese == [f"关于天津高职升本报名的通知：\n\n{text}"]
    assert all(received(emulator_core, chat) == [] for chat in CHATS[2:])
