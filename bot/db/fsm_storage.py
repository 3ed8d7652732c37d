"""aiogram FSM storage in our own database, so a restart loses no conversation (DESIGN.md).

Each call runs in its own short session and commits at once. Writes for one key are serialised by
the Dispatcher's SimpleEventIsolation (one process), so a read followed by a write is safe here.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.tables import fsm_states


class _Unchanged(Enum):
    STATE = "state"


class SqlStorage(BaseStorage):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._session_factory = session_factory
        # The bot id is part of the key: the web chat will be a second Bot on the same Dispatcher,
        # and its chat ids may coincide with Telegram's (DESIGN.md, "The emulator is built to grow").
        self._key_builder = key_builder or DefaultKeyBuilder(
            with_bot_id=True, with_business_connection_id=True, with_destiny=True
        )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session_factory() as session:
            state: str | None = await session.scalar(
                select(fsm_states.c.state).where(fsm_states.c.key == self._key_builder.build(key))
            )
            return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        await self._write(key, data=_storable(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session_factory() as session:
            data: dict[str, Any] | None = await session.scalar(
                select(fsm_states.c.data).where(fsm_states.c.key == self._key_builder.build(key))
            )
            return data or {}

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        # One transaction for read and write, instead of BaseStorage's get_data + set_data.
        return await self._write(key, merge=_storable(data))

    async def close(self) -> None:
        """Nothing to close: the engine belongs to whoever created the session factory."""

    async def _write(
        self,
        key: StorageKey,
        *,
        state: str | Literal[_Unchanged.STATE] | None = _Unchanged.STATE,
        data: dict[str, Any] | None = None,
        merge: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change state, replace data or merge into it; returns the data now stored.

        A key with neither state nor data has no row, so finished conversations leave nothing behind.
        """
        row_key = self._key_builder.build(key)
        async with self._session_factory.begin() as session:
            row = (
                await session.execute(
                    select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == row_key)
                )
            ).one_or_none()
            old_state: str | None = row.state if row else None
            old_data: dict[str, Any] = row.data if row else {}
            new_state = old_state if state is _Unchanged.STATE else state
            new_data = data if data is not None else {**old_data, **(merge or {})}
            values = {"state": new_state, "data": new_data, "updated_at": datetime.now(UTC)}
            if new_state is None and not new_data:
                if row is not None:
                    await session.execute(delete(fsm_states).where(fsm_states.c.key == row_key))
            elif row is None:
                await session.execute(insert(fsm_states).values(key=row_key, **values))
            else:
                await session.execute(update(fsm_states).where(fsm_states.c.key == row_key).values(**values))
        return dict(new_data)


def _storable(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``data``, or TypeError naming the first entry a restart could not restore."""
    for name, value in data.items():
        if not isinstance(name, str):
            raise TypeError(f"FSM data keys must be strings, got {name!r}")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"FSM data {name!r} cannot be stored as JSON: {error}") from None
    return dict(data)
