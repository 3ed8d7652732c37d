"""Staff roles (DESIGN.md, "Staff"): granted per programme; an admin may do everything in its
programme; nothing crosses programmes; the one filter every staff command goes through."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.filters import CommandObject
from aiogram.types import Chat, Message, User

from dialogs.staff import StaffOnly
from domain.model import Channel, Role, StaffMember
from domain.problems import Problem
from domain.staff import Grant, add_staff, list_staff, may, parse_grant, remove_staff, roles_of
from tests.fakes import FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
TJ = "tj-upgrade"
TG = Channel.TELEGRAM


def member(role: Role, programme: str = GD, base_id: str | None = None) -> StaffMember:
    return StaffMember(TG, "42", role, programme, base_id, NOW)


def grant(role: str, programme: str = GD, base_id: str | None = None) -> Grant:
    checked = parse_grant(role, programme, base_id)
    assert isinstance(checked, Grant), checked
    return checked


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


# The rule


def test_an_applicant_without_roles_may_do_nothing() -> None:
    assert not any(may([], role, GD) for role in Role)


def test_a_role_allows_its_own_work_in_its_programme() -> None:
    assert may([member(Role.REVIEWER)], Role.REVIEWER, GD)


def test_a_role_does_not_allow_the_work_of_another_role() -> None:
    assert not may([member(Role.HELPLINE)], Role.REVIEWER, GD)
    assert not may([member(Role.REVIEWER)], Role.ADMIN, GD)


def test_staff_of_another_programme_are_refused() -> None:
    assert not may([member(Role.REVIEWER, TJ)], Role.REVIEWER, GD)


@pytest.mark.parametrize("role", list(Role))
def test_an_admin_of_the_programme_may_do_everything_in_it(role: Role) -> None:
    assert may([member(Role.ADMIN)], role, GD)
    assert may([member(Role.ADMIN)], role, GD, base_id="B01")


def test_an_admin_of_another_programme_may_do_nothing_here() -> None:
    assert not may([member(Role.ADMIN, TJ)], Role.HELPLINE, GD)


def test_an_admissions_officer_acts_for_their_own_training_base_only() -> None:
    officer = [member(Role.ADMISSIONS, base_id="B01")]

    assert may(officer, Role.ADMISSIONS, GD, base_id="B01")
    assert not may(officer, Role.ADMISSIONS, GD, base_id="B02")
    assert may(officer, Role.ADMISSIONS, GD)  # a command not about one base


# Checking a grant


def test_an_admissions_officer_needs_a_training_base() -> None:
    assert isinstance(parse_grant("admissions", GD), Problem)
    assert isinstance(parse_grant("admissions", GD, "  "), Problem)
    assert grant("admissions", GD, " B01 ") == Grant(Role.ADMISSIONS, GD, "B01")


@pytest.mark.parametrize("role", ["helpline", "reviewer", "admin"])
def test_other_roles_belong_to_no_training_base(role: str) -> None:
    refusal = parse_grant(role, GD, "B01")

    assert isinstance(refusal, Problem) and refusal.params == {"role": role}


def test_an_unknown_role_or_programme_is_refused_naming_the_known_ones() -> None:
    role = parse_grant("boss", GD)
    programme = parse_grant("admin", "gd")

    assert isinstance(role, Problem) and "reviewer" in str(role.params["known"])
    assert isinstance(programme, Problem) and GD in str(programme.params["known"])


def test_a_role_is_read_in_any_case() -> None:
    assert grant("Admin").role is Role.ADMIN


# The use cases


async def test_the_same_grant_twice_is_one_grant(uow, clock) -> None:
    first = await add_staff(uow, clock, TG, "42", grant("reviewer"))
    again = await add_staff(uow, clock, TG, "42", grant("reviewer"))

    assert (first.new, again.new) == (True, False)
    assert len(uow.stored_staff()) == 1


async def test_the_same_person_may_hold_several_roles_and_bases(uow, clock) -> None:
    for role, programme, base in [
        ("reviewer", GD, None),
        ("admissions", GD, "B01"),
        ("admissions", GD, "B02"),
        ("reviewer", TJ, None),
    ]:
        assert (await add_staff(uow, clock, TG, "42", grant(role, programme, base))).new

    mine = await roles_of(uow, TG, "42")

    assert len(mine) == 4
    assert await roles_of(uow, TG, "43") == []
    assert await roles_of(uow, Channel.WEB, "42") == []  # keyed by channel too


async def test_removing_a_grant_withdraws_only_that_role(uow, clock) -> None:
    await add_staff(uow, clock, TG, "42", grant("reviewer"))
    await add_staff(uow, clock, TG, "42", grant("helpline"))

    assert await remove_staff(uow, TG, "42", grant("reviewer"))
    assert [m.role for m in await roles_of(uow, TG, "42")] == [Role.HELPLINE]


async def test_removing_a_grant_that_does_not_exist_says_so(uow, clock) -> None:
    await add_staff(uow, clock, TG, "42", grant("admissions", GD, "B01"))

    assert not await remove_staff(uow, TG, "42", grant("admissions", GD, "B02"))
    assert not await remove_staff(uow, TG, "42", grant("admissions", TJ, "B01"))
    assert len(uow.stored_staff()) == 1


async def test_the_staff_list_can_be_limited_to_one_programme(uow, clock) -> None:
    await add_staff(uow, clock, TG, "1", grant("admin", GD))
    await add_staff(uow, clock, TG, "2", grant("admin", TJ))

    assert [m.external_id for m in await list_staff(uow)] == ["1", "2"]
    assert [m.external_id for m in await list_staff(uow, TJ)] == ["2"]


# The filter every staff command goes through


async def try_command(
    staff_filter: StaffOnly, uow: FakeUnitOfWork, telegram_id: int, text: str
) -> bool | dict[str, object]:
    """What the filter answers to ``text`` sent by this Telegram user."""
    sender = User(id=telegram_id, is_bot=False, first_name="x")
    message = Message(
        message_id=1, date=NOW, chat=Chat(id=telegram_id, type="private"), from_user=sender, text=text
    )
    name, _, args = text.removeprefix("/").partition(" ")
    return await staff_filter(
        message, uow=uow, command=CommandObject(prefix="/", command=name, args=args or None)
    )


async def test_the_filter_lets_through_only_staff_allowed_in_the_programme(uow, clock) -> None:
    await add_staff(uow, clock, TG, "42", grant("reviewer", TJ))
    await add_staff(uow, clock, TG, "43", grant("admin", GD))
    review_gd = StaffOnly(Role.REVIEWER, GD)

    applicant = await try_command(review_gd, uow, 41, "/review")
    other_programme = await try_command(review_gd, uow, 42, "/review")
    admin = await try_command(review_gd, uow, 43, "/review")

    assert applicant is False and other_programme is False
    assert isinstance(admin, dict) and admin["staff_programme"] == GD
    assert [m.role for m in admin["staff_roles"]] == [Role.ADMIN]  # type: ignore[attr-defined]


async def test_the_filter_can_take_the_programme_from_the_command(uow, clock) -> None:
    await add_staff(uow, clock, TG, "42", grant("reviewer", TJ))
    review = StaffOnly(Role.REVIEWER)

    assert isinstance(await try_command(review, uow, 42, f"/review {TJ}"), dict)
    assert await try_command(review, uow, 42, f"/review {GD}") is False
    assert await try_command(review, uow, 42, "/review") is False  # no programme: refused
    assert await try_command(review, uow, 42, "/review no-such-programme") is False


async def test_any_role_is_enough_for_a_command_of_all_staff(uow, clock) -> None:
    await add_staff(uow, clock, TG, "42", grant("helpline", TJ))
    any_staff = StaffOnly()

    everywhere = await try_command(any_staff, uow, 42, "/staff")
    assert isinstance(everywhere, dict) and len(everywhere["staff_roles"]) == 1  # type: ignore[arg-type]
    assert await try_command(any_staff, uow, 42, f"/staff {GD}") is False
    assert await try_command(any_staff, uow, 41, "/staff") is False
