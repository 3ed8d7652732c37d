"""Staff accounts (DESIGN.md, "Staff"): who may run which staff command in which programme.

Roles are granted per programme with ``baoming staff add``. Every staff command goes through the
one rule :func:`may`: an admin of a programme may do everything in that programme, any other role
only its own work, an admissions officer only for their training base, and nothing crosses
programmes. Later issues (reviews, offers, help line) ask :func:`may` with their role.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from domain.clock import Clock
from domain.model import Role, StaffMember
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import catalog
from domain.text import N_

__all__ = [
    "ROLE_NAMES",
    "Grant",
    "Granted",
    "Role",
    "StaffMember",
    "add_staff",
    "list_staff",
    "may",
    "members_in",
    "parse_grant",
    "remove_staff",
    "roles_of",
]

ROLE_NAMES = {
    Role.HELPLINE: N_("help line"),
    Role.REVIEWER: N_("reviewer"),
    Role.ADMISSIONS: N_("admissions officer"),
    Role.ADMIN: N_("administrator"),
}


@dataclass(frozen=True)
class Grant:
    """A role in a programme, checked: a base exactly when the role is admissions."""

    role: Role
    programme: str
    base_id: str | None


def parse_grant(role: str, programme: str, base_id: str | None = None) -> Grant | Problem:
    """Check a role grant as the CLI and the transcripts give it.

    Training bases become catalog data in a later issue; until then any non-empty base id is
    accepted, so an admissions officer can be set up before the bases are listed.
    """
    try:
        checked_role = Role(role.strip().lower())
    except ValueError:
        return Problem(
            N_("Unknown role {role}: choose one of {known}."),
            {"role": role, "known": ", ".join(Role)},
        )
    code = programme.strip()
    if code not in catalog():
        return Problem(
            N_("Unknown programme {programme}: choose one of {known}."),
            {"programme": programme, "known": ", ".join(sorted(catalog()))},
        )
    base = (base_id or "").strip() or None
    if checked_role is Role.ADMISSIONS and base is None:
        return Problem(N_("An admissions officer works for one training base: give its id."))
    if checked_role is not Role.ADMISSIONS and base is not None:
        return Problem(
            N_("Only an admissions officer belongs to a training base; the role {role} takes none."),
            {"role": checked_role.value},
        )
    return Grant(checked_role, code, base)


def may(members: Sequence[StaffMember], role: Role, programme: str, base_id: str | None = None) -> bool:
    """The one rule every staff command goes through.

    ``base_id`` None asks for the role anywhere in the programme (an admissions officer of any
    base passes); a base id asks for that base.
    """
    for member in members:
        if member.programme != programme:
            continue  # nothing crosses programmes, not even for an admin
        if member.role == Role.ADMIN:
            return True
        if member.role == role and (base_id is None or member.base_id == base_id):
            return True
    return False


def members_in(members: Sequence[StaffMember], programme: str | None) -> list[StaffMember]:
    """The grants of one programme (None: all of them): who is staff there in any role."""
    return [member for member in members if programme is None or member.programme == programme]


@dataclass(frozen=True)
class Granted:
    member: StaffMember
    new: bool  # False: the same grant existed already, nothing changed


async def add_staff(uow: UnitOfWork, clock: Clock, channel: str, external_id: str, grant: Grant) -> Granted:
    """Grant a role; the same grant twice is one grant."""
    async with uow:
        existing = await uow.staff.find(channel, external_id, grant.role, grant.programme, grant.base_id)
        if existing is not None:
            return Granted(existing, new=False)
        member = await uow.staff.add(
            StaffMember(
                channel=channel,
                external_id=external_id,
                role=grant.role,
                programme=grant.programme,
                base_id=grant.base_id,
                added_at=clock.now(),
            )
        )
        await uow.commit()
        return Granted(member, new=True)


async def remove_staff(uow: UnitOfWork, channel: str, external_id: str, grant: Grant) -> bool:
    """Withdraw a role; False when no such grant existed."""
    async with uow:
        existing = await uow.staff.find(channel, external_id, grant.role, grant.programme, grant.base_id)
        if existing is None:
            return False
        await uow.staff.remove(existing)
        await uow.commit()
        return True


async def list_staff(uow: UnitOfWork, programme: str | None = None) -> list[StaffMember]:
    async with uow:
        return await uow.staff.listed(programme)


async def roles_of(uow: UnitOfWork, channel: str, external_id: str) -> list[StaffMember]:
    """Every role of one person, in every programme; empty for an applicant."""
    async with uow:
        return await uow.staff.of_person(channel, external_id)
