from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.uow import SqlUnitOfWork
from domain.model import Channel, ChatUser

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def person(external_id: str = "1001") -> ChatUser:
    return ChatUser(channel=Channel.TELEGRAM, external_id=external_id, created_at=NOW)


async def test_leaving_without_commit_discards_the_changes(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.users.add(person())

    async with uow:
        assert await uow.users.find(Channel.TELEGRAM, "1001") is None


async def test_an_exception_inside_discards_the_changes(uow: SqlUnitOfWork) -> None:
    with pytest.raises(LookupError):
        async with uow:
            await uow.users.add(person())
            raise LookupError

    async with uow:
        assert await uow.users.find(Channel.TELEGRAM, "1001") is None


async def test_committed_changes_are_seen_by_a_later_unit_of_work(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with uow:
        await uow.users.add(person())
        await uow.commit()

    async with SqlUnitOfWork(session_factory) as other:
        assert await other.users.find(Channel.TELEGRAM, "1001") is not None


async def test_changes_to_a_loaded_entity_are_saved_by_commit(uow: SqlUnitOfWork) -> None:
    async with uow:
        user = await uow.users.add(person())
        await uow.commit()

    async with uow:
        loaded = await uow.users.get(user.id or 0)
        assert loaded is not None
        loaded.locale = "en"
        await uow.commit()

    async with uow:
        again = await uow.users.get(user.id or 0)
    assert again is not None and again.locale == "en"


async def test_rollback_discards_what_was_done_since_entering(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.users.add(person())
        await uow.rollback()
        await uow.users.add(person("1002"))
        await uow.commit()

    async with uow:
        assert await uow.users.find(Channel.TELEGRAM, "1001") is None
        assert await uow.users.find(Channel.TELEGRAM, "1002") is not None


async def test_what_was_read_stays_readable_after_leaving_without_commit(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.users.add(person())
        await uow.commit()

    async with uow:  # a read-only use case returns what it found, and the handler renders it later
        found = await uow.users.find(Channel.TELEGRAM, "1001")

    assert found is not None and found.external_id == "1001" and found.locale is None


async def test_the_same_unit_of_work_can_be_entered_again_but_not_nested(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.users.add(person())
        await uow.commit()
        with pytest.raises(RuntimeError):
            async with uow:
                pass
        # the failed nested entry left the outer one usable
        assert await uow.users.find(Channel.TELEGRAM, "1001") is not None

    async with uow:
        assert await uow.users.find(Channel.TELEGRAM, "1001") is not None


async def test_commit_outside_the_unit_of_work_is_a_programming_error(uow: SqlUnitOfWork) -> None:
    with pytest.raises(RuntimeError):
        await uow.commit()
