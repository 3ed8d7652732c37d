"""A message's buttons work once.

Two taps on one button arrive as two callback queries before the bot can remove the keyboard.
SimpleEventIsolation runs them one after the other; this middleware lets the first through, then
records the message as spent (in the chat's FSM storage, apart from the conversation's data, so it
survives a restart and a flow that clears its data) and removes
its keyboard. The second finds it spent and does nothing. A new question always comes with new
buttons, so nothing is lost.
"""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.i18n import gettext as _

from dialogs.prompts import aside

SPENT_KEY = "spent_messages"
REMEMBERED = 30  # the newest spent messages; older keyboards are long gone from view


class SingleUseButtonsMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if not isinstance(event, CallbackQuery) or event.message is None or state is None:
            return await handler(event, data)
        memory = aside(state, "buttons")
        message_id = event.message.message_id
        if message_id in (await memory.get_data()).get(SPENT_KEY, []):
            await event.answer(_("This button is no longer active."))
            return None
        result = await handler(event, data)
        if result is not UNHANDLED:
            spent = (await memory.get_data()).get(SPENT_KEY, [])
            await memory.update_data({SPENT_KEY: [*spent[-(REMEMBERED - 1) :], message_id]})
            bot: Bot = data["bot"]
            with suppress(TelegramBadRequest):  # already without buttons, or too old to edit
                await bot.edit_message_reply_markup(
                    chat_id=event.message.chat.id, message_id=message_id, reply_markup=None
                )
        return result
