"""忘记密码 (seed 000 §一, the way out of "证件号码已注册"): a code to the mobile on record, a new password.

The seed's web systems differ here (seed 002 texts the old password); we never send a password,
only a one-time code, and let the applicant choose a new one. 天津高职升本's question says why.
"""

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards
from dialogs.account_steps import (
    PASSWORD_HASH,
    check_code,
    explain_mobile_on_record,
    password_confirmed,
    refuse_code,
    take_new_password,
    tell_previous_holder,
)
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question
from dialogs.registration import SMS_PROGRAMMES, account_programme
from dialogs.states import PasswordRecovery
from dialogs.turn import Turn
from domain import registration
from domain.masking import mask_mobile
from domain.model import SmsPurpose
from domain.programmes import programme
from domain.registration import login_name
from domain.text import N_

TOTAL = 4
FLOW = Flow(N_("password recovery"))


@FLOW.add(PasswordRecovery.identifier, 1, TOTAL)
def _ask_identifier(data: dict[str, Any]) -> Question:
    if programme(account_programme(data)).login_by_id_number:
        return Question(
            _(
                "Password recovery. The web system texts you your password; I never send a password: "
                "I text you a one-time code, then you choose a new password. "
                "Enter the ID number of your account:"
            )
        )
    return Question(_("Password recovery. Enter the ID number or the username of your account:"))


@FLOW.add(PasswordRecovery.sms_code, 2, TOTAL)
def ask_code_on_record(data: dict[str, Any]) -> Question:
    """The code step of recovery and log-in: the code went to the mobile the account has on record."""
    return Question(
        _(
            "Enter the 6-digit code texted to the mobile on record, {mobile}. It is valid for 5 minutes."
        ).format(mobile=mask_mobile(str(data.get("mobile", "")))),
        keyboards.code_sent(account_programme(data)),
    )


@FLOW.add(PasswordRecovery.new_password, 3, TOTAL)
def _ask_new_password(data: dict[str, Any]) -> Question:
    policy = programme(account_programme(data)).password_policy
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

    ours = F.code.in_(SMS_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "recover") & ours))
    async def on_recover(query: CallbackQuery, callback_data: AccountCb, turn: Turn) -> None:
        await query.answer()
        await turn.state.set_data({"programme": callback_data.code})
        await FLOW.ask(turn.bot, turn.state, PasswordRecovery.identifier)

    @router.message(PasswordRecovery.identifier, F.text)
    async def on_identifier(message: Message, turn: Turn) -> None:
        await _start(turn, message.text or "")

    @router.callback_query(PasswordRecovery.sms_code, AccountCb.filter((F.action == "resend") & ours))
    async def on_resend(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await _start(turn, str((await turn.data()).get("identifier", "")))

    router.callback_query.register(
        explain_mobile_on_record, PasswordRecovery.sms_code, AccountCb.filter((F.action == "mobile") & ours)
    )

    @router.message(PasswordRecovery.sms_code, F.text)
    async def on_code(message: Message, turn: Turn) -> None:
        code = account_programme(await turn.data())
        if await check_code(turn, SmsPurpose.RECOVER, message.text or "", code):
            await FLOW.ask(turn.bot, turn.state, PasswordRecovery.new_password)

    @router.message(PasswordRecovery.new_password)
    async def on_new_password(message: Message, turn: Turn) -> None:
        policy = programme(account_programme(await turn.data())).password_policy
        if await take_new_password(message, turn, policy):
            await FLOW.ask(turn.bot, turn.state, PasswordRecovery.new_password_confirm)

    @router.message(PasswordRecovery.new_password_confirm)
    async def on_new_password_again(message: Message, turn: Turn, i18n: I18n) -> None:
        if not await password_confirmed(message, turn):
            note = _("The two passwords differ. Please choose again.")
            await FLOW.ask(turn.bot, turn.state, PasswordRecovery.new_password, note)
            return
        data = await turn.data()
        outcome = await registration.reset_password(
            turn.uow, turn.clock, turn.user_id, int(data.get("account_id", 0)), str(data[PASSWORD_HASH])
        )
        if isinstance(outcome, registration.MobileNotVerified):
            note = _("The code is no longer valid. Please start again.")
            await FLOW.ask(turn.bot, turn.state, PasswordRecovery.identifier, note)
            return
        await turn.state.clear()
        if isinstance(outcome, registration.NoSuchAccount):
            await message.answer(_("No account matches. Please start again with /start."))
            return
        await message.answer(
            _("Your password has been changed. Your login name is {username}.").format(
                username=login_name(outcome.account)
            )
        )
        await tell_previous_holder(turn, i18n, outcome.previous, outcome.account)

    return router


async def _start(turn: Turn, identifier: str) -> None:
    """Step 1 and "resend": find the account and text the code to its mobile on record."""
    code = account_programme(await turn.data())
    outcome = await registration.start_recovery(
        turn.uow, turn.clock, turn.sms, turn.user_id, code, identifier
    )
    if isinstance(outcome, registration.NoSuchAccount):
        await turn.say(no_such_account(code), keyboards.account_entry(code))
    elif isinstance(outcome, registration.RecoveryStarted):
        await turn.state.update_data(
            identifier=identifier.strip()[:64], account_id=outcome.account_id, mobile=outcome.sent.mobile
        )
        await FLOW.ask(turn.bot, turn.state, PasswordRecovery.sms_code)
    else:
        await refuse_code(turn, outcome, code)


def no_such_account(code: str) -> str:
    """The answer to a login name nobody registered in the programme ``code``."""
    if programme(code).login_by_id_number:
        return _("No account of {programme} has this ID number. Check it, or register.").format(
            programme=programme(code).official_name
        )
    return _("No account of {programme} has this ID number or username. Check it, or register.").format(
        programme=programme(code).official_name
    )
