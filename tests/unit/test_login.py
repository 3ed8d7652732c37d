"""登录 from any chat (issue 3): password or SMS code, one chat per account, limits on wrong passwords."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import login
from domain.audit import history
from domain.credentials import hash_password
from domain.model import Account, AccountEvent, ChatUser
from domain.registration import NoSuchAccount
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
PASSWORD = "abc12345"
PASSWORD_HASH = hash_password(PASSWORD)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def person(uow: FakeUnitOfWork, external_id: str) -> int:
    async with uow:
        user = await uow.users.add(ChatUser(channel="telegram", external_id=external_id, created_at=NOW))
        await uow.commit()
    return user.id or 0


async def account_held_by(uow: FakeUnitOfWork, user_id: int | None) -> Account:
    async with uow:
        account = await uow.accounts.add(
            Account(
                programme=GD,
                username="zhangsan",
                password_hash=PASSWORD_HASH,
                real_name="张三",
                id_number="110101199003071233",
                mobile="13812345678",
                created_at=NOW,
                user_id=user_id,
                activated_at=NOW,
            )
        )
        await uow.commit()
    return account


async def test_logging_in_from_another_chat_moves_the_account_and_names_the_chat_that_held_it(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    old, new = await person(uow, "1"), await person(uow, "2")
    account = await account_held_by(uow, old)

    outcome = await login.log_in_with_password(uow, clock, new, GD, "110101199003071233", PASSWORD, [])

    assert isinstance(outcome, login.LoggedIn)
    assert outcome.previous is not None and outcome.previous.external_id == "1"
    assert outcome.account.user_id == new
    kinds = [entry.kind for entry in await history(uow, account.id or 0)]
    assert kinds[-2:] == [AccountEvent.LOGGED_IN, AccountEvent.TAKEN_OVER]


async def test_logging_in_again_from_the_same_chat_tells_nobody(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    await account_held_by(uow, me)

    outcome = await login.log_in_with_password(uow, clock, me, GD, "ZhangSan", PASSWORD, [])

    assert isinstance(outcome, login.LoggedIn) and outcome.previous is None


async def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    await account_held_by(uow, None)

    unknown = await login.log_in_with_password(uow, clock, me, GD, "nobody", PASSWORD, [])
    wrong = await login.log_in_with_password(uow, clock, me, GD, "zhangsan", "wrong0000", [])

    assert type(unknown) is type(wrong) is login.WrongCredentials


async def test_five_wrong_passwords_lock_the_account_for_every_chat_even_with_the_right_one(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    guesser, owner = await person(uow, "1"), await person(uow, "2")
    await account_held_by(uow, owner)
    outcomes = []
    for attempt in range(5):
        outcomes.append(
            await login.log_in_with_password(uow, clock, guesser, GD, "zhangsan", f"guess{attempt}x", [])
        )
        clock.advance(timedelta(seconds=10))

    assert [o.tries_left for o in outcomes[:4] if isinstance(o, login.WrongCredentials)] == [4, 3, 2, 1]
    assert isinstance(outcomes[4], login.LoginLocked)
    locked = await login.log_in_with_password(uow, clock, owner, GD, "zhangsan", PASSWORD, [])
    assert isinstance(locked, login.LoginLocked) and locked.until == NOW + login.FAILURE_WINDOW


async def test_the_lock_ends_when_the_wrong_passwords_are_fifteen_minutes_old(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    await account_held_by(uow, me)
    for attempt in range(5):
        await login.log_in_with_password(uow, clock, me, GD, "zhangsan", f"guess{attempt}x", [])

    clock.advance(login.FAILURE_WINDOW)

    assert isinstance(
        await login.log_in_with_password(uow, clock, me, GD, "zhangsan", PASSWORD, []), login.LoggedIn
    )


async def test_a_successful_log_in_wipes_the_count_of_earlier_wrong_passwords(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    await account_held_by(uow, me)
    for attempt in range(4):
        await login.log_in_with_password(uow, clock, me, GD, "zhangsan", f"guess{attempt}x", [])
    await login.log_in_with_password(uow, clock, me, GD, "zhangsan", PASSWORD, [])

    outcome = await login.log_in_with_password(uow, clock, me, GD, "zhangsan", "guess9x", [])

    assert outcome == login.WrongCredentials(4)


async def test_ten_wrong_log_ins_of_one_chat_lock_that_chat_whatever_names_it_tried(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    await account_held_by(uow, me)
    chat_failures = [NOW - timedelta(minutes=1)] * login.MAX_CHAT_FAILURES

    outcome = await login.log_in_with_password(uow, clock, me, GD, "zhangsan", PASSWORD, chat_failures)

    assert outcome == login.LoginLocked(NOW - timedelta(minutes=1) + login.FAILURE_WINDOW)


async def test_an_sms_code_to_the_mobile_on_record_logs_in(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    old, new = await person(uow, "1"), await person(uow, "2")
    account = await account_held_by(uow, old)
    sender = FakeSmsSender()

    sent = await login.send_login_code(uow, clock, sender, new, GD, "zhangsan")
    assert not isinstance(sent, NoSuchAccount)
    assert sender.last is not None and sender.last.mobile == "13812345678"
    outcome = await login.log_in_with_code(uow, clock, new, account.id or 0, sender.last.code)

    assert isinstance(outcome, login.LoggedIn) and outcome.previous is not None


async def test_logging_out_lets_go_of_every_account_of_the_chat(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    me = await person(uow, "1")
    account = await account_held_by(uow, me)

    released = await login.log_out(uow, clock, me)

    assert [item.username for item in released] == ["zhangsan"]
    assert await login.log_out(uow, clock, me) == []
    kinds = [entry.kind for entry in await history(uow, account.id or 0)]
    assert kinds[-1] == AccountEvent.LOGGED_OUT
