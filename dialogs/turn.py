"""One turn of a conversation: what every handler of an update works with, injected as ``turn``.

aiogram injects dependencies by parameter name, so without this object every handler would list
bot, state, uow, clock, sms_sender, email_sender, files, verifier, payment_token, form_renderer
and user, and pass them all on to its helpers.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, TelegramObject

from domain.clock import Clock
from domain.emails import EmailSender
from domain.model import ChatUser
from domain.ports import EducationVerifier, FileStore, SmsSender, UnitOfWork
from domain.registration_form import Renderer


@dataclass(frozen=True)
class Turn:
    bot: Bot
    state: FSMContext
    uow: UnitOfWork
    clock: Clock
    user: ChatUser
    sms: SmsSender
    mail: EmailSender
    files: FileStore
    verifier: EducationVerifier
    payment_token: str | None  # Telegram Payments provider token; None: paying here is not set up
    form_renderer: Renderer  # the registration form as a PDF

    @property
    def user_id(self) -> int:
        return self.user.id or 0

    @property
    def chat_id(self) -> int:
        return self.state.key.chat_id

    async def data(self) -> dict[str, Any]:
        return await self.state.get_data()

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)


class TurnMiddleware(BaseMiddleware):
    """An inner middleware of messages and callback queries: it runs after the filters, when the
    outer middlewares and the FSM have put their parts into ``data``."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: ChatUser | None = data.get("user")
        state: FSMContext | None = data.get("state")
        if user is not None and state is not None:
            data["turn"] = Turn(
                bot=data["bot"],
                state=state,
                uow=data["uow"],
                clock=data["clock"],
                user=user,
                sms=data["sms_sender"],
                mail=data["email_sender"],
                files=data["files"],
                verifier=data["verifier"],
                payment_token=data["payment_token"],
                form_renderer=data["form_renderer"],
            )
        return await handler(event, data)
