"""Outer middlewares: who is talking, a unit of work per update, and their language."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.uow import SqlUnitOfWork
from domain.accounts import SUPPORTED_LOCALES, identify
from domain.clock import Clock
from domain.model import Channel, ChatUser
from domain.outbox import unblock


class UnitOfWorkMiddleware(BaseMiddleware):
    """Gives every update its own unit of work and the chat user behind it.

    It does not commit: each use case commits its own change, so a failed send after a commit
    never undoes the applicant's answer.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.session_factory = session_factory
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        uow = SqlUnitOfWork(self.session_factory)
        data["uow"] = uow
        sender: User | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            user = await identify(
                uow, self.clock, Channel.TELEGRAM, str(sender.id), locale_from_client(sender.language_code)
            )
            if user.blocked_at is not None and user.id is not None:
                # Writing to the bot again undoes a block (Telegram's 403): reminders may go again.
                await unblock(uow, user.id, self.clock.now())
                user.blocked_at = None
            data["user"] = user
        return await handler(event, data)


def locale_from_client(language_code: str | None) -> str:
    """Telegram's language_code: zh-CN/zh-Hans → zh_Hans, zh-TW/zh-HK/zh-Hant → zh_Hant, others → en."""
    code = (language_code or "").lower().replace("_", "-")
    if code in {"zh-tw", "zh-hk", "zh-mo", "zh-hant"} or code.startswith("zh-hant"):
        return "zh_Hant"
    if code == "zh" or code.startswith(("zh-cn", "zh-sg", "zh-hans")):
        return "zh_Hans"
    return "en"


class LocaleMiddleware(I18nMiddleware):
    """The applicant's chosen language (/language), else the one of their Telegram client."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: ChatUser | None = data.get("user")
        if user is not None and user.locale in SUPPORTED_LOCALES:
            return user.locale
        sender: User | None = data.get("event_from_user")
        return locale_from_client(sender.language_code if sender else None)
