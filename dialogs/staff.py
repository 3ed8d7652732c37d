"""Staff commands, and the one filter every one of them goes through.

A staff command from anyone not allowed to run it is not refused with a message of its own: the
filter does not match, so the update goes on to the fallback and gets the answer to any unknown
command. Nobody learns from the bot that staff commands exist.
"""

from collections.abc import Sequence
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from domain.model import Channel, Role, StaffMember
from domain.ports import UnitOfWork
from domain.programmes import catalog
from domain.staff import ROLE_NAMES, may, members_in, roles_of


class StaffOnly(Filter):
    """Matches when the sender may act as ``role`` in the programme, and hands the handler their
    grants there as ``staff_roles`` and the programme as ``staff_programme``.

    ``role`` None: any staff role. ``programme`` None: the programme is the command's first
    argument (``/review gd-residency``); without one, a role-less filter takes every programme.
    Put it after the ``Command`` filter, so that the roles are loaded only for a staff command.
    """

    def __init__(self, role: Role | None = None, programme: str | None = None) -> None:
        self.role = role
        self.programme = programme

    async def __call__(
        self, message: Message, uow: UnitOfWork, command: CommandObject | None = None
    ) -> bool | dict[str, Any]:
        sender = message.from_user
        if sender is None or sender.is_bot:
            return False
        programme = self.programme
        if programme is None and command is not None and command.args:
            programme = command.args.split()[0]
        members = await roles_of(uow, Channel.TELEGRAM, str(sender.id))
        if self.role is not None and (programme is None or not may(members, self.role, programme)):
            return False
        allowed = members_in(members, programme)
        if not allowed:
            return False
        return {"staff_roles": allowed, "staff_programme": programme}


def describe_roles(members: Sequence[StaffMember]) -> str:
    """/staff: one line per grant, the programme by its official (Chinese) name."""
    lines = [_("Your staff roles:")]
    for member in members:
        item = catalog().get(member.programme)
        name = item.official_name if item is not None else member.programme
        role = _(ROLE_NAMES[Role(member.role)])
        if member.base_id:
            line = _("{programme}: {role} of the training base {base}").format(
                programme=name, role=role, base=member.base_id
            )
        else:
            line = _("{programme}: {role}").format(programme=name, role=role)
        lines.append("• " + line)
    return "\n".join(lines)


def get_router() -> Router:
    router = Router(name="staff")

    @router.message(Command("staff"), StaffOnly())
    async def on_staff(message: Message, staff_roles: list[StaffMember]) -> None:
        await message.answer(describe_roles(staff_roles))

    return router
