from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.tables import chat_users
from bot.db.uow import SqlUnitOfWork
from domain.model import Account, Channel, ChatUser, SmsChallenge, SmsPurpose

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 4, 16, 9, 0, tzinfo=BEIJING)
GD = "gd-residency"
TJ = "tj-upgrade"


def account(
    username: str = "zhangsan", id_number: str = "110101199003071233", programme: str = GD
) -> Account:
    return Account(
        programme=programme,
        username=username,
        password_hash="argon2-hash",
        real_name="Zhang San",
        id_number=id_number,
        mobile="13800138000",
        created_at=NOW,
    )


async def new_user(uow: SqlUnitOfWork, external_id: str = "1001") -> int:
    async with uow:
        user = await uow.users.add(
            ChatUser(channel=Channel.TELEGRAM, external_id=external_id, created_at=NOW)
        )
        await uow.commit()
    assert user.id is not None
    return user.id


async def test_a_stored_user_gets_an_id_and_is_found_by_channel_and_external_id(uow: SqlUnitOfWork) -> None:
    user_id = await new_user(uow, "42")

    async with uow:
        found = await uow.users.find(Channel.TELEGRAM, "42")
        other_channel = await uow.users.find(Channel.WEB, "42")
        by_id = await uow.users.get(user_id)

    assert found is not None and found.id == user_id
    assert other_channel is None
    assert by_id is not None and by_id.external_id == "42"


async def test_the_same_person_cannot_be_stored_twice_in_one_channel(uow: SqlUnitOfWork) -> None:
    await new_user(uow, "42")

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.users.add(ChatUser(channel=Channel.TELEGRAM, external_id="42", created_at=NOW))


async def test_an_id_number_registers_only_once_per_programme(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.accounts.add(account("zhangsan"))
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.accounts.add(account("lisi"))


async def test_the_same_id_number_may_register_in_another_programme(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.accounts.add(account(programme=GD))
        await uow.accounts.add(account(programme=TJ))
        await uow.commit()

    async with uow:
        assert await uow.accounts.by_id_number(TJ, "110101199003071233") is not None


async def test_usernames_differing_only_in_case_are_the_same_username(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.accounts.add(account("ZhangSan", id_number="110101199003071233"))
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.accounts.add(account("zhangsan", id_number="11010119800101103X"))


async def test_an_account_is_found_by_username_in_any_case(uow: SqlUnitOfWork) -> None:
    async with uow:
        stored = await uow.accounts.add(account("ZhangSan"))
        await uow.commit()

    async with uow:
        found = await uow.accounts.by_username(GD, "zHANGsAN")
        elsewhere = await uow.accounts.by_username(TJ, "zhangsan")

    assert found is not None and found.id == stored.id
    assert found.username == "ZhangSan"  # shown as the applicant typed it
    assert elsewhere is None


async def test_the_account_of_a_chat_user_is_the_one_bound_to_them(uow: SqlUnitOfWork) -> None:
    user_id = await new_user(uow)
    async with uow:
        bound = account()
        bound.user_id = user_id
        await uow.accounts.add(bound)
        await uow.commit()

    async with uow:
        mine = await uow.accounts.of_user(user_id, GD)
        other_programme = await uow.accounts.of_user(user_id, TJ)

    assert mine is not None and mine.id == bound.id
    assert other_programme is None


async def test_deleting_a_chat_user_keeps_their_account_and_drops_their_codes(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await new_user(uow)
    async with uow:
        bound = account()
        bound.user_id = user_id
        await uow.accounts.add(bound)
        await uow.sms_challenges.add(challenge(user_id, NOW))
        await uow.commit()

    async with session_factory.begin() as session:
        await session.execute(delete(chat_users).where(chat_users.c.id == user_id))

    async with uow:
        kept = await uow.accounts.get(bound.id or 0)
        assert kept is not None and kept.user_id is None
        assert await uow.sms_challenges.latest(user_id, SmsPurpose.REGISTER) is None


def challenge(user_id: int, sent_at: datetime, code: str = "123456") -> SmsChallenge:
    return SmsChallenge(
        user_id=user_id,
        purpose=SmsPurpose.REGISTER,
        mobile="13800138000",
        code=code,
        sent_at=sent_at,
        expires_at=sent_at + timedelta(minutes=5),
    )


async def test_the_latest_code_is_the_one_sent_last(uow: SqlUnitOfWork) -> None:
    user_id = await new_user(uow)
    async with uow:
        await uow.sms_challenges.add(challenge(user_id, NOW + timedelta(minutes=2), code="222222"))
        await uow.sms_challenges.add(challenge(user_id, NOW, code="111111"))
        await uow.commit()

    async with uow:
        latest = await uow.sms_challenges.latest(user_id, SmsPurpose.REGISTER)
        for_recovery = await uow.sms_challenges.latest(user_id, SmsPurpose.RECOVER)

    assert latest is not None and latest.code == "222222"
    assert latest.failed_attempts == 0 and latest.locked_until is None
    assert for_recovery is None


async def test_aware_datetimes_come_back_as_the_same_instant_and_stay_aware(uow: SqlUnitOfWork) -> None:
    user_id = await new_user(uow)
    async with uow:
        stored = challenge(user_id, NOW)
        stored.locked_until = NOW + timedelta(hours=1)
        await uow.sms_challenges.add(stored)
        await uow.commit()

    async with uow:
        loaded = await uow.sms_challenges.latest(user_id, SmsPurpose.REGISTER)

    assert loaded is not None
    assert loaded.sent_at == NOW
    assert loaded.sent_at.utcoffset() == timedelta(0)
    assert loaded.expires_at - loaded.sent_at == timedelta(minutes=5)
    assert loaded.locked_until == NOW + timedelta(hours=1)
    assert loaded.expires_at > NOW  # the domain compares with aware datetimes


async def test_a_naive_datetime_is_refused_rather_than_guessed(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.users.add(
                ChatUser(channel=Channel.TELEGRAM, external_id="7", created_at=datetime(2027, 4, 16))
            )
