"""The sandbox: the emulator, the real bot polling it over HTTP, a settable clock and an SMS inbox.

Used by ``make run`` without BOT_TOKEN (terminal chat), by the transcript player and by the
end-to-end tests. ``restart_bot`` stops the bot and builds a new one on the same database, as a
process restart would.

The help-line's staff group exists from the start (``helpline``, id ``HELPLINE_CHAT_ID``, given to the
bot as its ``HELPLINE_CHAT_ID`` setting); staff join it with ``sandbox.helpline.add(person)``.
"""

import asyncio
import contextlib
import logging
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram.types import Chat, TelegramObject

from bot.app import App, build_app
from bot.config import load_settings
from bot.mail import SmtpEmailSender
from bot.sandbox.emulator import Emulator, Limits
from bot.sandbox.http_api import EmulatorServer
from bot.sandbox.mail_server import LoopbackSmtpServer
from bot.sandbox.people import Group, Person
from bot.sms import SmsInbox
from domain.clock import SandboxClock

logger = logging.getLogger(__name__)

# The staff group of the help-line: a fixed supergroup id, so that a kept sandbox database and the
# bot's setting agree across runs.
HELPLINE_CHAT_ID = -1001000000001
HELPLINE_TITLE = "报名助手 咨询组 (sandbox)"
HELPLINE = "helpline"  # its name in transcripts and in Sandbox.group


class Sandbox:
    def __init__(
        self,
        data_dir: Path,
        *,
        clock: SandboxClock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
    ) -> None:
        self.clock = clock or SandboxClock()
        self.emulator = Emulator(
            limits=limits,
            now=lambda: self.clock.now().timestamp(),
            # message ids keep growing across runs on the same database, as on Telegram
            first_message_id=int(time.time()),
        )
        self.server = EmulatorServer(self.emulator)
        self.sms = SmsInbox(self.clock)
        self.mail_server = LoopbackSmtpServer()
        self.mail = self.mail_server.inbox
        self.email_sender: SmtpEmailSender | None = None
        self.helpline_chat_id = HELPLINE_CHAT_ID
        self.helpline = Group(self.emulator, HELPLINE_CHAT_ID, HELPLINE_TITLE)
        self._groups: dict[str, Group] = {HELPLINE: self.helpline}
        self.settings = load_settings(
            bot_token=None,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'sandbox.sqlite3'}",
            data_dir=data_dir,
            helpline_chat_id=HELPLINE_CHAT_ID,
        )
        self.host, self.port = host, port
        self.base_url = ""
        self.app: App | None = None
        self._polling: asyncio.Task[None] | None = None
        self._people: dict[str, Person] = {}
        self._handling: Counter[int] = Counter()  # updates being handled, per chat
        self.emulator.bot_busy = lambda chat_id: self._handling[chat_id] > 0

    async def start(self) -> None:
        self.base_url = await self.server.start(self.host, self.port)
        smtp_port = await self.mail_server.start()
        # The bot's real SMTP client, talking to the loopback server: nothing is faked on the way.
        self.email_sender = SmtpEmailSender(
            "127.0.0.1", smtp_port, "noreply@baoming.sandbox", security="none"
        )
        await self.start_bot()

    async def start_bot(self) -> None:
        self.app = await build_app(
            self.settings,
            clock=self.clock,
            sms_sender=self.sms,
            email_sender=self.email_sender,
            api_base_url=self.base_url,
        )
        self.app.dispatcher.update.outer_middleware(self._track_handling)
        self._polling = asyncio.create_task(
            self.app.dispatcher.start_polling(
                self.app.bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )

    async def clock_moved(self) -> None:
        """What falls due when time passes is done at once (the bot's own loop may be minutes away)."""
        if self.app is not None:
            await self.app.housekeeper.run_once()
            await self.app.notifier.run_once()  # reminders that fell due

    async def _track_handling(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        self._handling[chat.id] += 1
        try:
            return await handler(event, data)
        finally:
            self._handling[chat.id] -= 1

    async def stop_bot(self) -> None:
        if self.app is None or self._polling is None:
            return
        with contextlib.suppress(RuntimeError):  # polling may not have started yet
            await self.app.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._polling, timeout=10)
        await self.app.close()
        self.app, self._polling = None, None

    async def restart_bot(self) -> None:
        await self.stop_bot()
        await self.start_bot()

    async def stop(self) -> None:
        await self.stop_bot()
        await self.server.stop()
        await self.mail_server.stop()

    def person(self, name: str, *, language_code: str = "zh-hans") -> Person:
        """The actor called ``name``, with a Telegram id derived from the name so that it is the same
        person in every run on the same database."""
        if name not in self._people:
            user_id = 10_000 + zlib.crc32(name.encode()) % 1_000_000_000
            while any(person.user.id == user_id for person in self._people.values()):
                user_id += 1
            self._people[name] = self.emulator.person(user_id, name, language_code=language_code)
        return self._people[name]

    def group(self, name: str) -> Group:
        """The group chat called ``name`` (``helpline``: the staff group), created on first use with a
        supergroup id derived from the name; the bot is in it and reads every message."""
        if name not in self._groups:
            chat_id = -1_002_000_000_000 - zlib.crc32(name.encode()) % 1_000_000_000
            while any(group.chat_id == chat_id for group in self._groups.values()):
                chat_id -= 1
            self._groups[name] = Group(self.emulator, chat_id, name)
        return self._groups[name]

    async def __aenter__(self) -> "Sandbox":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
