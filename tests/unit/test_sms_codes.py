"""短信验证码 (seed 000 §一 step 2): 6 digits, valid 5 minutes, a new one after 60 s, five wrong
tries lock the step for 15 minutes."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import sms
from domain.accounts import CodeAccepted, CodeSent, confirm_code, identify, send_code
from domain.model import Channel, SmsPurpose
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MOBILE = "13812345678"
REGISTER = SmsPurpose.REGISTER


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def sender() -> FakeSmsSender:
    return FakeSmsSender()


@pytest.fixture
async def user_id(uow: FakeUnitOfWork, clock: FixedClock) -> int:
    user = await identify(uow, clock, Channel.TELEGRAM, "1001")
    assert user.id is not None
    return user.id


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**sms.CODE_LENGTH:06d}"


def full_width(digits: str) -> str:
    return "".join(chr(ord(digit) + 0xFEE0) for digit in digits)


async def send(uow: FakeUnitOfWork, clock: FixedClock, sender: FakeSmsSender, user_id: int) -> object:
    return await send_code(uow, clock, sender, user_id, REGISTER, MOBILE)


async def enter(uow: FakeUnitOfWork, clock: FixedClock, user_id: int, code: str) -> object:
    return await confirm_code(uow, clock, user_id, REGISTER, code)


async def test_the_code_is_texted_to_the_mobile_for_its_purpose(uow, clock, sender, user_id):
    outcome = await send(uow, clock, sender, user_id)

    assert outcome == CodeSent(MOBILE, NOW + timedelta(minutes=5))
    assert [(sent.mobile, sent.purpose) for sent in sender.sent] == [(MOBILE, "register")]


async def test_a_code_has_six_digits(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)

    assert re.fullmatch(r"[0-9]{6}", sender.last.code)
    assert all(re.fullmatch(r"[0-9]{6}", sms.new_code()) for _ in range(500))


async def test_the_code_is_accepted_until_five_minutes_have_passed(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    clock.advance(timedelta(minutes=4, seconds=59))

    assert await enter(uow, clock, user_id, sender.last.code) == CodeAccepted(MOBILE)


async def test_the_code_expires_after_five_minutes(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    clock.advance(timedelta(minutes=5))

    assert await enter(uow, clock, user_id, sender.last.code) == sms.CodeExpired()


async def test_a_new_code_within_60_seconds_is_refused_with_the_seconds_left(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    clock.advance(timedelta(seconds=20))

    assert await send(uow, clock, sender, user_id) == sms.ResendTooSoon(wait_seconds=40)
    assert len(sender.sent) == 1


async def test_a_part_of_a_second_left_still_counts_as_one_second(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    clock.advance(timedelta(seconds=59, milliseconds=500))

    assert await send(uow, clock, sender, user_id) == sms.ResendTooSoon(wait_seconds=1)


async def test_a_new_code_after_60_seconds_replaces_the_old_one(uow, clock, sender, user_id, monkeypatch):
    monkeypatch.setattr(sms, "new_code", iter(["111111", "222222"]).__next__)
    await send(uow, clock, sender, user_id)
    clock.advance(timedelta(seconds=60))

    assert isinstance(await send(uow, clock, sender, user_id), CodeSent)
    assert await enter(uow, clock, user_id, "111111") == sms.WrongCode(tries_left=4)
    assert await enter(uow, clock, user_id, "222222") == CodeAccepted(MOBILE)


async def test_a_wrong_code_says_how_many_tries_are_left(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)

    assert await enter(uow, clock, user_id, wrong_code(sender.last.code)) == sms.WrongCode(tries_left=4)


async def test_the_fifth_wrong_code_locks_the_step_for_15_minutes(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    wrong = wrong_code(sender.last.code)
    for tries_left in (4, 3, 2, 1):
        assert await enter(uow, clock, user_id, wrong) == sms.WrongCode(tries_left)

    assert await enter(uow, clock, user_id, wrong) == sms.CodeLocked(until=NOW + timedelta(minutes=15))


async def test_the_right_code_is_refused_while_locked(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    for _ in range(sms.MAX_WRONG_TRIES):
        await enter(uow, clock, user_id, wrong_code(sender.last.code))
    clock.advance(timedelta(minutes=1))

    assert await enter(uow, clock, user_id, sender.last.code) == sms.CodeLocked(NOW + timedelta(minutes=15))


async def test_the_lock_survives_asking_for_a_new_code(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    for _ in range(sms.MAX_WRONG_TRIES):
        await enter(uow, clock, user_id, wrong_code(sender.last.code))
    clock.advance(timedelta(minutes=2))

    assert await send(uow, clock, sender, user_id) == sms.CodeLocked(NOW + timedelta(minutes=15))
    assert len(sender.sent) == 1


async def test_a_new_code_may_be_asked_for_once_the_lock_has_ended(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    for _ in range(sms.MAX_WRONG_TRIES):
        await enter(uow, clock, user_id, wrong_code(sender.last.code))
    clock.advance(timedelta(minutes=15))

    assert isinstance(await send(uow, clock, sender, user_id), CodeSent)
    assert await enter(uow, clock, user_id, sender.last.code) == CodeAccepted(MOBILE)


async def test_a_wrong_try_counts_even_though_the_answer_is_a_refusal(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    commits_before = uow.committed

    await enter(uow, clock, user_id, wrong_code(sender.last.code))

    assert uow.committed == commits_before + 1
    assert [challenge.failed_attempts for challenge in uow.stored_challenges()] == [1]


@pytest.mark.parametrize(
    "typed",
    [full_width, lambda code: f" {code[:3]} {code[3:]} ", lambda code: full_width(code[:3]) + " " + code[3:]],
    ids=["full-width digits", "spaces", "mixed"],
)
async def test_a_code_typed_in_full_width_digits_or_with_spaces_is_accepted(
    uow, clock, sender, user_id, typed
):
    await send(uow, clock, sender, user_id)

    assert await enter(uow, clock, user_id, typed(sender.last.code)) == CodeAccepted(MOBILE)


async def test_a_used_code_cannot_be_used_again(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    await enter(uow, clock, user_id, sender.last.code)

    assert await enter(uow, clock, user_id, sender.last.code) == sms.NoCodeSent()


async def test_a_code_is_refused_when_none_was_sent(uow, clock, user_id):
    assert await enter(uow, clock, user_id, "123456") == sms.NoCodeSent()


async def test_a_code_for_registering_does_not_serve_for_recovery(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)

    outcome = await confirm_code(uow, clock, user_id, SmsPurpose.RECOVER, sender.last.code)

    assert outcome == sms.NoCodeSent()


async def test_once_the_code_is_used_a_new_one_may_be_sent_at_once(uow, clock, sender, user_id):
    await send(uow, clock, sender, user_id)
    await enter(uow, clock, user_id, sender.last.code)
    clock.advance(timedelta(seconds=5))

    assert isinstance(await send(uow, clock, sender, user_id), CodeSent)


def test_the_first_code_may_always_be_sent():
    assert sms.refuse_sending(None, NOW) is None


def test_a_locked_step_refuses_sending_until_the_lock_ends():
    challenge = sms.issue(1, REGISTER, MOBILE, NOW, "123456")
    for _ in range(sms.MAX_WRONG_TRIES):
        sms.check(challenge, "654321", NOW)

    assert sms.refuse_sending(challenge, NOW + timedelta(minutes=14)) == sms.CodeLocked(
        NOW + timedelta(minutes=15)
    )
    assert sms.refuse_sending(challenge, NOW + timedelta(minutes=15)) is None
