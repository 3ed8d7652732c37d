"""登录 (广东住培, 天津高职升本, 同等学力申硕) from any Telegram account; the chat that held the account
is told. A 同等学力申硕 account logs in only once its e-mail has activated it."""

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from dialogs import keyboards, render
from dialogs.account_steps import (
    delete_password_message,
    explain_mobile_on_record,
    refuse_code,
    tell_previous_holder,
)
from dialogs.keyboards import AccountCb
from dialogs.prompts import Flow, Question, aside
from dialogs.recovery import ask_code_on_record, no_such_account
from dialogs.registration import ACCOUNT_PROGRAMMES, account_programme
from dialogs.states import Login
from dialogs.turn import Turn
from domain import email_accounts, login, registration
from domain.programmes import programme
from domain.text import N_

TOTAL = 2
FLOW = Flow(N_("log-in"))
FAILURES = "login_failures"  # this chat's wrong log-ins (ISO times), for the per-chat limit


def _limits(turn: Turn) -> FSMContext:
    return aside(turn.state, "login")


@FLOW.add(Login.identifier, 1, TOTAL)
def _ask_identifier(data: dict[str, Any]) -> Question:
    if programme(account_programme(data)).login_by_id_number:  # seed 002: a 考生 logs in with the ID number
        return Question(_("Log in. Enter the ID number of your account:"))
    return Question(_("Log in. Enter the ID number or the username of your account:"))


@FLOW.add(Login.password, 2, TOTAL)
def _ask_password(data: dict[str, Any]) -> Question:
    return Question(
        _("Enter your password. I delete your message as soon as I have read it."),
        keyboards.password_or_code(account_programme(data)),
    )


FLOW.add(Login.sms_code, 2, TOTAL)(ask_code_on_record)


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


def _not_activated(outcome: login.NotActivated) -> str:
    return _(
        "The account {username} is not activated yet: open the link of its activation e-mail, or type its "
        "code in the chat where you registered. An account not activated is deleted at {time}."
    ).format(
        username=registration.login_name(outcome.account),
        time=render.beijing_time(email_accounts.purge_at(outcome.account)),
    )


async def _welcome_back(turn: Turn, i18n: I18n, outcome: login.LoggedIn) -> None:
    await turn.state.clear()
    official_name = programme(outcome.account.programme).official_name
    shown = registration.login_name(outcome.account)
    await turn.say(
        _("You are logged in to {programme} as {username}.").format(programme=official_name, username=shown)
    )
    await tell_previous_holder(turn, i18n, outcome.previous, outcome.account)


def get_router() -> Router:
    router = Router(name="login")

    ours = F.code.in_(ACCOUNT_PROGRAMMES)

    @router.callback_query(AccountCb.filter((F.action == "login") & ours))
    async def on_login(query: CallbackQuery, callback_data: AccountCb, turn: Turn) -> None:
        await query.answer()
        await turn.state.set_data({"programme": callback_data.code})
        await FLOW.ask(turn.bot, turn.state, Login.identifier)

    @router.message(Login.identifier, F.text)
    async def on_identifier(message: Message, turn: Turn) -> None:
        await turn.state.update_data(identifier=(message.text or "").strip()[:64])
        await FLOW.ask(turn.bot, turn.state, Login.password)

    @router.message(Login.password)
    async def on_password(message: Message, turn: Turn, i18n: I18n) -> None:
        await delete_password_message(message)
        data = await turn.data()
        recorded = (await _limits(turn).get_data()).get(FAILURES, [])
        failures = [datetime.fromisoformat(moment) for moment in recorded]
        code = account_programme(data)
        identifier, password = str(data.get("identifier", "")), message.text or ""
        outcome = await login.log_in_with_password(
            turn.uow, turn.clock, turn.user_id, code, identifier, password, failures
        )
        if isinstance(outcome, login.LoggedIn):
            await _welcome_back(turn, i18n, outcome)
            return
        if isinstance(outcome, login.NotActivated):
            await turn.state.clear()
            await turn.say(_not_activated(outcome))
            return
        if isinstance(outcome, login.WrongCredentials):
            await _limits(turn).update_data({FAILURES: [*recorded[-20:], turn.clock.now().isoformat()]})
        await FLOW.ask(turn.bot, turn.state, Login.identifier, _refusal(code, outcome))

    @router.callback_query(Login.password, AccountCb.filter((F.action == "login_sms") & ours))
    @router.callback_query(Login.sms_code, AccountCb.filter((F.action == "resend") & ours))
    async def on_send_code(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        data = await turn.data()
        code = account_programme(data)
        identifier = str(data.get("identifier", ""))
        outcome = await login.send_login_code(turn.uow, turn.clock, turn.sms, turn.user_id, code, identifier)
        if isinstance(outcome, registration.NoSuchAccount):
            await FLOW.ask(turn.bot, turn.state, Login.identifier, no_such_account(code))
        elif isinstance(outcome, registration.CodeOnRecordSent):
            await turn.state.update_data(account_id=outcome.account_id, mobile=outcome.sent.mobile)
            await FLOW.ask(turn.bot, turn.state, Login.sms_code)
        else:
            await refuse_code(turn, outcome, code)

    router.callback_query.register(
        explain_mobile_on_record, Login.sms_code, AccountCb.filter((F.action == "mobile") & ours)
    )

    @router.message(Login.sms_code, F.text)
    async def on_code(message: Message, turn: Turn, i18n: I18n) -> None:
        data = await turn.data()
        account_id = int(data.get("account_id", 0))
        outcome = await login.log_in_with_code(
            turn.uow, turn.clock, turn.user_id, account_id, message.text or ""
        )
        if isinstance(outcome, login.LoggedIn):
            await _welcome_back(turn, i18n, outcome)
        elif isinstance(outcome, registration.NoSuchAccount):
            note = _("The code is no longer valid. Please start again.")
            await FLOW.ask(turn.bot, turn.state, Login.identifier, note)
        elif isinstance(outcome, login.NotActivated):
            await turn.state.clear()
            await turn.say(_not_activated(outcome))
        else:
            await refuse_code(turn, outcome, account_programme(data))

    return router
