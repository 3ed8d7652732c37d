"""The FSM storage contract, adapted from aiogram's tests/test_fsm/storage/test_storages.py."""

from datetime import date

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_session_factory
from bot.db.fsm_storage import SqlStorage

KEY = StorageKey(bot_id=42, chat_id=-100, user_id=7)


class Registration(StatesGroup):
    username = State()


@pytest.fixture
def storage(session_factory: async_sessionmaker[AsyncSession]) -> SqlStorage:
    return SqlStorage(session_factory)


async def test_set_state(storage: SqlStorage) -> None:
    assert await storage.get_state(KEY) is None

    await storage.set_state(KEY, "state")
    assert await storage.get_state(KEY) == "state"
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None


async def test_a_state_object_is_stored_by_its_name(storage: SqlStorage) -> None:
    await storage.set_state(KEY, Registration.username)

    assert await storage.get_state(KEY) == "Registration:username"


async def test_set_data(storage: SqlStorage) -> None:
    assert await storage.get_data(KEY) == {}

    await storage.set_data(KEY, {"foo": "bar"})
    assert await storage.get_data(KEY) == {"foo": "bar"}
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}


async def test_update_data(storage: SqlStorage) -> None:
    assert await storage.get_data(KEY) == {}
    assert await storage.update_data(KEY, {"foo": "bar"}) == {"foo": "bar"}
    assert await storage.update_data(KEY, {}) == {"foo": "bar"}
    assert await storage.get_data(KEY) == {"foo": "bar"}
    assert await storage.update_data(KEY, {"baz": "spam"}) == {"foo": "bar", "baz": "spam"}
    assert await storage.get_data(KEY) == {"foo": "bar", "baz": "spam"}
    assert await storage.update_data(KEY, {"baz": "test"}) == {"foo": "bar", "baz": "test"}
    assert await storage.get_data(KEY) == {"foo": "bar", "baz": "test"}


async def test_get_value(storage: SqlStorage) -> None:
    await storage.set_data(KEY, {"hello": "world", "nested": {"list": [1, 2]}})

    assert await storage.get_value(KEY, "hello") == "world"
    assert await storage.get_value(KEY, "nested") == {"list": [1, 2]}
    assert await storage.get_value(KEY, "missing") is None
    assert await storage.get_value(KEY, "missing", "fallback") == "fallback"


async def test_changing_returned_data_does_not_change_what_is_stored(storage: SqlStorage) -> None:
    await storage.set_data(KEY, {"choices": ["a"]})

    (await storage.get_data(KEY))["choices"].append("b")

    assert await storage.get_data(KEY) == {"choices": ["a"]}


async def test_state_and_data_are_kept_apart(storage: SqlStorage) -> None:
    await storage.set_state(KEY, "step")
    await storage.set_data(KEY, {"a": 1})

    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"a": 1}
    await storage.set_state(KEY, "step")
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) == "step"


async def test_clearing_the_conversation_forgets_state_and_data(storage: SqlStorage) -> None:
    context = FSMContext(storage, KEY)
    await context.set_state(Registration.username)
    await context.update_data(username="zhangsan")

    await context.clear()

    assert await context.get_state() is None
    assert await context.get_data() == {}


async def test_each_chat_user_topic_bot_and_destiny_has_its_own_conversation(storage: SqlStorage) -> None:
    others = [
        StorageKey(bot_id=43, chat_id=-100, user_id=7),  # the web chat bot, same numeric ids
        StorageKey(bot_id=42, chat_id=-101, user_id=7),
        StorageKey(bot_id=42, chat_id=-100, user_id=8),
        StorageKey(bot_id=42, chat_id=-100, user_id=7, thread_id=5),
        StorageKey(bot_id=42, chat_id=-100, user_id=7, business_connection_id="biz"),
        StorageKey(bot_id=42, chat_id=-100, user_id=7, destiny="scene"),
    ]
    await storage.set_state(KEY, "mine")
    await storage.set_data(KEY, {"who": "me"})

    for other in others:
        assert await storage.get_state(other) is None
        assert await storage.get_data(other) == {}


async def test_data_that_a_restart_could_not_restore_is_refused_with_its_name(storage: SqlStorage) -> None:
    with pytest.raises(TypeError, match="birthday"):
        await storage.set_data(KEY, {"name": "Zhang San", "birthday": date(1990, 3, 7)})
    with pytest.raises(TypeError, match="score"):
        await storage.update_data(KEY, {"score": float("nan")})
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, [("a", 1)])  # type: ignore[arg-type]

    assert await storage.get_data(KEY) == {}


async def test_a_conversation_survives_a_restart(
    db_url: str, engine: AsyncEngine, storage: SqlStorage
) -> None:
    await storage.set_state(KEY, Registration.username)
    await storage.update_data(KEY, {"programme": "gd-residency", "answers": {"name": "Zhang San"}})
    await storage.close()
    await engine.dispose()  # the bot process stops

    engine = create_engine(db_url)  # the bot process starting again
    try:
        after_restart = SqlStorage(create_session_factory(engine))
        assert await after_restart.get_state(KEY) == "Registration:username"
        assert await after_restart.get_data(KEY) == {
            "programme": "gd-residency",
            "answers": {"name": "Zhang San"},
        }
    finally:
        await engine.dispose()
