"""/settings: reminders on or off, and the quiet hours in which no reminder comes (issue 7 §5).

Quiet hours hold back reminders and announcements at night, Beijing time, except in the last 24 hours
before the deadline they are about (domain/outbox.py): a reminder that late is worth a late hour.
Answers to the applicant's own actions and help-line replies are never held back.
"""

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs.turn import Turn
from domain.accounts import choose_reminders
from domain.model import ChatUser
from domain.outbox import DEFAULT_QUIET_HOURS, NO_QUIET_HOURS, parse_quiet_hours, quiet_hours_of

# The spans offered; the domain takes any "H-H", so a forged value is checked there too.
QUIET_CHOICES = ("22-08", "23-07", "21-07", NO_QUIET_HOURS)


class SettingsCb(CallbackData, prefix="st"):
    """reminders (value: on | off), quiet (value: one of QUIET_CHOICES)."""

    action: str
    value: str


def _span_text(span: tuple[int, int]) -> str:
    start, end = span
    if start == end:
        return _("none")
    return _("{start:02d}:00–{end:02d}:00 Beijing time").format(start=start, end=end)


def _view(user: ChatUser) -> tuple[str, InlineKeyboardMarkup]:
    span = quiet_hours_of(user)
    lines = [
        _("Reminders before deadlines: {state}").format(state=_("off") if user.reminders_off else _("on")),
        _("Quiet hours: {span}. In the last 24 hours before a deadline reminders come anyway.").format(
            span=_span_text(span)
        ),
    ]
    builder = InlineKeyboardBuilder()
    if user.reminders_off:
        builder.button(text=_("Turn reminders on"), callback_data=SettingsCb(action="reminders", value="on"))
    else:
        builder.button(
            text=_("Turn reminders off"), callback_data=SettingsCb(action="reminders", value="off")
        )
    current = user.quiet_hours or DEFAULT_QUIET_HOURS
    for choice in QUIET_CHOICES:
        if choice != current:
            builder.button(
                text=_("Quiet hours: {span}").format(span=_span_text(parse_quiet_hours(choice))),
                callback_data=SettingsCb(action="quiet", value=choice),
            )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def get_router() -> Router:
    router = Router(name="settings")

    @router.message(Command("settings"))
    async def on_settings(message: Message, turn: Turn) -> None:
        await turn.say(*_view(turn.user))

    @router.callback_query(SettingsCb.filter())
    async def on_choice(query: CallbackQuery, callback_data: SettingsCb, turn: Turn) -> None:
        changed: ChatUser | None = None
        if callback_data.action == "reminders" and callback_data.value in ("on", "off"):
            changed = await choose_reminders(turn.uow, turn.user_id, on=callback_data.value == "on")
        elif callback_data.action == "quiet" and callback_data.value in QUIET_CHOICES:
            changed = await choose_reminders(turn.uow, turn.user_id, quiet_hours=callback_data.value)
        if changed is None:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer(_("Saved."))
        await turn.say(*_view(changed))

    return router
