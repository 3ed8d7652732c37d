"""Last in line: whatever no other handler took. Never silent, never a crash."""

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from dialogs.commands import current_step
from dialogs.prompts import ask


def get_router() -> Router:
    router = Router(name="fallback")

    @router.callback_query()
    async def on_stale_button(query: CallbackQuery) -> None:
        """A button from an old message, pressed twice, or forged: it does nothing."""
        await query.answer(_("This button is no longer active."))

    @router.message()
    async def on_anything_else(message: Message, bot: Bot, state: FSMContext) -> None:
        step = current_step(await state.get_state())
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
