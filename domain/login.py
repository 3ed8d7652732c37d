"""登录 from any chat: ID number or username + password, or an SMS code to the mobile on record.

An account is held by one chat at a time: logging in from another Telegram account moves it there,
and the dialog tells the chat that held it. Wrong passwords are limited per account (five since the
last successful log-in, within 15 minutes, lock it until the oldest of them is 15 minutes old; they
are counted from the audit trail, so every chat and every restart sees the same count) and per chat
(ten, whatever accounts they name, so that one chat cannot try account after account). Wrong SMS
codes are limited by domain/sms.py as everywhere.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import audit, credentials, sms
from domain.accounts import CodeAccepted, confirm_code, hand_over
from domain.clock import Clock
from domain.model import Account, AccountEvent, ChatUser, SmsPurpose
from domain.ports import SmsSender, UnitOfWork
from domain.programmes import catalog
from domain.registration import CodeOnRecordSent, NoSuchAccount, find_account, text_code_on_record

MAX_ACCOUNT_FAILURES = 5
MAX_CHAT_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
# Events after which earlier wrong passwords no longer count.
_FRESH_START = {AccountEvent.CREATED, AccountEvent.LOGGED_IN, AccountEvent.RECOVERED}


@dataclass(frozen=True)
class LoggedIn:
    account: Account
    previous: ChatUser | None  # the chat that held the account until now, if another one


@dataclass(frozen=True)
class WrongCredentials:
    """No account with that name and password. Which of the two was wrong is not said."""

    tries_left: int


@dataclass(frozen=True)
class LoginLocked:
    until: datetime


@dataclass(frozen=True)
class NotActivated:
    """Right credentials, but the account waits for its activation e-mail (seed 003)."""

    account: Account


def locked_until(failures: Sequence[datetime], limit: int, now: datetime) -> datetime | None:
    """Locked while ``limit`` failures lie within the window; then until the oldest of them leaves it."""
    recent = sorted(moment for moment in failures if now - moment < FAILURE_WINDOW)
    if len(recent) < limit:
        return None
    return recent[-limit] + FAILURE_WINDOW


def _tries_left(failures: Sequence[datetime], limit: int, now: datetime) -> int:
    return max(0, limit - sum(1 for moment in failures if now - moment < FAILURE_WINDOW))


async def _account_failures(uow: UnitOfWork, account_id: int) -> list[datetime]:
    failures: list[datetime] = []
    for entry in await uow.audit.of_account(account_id):  # oldest first
        if entry.kind in _FRESH_START:
            failures.clear()
        elif entry.kind == AccountEvent.LOGIN_FAILED:
            failures.append(entry.at)
    return failures


async def _bind(uow: UnitOfWork, clock: Clock, account: Account, user_id: int) -> ChatUser | None:
    """Give the account to this chat; return the chat that held it, if another one."""
    await audit.record(uow, clock, account.id or 0, AccountEvent.LOGGED_IN, user_id=user_id)
    return await hand_over(uow, clock, account, user_id)


async def log_in_with_password(
    uow: UnitOfWork,
    clock: Clock,
    user_id: int,
    programme_code: str,
    raw_identifier: str,
    password: str,
    chat_failures: Sequence[datetime],
) -> LoggedIn | WrongCredentials | LoginLocked | NotActivated:
    """``chat_failures``: this chat's earlier wrong log-ins (the dialog keeps them); on
    WrongCredentials the dialog adds one."""
    now = clock.now()
    chat_lock = locked_until(chat_failures, MAX_CHAT_FAILURES, now)
    if chat_lock is not None:
        return LoginLocked(chat_lock)
    chat_tries = _tries_left(chat_failures, MAX_CHAT_FAILURES, now) - 1
    account = await find_account(uow, programme_code, raw_identifier)
    if account is None or account.id is None:
        return WrongCredentials(chat_tries)
    async with uow:
        account = await uow.accounts.get(account.id)
        if account is None:
            return WrongCredentials(chat_tries)
        failures = await _account_failures(uow, account.id or 0)
        lock = locked_until(failures, MAX_ACCOUNT_FAILURES, now)
        if lock is not None:
            return LoginLocked(lock)
        # argon2 takes a noticeable fraction of a second: keep the event loop free meanwhile
        if not await asyncio.to_thread(credentials.verify_password, account.password_hash, password):
            await audit.record(uow, clock, account.id or 0, AccountEvent.LOGIN_FAILED, user_id=user_id)
            await uow.commit()
            account_tries = _tries_left([*failures, now], MAX_ACCOUNT_FAILURES, now)
            if account_tries == 0:
                return LoginLocked(locked_until([*failures, now], MAX_ACCOUNT_FAILURES, now) or now)
            return WrongCredentials(min(account_tries, chat_tries))
        if not account.is_active:
            return NotActivated(account)
        previous = await _bind(uow, clock, account, user_id)
        await uow.commit()
        return LoggedIn(account, previous)


async def send_login_code(
    uow: UnitOfWork, clock: Clock, sender: SmsSender, user_id: int, programme_code: str, raw_identifier: str
) -> CodeOnRecordSent | NoSuchAccount | sms.SendRefusal:
    return await text_code_on_record(
        uow, clock, sender, user_id, programme_code, raw_identifier, SmsPurpose.LOGIN
    )


async def log_in_with_code(
    uow: UnitOfWork, clock: Clock, user_id: int, account_id: int, entered: str
) -> LoggedIn | NoSuchAccount | NotActivated | sms.CheckRefusal:
    outcome = await confirm_code(uow, clock, user_id, SmsPurpose.LOGIN, entered)
    if not isinstance(outcome, CodeAccepted):
        return outcome
    async with uow:
        account = await uow.accounts.get(account_id)
        if account is None or account.mobile != outcome.mobile:  # the code proves this account's mobile only
            return NoSuchAccount()
        if not account.is_active:
            return NotActivated(account)
        previous = await _bind(uow, clock, account, user_id)
        await uow.commit()
        return LoggedIn(account, previous)


async def log_out(uow: UnitOfWork, clock: Clock, user_id: int) -> list[Account]:
    """退出: this chat lets go of every account it holds; returns them."""
    async with uow:
        released = []
        for code in catalog():
            account = await uow.accounts.of_user(user_id, code)
            if account is not None:
                account.user_id = None
                await audit.record(uow, clock, account.id or 0, AccountEvent.LOGGED_OUT, user_id=user_id)
                released.append(account)
        await uow.commit()
        return released
