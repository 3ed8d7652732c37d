"""The transactional outbox: messages the bot starts, written with the change that causes them.

A use case that must tell someone something later (a reminder before a deadline) or now (a decision
on their offer) calls ``enqueue`` inside its own unit of work; the row is committed with the change
or not at all. A change that makes a queued message pointless calls ``cancel`` the same way. Neither
commits: the caller's commit does. One worker (bot/notifier.py) sends the rows through the other
use cases here: ``claim_due`` → send → ``record_sent`` / ``record_failure`` / ``record_blocked``.

Bulk messages (reminders, announcements) respect the person's /settings: never sent to someone who
turned reminders off, and held back during their quiet hours (Beijing time) unless the deadline they
are about is less than a day away (issue 7 §5). Non-bulk messages always go, first.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from domain.clock import BEIJING
from domain.model import ChatUser, OutboxMessage
from domain.ports import UnitOfWork

DEFAULT_QUIET_HOURS = "22-08"  # ChatUser.quiet_hours None: nobody wants a reminder at 3 a.m.
NO_QUIET_HOURS = "0-0"  # equal hours: an empty span
LAST_DAY = timedelta(hours=24)  # quiet hours yield to a deadline this close
MAX_BUTTON_DATA_BYTES = 64  # Telegram's callback_data limit
# Why a row was cancelled (kept in last_error); rows cancelled for BLOCKED come back on unblocking.
BLOCKED = "blocked"
POINTLESS = "pointless"
REMINDERS_OFF = "reminders off"
DEADLINE_PASSED = "deadline passed"
# A claimed row found SENDING at start-up: its sender stopped between claim and mark.
INTERRUPTED = "interrupted while sending"


async def enqueue(uow: UnitOfWork, message: OutboxMessage) -> bool:
    """Add the message in the caller's (entered) unit of work; False when its dedupe key was planned
    before (in any state: a sent or cancelled reminder is not planned again). Does not commit."""
    if (message.button_text_id is None) != (message.button_data is None):
        raise ValueError("a button needs both its label and its callback data")
    if message.button_data is not None and len(message.button_data.encode()) > MAX_BUTTON_DATA_BYTES:
        raise ValueError(f"callback data longer than {MAX_BUTTON_DATA_BYTES} bytes: {message.button_data!r}")
    if message.due_at.tzinfo is None:
        raise ValueError("due_at must be timezone-aware")
    return await uow.outbox.add(message)


async def cancel(
    uow: UnitOfWork,
    *,
    keys: Collection[str] = (),
    prefix: str | None = None,
    user_id: int | None = None,
    reason: str = POINTLESS,
) -> int:
    """Cancel the still-queued messages with these dedupe keys, or whose key starts with ``prefix``
    (narrowed to one person with ``user_id``), in the caller's unit of work. Does not commit."""
    if not keys and prefix is None and user_id is None:
        return 0  # nothing named: never "cancel everything"
    return await uow.outbox.cancel(keys=keys, prefix=prefix, user_id=user_id, reason=reason)


async def cancel_about(uow: UnitOfWork, kinds: Collection[str], deadline_at: datetime, reason: str) -> int:
    """Cancel everyone's queued reminders of these kinds about a deadline that has moved. Does not commit."""
    return await uow.outbox.cancel_about(kinds, deadline_at, reason)


# ----- quiet hours


def parse_quiet_hours(text: str) -> tuple[int, int]:
    """Quiet hours as written: "22-08" → (22, 8), from 22:00 up to 08:00 (over midnight when the
    start is later). Raises ValueError for anything else; equal hours mean no quiet hours."""
    start, separator, end = text.strip().partition("-")
    if not separator or not start.isdigit() or not end.isdigit():
        raise ValueError(f"quiet hours are written like {DEFAULT_QUIET_HOURS!r}, not {text!r}")
    hours = int(start), int(end)
    if not all(0 <= hour <= 23 for hour in hours):
        raise ValueError(f"hours go from 0 to 23: {text!r}")
    return hours


def quiet_hours_of(user: ChatUser) -> tuple[int, int]:
    """The person's quiet hours; a malformed stored value falls back to the default."""
    try:
        return parse_quiet_hours(user.quiet_hours or DEFAULT_QUIET_HOURS)
    except ValueError:
        return parse_quiet_hours(DEFAULT_QUIET_HOURS)


def is_quiet(moment: datetime, span: tuple[int, int]) -> bool:
    start, end = span
    hour = moment.astimezone(BEIJING).hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_end(moment: datetime, span: tuple[int, int]) -> datetime:
    """The next end of the quiet hours after ``moment`` (Beijing time), as an aware datetime."""
    local = moment.astimezone(BEIJING)
    end = datetime.combine(local.date(), time(span[1]), tzinfo=BEIJING)
    return end if end > local else end + timedelta(days=1)


def deliverable_at(message: OutboxMessage, user: ChatUser, now: datetime) -> datetime | None:
    """When the message may go: ``now``, a later moment (after the person's quiet hours), or None
    when it must not go at all (a bulk message to someone who turned reminders off, a reminder of a
    deadline that has passed)."""
    if not message.bulk:
        return now
    if user.reminders_off:
        return None
    deadline = message.deadline_at
    if deadline is not None and now >= deadline:
        return None
    span = quiet_hours_of(user)
    if not is_quiet(now, span) or (deadline is not None and deadline - now <= LAST_DAY):
        return now
    later = quiet_end(now, span)
    if deadline is not None:
        later = min(later, deadline - LAST_DAY)  # then the last day has begun: it may go at night
    return later


# ----- the sender's use cases (bot/notifier.py); each commits its own unit of work


@dataclass(frozen=True)
class Delivery:
    """A claimed message and the person it goes to."""

    message: OutboxMessage
    user: ChatUser


@dataclass(frozen=True)
class Claim:
    """What one claim took: ``claimed`` rows, of which ``ready`` are to be sent now."""

    ready: list[Delivery]
    claimed: int


async def claim_due(uow: UnitOfWork, now: datetime, limit: int) -> Claim:
    """Claim up to ``limit`` due messages (non-bulk first) and commit. Those that must not go now are
    settled in the same transaction, postponed (quiet hours) or cancelled (reminders off, deadline
    passed, the person gone), so fewer may be ready than were claimed."""
    async with uow:
        claimed = await uow.outbox.claim(now, limit)
        users = await uow.users.many({message.user_id for message in claimed})
        ready: list[Delivery] = []
        for message in claimed:
            assert message.id is not None
            user = users.get(message.user_id)
            when = deliverable_at(message, user, now) if user is not None else None
            if user is None or when is None:
                reason = _why_not(message, user, now)
                await uow.outbox.mark_cancelled(message.id, reason)
            elif when > now:
                await uow.outbox.requeue(message.id, when)
            else:
                ready.append(Delivery(message, user))
        await uow.commit()
        return Claim(ready, len(claimed))


def _why_not(message: OutboxMessage, user: ChatUser | None, now: datetime) -> str:
    if user is None:
        return "no such person"
    if user.reminders_off:
        return REMINDERS_OFF
    return DEADLINE_PASSED


async def record_sent(uow: UnitOfWork, message_ids: Collection[int], at: datetime) -> None:
    """Marks sends in batches: one transaction per message would cap the sender's rate (SQLite has one
    writer), and a crash before the mark only means the few in the batch are sent again."""
    async with uow:
        await uow.outbox.mark_sent(message_ids, at)
        await uow.commit()


async def record_failure(uow: UnitOfWork, message_id: int, error: str, retry_at: datetime | None) -> None:
    """A send failed: try again at ``retry_at``, or (None) give up with the error kept."""
    async with uow:
        if retry_at is None:
            await uow.outbox.mark_failed(message_id, error)
        else:
            await uow.outbox.requeue(message_id, retry_at, error)
        await uow.commit()


async def record_blocked(uow: UnitOfWork, message: OutboxMessage, at: datetime, error: str) -> int:
    """Telegram said the person blocked the bot: mark them (nothing more is claimed for them), the
    message BLOCKED, and cancel their other queued messages. Returns how many were cancelled."""
    assert message.id is not None
    async with uow:
        user = await uow.users.get(message.user_id)
        if user is not None and user.blocked_at is None:
            user.blocked_at = at
        await uow.outbox.mark_blocked(message.id, error)
        cancelled = await uow.outbox.cancel(user_id=message.user_id, reason=BLOCKED)
        await uow.commit()
        return cancelled


async def release(uow: UnitOfWork, messages: Sequence[OutboxMessage]) -> None:
    """Claimed messages that were never sent (the sender is stopping) go back to the queue as they
    were: not counted as an attempt, due when they were due."""
    if not messages:
        return
    async with uow:
        for message in messages:
            assert message.id is not None
            await uow.outbox.requeue(message.id, message.due_at)
        await uow.commit()


async def resolve_stuck(uow: UnitOfWork, started_at: datetime) -> list[OutboxMessage]:
    """At start-up, messages still SENDING from before: their sender stopped without saying whether
    it sent them. They are queued again (at-least-once): a reminder lost may cost the applicant a
    year (a missed window), a duplicate costs a moment of their attention. A graceful stop releases
    every row it did not send (``release``), so only a crash leaves these, and only the few whose
    send was under way can arrive twice. Returns them."""
    async with uow:
        stuck = await uow.outbox.stuck(started_at)
        for message in stuck:
            assert message.id is not None
            await uow.outbox.requeue(message.id, message.due_at, INTERRUPTED)
        await uow.commit()
        return stuck


async def unblock(uow: UnitOfWork, user_id: int, now: datetime) -> int:
    """The person wrote to the bot again after blocking it: clear the mark and queue again what the
    block stopped, if its deadline is still ahead (messages without one are stale by now). Returns
    how many messages came back."""
    async with uow:
        user = await uow.users.get(user_id)
        if user is None or user.blocked_at is None:
            return 0
        user.blocked_at = None
        revived = await uow.outbox.revive(user_id, BLOCKED, now)
        await uow.commit()
        return revived
