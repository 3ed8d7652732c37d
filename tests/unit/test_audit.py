"""The audit trail of an account: registration and recovery leave events, in the same unit of work
as the change they describe, and no event holds a full ID number, mobile or e-mail address."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.accounts import CodeAccepted, CodeSent, confirm_code, identify, send_code
from domain.audit import account_history, history, record, scrub
from domain.model import Account, AccountEvent, Channel, SmsPurpose
from domain.registration import Recovered, RegistrationDraft, register, reset_password
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
ID_NUMBER = "110101199003071233"
MOBILE = "13812345678"
DRAFT = RegistrationDraft("张三", ID_NUMBER, "zhangsan", "$argon2id$hash", MOBILE)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def chat_user(uow: FakeUnitOfWork, clock: FixedClock, external_id: str) -> int:
    return (await identify(uow, clock, Channel.TELEGRAM, external_id)).id or 0


async def prove_mobile(uow: FakeUnitOfWork, clock: FixedClock, user_id: int, purpose: SmsPurpose) -> None:
    sender = FakeSmsSender()
    assert isinstance(await send_code(uow, clock, sender, user_id, purpose, MOBILE), CodeSent)
    assert await confirm_code(uow, clock, user_id, purpose, sender.last.code) == CodeAccepted(MOBILE)


async def registered(uow: FakeUnitOfWork, clock: FixedClock, user_id: int) -> Account:
    await prove_mobile(uow, clock, user_id, SmsPurpose.REGISTER)
    account = await register(uow, clock, user_id, GD, DRAFT)
    assert isinstance(account, Account)
    return account


def test_id_numbers_mobiles_and_emails_are_masked_wherever_they_appear() -> None:
    text = f"id {ID_NUMBER}, id 11010119900307123x, tel +86 {MOBILE}, mail zhang.san@example.com"

    assert scrub(text) == (
        "id 1101**********1233, id 1101**********123x, tel +86 138****5678, mail z***@example.com"
    )


def test_a_mobile_written_with_86_and_no_space_is_masked_too() -> None:
    assert scrub(f"+86{MOBILE}") == "+86138****5678"


def test_other_numbers_are_left_alone() -> None:
    assert (
        scrub("user 12345, code 654321, order 1234567890123")
        == "user 12345, code 654321, order 1234567890123"
    )


async def test_registering_records_that_the_account_was_created_by_this_chat(uow, clock) -> None:
    applicant = await chat_user(uow, clock, "1001")
    clock.advance(timedelta(minutes=3))

    account = await registered(uow, clock, applicant)

    [created] = await history(uow, account.id or 0)
    assert (created.kind, created.at, created.user_id) == (
        AccountEvent.CREATED,
        NOW + timedelta(minutes=3),
        applicant,
    )


async def test_a_recovery_records_recovered_and_who_took_the_account_over(uow, clock) -> None:
    owner = await chat_user(uow, clock, "1001")
    account = await registered(uow, clock, owner)
    newcomer = await chat_user(uow, clock, "2002")
    clock.advance(timedelta(days=1))
    await prove_mobile(uow, clock, newcomer, SmsPurpose.RECOVER)

    assert isinstance(await reset_password(uow, clock, newcomer, account.id or 0, "$argon2id$new"), Recovered)

    events = await history(uow, account.id or 0)
    assert [(e.kind, e.user_id) for e in events] == [
        (AccountEvent.CREATED, owner),
        (AccountEvent.RECOVERED, newcomer),
        (AccountEvent.TAKEN_OVER, newcomer),
    ]
    assert events[-1].detail == {"previous_user_id": str(owner)}


async def test_recovering_in_the_chat_that_holds_the_account_is_no_takeover(uow, clock) -> None:
    owner = await chat_user(uow, clock, "1001")
    account = await registered(uow, clock, owner)
    await prove_mobile(uow, clock, owner, SmsPurpose.RECOVER)

    await reset_password(uow, clock, owner, account.id or 0, "$argon2id$new")

    assert [e.kind for e in await history(uow, account.id or 0)] == [
        AccountEvent.CREATED,
        AccountEvent.RECOVERED,
    ]


async def test_a_refused_recovery_records_nothing(uow, clock) -> None:
    owner = await chat_user(uow, clock, "1001")
    account = await registered(uow, clock, owner)

    await reset_password(uow, clock, owner, account.id or 0, "$argon2id$new")  # no code proven

    assert [e.kind for e in uow.stored_events()] == [AccountEvent.CREATED]


async def test_recording_stores_nothing_until_the_caller_commits(uow, clock) -> None:
    account = await registered(uow, clock, await chat_user(uow, clock, "1001"))

    async with uow:
        await record(uow, clock, account.id or 0, AccountEvent.LOGGED_IN, detail={"mobile": MOBILE})
    assert len(uow.stored_events()) == 1
    async with uow:
        await record(uow, clock, account.id or 0, AccountEvent.LOGGED_IN, detail={"mobile": MOBILE})
        await uow.commit()

    assert uow.stored_events()[-1].detail == {"mobile": "138****5678"}


async def test_an_accounts_history_is_found_by_username_in_any_case_or_by_id_number(uow, clock) -> None:
    applicant = await chat_user(uow, clock, "1001")
    await registered(uow, clock, applicant)

    by_name = await account_history(uow, GD, username="ZhangSan")
    by_id = await account_history(uow, GD, id_number="11010119900307123 3")
    elsewhere = await account_history(uow, "tj-upgrade", username="zhangsan")

    assert by_name is not None and by_id is not None and elsewhere is None
    assert [e.kind for e in by_id.entries] == [AccountEvent.CREATED]
    assert by_name.people[applicant].external_id == "1001"
