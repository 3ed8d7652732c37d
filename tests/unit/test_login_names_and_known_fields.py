"""Login names as shown (a 考生 of 天津高职升本 logs in with the ID number, shown masked) and the
fields an account of another programme offers for reuse."""

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.accounts import identify
from domain.model import Account, Channel
from domain.registration import KnownFields, find_account, known_fields, login_name
from tests.fakes import FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ID_NUMBER = "110101199003071233"


def account(programme: str, username: str, user_id: int | None = None, **changes: str) -> Account:
    fields = {"real_name": "张三", "id_number": ID_NUMBER, "mobile": "13812345678"} | changes
    return Account(
        programme=programme,
        username=username,
        password_hash="$argon2id$hash",
        created_at=NOW,
        user_id=user_id,
        **fields,
    )


def test_a_tianjin_upgrade_login_name_is_the_id_number_masked():
    assert login_name(account("tj-upgrade", ID_NUMBER)) == "1101**********1233"


def test_a_guangdong_login_name_is_the_username():
    assert login_name(account("gd-residency", "zhangsan")) == "zhangsan"


async def holder(uow: FakeUnitOfWork, *accounts: Account) -> int:
    user = await identify(uow, FixedClock(NOW), Channel.TELEGRAM, "1001")
    async with uow:
        for item in accounts:
            item.user_id = user.id
            await uow.accounts.add(item)
        await uow.commit()
    return user.id or 0


async def test_an_account_of_another_programme_offers_its_name_id_number_and_mobile():
    uow = FakeUnitOfWork()
    user_id = await holder(uow, account("gd-residency", "zhangsan"))
    assert await known_fields(uow, user_id, "tj-upgrade") == KnownFields(
        "gd-residency", "张三", ID_NUMBER, "13812345678"
    )


async def test_the_programme_being_registered_offers_nothing_to_itself():
    uow = FakeUnitOfWork()
    user_id = await holder(uow, account("gd-residency", "zhangsan"))
    assert await known_fields(uow, user_id, "gd-residency") is None


async def test_a_chat_without_accounts_is_offered_nothing():
    uow = FakeUnitOfWork()
    user_id = await holder(uow)
    assert await known_fields(uow, user_id, "tj-upgrade") is None


async def test_an_account_of_another_chat_is_never_offered():
    uow = FakeUnitOfWork()
    user_id = await holder(uow)
    async with uow:
        await uow.accounts.add(account("gd-residency", "lisi", user_id=user_id + 1))
        await uow.commit()
    assert await known_fields(uow, user_id, "tj-upgrade") is None


async def test_a_tianjin_upgrade_account_is_found_by_its_id_number_typed_with_full_width_digits():
    uow = FakeUnitOfWork()
    await holder(uow, account("tj-upgrade", ID_NUMBER))
    found = await find_account(uow, "tj-upgrade", "１１０１０１１９９００３０７１２３３")
    assert found is not None and found.programme == "tj-upgrade"
