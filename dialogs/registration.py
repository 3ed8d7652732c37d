"""学员注册 of 广东住培 (seed 000 §一) in chat: name + ID number, username + password, mobile + SMS code."""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import password_confirmed, sms_refusal, take_new_password
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.states import GdRegistration
from domain import registration
from domain.accounts import CodeAccepted, CodeSent, confirm_code, send_code
from domain.clock import Clock
from domain.masking import mask_mobile
from domain.model import ChatUser, SmsPurpose
from domain.names import parse_real_name
from domain.phones import parse_mobile
from domain.ports import SmsSender, UnitOfWork
from domain.problems import Problem
from domain.programmes import programme
from domain.text import N_

GD = "gd-residency"
TOTAL = 7
FLOW = Flow(N_("registration"))


def _password_rules() -> str:
    policy = programme(GD).password_policy
    return _("{min}–{max} characters, with at least one letter and one digit").format(
        min=policy.min_length, max=policy.max_length
    )


@FLOW.add(GdRegistration.real_name, 1, TOTAL)
def _ask_name(data: dict[str, Any]) -> Question:
    return Question(_("Your name, exactly as on your ID card:"))


@FLOW.add(GdRegistration.id_number, 2, TOTAL)
def _ask_id_number(data: dict[str, Any]) -> Question:
    return Question(_("Your 18-digit resident ID number:"))


@FLOW.add(GdRegistration.username, 3, TOTAL)
def _ask_username(data: dict[str, Any]) -> Question:
    return Question(
        _("Choose a username for logging in (4–30 letters, digits or _, starting with a letter):")
    )


@FLOW.add(GdRegistration.password, 4, TOTAL)
def _ask_password(data: dict[str, Any]) -> Question:
    return Question(
        _("Choose a password ({rules}). I delete your message as soon as I have read it.").format(
            rules=_password_rules()
        )
    )


@FLOW.add(GdRegistration.password_confirm, 5, TOTAL)
def _ask_password_again(data: dict[str, Any]) -> Question:
    return Question(_("Enter the password again to confirm it:"))


@FLOW.add(GdRegistration.mobile, 6, TOTAL)
def _ask_mobile(data: dict[str, Any]) -> Question:
    return Question(_("Your mobile number (11 digits). I will text you a 6-digit code:"))


@FLOW.add(GdRegistration.sms_code, 7, TOTAL)
def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _("Enter the 6-digit code texted to {mobile}. It is valid for 5 minutes.").format(
            mobile=mask_mobile(str(data.get("mobile", "")))
        ),
        keyboards.code_sent(GD),
    )


async def start(bot: Bot, state: FSMContext) -> None:
    await state.set_data({"programme": GD})
    intro = _("Registration for {programme}. Have your ID card and your mobile phone at hand.").format(
        programme=programme(GD).official_name
    )
    await FLOW.ask(bot, state, GdRegistration.real_name, intro)


def get_router() -> Router:
    router = Router(name="gd-registration")

    @router.callback_query(AccountCb.filter((F.action == "register") & (F.code == GD)))
    async def on_register(
        query: CallbackQuery, bot: Bot, state: FSMContext, uow: UnitOfWork, user: ChatUser
    ) -> None:
        await query.answer()
        account = await registration.account_of(uow, user.id or 0, GD)
        if account is not None:
            await bot.send_message(
                state.key.chat_id,
                _("This chat already holds the account {username}.").format(username=account.username),
            )
            return
        await start(bot, state)

    @router.message(GdRegistration.real_name, F.text)
    async def on_name(message: Message, bot: Bot, state: FSMContext) -> None:
        name = parse_real_name(message.text or "")
        if isinstance(name, Problem):
            await message.answer(render.problem(name))
            return
        await state.update_data(real_name=name)
        await FLOW.ask(bot, state, GdRegistration.id_number)

    @router.message(GdRegistration.id_number, F.text)
    async def on_id_number(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock
    ) -> None:
        outcome = await registration.check_identity(uow, GD, message.text or "", clock.now().date())
        if isinstance(outcome, Problem):
            await message.answer(render.problem(outcome))
        elif isinstance(outcome, registration.IdAlreadyRegistered):
            await state.clear()
            await message.answer(
                _(
                    "This ID number is already registered. One ID number can hold only one account: "
                    "if it is yours, recover its password."
                ),
                reply_markup=keyboards.log_in_or_recover(GD),
            )
        else:
            await state.update_data(id_number=outcome.number)
            await FLOW.ask(bot, state, GdRegistration.username)

    @router.message(GdRegistration.username, F.text)
    async def on_username(message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork) -> None:
        username = await registration.check_username(uow, GD, message.text or "")
        if isinstance(username, Problem):
            await message.answer(render.problem(username))
            return
        await state.update_data(username=username)
        await FLOW.ask(bot, state, GdRegistration.password)

    @router.message(GdRegistration.password)
    async def on_password(message: Message, bot: Bot, state: FSMContext) -> None:
        if await take_new_password(message, state, programme(GD).password_policy):
            await FLOW.ask(bot, state, GdRegistration.password_confirm)

    @router.message(GdRegistration.password_confirm)
    async def on_password_again(message: Message, bot: Bot, state: FSMContext) -> None:
        if await password_confirmed(message, state):
            await FLOW.ask(bot, state, GdRegistration.mobile)
        else:
            await FLOW.ask(
                bot, state, GdRegistration.password, _("The two passwords differ. Please choose again.")
            )

    @router.message(GdRegistration.mobile, F.text)
    async def on_mobile(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        mobile = parse_mobile(message.text or "")
        if isinstance(mobile, Problem):
            await message.answer(render.problem(mobile))
            return
        await state.update_data(mobile=mobile)
        await _send_code(bot, state, uow, clock, sms_sender, user, mobile)

    @router.callback_query(GdRegistration.sms_code, AccountCb.filter((F.action == "resend") & (F.code == GD)))
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
        mobile = str((await state.get_data()).get("mobile", ""))
        await _send_code(bot, state, uow, clock, sms_sender, user, mobile)

    @router.callback_query(GdRegistration.sms_code, AccountCb.filter((F.action == "mobile") & (F.code == GD)))
    async def on_change_mobile(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await FLOW.ask(bot, state, GdRegistration.mobile)

    @router.message(GdRegistration.sms_code, F.text)
    async def on_code(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        outcome = await confirm_code(uow, clock, user.id or 0, SmsPurpose.REGISTER, message.text or "")
        if not isinstance(outcome, CodeAccepted):
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(GD))
            return
        await _finish(message, bot, state, uow, clock, user)

    return router


async def _send_code(
    bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, sender: SmsSender, user: ChatUser, mobile: str
) -> None:
    outcome = await send_code(uow, clock, sender, user.id or 0, SmsPurpose.REGISTER, mobile)
    if isinstance(outcome, CodeSent):
        await FLOW.ask(bot, state, GdRegistration.sms_code)
    else:
        await bot.send_message(state.key.chat_id, sms_refusal(outcome), reply_markup=keyboards.code_sent(GD))


async def _finish(
    message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
) -> None:
    data = await state.get_data()
    draft = registration.RegistrationDraft(
        real_name=data["real_name"],
        id_number=data["id_number"],
        username=data["username"],
        password_hash=data["password_hash"],
        mobile=data["mobile"],
    )
    outcome = await registration.register(uow, clock, user.id or 0, GD, draft)
    if isinstance(outcome, Problem):
        await FLOW.ask(bot, state, GdRegistration.username, render.problem(outcome))
    elif isinstance(outcome, registration.MobileNotVerified):
        await FLOW.ask(bot, state, GdRegistration.mobile)
    elif isinstance(outcome, registration.IdAlreadyRegistered):
        await state.clear()
        await message.answer(
            _("This ID number was registered meanwhile. Recover the password if the account is yours."),
            reply_markup=keyboards.log_in_or_recover(GD),
        )
    else:
        await state.clear()
        await message.answer(
            _("Registration complete. Your login name is {username}. Keep your password safe.").format(
                username=outcome.username
            )
        )
