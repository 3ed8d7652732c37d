"""Account use cases shared by every programme: who is talking, their language, SMS codes.

Each use case enters the unit of work, asks the rules, changes state and commits. They know
nothing of Telegram or SQL.
"""

from dataclasses import dataclass
from datetime import datetime

from domain import audit, sms
from domain.clock import Clock
from domain.model import Account, AccountEvent, ChatUser, SmsChallenge
from domain.outbox import parse_quiet_hours
from domain.ports import SmsSender, UnitOfWork

SUPPORTED_LOCALES = ("zh_Hans", "zh_Hant", "en")


async def identify(
    uow: UnitOfWork, clock: Clock, channel: str, external_id: str, client_locale: str | None = None
) -> ChatUser:
    """The chat user behind an update, created on first contact; the client's language is kept so
    that a message the bot starts later (a notice, a reminder) is written in it."""
    async with uow:
        user = await uow.users.find(channel, external_id)
        if user is None:
            user = await uow.users.add(
                ChatUser(
                    channel=channel,
                    external_id=external_id,
                    created_at=clock.now(),
                    client_locale=client_locale,
                )
            )
            await uow.commit()
        elif client_locale is not None and user.client_locale != client_locale:
            user.client_locale = client_locale
            await uow.commit()
        return user


async def hand_over(uow: UnitOfWork, clock: Clock, account: Account, user_id: int) -> ChatUser | None:
    """This chat holds the account from now on (one chat per account). Returns the chat that held
    it, if another one, after recording the take-over in the audit trail; the caller commits."""
    previous_id, account.user_id = account.user_id, user_id
    if previous_id is None or previous_id == user_id:
        return None
    await audit.record(
        uow,
        clock,
        account.id or 0,
        AccountEvent.TAKEN_OVER,
        user_id=user_id,
        detail={"previous_user_id": str(previous_id)},
    )
    return await uow.users.get(previous_id)


async def choose_locale(uow: UnitOfWork, user_id: int, locale: str) -> bool:
    """Remember the language the applicant picked with /language; False for an unknown one."""
    if locale not in SUPPORTED_LOCALES:
        return False
    async with uow:
        user = await uow.users.get(user_id)
        if user is None:
            return False
        user.locale = locale
        await uow.commit()
        return True


async def choose_reminders(
    uow: UnitOfWork, user_id: int, *, on: bool | None = None, quiet_hours: str | None = None
) -> ChatUser | None:
    """/settings: reminders on or off, and quiet hours ("22-08"; "0-0" for none). None for an
    unknown person or malformed quiet hours (a forged button), and then nothing changes."""
    if quiet_hours is not None:
        try:
            parse_quiet_hours(quiet_hours)
        except ValueError:
            return None
    async with uow:
        user = await uow.users.get(user_id)
        if user is None:
            return None
        if on is not None:
            user.reminders_off = not on
        if quiet_hours is not None:
            user.quiet_hours = quiet_hours
        await uow.commit()
        return user


@dataclass(frozen=True)
class CodeSent:
    mobile: str
    expires_at: datetime


async def send_code(
    uow: UnitOfWork, clock: Clock, sender: SmsSender, user_id: int, purpose: str, mobile: str
) -> CodeSent | sms.SendRefusal:
    """Text a new code unless the last one is too recent or the step is locked.

    The challenge is committed before the text goes out: a code that was sent must be checkable,
    and a failed send leaves a challenge the applicant can replace after the resend delay.
    """
    async with uow:
        now = clock.now()
        refusal = sms.refuse_sending(await uow.sms_challenges.latest(user_id, purpose), now)
        if refusal is not None:
            return refusal
        limit = sms.refuse_for_mobile(await uow.sms_challenges.sent_to(mobile, now - sms.MOBILE_WINDOW), now)
        if limit is not None:
            return limit
        challenge = await uow.sms_challenges.add(sms.issue(user_id, purpose, mobile, now, sms.new_code()))
        await uow.commit()
    await sender.send_code(mobile, challenge.code, purpose)
    return CodeSent(mobile, challenge.expires_at)


@dataclass(frozen=True)
class CodeAccepted:
    mobile: str


async def confirm_code(
    uow: UnitOfWork, clock: Clock, user_id: int, purpose: str, entered: str
) -> CodeAccepted | sms.CheckRefusal:
    async with uow:
        now = clock.now()
        challenge = await uow.sms_challenges.latest(user_id, purpose)
        if challenge is not None:
            recent = await uow.sms_challenges.sent_to(challenge.mobile, now - sms.LOCK_DURATION)
            locked = sms.mobile_locked(recent, now)
            if locked is not None:
                return locked
        outcome = sms.check(challenge, entered, now)
        await uow.commit()  # wrong tries count even when the answer is a refusal
        if isinstance(outcome, SmsChallenge):
            return CodeAccepted(outcome.mobile)
        return outcome
