"""The audit trail of an account: what happened to it, when, and from which chat.

Use cases call :func:`record` inside their own unit of work, before their commit, so an event is
stored exactly when the change it describes is. An operator reads the trail with ``baoming audit``.
Details are masked on the way in (PIPL asks for the minimum, RULES.md §5): whatever looks like an
ID number, a mobile or an e-mail address is stored masked, whoever wrote it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from domain import identity
from domain.clock import Clock
from domain.masking import mask_personal_data
from domain.model import Account, AccountEvent, AuditEntry, ChatUser
from domain.ports import UnitOfWork

__all__ = ["AccountEvent", "AccountHistory", "AuditEntry", "account_history", "history", "record", "scrub"]

scrub = mask_personal_data  # details are stored masked, whoever wrote them


async def record(
    uow: UnitOfWork,
    clock: Clock,
    account_id: int,
    kind: AccountEvent,
    *,
    user_id: int | None = None,
    detail: Mapping[str, str] | None = None,
) -> AuditEntry:
    """Add an event in the caller's unit of work; the caller's commit stores it (this never commits)."""
    entry = AuditEntry(
        account_id=account_id,
        kind=kind,
        at=clock.now(),
        user_id=user_id,
        detail={key: scrub(str(value)) for key, value in (detail or {}).items()},
    )
    return await uow.audit.add(entry)


async def history(uow: UnitOfWork, account_id: int) -> list[AuditEntry]:
    """The events of one account, oldest first."""
    async with uow:
        return await uow.audit.of_account(account_id)


@dataclass(frozen=True)
class AccountHistory:
    account: Account
    entries: list[AuditEntry]
    people: dict[int, ChatUser]  # the chat users the entries name, by id


async def account_history(
    uow: UnitOfWork, programme: str, *, username: str | None = None, id_number: str | None = None
) -> AccountHistory | None:
    """The events of the account found by username (any case) or ID number; None when none matches."""
    async with uow:
        account = None
        if username is not None:
            account = await uow.accounts.by_username(programme, username.strip())
        elif id_number is not None:
            account = await uow.accounts.by_id_number(programme, identity.normalise_id_number(id_number))
        if account is None or account.id is None:
            return None
        entries = await uow.audit.of_account(account.id)
        people = {}
        for user_id in {entry.user_id for entry in entries if entry.user_id is not None}:
            person = await uow.users.get(user_id)
            if person is not None:
                people[user_id] = person
        return AccountHistory(account, entries, people)
