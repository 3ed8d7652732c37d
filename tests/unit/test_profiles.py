"""Profile modules: saved on their own, never refused, judged complete or not by their rules."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain import profiles
from domain.model import Account, Channel, ChatUser
from domain.problems import Problem
from tests.fakes import FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
NEEDS_SCHOOL = Problem("enter the school")


def needs_school(answers: object, today: date) -> list[Problem]:
    assert today == NOW.date()  # the rules get Beijing's date of the clock, not the machine's
    return [] if isinstance(answers, dict) and answers.get("school") else [NEEDS_SCHOOL]


BASIC = profiles.Module("basic")
EDUCATION = profiles.Module("education", needs_school)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def chat(uow: FakeUnitOfWork) -> int:
    async with uow:
        user = await uow.users.add(ChatUser(Channel.TELEGRAM, "1001", NOW))
        await uow.accounts.add(
            Account(GD, "zhangsan", "hash", "张三", "110101199003071233", "13812345678", NOW, user.id, NOW)
        )
        await uow.commit()
    return user.id or 0


async def test_a_module_is_saved_even_when_its_rules_say_it_is_not_complete(uow, chat):
    clock = FixedClock(NOW)
    status = await profiles.save(uow, clock, chat, GD, EDUCATION, {"records": []})
    assert isinstance(status, profiles.ModuleStatus)
    assert status.saved and not status.complete and status.problems == [NEEDS_SCHOOL]
    assert await profiles.saved_answers(uow, chat, GD, "education") == {"records": []}


async def test_saving_again_replaces_the_answers_and_can_complete_the_module(uow, chat):
    clock = FixedClock(NOW)
    await profiles.save(uow, clock, chat, GD, EDUCATION, {"school": ""})
    status = await profiles.save(uow, clock, chat, GD, EDUCATION, {"school": "中山大学"})
    assert isinstance(status, profiles.ModuleStatus) and status.complete
    assert await profiles.saved_answers(uow, chat, GD, "education") == {"school": "中山大学"}


async def test_status_tells_each_module_not_saved_incomplete_or_complete(uow, chat):
    clock = FixedClock(NOW)
    await profiles.save(uow, clock, chat, GD, BASIC, {"sex": "male"})
    await profiles.save(uow, clock, chat, GD, EDUCATION, {})
    statuses = await profiles.status(uow, clock, chat, GD, [BASIC, EDUCATION, profiles.Module("work")])
    assert isinstance(statuses, list)
    assert [(s.module.section, s.saved, s.complete) for s in statuses] == [
        ("basic", True, True),
        ("education", True, False),
        ("work", False, False),
    ]


async def test_a_chat_without_the_account_saves_nothing(uow, chat):
    clock = FixedClock(NOW)
    assert await profiles.save(uow, clock, chat, "tj-upgrade", BASIC, {"sex": "male"}) == profiles.NoAccount()
    assert await profiles.status(uow, clock, chat, "tj-upgrade", [BASIC]) == profiles.NoAccount()
    assert await profiles.saved_answers(uow, chat, "tj-upgrade", "basic") is None
