"""Last in line: whatever no other handler took. Never silent in a private chat, never a crash.

Free text is a question for the help line (dialogs/helpline.py); the rest gets a pointer to /start.
"""

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from dialogs.commands import current_step
from dialogs.helpline import Helpline
from dialogs.prompts import ask
from dialogs.turn import Turn
from domain.helpline import is_small_talk


def get_router() -> Router:
    router = Router(name="fallback")

    @router.callback_query()
    async def on_stale_button(query: CallbackQuery) -> None:
        """A button from an old message, pressed twice, or forged: it does nothing."""
        await query.answer(_("This button is no longer active."))

    @router.message()
    async def on_anything_else(
        message: Message,
        bot: Bot,
        state: FSMContext,
        turn: Turn | None = None,
        helpline: Helpline | None = None,
    ) -> None:
        if message.chat.type != "private":
            return  # a group the bot is in: not a conversation with an applicant
        step = current_step(await state.get_state())
        text = message.text or ""
        # Free text no step took is a question for the help line. Commands are not (an unknown one
        # gets the answer below, like a staff command from someone who is not staff), nor greetings.
        is_question = bool(text.strip()) and not text.startswith("/") and not is_small_talk(text)
        if is_question and turn and helpline and await helpline.on_free_text(turn, text, step):
            if step is not None:
                await ask(bot, state, step)  # answered aside: the step's question again
            return
        if step is None and (message.photo or message.document):
            await message.answer(
                _("Choose first what this picture is for (an upload button of your programme): /start.")
            )
            return
        if step is None:
            await message.answer(
                _("I did not understand that. /start shows what you can do, /help lists the commands.")
            )
            return
        await ask(bot, state, step, _("Please answer this question with a text message."))

    return router
