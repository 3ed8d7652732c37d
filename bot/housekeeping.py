"""Scheduled clean-up: 同等学力申硕 accounts never activated (seed 003: kept one week), and stored
files that no upload refers to any more (those of deleted accounts, of a crash mid-delete).

One loop per bot process runs ``run_once`` every few minutes: accounts whose week is over are deleted
and their chat told. The sandbox runs it at once whenever its clock moves, so transcripts see the
effect without waiting. Reminders before deadlines, the warning before that deletion among them, are
planned here too (domain/reminder_plans.py) and sent by the outbox's worker (bot/notifier.py).
"""

import asyncio
import logging
from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.uow import SqlUnitOfWork
from dialogs import degree, gd_offers
from dialogs.reminders import button_data
from domain import reminder_plans
from domain.clock import Clock
from domain.email_accounts import Housekeeping, housekeeping
from domain.model import ChatUser
from domain.ports import FileStore
from domain.uploads import remove_orphan_files

logger = logging.getLogger(__name__)


class Housekeeper:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bot: Bot,
        i18n: I18n,
        clock: Clock,
        storage: BaseStorage,
        interval_seconds: float,
        files: FileStore | None = None,
        reminder_rate: float = 25.0,
    ) -> None:
        self.session_factory = session_factory
        self.files = files
        self.storage = storage
        self.bot, self.i18n, self.clock = bot, i18n, clock
        self.interval_seconds = interval_seconds
        self.reminder_rate = reminder_rate  # the sender's rate: cohorts are spread to finish in time
        self._lock = asyncio.Lock()  # the loop and the sandbox's clock moves never run it twice at once
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> Housekeeping:
        async with self._lock:
            done = await housekeeping(SqlUnitOfWork(self.session_factory), self.clock)
            with self.i18n.context():  # outside an update, gettext needs the context set here
                await self._tell(done)
            if done.purged:
                logger.info("unactivated accounts deleted: %s", [p.account.id for p in done.purged])
            # 广东住培 decisions not told yet (those of `baoming offers import`), and the 接受 / 放弃
            # buttons of notices whose confirmation window has closed.
            uow = SqlUnitOfWork(self.session_factory)
            with self.i18n.context():
                await gd_offers.deliver(self.bot, self.i18n, uow, self.clock.now())
            await gd_offers.close_answer_windows(self.bot, uow, self.clock.now())
            # Reminders before deadlines: planned again every run, queued once (their dedupe keys).
            planned = await reminder_plans.plan(
                SqlUnitOfWork(self.session_factory), self.clock.now(), self.reminder_rate, button_data
            )
            if planned.added:
                logger.info("reminders queued: %s", planned.added)
                for cohort in planned.cohorts:
                    logger.info("reminders: %s", cohort.log_line())
            if self.files is not None:
                # Files of deleted accounts, and of a crash between a commit and a delete.
                orphans = await remove_orphan_files(
                    SqlUnitOfWork(self.session_factory), self.files, self.clock.now()
                )
                if orphans:
                    logger.info("stored files no upload refers to: deleted %s", len(orphans))
            return done

    async def _tell(self, done: Housekeeping) -> None:
        for purged in done.purged:
            with suppress(TelegramAPIError):  # a chat that blocked the bot cannot be told
                await degree.tell_purged(self.bot, self.i18n, purged, self._state_of(purged.holder))

    def _state_of(self, holder: ChatUser | None) -> FSMContext:
        """The conversation of a person's private chat with the bot."""
        chat_id = int(holder.external_id) if holder is not None else 0
        return FSMContext(self.storage, StorageKey(bot_id=self.bot.id, chat_id=chat_id, user_id=chat_id))

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the next run tries again; the bot keeps serving meanwhile
                logger.exception("housekeeping failed")
            await asyncio.sleep(self.interval_seconds)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
