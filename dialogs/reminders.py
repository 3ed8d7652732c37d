"""The button of a reminder (domain/reminders.py, sent by bot/notifier.py): straight to its step.

Each button names a step, never an account or a record: the step opens for whoever presses it, with
that person's own accounts, so a forwarded or forged button shows nobody else's data.
"""

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from dialogs import gd_application, gd_offers, gd_profile, nmec_materials, tj_profile
from dialogs.turn import Turn
from domain import reminders


class ReminderCb(CallbackData, prefix="rm"):
    step: str  # a domain.reminders button code, ":" written "." (the callback data's separator)


def button_data(step: str) -> str:
    """The callback data of a reminder's button (an OutboxMessage's button_data)."""
    return ReminderCb(step=step.replace(":", ".")).pack()


async def _activation(turn: Turn) -> None:
    await turn.say(
        _(
            "Open the activation link in the e-mail we sent, or send /start to type its 6-digit code or "
            "to have the e-mail sent again."
        )
    )


_STEPS: dict[str, Callable[[Turn], Awaitable[None]]] = {
    reminders.GD_PROFILE: gd_profile.show_modules,
    reminders.GD_APPLY: gd_application.show_batches,
    reminders.GD_OFFERS: gd_offers.show_offers,
    reminders.NMEC_MATERIALS: nmec_materials.show_checklist,
    reminders.TJ_PAY: tj_profile.show_module,
    reminders.DEGREE_ACTIVATE: _activation,
}


def get_router() -> Router:
    router = Router(name="reminders")

    @router.callback_query(ReminderCb.filter())
    async def on_reminder(query: CallbackQuery, callback_data: ReminderCb, turn: Turn) -> None:
        step = _STEPS.get(callback_data.step.replace(".", ":"))
        if step is None:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await step(turn)

    return router
