"""Reminders at scale (issue 7): planning 100 000 reminders, and sending 20 000 through the outbox to
the emulator limited to 500 messages a second.

Planning is compared with a baseline that builds as many plain (key, due time) pairs; sending is
compared with the emulator's limit, the most any sender can achieve without a 429.
"""

import asyncio
import multiprocessing
import statistics
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.app import SANDBOX_TOKEN, build_i18n
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.tables import start_mappers
from bot.db.uow import SqlUnitOfWork
from bot.notifier import Notifier
from bot.sandbox.emulator import Emulator, Limits
from bot.sandbox.http_api import EmulatorServer
from domain import outbox, reminders
from domain.clock import BEIJING, SandboxClock
from domain.model import ChatUser, OutboxMessage
from tests.unit.test_gd_catalog import sample_catalog

PLANNED = 100_000
SENT = 20_000
FIRST_CHAT = 100_000
LIMIT = 500.0  # the emulator's messages per second, all chats together
# The sender keeps a little under the limit: at exactly the limit, two clocks' jitter means 429s.
SENDER_SHARE = 0.98


def _plan(offers: list[reminders.OpenOffer], now: datetime) -> tuple[int, list[reminders.Cohort]]:
    planned = reminders.plan_offers(offers, {2021: sample_catalog().batches}, now)
    timed, cohorts = reminders.schedule(planned, 25.0, now)
    return len(timed), cohorts


def bench_planning(count: int = PLANNED, runs: int = 3) -> None:
    now = datetime(2021, 5, 24, 9, 0, tzinfo=BEIJING)  # inside batch 1's confirmation window
    offers = [
        reminders.OpenOffer(n, n, n, 2021, 1, "中山大学附属第一医院", now - timedelta(days=1))
        for n in range(1, count + 1)
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        planned, cohorts = _plan(offers, now)
        times.append(time.perf_counter() - started)
    baselines = []
    for _ in range(runs):
        started = time.perf_counter()
        pairs = [(f"offer-closes:{n}:o{n}:24h", now + timedelta(seconds=n / 25)) for n in range(planned)]
        baselines.append(time.perf_counter() - started)
    del pairs
    tracemalloc.start()
    _plan(offers, now)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ours, base = statistics.median(times), statistics.median(baselines)
    print(
        f"Planning {count:,} open offers into {planned:,} reminders: {ours:.2f} s median of {runs} "
        f"(baseline, as many plain key/time pairs: {base:.2f} s), ratio {ours / base:.1f}x; "
        f"peak memory {peak / 1e6:.0f} MB"
    )
    for cohort in cohorts:
        print(f"  {cohort.log_line()}")


def _serve_emulator(connection: Connection, count: int, limit: float) -> None:
    """The emulator in a process of its own, as Telegram is: sharing the sender's event loop and
    interpreter, it would measure their contention (about 350 sends a second on this machine)."""

    async def serve() -> None:
        emulator = Emulator(SANDBOX_TOKEN, limits=Limits(messages_per_second=limit))
        for n in range(count):
            emulator.add_user(FIRST_CHAT + n, f"p{n}")
        server = EmulatorServer(emulator)
        connection.send(await server.start())
        await asyncio.to_thread(connection.recv)  # the sender is done
        calls = emulator.calls("sendMessage")
        received = [
            sum(1 for m in emulator.chat_messages(FIRST_CHAT + n) if m.from_bot) for n in range(count)
        ]
        connection.send(
            {
                "delivered": sum(1 for call in calls if call.ok),
                "throttled": sum(1 for call in calls if call.status == 429),
                "duplicates": sum(times - 1 for times in received if times > 1),
                "missing": received.count(0),
            }
        )
        await server.stop()

    asyncio.run(serve())


async def _send(count: int, limit: float, folder: Path, base_url: str) -> float:
    """Queue ``count`` reminders, one per chat, and send them all; returns the seconds it took."""
    url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    start_mappers()
    await upgrade_to_head(url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    clock = SandboxClock()
    clock.set(datetime(2027, 4, 16, 12, 0, tzinfo=BEIJING))  # outside anyone's quiet hours
    uow = SqlUnitOfWork(factory)
    async with uow:
        for n in range(count):
            chat = FIRST_CHAT + n
            user = await uow.users.add(ChatUser("telegram", str(chat), clock.now()))
            message = OutboxMessage(
                user_id=user.id or 0,
                kind="bench",
                dedupe_key=f"bench:{chat}",
                text_id="Reminder {n}",
                params={"n": n},
                due_at=clock.now() - timedelta(minutes=1),
                created_at=clock.now(),
                deadline_at=clock.now() + timedelta(hours=1),
            )
            await outbox.enqueue(uow, message)
        await uow.commit()
    bot = Bot(SANDBOX_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    sender = Notifier(factory, bot, build_i18n(), clock, rate=limit * SENDER_SHARE, in_flight=100)
    started = time.perf_counter()
    await sender.run_once()
    elapsed = time.perf_counter() - started
    await bot.session.close()
    await engine.dispose()
    return elapsed


def bench_sending(count: int = SENT, limit: float = LIMIT) -> None:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    emulator = multiprocessing.get_context("spawn").Process(
        target=_serve_emulator, args=(theirs, count, limit), daemon=True
    )
    emulator.start()
    try:
        base_url = ours.recv()
        with tempfile.TemporaryDirectory() as folder:
            elapsed = asyncio.run(_send(count, limit, Path(folder), base_url))
        ours.send("done")
        seen = ours.recv()
    finally:
        emulator.join(timeout=30)
        if emulator.is_alive():
            emulator.kill()
    achieved = seen["delivered"] / elapsed
    print(
        f"Sending {count:,} reminders through the outbox to the emulator (its own process) limited to "
        f"{limit:.0f}/s: {seen['delivered']:,} delivered in {elapsed:.1f} s = {achieved:.0f}/s, "
        f"{achieved / limit:.2f} of the limit (goal ≥ 0.95); 429s: {seen['throttled']}; "
        f"duplicates: {seen['duplicates']}; missing: {seen['missing']}"
    )
