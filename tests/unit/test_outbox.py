"""The outbox's use cases and quiet-hours rules (domain/outbox.py) over the in-memory unit of work,
and the sender's limiter (bot/notifier.py) on a clock that only the test moves."""

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from bot.notifier import SendLimiter
from domain import outbox
from domain.clock import BEIJING
from domain.model import ChatUser, OutboxMessage, OutboxState
from tests.fakes import FakeUnitOfWork

NOON = datetime(2027, 4, 16, 12, 0, tzinfo=BEIJING)
NIGHT = datetime(2027, 4, 16, 23, 30, tzinfo=BEIJING)


def message(user_id: int, key: str, *, due_at: datetime = NOON, **fields: object) -> OutboxMessage:
    return OutboxMessage(
        user_id=user_id,
        kind=str(fields.pop("kind", "test")),
        dedupe_key=key,
        text_id="Reminder {n}",
        due_at=due_at,
        created_at=due_at - timedelta(days=1),
        params={"n": key},
        **fields,  # type: ignore[arg-type]
    )


async def with_users(uow: FakeUnitOfWork, count: int = 2) -> list[int]:
    async with uow:
        users = [
            await uow.users.add(ChatUser("telegram", str(1000 + n), NOON - timedelta(days=30)))
            for n in range(count)
        ]
        await uow.commit()
    return [u.id for u in users if u.id is not None]


async def enqueue_all(uow: FakeUnitOfWork, *messages: OutboxMessage) -> list[bool]:
    async with uow:
        added = [await outbox.enqueue(uow, m) for m in messages]
        await uow.commit()
    return added


def states(uow: FakeUnitOfWork) -> dict[str, str]:
    return {m.dedupe_key: str(m.state) for m in uow.stored_outbox()}


# ----- planning and cancelling


async def test_a_dedupe_key_is_planned_once_whatever_became_of_the_first() -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)

    assert await enqueue_all(uow, message(user, "k1"), message(user, "k1")) == [True, False]
    async with uow:
        await outbox.cancel(uow, keys=["k1"])
        await uow.commit()

    assert await enqueue_all(uow, message(user, "k1")) == [False]
    assert states(uow) == {"k1": "cancelled"}


async def test_enqueue_does_not_commit_the_callers_unit_of_work() -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)

    async with uow:
        assert await outbox.enqueue(uow, message(user, "k1"))

    assert uow.stored_outbox() == []


@pytest.mark.parametrize(
    ("label", "data"),
    [("Open", None), (None, "gd:apply"), ("Open", "x" * 65), ("打开", "数" * 22)],
)
async def test_a_button_needs_a_label_and_callback_data_of_at_most_64_bytes(
    label: str | None, data: str | None
) -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)

    async with uow:
        with pytest.raises(ValueError):
            await outbox.enqueue(uow, message(user, "k", button_text_id=label, button_data=data))


async def test_cancel_by_prefix_touches_only_queued_messages_of_that_prefix() -> None:
    uow = FakeUnitOfWork()
    a, b = await with_users(uow)
    await enqueue_all(
        uow,
        message(a, "offer:17:72h"),
        message(a, "offer:17:24h"),
        message(a, "offer:170:24h"),
        message(b, "batch:1:24h"),
    )
    async with uow:
        first = await uow.outbox.get(uow.stored_outbox()[0].id or 0)
        assert first is not None
        await uow.outbox.mark_sent([first.id or 0], NOON)
        assert await outbox.cancel(uow, prefix="offer:17:") == 1
        await uow.commit()

    assert states(uow) == {
        "offer:17:72h": "sent",
        "offer:17:24h": "cancelled",
        "offer:170:24h": "queued",
        "batch:1:24h": "queued",
    }


async def test_cancel_without_a_key_prefix_or_person_cancels_nothing() -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)
    await enqueue_all(uow, message(user, "k"))

    async with uow:
        assert await outbox.cancel(uow) == 0


# ----- quiet hours and settings


@pytest.mark.parametrize(
    ("text", "span"), [("22-08", (22, 8)), ("0-0", (0, 0)), ("13-15", (13, 15)), (" 23-7 ", (23, 7))]
)
def test_quiet_hours_are_read_as_two_hours(text: str, span: tuple[int, int]) -> None:
    assert outbox.parse_quiet_hours(text) == span


@pytest.mark.parametrize("text", ["22", "22-24", "a-b", "22:00-08:00", ""])
def test_malformed_quiet_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        outbox.parse_quiet_hours(text)


def person(**settings: object) -> ChatUser:
    return ChatUser("telegram", "1", NOON, **settings)  # type: ignore[arg-type]


def test_a_bulk_reminder_waits_for_the_end_of_the_default_quiet_hours() -> None:
    reminder = message(1, "k", deadline_at=NIGHT + timedelta(days=3))

    assert outbox.deliverable_at(reminder, person(), NIGHT) == datetime(2027, 4, 17, 8, 0, tzinfo=BEIJING)
    assert outbox.deliverable_at(reminder, person(), NOON) == NOON


def test_quiet_hours_yield_in_the_last_24_hours_before_the_deadline() -> None:
    close = message(1, "k", deadline_at=NIGHT + timedelta(hours=20))
    # The last day begins at 04:00, before the quiet hours end at 08:00.
    soon = message(1, "k", deadline_at=datetime(2027, 4, 18, 4, 0, tzinfo=BEIJING))

    assert outbox.deliverable_at(close, person(), NIGHT) == NIGHT
    assert outbox.deliverable_at(soon, person(), NIGHT) == datetime(2027, 4, 17, 4, 0, tzinfo=BEIJING)


def test_a_persons_own_quiet_hours_count_and_equal_hours_mean_none() -> None:
    reminder = message(1, "k")
    afternoon = person(quiet_hours="12-14")

    assert outbox.deliverable_at(reminder, afternoon, NOON) == datetime(2027, 4, 16, 14, 0, tzinfo=BEIJING)
    assert outbox.deliverable_at(reminder, afternoon, NIGHT) == NIGHT
    assert outbox.deliverable_at(reminder, person(quiet_hours="0-0"), NIGHT) == NIGHT


def test_reminders_off_stops_bulk_messages_but_not_answers_to_the_persons_own_actions() -> None:
    off = person(reminders_off=True)

    assert outbox.deliverable_at(message(1, "k"), off, NOON) is None
    assert outbox.deliverable_at(message(1, "k", bulk=False), off, NIGHT) == NIGHT


def test_a_reminder_of_a_deadline_that_has_passed_never_goes() -> None:
    assert outbox.deliverable_at(message(1, "k", deadline_at=NOON), person(), NOON) is None


# ----- the sender's use cases


async def test_claim_takes_non_bulk_first_then_the_oldest_due_and_settles_what_must_not_go() -> None:
    uow = FakeUnitOfWork()
    a, off, resting = await with_users(uow, 3)
    async with uow:
        for user_id, setting in ((off, {"reminders_off": True}), (resting, {"quiet_hours": "12-14"})):
            user = await uow.users.get(user_id)
            assert user is not None
            for name, value in setting.items():
                setattr(user, name, value)
        await uow.commit()
    await enqueue_all(
        uow,
        message(a, "late", due_at=NOON - timedelta(hours=2)),
        message(a, "early", due_at=NOON - timedelta(hours=3)),
        message(a, "notice", due_at=NOON - timedelta(hours=1), bulk=False),
        message(a, "future", due_at=NOON + timedelta(hours=1)),
        message(off, "off", due_at=NOON - timedelta(hours=3)),
        message(resting, "resting", due_at=NOON),
    )

    claim = await outbox.claim_due(uow, NOON, 10)

    assert [d.message.dedupe_key for d in claim.ready] == ["notice", "early", "late"]
    assert claim.claimed == 5
    stored = {m.dedupe_key: m for m in uow.stored_outbox()}
    assert stored["resting"].state == OutboxState.QUEUED  # postponed to the end of their quiet hours
    assert stored["resting"].due_at == datetime(2027, 4, 16, 14, 0, tzinfo=BEIJING)
    assert stored["off"].state == OutboxState.CANCELLED
    assert stored["off"].last_error == outbox.REMINDERS_OFF
    assert stored["future"].state == OutboxState.QUEUED
    assert {stored[k].state for k in ("notice", "early", "late")} == {OutboxState.SENDING}


async def test_a_block_marks_the_person_and_cancels_their_queued_messages_until_they_come_back() -> None:
    uow = FakeUnitOfWork()
    a, b = await with_users(uow)
    deadline = NOON + timedelta(days=5)
    await enqueue_all(
        uow,
        message(a, "a1"),
        message(a, "a2", due_at=NOON + timedelta(days=1), deadline_at=deadline),
        message(a, "a3", due_at=NOON + timedelta(days=1)),
        message(b, "b1"),
    )
    claim = await outbox.claim_due(uow, NOON, 1)
    [first] = claim.ready

    assert await outbox.record_blocked(uow, first.message, NOON, "Forbidden: bot was blocked") == 2

    assert states(uow) == {"a1": "blocked", "a2": "cancelled", "a3": "cancelled", "b1": "queued"}
    assert (stored := uow.stored_user(a)) is not None and stored.blocked_at == NOON
    later = NOON + timedelta(days=2)
    assert [d.message.dedupe_key for d in (await outbox.claim_due(uow, later, 10)).ready] == ["b1"]

    # Back: only the reminder whose deadline is still ahead is queued again.
    assert await outbox.unblock(uow, a, later) == 1
    assert states(uow)["a2"] == "queued"
    assert (stored := uow.stored_user(a)) is not None and stored.blocked_at is None


async def test_failures_are_retried_then_kept_with_their_error() -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)
    await enqueue_all(uow, message(user, "k"))
    [delivery] = (await outbox.claim_due(uow, NOON, 1)).ready

    await outbox.record_failure(uow, delivery.message.id or 0, "500", NOON + timedelta(seconds=5))
    assert [(m.state, m.attempts, m.due_at) for m in uow.stored_outbox()] == [
        (OutboxState.QUEUED, 1, NOON + timedelta(seconds=5))
    ]
    await outbox.record_failure(uow, delivery.message.id or 0, "502", None)
    assert [(m.state, m.attempts, m.last_error) for m in uow.stored_outbox()] == [
        (OutboxState.FAILED, 2, "502")
    ]


async def test_stuck_messages_are_queued_again_and_released_ones_keep_their_attempts() -> None:
    uow = FakeUnitOfWork()
    [user] = await with_users(uow, 1)
    await enqueue_all(uow, message(user, "stuck"), message(user, "released"))
    claim = await outbox.claim_due(uow, NOON, 2)

    await outbox.release(uow, [d.message for d in claim.ready if d.message.dedupe_key == "released"])
    stuck = await outbox.resolve_stuck(uow, NOON + timedelta(minutes=1))

    assert [m.dedupe_key for m in stuck] == ["stuck"]
    stored = {m.dedupe_key: m for m in uow.stored_outbox()}
    assert (stored["stuck"].state, stored["stuck"].attempts) == (OutboxState.QUEUED, 1)
    assert stored["stuck"].last_error == outbox.INTERRUPTED
    assert (stored["released"].state, stored["released"].attempts) == (OutboxState.QUEUED, 0)


# ----- the limiter


class ManualClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def run_limited(limiter: SendLimiter, clock: ManualClock, chats: list[int]) -> list[tuple[int, float]]:
    """Acquire for each chat in order, moving the clock instead of sleeping; returns (chat, time)."""
    granted: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await limiter.acquire(chat)
        granted.append((chat, clock.now))

    tasks = [asyncio.create_task(one(chat)) for chat in chats]
    while not all(task.done() for task in tasks):
        await _real_sleep(0)
        clock.now = round(clock.now + 0.01, 2)
    return granted


async def test_the_limiter_spaces_sends_overall_and_per_chat(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ManualClock()
    monkeypatch.setattr(asyncio, "sleep", _sleep_on(clock))
    limiter = SendLimiter(rate=10, chat_interval=1.0, clock=clock)

    granted = await run_limited(limiter, clock, [1, 2, 1, 3])

    times = {chat: [t for c, t in granted if c == chat] for chat in (1, 2, 3)}
    assert times[1][1] - times[1][0] >= 1.0
    moments = sorted(t for _, t in granted)
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(moments))


async def test_a_pause_holds_every_send_until_it_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ManualClock()
    monkeypatch.setattr(asyncio, "sleep", _sleep_on(clock))
    limiter = SendLimiter(rate=100, chat_interval=0, clock=clock)
    limiter.pause(3)

    granted = await run_limited(limiter, clock, [1, 2, 3])

    assert min(t for _, t in granted) >= 103.0


def _sleep_on(clock: ManualClock) -> Callable[[float], Awaitable[None]]:
    """asyncio.sleep on a clock the test moves."""

    async def sleep(delay: float) -> None:
        until = clock.now + delay
        while clock.now < until - 1e-9:
            await _real_sleep(0)

    return sleep


_real_sleep = asyncio.sleep
