"""授权 of 医师资格考试 (seed 001): link this chat to an exam registration made on the NMEC site.

Registration number, ID number, then the SMS code texted to the mobile on record. The
registrations were imported by an operator (``baoming registrations import``).
"""

from contextlib import suppress
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import keyboards, render
from dialogs.account_steps import refuse_code
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.turn import Turn
from domain import exam_registrations as registrations
from domain.model import Channel, ChatUser
from domain.problems import Problem
from domain.programmes import programme
from domain.registration import account_of
from domain.text import N_

NMEC = registrations.NMEC
TOTAL = 3
FLOW = Flow(N_("linking"))


class NmecLink(StatesGroup):
    """授权: registration number, ID number, SMS code to the mobile on record."""

    registration_number = State()
    id_number = State()
    sms_code = State()


@FLOW.add(NmecLink.registration_number, 1, TOTAL)
def _ask_number(data: dict[str, Any]) -> Question:
    return Question(_("The registration number of your exam registration (digits only):"))


@FLOW.add(NmecLink.id_number, 2, TOTAL)
def _ask_id_number(data: dict[str, Any]) -> Question:
    return Question(_("The 18-digit ID number you registered with:"))


@FLOW.add(NmecLink.sms_code, 3, TOTAL)
def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "Enter the 6-digit code texted to the mobile of your exam registration, {mobile}. "
            "It is valid for 5 minutes."
        ).format(mobile=data.get("masked_mobile", "")),
        keyboards.code_sent(NMEC),
    )


def link_offer() -> tuple[str, InlineKeyboardMarkup]:
    """What the programme menu shows for 医师资格考试: how linking works, and its one button."""
    text = _(
        "{programme}. Your exam registration must already have been made on the NMEC site. "
        "To link it to this chat, enter its registration number and your ID number; a code is "
        "then texted to the mobile number given in the registration."
    ).format(programme=programme(NMEC).official_name)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Link my exam registration"), callback_data=AccountCb(action="link", code=NMEC))
    return text, builder.as_markup()


def linked_text(registration_number: str) -> str:
    return _("{programme}: this chat is linked to the exam registration {number}.").format(
        programme=programme(NMEC).official_name, number=registration_number
    )


def get_router() -> Router:
    router = Router(name="nmec-link")

    @router.callback_query(AccountCb.filter((F.action == "link") & (F.code == NMEC)))
    async def on_link(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        account = await account_of(turn.uow, turn.user_id, NMEC)
        if account is not None:
            await turn.say(linked_text(account.username))
            return
        await turn.state.set_data({"programme": NMEC})
        await FLOW.ask(turn.bot, turn.state, NmecLink.registration_number)

    @router.message(NmecLink.registration_number, F.text)
    async def on_number(message: Message, turn: Turn) -> None:
        rules = programme(NMEC).registration_number
        number = registrations.parse_registration_number(message.text or "", rules)
        if isinstance(number, Problem):
            await message.answer(render.problem(number))
            return
        await turn.state.update_data(registration_number=number)
        await FLOW.ask(turn.bot, turn.state, NmecLink.id_number)

    @router.message(NmecLink.id_number, F.text)
    async def on_id_number(message: Message, turn: Turn) -> None:
        await _start(turn, message.text or "")

    @router.callback_query(NmecLink.sms_code, AccountCb.filter((F.action == "resend") & (F.code == NMEC)))
    async def on_resend(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _start(turn, str((await turn.data()).get("id_number", "")))

    @router.callback_query(NmecLink.sms_code, AccountCb.filter((F.action == "mobile") & (F.code == NMEC)))
    async def on_change_mobile(query: CallbackQuery) -> None:
        await query.answer(
            _(
                "The code goes to the mobile number of your exam registration. If it has changed, "
                "ask your exam site to correct the registration."
            ),
            show_alert=True,
        )

    @router.message(NmecLink.sms_code, F.text)
    async def on_code(message: Message, turn: Turn, i18n: I18n) -> None:
        number = str((await turn.data()).get("registration_number", ""))
        outcome = await registrations.confirm_link(
            turn.uow, turn.clock, turn.user_id, number, message.text or ""
        )
        if isinstance(outcome, registrations.Linked):
            await turn.state.clear()
            await message.answer(_linked(outcome))
            if outcome.previous_holder is not None:
                await _tell_previous_holder(turn, i18n, outcome.previous_holder)
        elif isinstance(outcome, registrations.AlreadyLinkedHere):
            await turn.state.clear()
            await message.answer(linked_text(outcome.registration_number))
        elif isinstance(outcome, registrations.NoMatch):
            await FLOW.ask(turn.bot, turn.state, NmecLink.registration_number, _no_match())
        else:
            await refuse_code(turn, outcome, NMEC)

    return router


async def _start(turn: Turn, raw_id_number: str) -> None:
    """Step 2 and "resend": find the registration and text the code to its mobile on record."""
    number = str((await turn.data()).get("registration_number", ""))
    outcome = await registrations.start_link(
        turn.uow, turn.clock, turn.sms, turn.user_id, number, raw_id_number
    )
    if isinstance(outcome, Problem):
        await turn.say(render.problem(outcome))
    elif isinstance(outcome, registrations.NoMatch):
        await FLOW.ask(turn.bot, turn.state, NmecLink.registration_number, _no_match())
    elif isinstance(outcome, registrations.AlreadyLinkedHere):
        await turn.state.clear()
        await turn.say(linked_text(outcome.registration_number))
    elif isinstance(outcome, registrations.LinkStarted):
        # The ID number is kept for "resend" only; the mobile only masked.
        await turn.state.update_data(
            id_number=raw_id_number.strip()[:32], masked_mobile=outcome.masked_mobile
        )
        await FLOW.ask(turn.bot, turn.state, NmecLink.sms_code)
    else:
        await refuse_code(turn, outcome, NMEC)


def _no_match() -> str:
    return _(
        "No exam registration has this registration number together with this ID number. "
        "Check both against your registration on the NMEC site and enter them again."
    )


def _linked(linked: registrations.Linked) -> str:
    registration = linked.registration
    return _(
        "Linked: this chat now holds your exam registration {number} ({region}, {site}, {category})."
    ).format(
        number=registration.registration_number,
        region=registrations.region_name(registration.exam_region),
        site=registration.exam_site,
        category=registration.category,
    )


async def _tell_previous_holder(turn: Turn, i18n: I18n, previous: ChatUser) -> None:
    """In the previous holder's language; a chat that blocked the bot or is gone is not an error."""
    if previous.channel != Channel.TELEGRAM:
        return
    with i18n.use_locale(previous.language(i18n.default_locale)):
        text = _(
            "Your {programme} account is now used from another Telegram account. If that was not you, "
            "link your exam registration again here: the code goes to your mobile."
        ).format(programme=programme(NMEC).official_name)
    with suppress(TelegramForbiddenError, TelegramBadRequest):
        await turn.bot.send_message(int(previous.external_id), text)
