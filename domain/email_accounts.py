"""同等学力申硕 accounts (seed 003 §二–§五): register, activate by e-mail, recover by e-mail, clean up.

The seed: after 提交 an e-mail activates the account, within 24 hours; an account not activated is
kept one week and then deleted; one ID number binds to one account (RULES.md §1/003). Our e-mails
carry a Telegram deep link (the token) and a 6-digit code for the chat that asked; the database
keeps only their SHA-256 hashes. A code has the tries of an SMS code (domain/sms.py). The e-mail
itself is written and sent by the dialog, in the applicant's language, from ``EmailToSend``.

Decisions where the seed is silent:
- A link that has expired can be sent again (a new 24 hours) from the chat that registered, until the
  week is over; that chat may also correct the e-mail address, since a wrong address could otherwise
  never activate the account.
- Recovery never sends a password (the platform does): it sends a link and a code, valid one hour,
  after which the applicant chooses a new password. Recovering an account not yet activated
  activates it, because the link proves the mailbox just as the activation e-mail would.
- At most five e-mails of one kind per account in 24 hours and one a minute: anyone can name an
  account, and its owner's mailbox must not be flooded.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain import audit, fields, outbox, reminders, sms
from domain.accounts import hand_over
from domain.clock import Clock
from domain.model import Account, AccountEvent, ChatUser, EmailChallenge, EmailPurpose
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import programme
from domain.registration import USERNAME_TAKEN, IdAlreadyRegistered, Recovered

DEGREE = "degree-equiv"
RECOVERY_VALIDITY = timedelta(hours=1)
RESEND_AFTER = timedelta(seconds=60)
MAX_EMAILS_PER_DAY = 5
EMAIL_WINDOW = timedelta(hours=24)
TOKEN_BYTES = 24  # 32 URL-safe characters: "act_" + token fits Telegram's 64-character start parameter


def activation_validity() -> timedelta:
    return programme(DEGREE).duration("activation")


def kept_unactivated() -> timedelta:
    return programme(DEGREE).duration("purge_unactivated")


def purge_at(account: Account) -> datetime:
    """When an account that is still not activated will be deleted."""
    return account.created_at + kept_unactivated()


@dataclass(frozen=True)
class DegreeDraft:
    """Every field of the registration form (seed 003 §二), already checked one by one."""

    username: str
    password_hash: str
    email: str
    mobile: str
    real_name: str
    region: str  # ISO 3166-1 code (domain/regions.py)
    id_type: str  # fields.IdType value
    id_number: str
    address: str
    postcode: str
    day_phone: str
    evening_phone: str

    def details(self) -> dict[str, str]:
        return {
            "region": self.region,
            "id_type": self.id_type,
            "address": self.address,
            "postcode": self.postcode,
            "day_phone": self.day_phone,
            "evening_phone": self.evening_phone,
        }


@dataclass(frozen=True)
class AwaitingActivation:
    """The ID number belongs to an account that was never activated; it is deleted at ``purge_at``."""

    purge_at: datetime


@dataclass(frozen=True)
class EmailToSend:
    """What the dialog must e-mail now: the link's token and the code are known only here."""

    account: Account
    purpose: EmailPurpose
    token: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class TooManyEmails:
    """No e-mail now: the last one is too recent, or five went out in 24 hours. Next at ``until``."""

    until: datetime


@dataclass(frozen=True)
class NothingToActivate:
    """This chat holds no account of the programme waiting for activation."""

    account: Account | None = None  # the active account, if the chat holds one


@dataclass(frozen=True)
class Activated:
    account: Account
    by_holder: bool  # activated from the chat that holds the account


@dataclass(frozen=True)
class LinkExpired:
    account: Account
    purpose: EmailPurpose


@dataclass(frozen=True)
class LinkUnknown:
    """Never issued, already used, or its account was deleted."""


@dataclass(frozen=True)
class RecoveryProven:
    """The mailbox is proven: the applicant may now choose a new password."""

    challenge_id: int
    account: Account


@dataclass(frozen=True)
class Purged:
    account: Account
    holder: ChatUser | None


@dataclass
class Housekeeping:
    """What one clean-up run did."""

    purged: list[Purged] = field(default_factory=list)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_email(raw: str) -> str | Problem:
    return fields.parse_email(raw, refused_providers=programme(DEGREE).email_rules.refused_providers)


async def check_id_number(
    uow: UnitOfWork, id_type: fields.IdType, raw: str, today: date
) -> str | Problem | IdAlreadyRegistered | AwaitingActivation:
    """The document number, unless it is malformed or already bound to an account."""
    number = fields.parse_id_of_type(id_type, raw, today)
    if isinstance(number, Problem):
        return number
    async with uow:
        return _free(await uow.accounts.by_id_number(DEGREE, number)) or number


def _free(holder: Account | None) -> IdAlreadyRegistered | AwaitingActivation | None:
    if holder is None:
        return None
    return IdAlreadyRegistered() if holder.is_active else AwaitingActivation(purge_at(holder))


async def register(
    uow: UnitOfWork, clock: Clock, user_id: int, draft: DegreeDraft
) -> EmailToSend | IdAlreadyRegistered | AwaitingActivation | Problem:
    """提交: create the account, not yet active, held by this chat, and the activation e-mail.
    Uniqueness is checked again: another chat may have taken the ID number or username meanwhile."""
    async with uow:
        taken = _free(await uow.accounts.by_id_number(DEGREE, draft.id_number))
        if taken is not None:
            return taken
        if await uow.accounts.by_username(DEGREE, draft.username) is not None:
            return Problem(USERNAME_TAKEN.message, {"username": draft.username})
        now = clock.now()
        account = await uow.accounts.add(
            Account(
                programme=DEGREE,
                username=draft.username,
                password_hash=draft.password_hash,
                real_name=draft.real_name,
                id_number=draft.id_number,
                mobile=draft.mobile,
                created_at=now,
                user_id=user_id,
                email=draft.email,
                details=draft.details(),
            )
        )
        await audit.record(uow, clock, account.id or 0, AccountEvent.CREATED, user_id=user_id)
        email = await _issue(uow, now, account, EmailPurpose.ACTIVATE, user_id)
        await uow.commit()
        return email


async def _issue(
    uow: UnitOfWork, now: datetime, account: Account, purpose: EmailPurpose, user_id: int
) -> EmailToSend:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = sms.new_code()
    expires_at = now + RECOVERY_VALIDITY
    if purpose is EmailPurpose.ACTIVATE:  # never a link that outlives the account it activates
        expires_at = min(now + activation_validity(), purge_at(account))
    challenge = EmailChallenge(
        account_id=account.id or 0,
        purpose=purpose,
        token_hash=digest(token),
        code_hash=digest(code),
        sent_at=now,
        expires_at=expires_at,
        user_id=user_id,
    )
    await uow.email_challenges.add(challenge)
    return EmailToSend(account, purpose, token, code, challenge.expires_at)


async def _limited_issue(
    uow: UnitOfWork, now: datetime, account: Account, purpose: EmailPurpose, user_id: int
) -> EmailToSend | TooManyEmails:
    recent = await uow.email_challenges.sent_since(account.id or 0, purpose, now - EMAIL_WINDOW)
    # A lock outlives its code, so that a new e-mail does not bring five new tries (as for SMS codes).
    locks = [c.locked_until for c in recent if c.locked_until is not None and now < c.locked_until]
    if locks:
        return TooManyEmails(max(locks))
    sent = sorted(c.sent_at for c in recent if now - c.sent_at < EMAIL_WINDOW)
    if sent and now < sent[-1] + RESEND_AFTER:
        return TooManyEmails(sent[-1] + RESEND_AFTER)
    if len(sent) >= MAX_EMAILS_PER_DAY:
        return TooManyEmails(sent[-MAX_EMAILS_PER_DAY] + EMAIL_WINDOW)
    return await _issue(uow, now, account, purpose, user_id)


async def resend_activation(
    uow: UnitOfWork, clock: Clock, user_id: int, new_email: str | None = None
) -> EmailToSend | TooManyEmails | NothingToActivate:
    """A new activation e-mail (a new 24 hours) for the account this chat registered, to a corrected
    address when ``new_email`` is given (already checked by ``parse_email``)."""
    async with uow:
        account = await uow.accounts.of_user(user_id, DEGREE)
        if account is None or account.is_active:
            return NothingToActivate(account)
        now = clock.now()
        outcome = await _limited_issue(uow, now, account, EmailPurpose.ACTIVATE, user_id)
        if isinstance(outcome, EmailToSend):
            # The old e-mail's reminder names a deadline that no longer holds; planning adds the new one.
            for prefix in reminders.pointless_after_activation_resent(account.id or 0):
                await outbox.cancel(uow, prefix=prefix)
        if isinstance(outcome, EmailToSend) and new_email is not None:
            account.email = new_email
            # The e-mails sent to the wrong address must no longer activate the account.
            sent = await uow.email_challenges.sent_since(
                account.id or 0, EmailPurpose.ACTIVATE, account.created_at
            )
            for earlier in sent:
                if earlier.token_hash != digest(outcome.token):
                    earlier.used_at = earlier.used_at or now
        await uow.commit()
        return outcome


async def _activate(uow: UnitOfWork, clock: Clock, account: Account, user_id: int) -> Activated:
    account.activated_at = clock.now()
    for prefix in reminders.pointless_after_activation(account.id or 0):
        await outbox.cancel(uow, prefix=prefix)
    await audit.record(uow, clock, account.id or 0, AccountEvent.ACTIVATED, user_id=user_id)
    return Activated(account, by_holder=account.user_id == user_id)


async def _challenge_of_link(
    uow: UnitOfWork, token: str, purpose: EmailPurpose, now: datetime
) -> tuple[EmailChallenge, Account] | LinkExpired | LinkUnknown:
    challenge = await uow.email_challenges.by_token_hash(digest(token))
    if challenge is None or challenge.purpose != purpose or challenge.used_at is not None:
        return LinkUnknown()
    account = await uow.accounts.get(challenge.account_id)
    if account is None:
        return LinkUnknown()
    if now >= challenge.expires_at:
        return LinkExpired(account, purpose)
    return challenge, account


async def activate_with_link(
    uow: UnitOfWork, clock: Clock, user_id: int, token: str
) -> Activated | NothingToActivate | LinkExpired | LinkUnknown:
    """The deep link of the activation e-mail, opened from any chat: the token proves the mailbox."""
    async with uow:
        found = await _challenge_of_link(uow, token, EmailPurpose.ACTIVATE, clock.now())
        if not isinstance(found, tuple):
            return found
        challenge, account = found
        if account.is_active:
            return NothingToActivate(account)
        challenge.used_at = clock.now()
        activated = await _activate(uow, clock, account, user_id)
        await uow.commit()
        return activated


async def activate_with_code(
    uow: UnitOfWork, clock: Clock, user_id: int, entered: str
) -> Activated | NothingToActivate | sms.CheckRefusal:
    """The code of the latest activation e-mail, typed in the chat that registered."""
    async with uow:
        account = await uow.accounts.of_user(user_id, DEGREE)
        if account is None or account.is_active:
            return NothingToActivate(account)
        challenge = await uow.email_challenges.latest(account.id or 0, EmailPurpose.ACTIVATE)
        outcome = _count(challenge, entered, clock.now())
        if isinstance(outcome, EmailChallenge):
            activated = await _activate(uow, clock, account, user_id)
            await uow.commit()
            return activated
        await uow.commit()  # wrong tries count even when the answer is a refusal
        return outcome


def _count(
    challenge: EmailChallenge | None, entered: str, now: datetime, *, spend: bool = True
) -> EmailChallenge | sms.CheckRefusal:
    correct = challenge is not None and secrets.compare_digest(
        digest(sms.normalise_code(entered)), challenge.code_hash
    )
    return sms.count_attempt(challenge, correct, now, spend=spend)


async def find_account(uow: UnitOfWork, raw_identifier: str) -> Account | None:
    """The account named by its username (any case) or its ID document number (any spacing)."""
    identifier = raw_identifier.strip()
    async with uow:
        return await uow.accounts.by_username(DEGREE, identifier) or await uow.accounts.by_id_number(
            DEGREE, fields.normalise_document_number(identifier)
        )


async def start_recovery(
    uow: UnitOfWork, clock: Clock, user_id: int, raw_identifier: str
) -> EmailToSend | TooManyEmails | None:
    """忘记密码: an e-mail with a recovery link and code to the registered address; None when no
    account has this username or ID number."""
    found = await find_account(uow, raw_identifier)
    if found is None:
        return None
    async with uow:
        account = await uow.accounts.get(found.id or 0)
        if account is None:
            return None
        outcome = await _limited_issue(uow, clock.now(), account, EmailPurpose.RECOVER, user_id)
        await uow.commit()
        return outcome


async def open_recovery_link(
    uow: UnitOfWork, clock: Clock, token: str
) -> RecoveryProven | LinkExpired | LinkUnknown:
    """The deep link of a recovery e-mail, from any chat. It stays usable until the new password is set."""
    async with uow:
        found = await _challenge_of_link(uow, token, EmailPurpose.RECOVER, clock.now())
        if not isinstance(found, tuple):
            return found
        challenge, account = found
        return RecoveryProven(challenge.id or 0, account)


async def prove_recovery_code(
    uow: UnitOfWork, clock: Clock, user_id: int, account_id: int, entered: str
) -> RecoveryProven | sms.CheckRefusal:
    """The code of the latest recovery e-mail, typed in the chat that asked for it."""
    async with uow:
        account = await uow.accounts.get(account_id)
        challenge = await uow.email_challenges.latest(account_id, EmailPurpose.RECOVER)
        if account is None or challenge is None or challenge.user_id != user_id:
            return sms.NoCodeSent()
        # Proven, not spent: the new password spends it (reset_password).
        outcome = _count(challenge, entered, clock.now(), spend=False)
        await uow.commit()  # wrong tries count even when the answer is a refusal
        if isinstance(outcome, EmailChallenge):
            return RecoveryProven(challenge.id or 0, account)
        return outcome


async def reset_password(
    uow: UnitOfWork, clock: Clock, user_id: int, challenge_id: int, password_hash: str
) -> Recovered | LinkExpired | LinkUnknown:
    """Set the new password; this chat now holds the account. ``challenge_id`` comes from a
    RecoveryProven kept in this chat's conversation, so the mailbox was proven here."""
    async with uow:
        now = clock.now()
        challenge = await uow.email_challenges.get(challenge_id)
        if challenge is None or challenge.purpose != EmailPurpose.RECOVER or challenge.used_at is not None:
            return LinkUnknown()
        account = await uow.accounts.get(challenge.account_id)
        if account is None:
            return LinkUnknown()
        if now >= challenge.expires_at:
            return LinkExpired(account, EmailPurpose.RECOVER)
        challenge.used_at = now
        account.password_hash = password_hash
        if not account.is_active:
            await _activate(uow, clock, account, user_id)
        await audit.record(uow, clock, account.id or 0, AccountEvent.RECOVERED, user_id=user_id)
        previous = await hand_over(uow, clock, account, user_id)
        await uow.commit()
        return Recovered(account, previous)


async def housekeeping(uow: UnitOfWork, clock: Clock) -> Housekeeping:
    """Delete the accounts whose week is over, and their queued reminders. Run it often: each account
    is deleted once, whenever it runs. The warning the day before is a reminder (domain/reminders.py,
    CLEANUP), sent through the outbox like every other."""
    done = Housekeeping()
    async with uow:
        now = clock.now()
        for account in await uow.accounts.unactivated(DEGREE, now):
            if now < purge_at(account):
                continue
            holder = await uow.users.get(account.user_id) if account.user_id is not None else None
            for prefix in reminders.pointless_after_account_removed(account.id or 0):
                await outbox.cancel(uow, prefix=prefix)
            await uow.accounts.remove(account)
            done.purged.append(Purged(account, holder))
        await uow.commit()
    return done
