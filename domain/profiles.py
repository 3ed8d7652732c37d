"""Profile modules (学员信息维护, 基本信息, …): each is saved on its own, then judged complete or not.

A module's answers are kept as its form produced them. Saving never refuses: what the applicant
entered is stored even when a rule says the module is not complete yet (the seed's web system
saves each module and then tells what is missing), and the module's check says why.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.clock import Clock
from domain.model import ProfileSection
from domain.ports import UnitOfWork
from domain.problems import Problem

Answers = Mapping[str, object]
Check = Callable[[Answers, date], list[Problem]]  # the answers and today (Beijing)


@dataclass(frozen=True)
class Module:
    """One module of a programme's profile: its section name and the rules that make it complete."""

    section: str
    check: Check | None = None  # cross-field rules; the form already requires every required field


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    saved: bool
    problems: list[Problem]

    @property
    def complete(self) -> bool:
        return self.saved and not self.problems


@dataclass(frozen=True)
class NoAccount:
    """This chat holds no account of the programme (logged out meanwhile)."""


def judge(module: Module, answers: Answers | None, today: date) -> ModuleStatus:
    """The module's status with these saved answers (None: nothing saved yet)."""
    if answers is None:
        return ModuleStatus(module, saved=False, problems=[])
    return ModuleStatus(module, saved=True, problems=module.check(answers, today) if module.check else [])


async def save(
    uow: UnitOfWork, clock: Clock, user_id: int, programme_code: str, module: Module, answers: Answers
) -> ModuleStatus | NoAccount:
    """保存: store the module's answers (replacing the saved ones) and judge them."""
    async with uow:
        account = await uow.accounts.of_user(user_id, programme_code)
        if account is None or account.id is None:
            return NoAccount()
        stored = await uow.profile_sections.get(account.id, module.section)
        if stored is None:
            stored = ProfileSection(account.id, module.section, dict(answers), clock.now())
            await uow.profile_sections.add(stored)
        else:
            stored.answers, stored.saved_at = dict(answers), clock.now()
        await uow.commit()
    return judge(module, answers, clock.now().date())


async def saved_answers(
    uow: UnitOfWork, user_id: int, programme_code: str, section: str
) -> dict[str, object] | None:
    async with uow:
        account = await uow.accounts.of_user(user_id, programme_code)
        if account is None or account.id is None:
            return None
        stored = await uow.profile_sections.get(account.id, section)
        return None if stored is None else dict(stored.answers)


async def status(
    uow: UnitOfWork, clock: Clock, user_id: int, programme_code: str, modules: Sequence[Module]
) -> list[ModuleStatus] | NoAccount:
    """Each module: not saved yet, saved but incomplete (with the reasons), or complete."""
    async with uow:
        account = await uow.accounts.of_user(user_id, programme_code)
        if account is None or account.id is None:
            return NoAccount()
        stored = {s.section: s.answers for s in await uow.profile_sections.of_account(account.id)}
    return [judge(module, stored.get(module.section), clock.now().date()) for module in modules]
