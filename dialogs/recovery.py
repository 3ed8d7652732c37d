"""忘记密码 (seed 000 §一, the way out of "证件号码已注册"): a code to the mobile on record, a new password.

The seed's web systems differ here (seed 002 texts the old password); we never send a password,
only a one-time code, and let the applicant choose a new one.
"""

from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards
from dialogs.account_steps import PASSWORD_HASH, password_confirmed, sms_refusal, take_new_password
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.registration import GD
from dialogs.states import PasswordRecovery
from domain import registration
from domain.accounts import CodeAccepted, confirm_code
from domain.clock import Clock
from domain.masking import mask_mobile
from domain.model import ChatUser, SmsPurpose
from domain.ports import SmsSender, UnitOfWork
from domain.programmes import programme
from domain.text import N_

TOTAL = 4
FLOW = Flow(N_("password recovery"))


@FLOW.add(PasswordRecovery.identifier, 1, TOTAL)
def _ask_identifier(data: dict[str, Any]) -> Question:
    return Question(_("Password recovery. Enter the ID number or the username of your account:"))


@FLOW.add(PasswordRecovery.sms_code, 2, TOTAL)
def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "Enter the 6-digit code texted to the mobile on record, {mobile}. It is valid for 5 minutes."
        ).format(mobile=mask_mobile(str(data.get("mobile", "")))),
        keyboards.code_sent(GD),
    )


@FLOW.add(PasswordRecovery.new_password, 3, TOTAL)
def _ask_new_password(data: dict[str, Any]) -> Question:
    policy = programme(GD).password_policy
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

    @router.callback_query(AccountCb.filter((F.action == "recover") & (F.code == GD)))
    async def on_recover(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await state.set_data({"programme": GD})
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

    @router.callback_query(
        PasswordRecovery.sms_code, AccountCb.filter((F.action == "resend") & (F.code == GD))
    )
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

    @router.callback_query(
        PasswordRecovery.sms_code, AccountCb.filter((F.action == "mobile") & (F.code == GD))
    )
    async def on_change_mobile(query: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await query.answer(
            _("The code goes to the mobile on record. If you no longer have it, call the help line."),
            show_alert=True,
        )

    @router.message(PasswordRecovery.sms_code, F.text)
    async def on_code(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
    ) -> None:
        outcome = await confirm_code(uow, clock, user.id or 0, SmsPurpose.RECOVER, message.text or "")
        if isinstance(outcome, CodeAccepted):
            await FLOW.ask(bot, state, PasswordRecovery.new_password)
        else:
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(GD))

    @router.message(PasswordRecovery.new_password)
    async def on_new_password(message: Message, bot: Bot, state: FSMContext) -> None:
        if await take_new_password(message, state, programme(GD).password_policy):
            await FLOW.ask(bot, state, PasswordRecovery.new_password_confirm)

    @router.message(PasswordRecovery.new_password_confirm)
    async def on_new_password_again(
        message: Message, bot: Bot, state: FSMContext, uow: UnitOfWork, clock: Clock, user: ChatUser
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
                username=outcome.username
            )
        )

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
    outcome = await registration.start_recovery(uow, clock, sender, user.id or 0, GD, identifier)
    if isinstance(outcome, registration.NoSuchAccount):
        await bot.send_message(
            state.key.chat_id,
            _("No account of {programme} has this ID number or username. Check it, or register.").format(
                programme=programme(GD).official_name
            ),
            reply_markup=keyboards.account_entry(GD),
        )
        return
    if isinstance(outcome, registration.RecoveryStarted):
        await state.update_data(
            identifier=identifier.strip()[:64], account_id=outcome.account_id, mobile=outcome.sent.mobile
        )
        await FLOW.ask(bot, state, PasswordRecovery.sms_code)
        return
    await bot.send_message(state.key.chat_id, sms_refusal(outcome), reply_markup=keyboards.code_sent(GD))
