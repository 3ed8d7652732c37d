"""The outbox sender: one async worker that delivers the rows of domain/outbox.py through Telegram.

It claims due rows in batches (non-bulk ones first, so a help-line reply or the answer to an
applicant's own action never waits behind a reminder campaign), renders each in the person's
language and sends it through a limiter: an overall rate and a minimum interval per chat (Telegram
allows about 30 messages/s and 1/s per chat, AIOGRAM-NOTES.md §3), with several sends in flight so
the rate is reached over a real network.

Errors are handled here, not by bot/telegram_retry.py (its own Bot session has no RetryMiddleware):
- 429: ``retry_after`` pauses every send (flood limits are per bot), then the same row is sent again;
- 5xx and network errors: the row is queued again with exponential backoff, FAILED after the last
  attempt; a network error may hide a send that arrived, so such a row can rarely show twice;
- 403 (blocked, deactivated): the person is marked blocked, the row BLOCKED and their other queued rows
  cancelled; nothing is claimed for them until they write to the bot again (bot/middlewares.py);
- 400 (a bad button, text too long, chat not found) and a text that cannot be rendered: FAILED;
- 401 (the token refused): every send pauses and the row goes back to the queue unharmed.

Claim → send → mark, the marks in batches (MARK_BATCH). A graceful stop lets sends under way finish
and be marked, and puts every claimed row not yet sent back in the queue; rows a crash left SENDING
are resolved at start-up (domain/outbox.resolve_stuck says how and why).
"""

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.uow import SqlUnitOfWork
from domain.clock import Clock
from domain.model import Channel, ChatUser, OutboxMessage
from domain.outbox import (
    Claim,
    Delivery,
    claim_due,
    record_blocked,
    record_failure,
    record_sent,
    release,
    resolve_stuck,
)

logger = logging.getLogger(__name__)
MAX_THROTTLED = 20  # 429s in a row for one row before it goes back to the queue for a while
TOKEN_REFUSED_PAUSE = 60.0  # seconds every send waits after a 401
_FORGET_CHATS_AT = 10_000  # per-chat timestamps kept before the stale ones are dropped
# Sends are marked SENT together: a transaction each would cap the rate at SQLite's commits a second.
MARK_BATCH = 100
MARK_EVERY = 0.5  # seconds a send waits at most for its mark (a crash meanwhile sends it again)


class SendLimiter:
    """An overall rate and a minimum interval per chat; ``pause`` stops every send for a while.

    Each send reserves the next free slot of the overall rate once its chat may receive again, so a
    busy chat never holds up the others.
    """

    def __init__(
        self, rate: float, chat_interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = 1.0 / rate
        self._chat_interval = chat_interval
        self._clock = clock
        self._next_slot = 0.0
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0

    async def acquire(self, chat_id: int) -> None:
        while True:
            now = self._clock()
            ready = max(self._paused_until, self._chat_next.get(chat_id, 0.0))
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            # No await between reading and reserving: two tasks never take the same slot.
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
            self._chat_next[chat_id] = slot + self._chat_interval
            self._forget_stale(now)
            if slot > now:
                await asyncio.sleep(slot - now)
            if self._paused_until <= slot:
                return
            # A 429 came while waiting for the slot: wait for the pause to end like everyone else.

    def pause(self, seconds: float) -> None:
        until = self._clock() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next_slot = max(self._next_slot, self._paused_until)

    def _forget_stale(self, now: float) -> None:
        if len(self._chat_next) > _FORGET_CHATS_AT:
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}


class Notifier:
    """Start with ``start`` (resolves rows a crash left behind, then loops), stop with ``stop``;
    ``run_once`` sends what is due now (the sandbox calls it when its clock moves); ``wake`` makes the
    loop look at once (after committing a non-bulk message)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bot: Bot,
        i18n: I18n,
        clock: Clock,
        *,
        rate: float = 25.0,
        chat_interval: float = 1.0,
        in_flight: int = 50,
        max_attempts: int = 5,
        retry_delay: float = 5.0,
        poll_interval: float = 2.0,
        default_locale: str = "zh_Hans",
    ) -> None:
        self.session_factory = session_factory
        self.bot, self.i18n, self.clock = bot, i18n, clock
        self.limiter = SendLimiter(rate, chat_interval)
        self.in_flight = in_flight
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.poll_interval = poll_interval
        self.default_locale = default_locale
        self._lock = asyncio.Lock()  # the loop and the sandbox's clock moves never drain at once
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._db_lock = asyncio.Lock()  # see _OneAtATime
        self._busy: set[int] = set()  # rows being sent or marked (not waiting): a stop lets them finish
        self._blocked: set[int] = set()  # people found blocked during this drain
        self._sent: list[int] = []  # sent, not yet marked (see MARK_BATCH)
        self._sent_since = 0.0

    # ----- life cycle

    async def start(self) -> None:
        if self._task is not None:
            return
        stuck = await resolve_stuck(self._uow(), self.clock.now())
        if stuck:
            logger.warning("outbox: %d messages left sending by a stopped sender, queued again", len(stuck))
        self._task = asyncio.create_task(self._loop(), name="notifier")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Send every message due now; returns how many were settled (sent, failed, retried later)."""
        async with self._lock:
            return await self._drain()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # the next round tries again; the bot keeps serving meanwhile
                logger.exception("outbox: sending failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    # ----- one drain: claim, send, mark

    async def _drain(self) -> int:
        tasks: dict[asyncio.Task[None], Delivery] = {}
        # Finished sends arrive here: asyncio.wait would cost O(in flight) for each one.
        finished: asyncio.Queue[asyncio.Task[None]] = asyncio.Queue()
        settled = 0
        more = True
        self._blocked.clear()  # who unblocked since the last drain may be written to again
        try:
            while True:
                if self._wake.is_set():  # a non-bulk message was committed: claim it now
                    self._wake.clear()
                    more = True
                # Refill at half the window: claims stay few while the limiter always has work.
                if more and len(tasks) <= self.in_flight // 2:
                    wanted = self.in_flight - len(tasks)
                    claim = await self._claim(wanted)
                    more = claim.claimed == wanted
                    for delivery in claim.ready:
                        task = asyncio.create_task(self._deliver(delivery))
                        task.add_done_callback(finished.put_nowait)
                        tasks[task] = delivery
                    if claim.claimed > len(claim.ready):
                        continue  # some were postponed or cancelled: look again before waiting
                if not tasks:
                    return settled
                done = [await finished.get()]
                while not finished.empty():
                    done.append(finished.get_nowait())
                for task in done:
                    delivery = tasks.pop(task)
                    settled += 1
                    if task.exception() is not None:
                        # Left SENDING: the next start-up queues it again.
                        logger.error(
                            "outbox: message %s not settled", delivery.message.id, exc_info=task.exception()
                        )
                if len(self._sent) >= MARK_BATCH or time.monotonic() - self._sent_since >= MARK_EVERY:
                    await self._mark_sent()
        except asyncio.CancelledError:
            await self._wind_down(tasks)
            raise
        finally:
            await self._mark_sent()

    async def _mark_sent(self) -> None:
        if not self._sent:
            return
        # Marked at the time of the batch: at most MARK_EVERY later than the send itself.
        sent, self._sent = self._sent, []
        marking = asyncio.create_task(record_sent(self._uow(), sent, self.clock.now()))
        try:
            await asyncio.shield(marking)
        except asyncio.CancelledError:
            await marking  # stopped meanwhile: the marks land first, or these would be sent again
            raise

    async def _claim(self, wanted: int) -> Claim:
        # Shielded: a claim cut off mid-transaction could leave its connection holding SQLite's write
        # lock. Stopped meanwhile, the claim ends and what it took goes straight back to the queue.
        claiming = asyncio.create_task(claim_due(self._uow(), self.clock.now(), wanted))
        try:
            return await asyncio.shield(claiming)
        except asyncio.CancelledError:
            claim = await claiming
            await release(self._uow(), [delivery.message for delivery in claim.ready])
            raise

    async def _wind_down(self, tasks: dict[asyncio.Task[None], Delivery]) -> None:
        """Stopping: sends under way finish and are marked; the rest go back to the queue unsent."""
        waiting = [task for task, delivery in tasks.items() if delivery.message.id not in self._busy]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        unsent = [tasks[task].message for task in waiting if task.cancelled()]
        await asyncio.shield(release(self._uow(), unsent))
        if unsent:
            logger.info("outbox: stopping, %d claimed messages put back unsent", len(unsent))

    async def _deliver(self, delivery: Delivery) -> None:
        assert delivery.message.id is not None
        self._busy.add(delivery.message.id)
        try:
            await self._send(delivery.message, delivery.user)
        finally:
            self._busy.discard(delivery.message.id)

    async def _send(self, message: OutboxMessage, user: ChatUser) -> None:
        assert message.id is not None
        chat_id = _chat_id(user)
        if chat_id is None:
            await record_failure(self._uow(), message.id, f"no Telegram chat ({user.channel})", None)
            return
        try:
            text, markup = self._render(message, user)
        except (KeyError, IndexError, ValueError) as error:  # a msgid and its params do not match
            logger.error("outbox: message %s cannot be rendered: %r", message.id, error)
            await record_failure(self._uow(), message.id, f"cannot render: {error!r}", None)
            return
        throttled = 0
        while True:
            self._busy.discard(message.id)  # waiting for a slot: a stop puts it back unsent
            try:
                await self.limiter.acquire(chat_id)
            finally:
                self._busy.add(message.id)
            if user.id in self._blocked:
                # Another send of this drain found them blocked meanwhile: not one more 403 for them.
                await record_blocked(self._uow(), message, self.clock.now(), "blocked")
                return
            try:
                await self.bot.send_message(chat_id, text, reply_markup=markup)
            except TelegramRetryAfter as error:
                self.limiter.pause(error.retry_after)
                throttled += 1
                logger.warning("outbox: flood control, every send paused for %s s", error.retry_after)
                if throttled >= MAX_THROTTLED:
                    later = self.clock.now() + timedelta(seconds=error.retry_after)
                    await record_failure(self._uow(), message.id, str(error), later)
                    return
                continue
            except TelegramForbiddenError as error:
                self._blocked.add(user.id or 0)
                cancelled = await record_blocked(self._uow(), message, self.clock.now(), error.message)
                logger.info("outbox: person %s blocked the bot; %d queued cancelled", user.id, cancelled)
            except TelegramUnauthorizedError:
                # The token was revoked or mistyped: no message is at fault, so none fails for it.
                logger.error("outbox: Telegram refused the bot token; sending paused")
                self.limiter.pause(TOKEN_REFUSED_PAUSE)
                await release(self._uow(), [message])
            except TelegramBadRequest as error:
                logger.error("outbox: message %s refused: %s", message.id, error.message)
                await record_failure(self._uow(), message.id, error.message, None)
            except (TelegramServerError, TelegramNetworkError, TelegramAPIError) as error:
                await record_failure(self._uow(), message.id, _describe(error), self._retry_at(message))
            else:
                if not self._sent:
                    self._sent_since = time.monotonic()
                self._sent.append(message.id)
            return

    def _retry_at(self, message: OutboxMessage) -> datetime | None:
        """Exponential backoff; None once the last attempt has failed."""
        if message.attempts + 1 >= self.max_attempts:
            return None
        return self.clock.now() + timedelta(seconds=self.retry_delay * 2**message.attempts)

    def _render(self, message: OutboxMessage, user: ChatUser) -> tuple[str, InlineKeyboardMarkup | None]:
        # Outside an update no locale context is set: the person's language is passed explicitly.
        locale = user.language(self.default_locale)
        text = self.i18n.gettext(message.text_id, locale=locale).format(**message.params)
        if message.button_text_id is None or message.button_data is None:
            return text, None
        label = self.i18n.gettext(message.button_text_id, locale=locale).format(**message.params)
        button = InlineKeyboardButton(text=label, callback_data=message.button_data)
        return text, InlineKeyboardMarkup(inline_keyboard=[[button]])

    def _uow(self) -> SqlUnitOfWork:
        return _OneAtATime(self.session_factory, self._db_lock)


class _OneAtATime(SqlUnitOfWork):
    """The sender's units of work, one at a time. Dozens of sends finishing together would otherwise
    queue on SQLite's single writer lock past its busy timeout, and a row whose "sent" mark failed
    stays SENDING, to be sent again after a restart. Each is short: the sends happen outside."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], lock: asyncio.Lock) -> None:
        super().__init__(session_factory)
        self._lock = lock

    async def __aenter__(self) -> Self:
        await self._lock.acquire()
        try:
            return await super().__aenter__()
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            self._lock.release()


def _chat_id(user: ChatUser) -> int | None:
    """The private chat of a Telegram user has the user's id; other channels have no chat here yet."""
    if user.channel != Channel.TELEGRAM:
        return None
    return int(user.external_id)


def _describe(error: TelegramAPIError) -> str:
    return f"{type(error).__name__}: {error.message}"
