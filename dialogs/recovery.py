"""忘记密码 (seed 000 §一, the way out of "证件号码已注册"): a code to the mobile on record, a new password.

The seed's web systems differ here (seed 002 texts the old password); we never send a password,
only a one-time code, and let the applicant choose a new one. 天津高职升本's question says why.
"""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards
from dialogs.account_steps import (
    PASSWORD_HASH,
    explain_mobile_on_record,
    password_confirmed,
    sms_refusal,
    take_new_password,
    tell_previous_holder,
)
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.registration import ACCOUNT_PROGRAMMES, GD
from dialogs.states import PasswordRecovery
from domain import registration
from domain.accounts import CodeAccepted, confirm_code
from domain.clock import Clock
from domain.masking import mask_mobile
from domain.model import ChatUser, SmsPurpose
from domain.ports import SmsSender, UnitOfWork
from domain.programmes import programme
from domain.registration import login_name
from domain.text import N_

TOTAL = 4
FLOW = Flow(N_("password recovery"))


@FLOW.add(PasswordRecovery.identifier, 1, TOTAL)
def _ask_identifier(data: dict[str, Any]) -> Question:
    if programme(_code(data)).login_by_id_number:
        return Question(
            _(
                "Password recovery. The web system texts you your password; I never send a password: "
                "I text you a one-time code, then you choose a new password. "
                "Enter the ID number of your account:"
            )
        )
    return Question(_("Password recovery. Enter the ID number or the username of your account:"))


def _code(data: dict[str, Any]) -> str:
    code = str(data.get("programme", GD))
    return code if code in ACCOUNT_PROGRAMMES else GD


@FLOW.add(PasswordRecovery.sms_code, 2, TOTAL)
def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "Enter the 6-digit code texted to the mobile on record, {mobile}. It is valid for 5 minutes."
        ).format(mobile=mask_mobile(str(data.get("mobile", "")))),
        keyboards.code_sent(_code(data)),
    )


@FLOW.add(PasswordRecovery.new_password, 3, TOTAL)
def _ask_new_password(data: dict[str, Any]) -> Question:
    policy = programme(_code(data)).password_policy
    return Question(
        _(
            "Choose a new password ({min}–{max} characters, with at least one letter and one digit). "
            "I delete your message as soon as I have read it."
        ).format(min=policy.min_length, max=policy.max_length)
    )


@FLOW.add(PasswordRecovery.new_password_confirm, 4, TOTAL)
def _ask_new_password_again(data: dict[str, Any]) -> Question:
    return Question(_("Enter the new password again to confirm it:"))


def get_router() -> Router:
    router = Router(name="password-recovery")

    ours = F.code.in_(ACCOUNT_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "recover") & ours))
    async def on_recover(query: CallbackQuery, callback_data: AccountCb, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await state.set_data({"programme": callback_data.code})
        await FLOW.ask(bot, state, PasswordRecovery.identifier)

    @router.message(PasswordRecovery.identifier, F.text)
    async def on_identifier(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await _start(message.text or "", bot, state, uow, clock, sms_sender, user)

    @router.callback_query(PasswordRecovery.sms_code, AccountCb.filter((F.action == "resend") & ours))
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
        await _start(
            str((await state.get_data()).get("identifier", "")), bot, state, uow, clock, sms_sender, user
        )

    @router.callback_query(PasswordRecovery.sms_code, AccountCb.filter((F.action == "mobile") & ours))
    async def on_change_mobile(query: CallbackQuery) -> None:
        await explain_mobile_on_record(query)

    @router.message(PasswordRecovery.sms_code, F.text)
    async def on_code(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        outcome = await confirm_code(uow, clock, user.id or 0, SmsPurpose.RECOVER, message.text or "")
        if isinstance(outcome, CodeAccepted):
            await FLOW.ask(bot, state, PasswordRecovery.new_password)
        else:
            code = _code(await state.get_data())
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(code))

    @router.message(PasswordRecovery.new_password)
    async def on_new_password(message: Message, bot: Bot, state: FSMContext) -> None:
        policy = programme(_code(await state.get_data())).password_policy
        if await take_new_password(message, state, policy):
            await FLOW.ask(bot, state, PasswordRecovery.new_password_confirm)

    @router.message(PasswordRecovery.new_password_confirm)
    async def on_new_password_again(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        user: ChatUser,
        i18n: I18n,
    ) -> None:
        if not await password_confirmed(message, state):
            await FLOW.ask(
                bot, state, PasswordRecovery.new_password, _("The two passwords differ. Please choose again.")
            )
            return
        data = await state.get_data()
        outcome = await registration.reset_password(
            uow, clock, user.id or 0, int(data.get("account_id", 0)), str(data[PASSWORD_HASH])
        )
        if isinstance(outcome, registration.MobileNotVerified):
            await FLOW.ask(
                bot, state, PasswordRecovery.identifier, _("The code is no longer valid. Please start again.")
            )
            return
        await state.clear()
        if isinstance(outcome, registration.NoSuchAccount):
            await message.answer(_("No account matches. Please start again with /start."))
            return
        await message.answer(
            _("Your password has been changed. Your login name is {username}.").format(
                username=login_name(outcome.account)
            )
        )
        await tell_previous_holder(bot, i18n, outcome.previous, outcome.account)

    return router


async def _start(
    identifier: str,
    bot: Bot,
    state: FSMContext,
    uow: UnitOfWork,
    clock: Clock,
    sender: SmsSender,
    user: ChatUser,
) -> None:
    code = _code(await state.get_data())
    outcome = await registration.start_recovery(uow, clock, sender, user.id or 0, code, identifier)
    if isinstance(outcome, registration.NoSuchAccount):
        await bot.send_message(
            state.key.chat_id, no_such_account(code), reply_markup=keyboards.account_entry(code)
        )
        return
    if isinstance(outcome, registration.RecoveryStarted):
        await state.update_data(
            identifier=identifier.strip()[:64], account_id=outcome.account_id, mobile=outcome.sent.mobile
        )
        await FLOW.ask(bot, state, PasswordRecovery.sms_code)
        return
    await bot.send_message(state.key.chat_id, sms_refusal(outcome), reply_markup=keyboards.code_sent(code))


def no_such_account(code: str) -> str:
    """The answer to a login name nobody registered in the programme ``code``."""
    if programme(code).login_by_id_number:
        return _("No account of {programme} has this ID number. Check it, or register.").format(
            programme=programme(code).official_name
        )
    return _("No account of {programme} has this ID number or username. Check it, or register.").format(
        programme=programme(code).official_name
    )
