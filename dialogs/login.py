"""登录 (广东住培, 天津高职升本) from any Telegram account; the chat that held the account is told."""

from datetime import datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import (
    delete_password_message,
    explain_mobile_on_record,
    sms_refusal,
    tell_previous_holder,
)
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question, aside
from dialogs.recovery import no_such_account
from dialogs.registration import ACCOUNT_PROGRAMMES, GD
from dialogs.states import Login
from domain import login, registration
from domain.clock import Clock
from domain.masking import mask_mobile
from domain.model import ChatUser
from domain.ports import SmsSender, UnitOfWork
from domain.programmes import programme
from domain.text import N_

TOTAL = 2
FLOW = Flow(N_("log-in"))
FAILURES = "login_failures"  # this chat's wrong log-ins (ISO times), for the per-chat limit


def _limits(state: FSMContext) -> FSMContext:
    return aside(state, "login")


@FLOW.add(Login.identifier, 1, TOTAL)
def _ask_identifier(data: dict[str, Any]) -> Question:
    if programme(_code(data)).login_by_id_number:  # seed 002: a 考生 logs in with the ID number
        return Question(_("Log in. Enter the ID number of your account:"))
    return Question(_("Log in. Enter the ID number or the username of your account:"))


def _code(data: dict[str, Any]) -> str:
    code = str(data.get("programme", GD))
    return code if code in ACCOUNT_PROGRAMMES else GD


@FLOW.add(Login.password, 2, TOTAL)
def _ask_password(data: dict[str, Any]) -> Question:
    return Question(
        _("Enter your password. I delete your message as soon as I have read it."),
        keyboards.password_or_code(_code(data)),
    )


@FLOW.add(Login.sms_code, 2, TOTAL)
def _ask_code(data: dict[str, Any]) -> Question:
    return Question(
        _(
            "Enter the 6-digit code texted to the mobile on record, {mobile}. It is valid for 5 minutes."
        ).format(mobile=mask_mobile(str(data.get("mobile", "")))),
        keyboards.code_sent(_code(data)),
    )


def _refusal(code: str, outcome: login.WrongCredentials | login.LoginLocked) -> str:
    if isinstance(outcome, login.LoginLocked):
        return _("Too many wrong log-ins. Logging in is locked until {time}.").format(
            time=render.beijing_time(outcome.until)
        )
    if programme(code).login_by_id_number:
        return _("The ID number and the password do not match. {tries} tries left.").format(
            tries=outcome.tries_left
        )
    return _("The ID number or username and the password do not match. {tries} tries left.").format(
        tries=outcome.tries_left
    )


async def _welcome_back(bot: Bot, state: FSMContext, i18n: I18n, outcome: login.LoggedIn) -> None:
    await state.clear()
    official_name = programme(outcome.account.programme).official_name
    shown = registration.login_name(outcome.account)
    await bot.send_message(
        state.key.chat_id,
        _("You are logged in to {programme} as {username}.").format(programme=official_name, username=shown),
    )
    await tell_previous_holder(bot, i18n, outcome.previous, outcome.account)


def get_router() -> Router:
    router = Router(name="login")

    ours = F.code.in_(ACCOUNT_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "login") & ours))
    async def on_login(query: CallbackQuery, callback_data: AccountCb, bot: Bot, state: FSMContext) -> None:
        await query.answer()
        await state.set_data({"programme": callback_data.code})
        await FLOW.ask(bot, state, Login.identifier)

    @router.message(Login.identifier, F.text)
    async def on_identifier(message: Message, bot: Bot, state: FSMContext) -> None:
        await state.update_data(identifier=(message.text or "").strip()[:64])
        await FLOW.ask(bot, state, Login.password)

    @router.message(Login.password)
    async def on_password(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        user: ChatUser,
        i18n: I18n,
    ) -> None:
        await delete_password_message(message)
        data = await state.get_data()
        recorded = (await _limits(state).get_data()).get(FAILURES, [])
        failures = [datetime.fromisoformat(moment) for moment in recorded]
        code = _code(data)
        outcome = await login.log_in_with_password(
            uow, clock, user.id or 0, code, str(data.get("identifier", "")), message.text or "", failures
        )
        if isinstance(outcome, login.LoggedIn):
            await _welcome_back(bot, state, i18n, outcome)
            return
        if isinstance(outcome, login.WrongCredentials):
            await _limits(state).update_data({FAILURES: [*recorded[-20:], clock.now().isoformat()]})
        await FLOW.ask(bot, state, Login.identifier, _refusal(code, outcome))

    @router.callback_query(Login.password, AccountCb.filter((F.action == "login_sms") & ours))
    @router.callback_query(Login.sms_code, AccountCb.filter((F.action == "resend") & ours))
    async def on_send_code(
        query: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        sms_sender: SmsSender,
        user: ChatUser,
    ) -> None:
        await query.answer()
        data = await state.get_data()
        code = _code(data)
        identifier = str(data.get("identifier", ""))
        outcome = await login.send_login_code(uow, clock, sms_sender, user.id or 0, code, identifier)
        if isinstance(outcome, registration.NoSuchAccount):
            await FLOW.ask(bot, state, Login.identifier, no_such_account(code))
        elif isinstance(outcome, registration.CodeOnRecordSent):
            await state.update_data(account_id=outcome.account_id, mobile=outcome.sent.mobile)
            await FLOW.ask(bot, state, Login.sms_code)
        else:
            await bot.send_message(
                state.key.chat_id, sms_refusal(outcome), reply_markup=keyboards.code_sent(code)
            )

    @router.callback_query(Login.sms_code, AccountCb.filter((F.action == "mobile") & ours))
    async def on_change_mobile(query: CallbackQuery) -> None:
        await explain_mobile_on_record(query)

    @router.message(Login.sms_code, F.text)
    async def on_code(
        message: Message,
        bot: Bot,
        state: FSMContext,
        uow: UnitOfWork,
        clock: Clock,
        user: ChatUser,
        i18n: I18n,
    ) -> None:
        account_id = int((await state.get_data()).get("account_id", 0))
        outcome = await login.log_in_with_code(uow, clock, user.id or 0, account_id, message.text or "")
        if isinstance(outcome, login.LoggedIn):
            await _welcome_back(bot, state, i18n, outcome)
        elif isinstance(outcome, registration.NoSuchAccount):
            await FLOW.ask(
                bot, state, Login.identifier, _("The code is no longer valid. Please start again.")
            )
        else:
            code = _code(await state.get_data())
            await message.answer(sms_refusal(outcome), reply_markup=keyboards.code_sent(code))

    return router
