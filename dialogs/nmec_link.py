"""授权 of 医师资格考试 (seed 001): link this chat to an exam registration made on the NMEC site.

Registration number, ID number, then the SMS code texted to the mobile on record. The
registrations were imported by an operator (``baoming registrations import``).
"""

from contextlib import suppress
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import keyboards, render
from dialogs.account_steps import sms_refusal
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from domain import exam_registrations as registrations
from domain.clock import Clock
from domain.model import Channel, ChatUser
from domain.ports import SmsSender, UnitOfWork
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
    async def on_link(
        query: CallbackQuery, bot: Bot, state: FSMContext, uow: UnitOfWork, user: ChatUser
    ) -> None:
        await query.answer()
        account = await account_of(uow, user.id or 0, NMEC)
        if account is not None:
            await bot.send_message(state.key.chat_id, linked_text(account.username))
            return
        await state.set_data({"programme": NMEC})
        await FLOW.ask(bot, state, NmecLink.registration_number)

    @router.message(NmecLink.registration_number, F.text)
    async def on_number(message: Message, bot: Bot, state: FSMContext) -> None:
        rules = programme(NMEC).registration_number
        number = registrations.parse_registration_number(message.text or "", rules)
        if isinstance(number, Problem):
            await message.answer(render.problem(number))
            return
        await state.update_data(registration_number=number)
        await FLOW.ask(bot, state, NmecLink.id_number)

    @router.message(NmecLink.id_number, F.text)
    async def on_id_number(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await _start(message.text or "", bot, state, uow, clock, sms_sender, user)

    @router.callback_query(NmecLink.sms_code, AccountCb.filter((F.action == "resend") & (F.code == NMEC)))
    async def on_resend(
        query: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await query.answer()
        id_number = str((await state.get_data()).get("id_number", ""))
        await _start(id_number, bot, state, uow, clock, sms_sender, user)

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
    async def on_code(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        user: ChatUser,
        i18n: I18n,
    ) -> None:
        number = str((await state.get_data()).get("registration_number", ""))
        outcome = await registrations.confirm_link(uow, clock, user.id or 0, number, message.text or "")
        if isinstance(outcome, registrations.Linked):
            await state.clear()
            await message.answer(_linked(outcome))
            if outcome.previous_holder is not None:
                await _tell_previous_holder(bot, i18n, outcome.previous_holder)
        elif isinstance(outcome, registrations.AlreadyLinkedHere):
            await state.clear()
            await message.answer(linked_text(outcome.registration_number))
        elif isinstance(outcome, registrations.NoMatch):
            await FLOW.ask(bot, state, NmecLink.registration_number, _no_match())
        else:
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(NMEC))

    return router


async def _start(
    raw_id_number: str,
    bot: Bot,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    sender: SmsSender,
    user: ChatUser,
) -> None:
    """Step 2 and "resend": find the registration and text the code to its mobile on record."""
    number = str((await state.get_data()).get("registration_number", ""))
    outcome = await registrations.start_link(uow, clock, sender, user.id or 0, number, raw_id_number)
    chat_id = state.key.chat_id
    if isinstance(outcome, Problem):
        await bot.send_message(chat_id, render.problem(outcome))
    elif isinstance(outcome, registrations.NoMatch):
        await FLOW.ask(bot, state, NmecLink.registration_number, _no_match())
    elif isinstance(outcome, registrations.AlreadyLinkedHere):
        await state.clear()
        await bot.send_message(chat_id, linked_text(outcome.registration_number))
    elif isinstance(outcome, registrations.LinkStarted):
        # The ID number is kept for "resend" only; the mobile only masked.
        await state.update_data(id_number=raw_id_number.strip()[:32], masked_mobile=outcome.masked_mobile)
        await FLOW.ask(bot, state, NmecLink.sms_code)
    else:
        await bot.send_message(chat_id, sms_refusal(outcome), reply_markup=keyboards.code_sent(NMEC))


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


async def _tell_previous_holder(bot: Bot, i18n: I18n, previous: ChatUser) -> None:
    """In the previous holder's language; a chat that blocked the bot or is gone is not an error."""
    if previous.channel != Channel.TELEGRAM:
        return
    with i18n.use_locale(previous.locale or i18n.default_locale):
        text = _(
            "Your {programme} account is now used from another Telegram account. If that was not you, "
            "link your exam registration again here: the code goes to your mobile."
        ).format(programme=programme(NMEC).official_name)
    with suppress(TelegramForbiddenError, TelegramBadRequest):
        await bot.send_message(int(previous.external_id), text)
