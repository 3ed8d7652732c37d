"""Limits per mobile, whichever chats ask: ten codes a day, ten wrong tries in 15 minutes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import sms
from domain.accounts import CodeSent, confirm_code, send_code
from domain.model import ChatUser, SmsPurpose
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MOBILE = "13812345678"


async def chats(uow: FakeUnitOfWork, count: int) -> list[int]:
    ids = []
    async with uow:
        for number in range(count):
            user = await uow.users.add(ChatUser(channel="telegram", external_id=str(number), created_at=NOW))
            ids.append(user.id or 0)
        await uow.commit()
    return ids


async def test_an_eleventh_code_to_one_mobile_within_a_day_is_refused_whoever_asks() -> None:
    uow, clock, sender = FakeUnitOfWork(), FixedClock(NOW), FakeSmsSender()
    users = await chats(uow, 11)
    for user in users[:10]:
        assert isinstance(await send_code(uow, clock, sender, user, SmsPurpose.LOGIN, MOBILE), CodeSent)
        clock.advance(timedelta(minutes=1))

    refused = await send_code(uow, clock, sender, users[10], SmsPurpose.LOGIN, MOBILE)

    assert refused == sms.MobileLimitReached(NOW + sms.MOBILE_WINDOW)
    assert len(sender.sent) == 10


async def test_the_daily_limit_of_one_mobile_leaves_other_mobiles_alone() -> None:
    uow, clock, sender = FakeUnitOfWork(), FixedClock(NOW), FakeSmsSender()
    users = await chats(uow, 11)
    for user in users[:10]:
        await send_code(uow, clock, sender, user, SmsPurpose.LOGIN, MOBILE)

    assert isinstance(
        await send_code(uow, clock, sender, users[10], SmsPurpose.LOGIN, "13987654321"), CodeSent
    )


async def test_wrong_tries_of_many_chats_on_one_mobile_lock_even_a_fresh_code() -> None:
    uow, clock, sender = FakeUnitOfWork(), FixedClock(NOW), FakeSmsSender()
    users = await chats(uow, 4)
    for user in users[:3]:  # three chats, four wrong tries each: 12 wrong tries on one mobile
        await send_code(uow, clock, sender, user, SmsPurpose.LOGIN, MOBILE)
        code = sender.sent[-1].code
        for _ in range(4):
            await confirm_code(uow, clock, user, SmsPurpose.LOGIN, "000000" if code != "000000" else "111111")

    await send_code(uow, clock, sender, users[3], SmsPurpose.LOGIN, MOBILE)
    outcome = await confirm_code(uow, clock, users[3], SmsPurpose.LOGIN, sender.sent[-1].code)

    assert isinstance(outcome, sms.CodeLocked)
    clock.advance(sms.LOCK_DURATION)
    await send_code(uow, clock, sender, users[3], SmsPurpose.LOGIN, MOBILE)
    assert not isinstance(
        await confirm_code(uow, clock, users[3], SmsPurpose.LOGIN, sender.sent[-1].code), sms.CodeLocked
    )
