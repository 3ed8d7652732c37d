"""Fixtures of the end-to-end tests: a real aiogram Bot and Dispatcher polling the emulator over HTTP,
and the whole sandbox."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.sandbox.emulator import Emulator, Limits
from bot.sandbox.harness import Sandbox
from bot.sandbox.http_api import EmulatorServer
from bot.sandbox.sandbox_cli import TRANSCRIPT_CHAT_BURST, TRANSCRIPT_CHAT_RATE

EMULATOR_TOKEN = "4242:emulator-test-token"

StartPolling = Callable[..., Awaitable[Dispatcher]]


class ServeEmulator(Protocol):
    def __call__(self, emulator: Emulator, token: str = ...) -> Awaitable[Bot]: ...


@pytest.fixture
def emulator_core() -> Emulator:
    return Emulator(EMULATOR_TOKEN)


@pytest.fixture
async def emulator_serve() -> AsyncIterator[ServeEmulator]:
    """Serve an emulator over HTTP on 127.0.0.1 and hand out an aiogram Bot that talks to it."""
    started: list[tuple[EmulatorServer, Bot]] = []

    async def serve(emulator: Emulator, token: str = EMULATOR_TOKEN) -> Bot:
        server = EmulatorServer(emulator)
        base_url = await server.start()
        bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
        started.append((server, bot))
        return bot

    yield serve
    for server, bot in reversed(started):
        await bot.session.close()
        await server.stop()


@pytest.fixture
async def emulator_bot(emulator_core: Emulator, emulator_serve: ServeEmulator) -> Bot:
    return await emulator_serve(emulator_core)


@pytest.fixture
async def emulator_polling(emulator_bot: Bot) -> AsyncIterator[StartPolling]:
    """Start a Dispatcher with the given routers polling the emulator; stopped after the test."""
    running: list[tuple[Dispatcher, asyncio.Task[None]]] = []

    async def start(*routers: Router) -> Dispatcher:
        dispatcher = Dispatcher()
        dispatcher.include_routers(*routers)
        task = asyncio.create_task(
            dispatcher.start_polling(
                emulator_bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
        running.append((dispatcher, task))
        return dispatcher

    yield start
    for dispatcher, task in running:
        try:
            await dispatcher.stop_polling()
        except RuntimeError:  # polling had not started yet
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=5)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The sandbox at the transcripts' loosened per-chat pace: tests that use it check what is said
    and kept, not flood control (those that do define their own)."""
    limits = Limits(chat_messages_per_second=TRANSCRIPT_CHAT_RATE, chat_burst=TRANSCRIPT_CHAT_BURST)
    async with Sandbox(tmp_path, limits=limits) as running:
        yield running
