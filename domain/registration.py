"""学员注册 and 忘记密码 (seed 000 §一): create an account, recover its password.

Step 1 checks the person (name + ID number; one account per ID number), step 2 the credentials
(unique username, password, mobile proven by an SMS code), step 3 creates the account. Recovery
texts a code to the mobile on record and then takes a new password. A code proves the step only
for a while: the account is created or the password changed only if the matching code was
accepted within PROOF_VALIDITY, checked here rather than trusted from the conversation state.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from domain import audit, credentials, identity, sms
from domain.accounts import CodeSent, hand_over, send_code
from domain.clock import Clock
from domain.masking import mask_email, mask_id_number
from domain.model import Account, AccountEvent, ChatUser, SmsPurpose
from domain.ports import SmsSender, UnitOfWork
from domain.problems import Problem
from domain.programmes import catalog, programme
from domain.text import N_

PROOF_VALIDITY = timedelta(minutes=30)


@dataclass(frozen=True)
class IdAlreadyRegistered:
    """The seed's "证件号码已注册": no second account; go to password recovery."""


@dataclass(frozen=True)
class RegistrationDraft:
    real_name: str
    id_number: str
    username: str
    password_hash: str
    mobile: str


@dataclass(frozen=True)
class MobileNotVerified:
    """No accepted SMS code for this mobile recently: the code step must be done (again)."""


USERNAME_TAKEN = Problem(N_("The username {username} is taken. Please choose another."))


async def check_identity(
    uow: UnitOfWork, programme_code: str, raw_id_number: str, today: date
) -> identity.ResidentId | Problem | IdAlreadyRegistered:
    parsed = identity.parse_resident_id(raw_id_number, today)
    if isinstance(parsed, Problem):
        return parsed
    async with uow:
        if await uow.accounts.by_id_number(programme_code, parsed.number) is not None:
            return IdAlreadyRegistered()
    return parsed


async def check_username(uow: UnitOfWork, programme_code: str, raw: str) -> str | Problem:
    username = credentials.parse_username(raw, programme(programme_code).username_rules)
    if isinstance(username, Problem):
        return username
    async with uow:
        if await uow.accounts.by_username(programme_code, username) is not None:
            return Problem(USERNAME_TAKEN.message, {"username": username})
    return username


async def _mobile_proven(uow: UnitOfWork, clock: Clock, user_id: int, purpose: str, mobile: str) -> bool:
    challenge = await uow.sms_challenges.latest(user_id, purpose)
    return (
        challenge is not None
        and challenge.used_at is not None
        and challenge.mobile == mobile
        and clock.now() - challenge.used_at <= PROOF_VALIDITY
    )


async def register(
    uow: UnitOfWork, clock: Clock, user_id: int, programme_code: str, draft: RegistrationDraft
) -> Account | IdAlreadyRegistered | Problem | MobileNotVerified:
    """完成注册: create the account and bind it to this chat. Uniqueness is checked again here
    because another chat may have taken the ID number or username since the step was answered."""
    async with uow:
        if not await _mobile_proven(uow, clock, user_id, SmsPurpose.REGISTER, draft.mobile):
            return MobileNotVerified()
        if await uow.accounts.by_id_number(programme_code, draft.id_number) is not None:
            return IdAlreadyRegistered()
        if await uow.accounts.by_username(programme_code, draft.username) is not None:
            return Problem(USERNAME_TAKEN.message, {"username": draft.username})
        account = await uow.accounts.add(
            Account(
                programme=programme_code,
                username=draft.username,
                password_hash=draft.password_hash,
                real_name=draft.real_name,
                id_number=draft.id_number,
                mobile=draft.mobile,
                created_at=clock.now(),
                user_id=user_id,
                activated_at=clock.now(),  # proven by the SMS code: no e-mail activation here
            )
        )
        await audit.record(uow, clock, account.id or 0, AccountEvent.CREATED, user_id=user_id)
        await uow.commit()
        return account


@dataclass(frozen=True)
class NoSuchAccount:
    pass


@dataclass(frozen=True)
class CodeOnRecordSent:
    account_id: int
    sent: CodeSent


RecoveryStarted = CodeOnRecordSent


async def find_account(uow: UnitOfWork, programme_code: str, raw_identifier: str) -> Account | None:
    """The account named by its ID number (any input form) or its username (any case)."""
    identifier = raw_identifier.strip()
    async with uow:
        account = await uow.accounts.by_id_number(programme_code, identity.normalise_id_number(identifier))
        return account or await uow.accounts.by_username(programme_code, identifier)


async def text_code_on_record(
    uow: UnitOfWork,
    clock: Clock,
    sender: SmsSender,
    user_id: int,
    programme_code: str,
    raw_identifier: str,
    purpose: SmsPurpose,
) -> CodeOnRecordSent | NoSuchAccount | sms.SendRefusal:
    """Text a code to the mobile on record of the account named by ID number or username."""
    account = await find_account(uow, programme_code, raw_identifier)
    if account is None or account.id is None:
        return NoSuchAccount()
    outcome = await send_code(uow, clock, sender, user_id, purpose, account.mobile)
    if isinstance(outcome, CodeSent):
        return CodeOnRecordSent(account.id, outcome)
    return outcome


async def start_recovery(
    uow: UnitOfWork, clock: Clock, sender: SmsSender, user_id: int, programme_code: str, raw_identifier: str
) -> RecoveryStarted | NoSuchAccount | sms.SendRefusal:
    """忘记密码: find the account by ID number or username and text a code to its mobile."""
    return await text_code_on_record(
        uow, clock, sender, user_id, programme_code, raw_identifier, SmsPurpose.RECOVER
    )


@dataclass(frozen=True)
class Recovered:
    account: Account
    previous: ChatUser | None  # the chat that held the account until now, if another one


async def reset_password(
    uow: UnitOfWork, clock: Clock, user_id: int, account_id: int, password_hash: str
) -> Recovered | NoSuchAccount | MobileNotVerified:
    async with uow:
        account = await uow.accounts.get(account_id)
        if account is None:
            return NoSuchAccount()
        if not await _mobile_proven(uow, clock, user_id, SmsPurpose.RECOVER, account.mobile):
            return MobileNotVerified()
        account.password_hash = password_hash
        await audit.record(uow, clock, account_id, AccountEvent.RECOVERED, user_id=user_id)
        previous = await hand_over(uow, clock, account, user_id)  # the chat that proved the mobile
        await uow.commit()
        return Recovered(account, previous)


async def account_of(uow: UnitOfWork, user_id: int, programme_code: str) -> Account | None:
    async with uow:
        return await uow.accounts.of_user(user_id, programme_code)


def login_name(account: Account) -> str:
    """The login name as shown anywhere: the username, or, where the ID number is the login name
    (seed 002), the ID number masked, since a full ID number is never shown again after entry; an
    e-mail address as username is masked likewise."""
    if programme(account.programme).login_by_id_number:
        return mask_id_number(account.id_number)
    if "@" in account.username:  # seed 003 suggests an e-mail address as the username
        return mask_email(account.username)
    return account.username


@dataclass(frozen=True)
class KnownFields:
    """What an account of another programme held by the same chat already knows about the person."""

    programme: str  # the code of that programme
    real_name: str
    id_number: str
    mobile: str


async def known_fields(uow: UnitOfWork, user_id: int, programme_code: str) -> KnownFields | None:
    """The person's fields from the first account of another programme this chat holds, if any.
    They are only offered for reuse: the dialog copies one when the applicant presses its button."""
    async with uow:
        for code in catalog():
            if code == programme_code:
                continue
            account = await uow.accounts.of_user(user_id, code)
            if account is not None:
                return KnownFields(code, account.real_name, account.id_number, account.mobile)
    return None
