"""``make bench``: figures, each with a baseline run in the same process, and their ratio.

1. ID-number validation (GB 11643-1999 rules) against a bare regular expression on the same inputs.
2. The real bot's reply latency through the sandbox (HTTP long polling, database, FSM, i18n)
   against a bare aiogram echo bot polling the same emulator.
3. Checking and fixing a 12-megapixel phone photo (seed 003 rules, face and background included)
   against Pillow merely decoding the same file.
4. Reminders (tests/bench/outbox.py): planning 100 000 against building as many plain pairs, and
   sending 20 000 through the outbox against the emulator's limit of 500 a second.
5. FAQ retrieval (tests/bench/faq.py): the evaluation set's top-1 accuracy and hand-off rate, and the
   latency of answering a question against a plain substring scan over the same entries.
"""

import asyncio
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from PIL import Image

from bot.app import SANDBOX_TOKEN
from bot.sandbox.emulator import Emulator, Limits
from bot.sandbox.harness import Sandbox
from bot.sandbox.http_api import EmulatorServer
from bot.sandbox.people import Person
from domain.identity import make_resident_id, parse_resident_id
from domain.photos import DEGREE_PHOTO, FixedPhoto, check, fix
from tests.bench import outbox
from tests.bench.faq import bench_faq
from tests.photo_samples import phone_photo

# Throttling would measure Telegram's limits, not our code: the bench lifts them.
UNLIMITED = Limits(messages_per_second=1e6, chat_messages_per_second=1e6, chat_burst=1_000_000)
ROUNDS = 60


def bench_id_numbers(count: int = 20_000) -> None:
    numbers = [
        make_resident_id("440106", date(1960 + i % 60, 1 + i % 12, 1 + i % 28), i % 1000)
        for i in range(count)
    ]
    today = date.today()
    shape = re.compile(r"\d{17}[\dX]")

    started = time.perf_counter()
    for number in numbers:
        shape.fullmatch(number)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    for number in numbers:
        parse_resident_id(number, today)
    ours = time.perf_counter() - started

    print(
        f"ID numbers: {count / ours:,.0f}/s validated (baseline regex {count / baseline:,.0f}/s), "
        f"ratio {ours / baseline:.1f}x the regex, {ours / count * 1e6:.1f} µs each"
    )


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls, after one untimed call (OpenCV loads its model once)."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_photos(runs: int = 7) -> None:
    data = phone_photo()

    def decode() -> None:
        with Image.open(BytesIO(data)) as image:
            image.load()

    assert isinstance(fix(data, DEGREE_PHOTO), FixedPhoto)
    baseline = median_seconds(decode, runs)
    checked = median_seconds(lambda: check(data, DEGREE_PHOTO), runs)
    fixed = median_seconds(lambda: fix(data, DEGREE_PHOTO), runs)
    size = f"{len(data) / 1e6:.1f} MB"
    print(f"Photo, 12 MP phone JPEG (4000×3000, EXIF-rotated, {size}), median of {runs} runs:")
    print(f"  Pillow decode (baseline): {baseline * 1000:.0f} ms")
    for label, seconds in (
        ("check (rules, face, background)", checked),
        ("fix to 390×567 ≤ 200,000 bytes", fixed),
    ):
        print(f"  {label}: {seconds * 1000:.0f} ms, ratio {seconds / baseline:.1f}x the decode")


async def round_trips(person: Person, emulator: Emulator, text: str, rounds: int) -> list[float]:
    """Seconds from a user's message to the bot's first reply, per round."""
    chat_id = person.user.id
    latencies = []
    for _ in range(rounds):
        seen = len(emulator.chat_messages(chat_id))
        started = time.perf_counter()
        await person.send_text(text)
        # Polling at 0.5 ms timestamps the first reply itself, not the end of a quiet period.
        while not any(m.from_bot for m in emulator.chat_messages(chat_id)[seen:]):  # noqa: ASYNC110
            await asyncio.sleep(0.0005)
        latencies.append(time.perf_counter() - started)
        await emulator.wait_idle(chat_id, quiet=0.05)
    return latencies


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def echo_baseline() -> list[float]:
    emulator = Emulator(limits=UNLIMITED)
    server = EmulatorServer(emulator)
    base_url = await server.start()
    bot = Bot(SANDBOX_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer("ok")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        person = emulator.person(1, "baseline")
        return await round_trips(person, emulator, "/status", ROUNDS)
    finally:
        await dispatcher.stop_polling()
        await polling
        await server.stop()


async def our_bot() -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as data_dir:
        async with Sandbox(Path(data_dir), limits=UNLIMITED) as sandbox:
            person = sandbox.person("applicant")
            status = await round_trips(person, sandbox.emulator, "/status", ROUNDS)
            await person.send_text("/start")
            await person.new_messages()
            await person.press("广东")
            await person.new_messages()
            await person.press("注册新账号")
            await person.new_messages()
            # /start inside a form: FSM read + write, the question asked again
            resume = await round_trips(person, sandbox.emulator, "/start", ROUNDS)
            return status, resume


def main() -> None:
    bench_id_numbers()
    bench_photos()
    baseline = asyncio.run(echo_baseline())
    status, resume = asyncio.run(our_bot())
    base = statistics.median(baseline)
    print(f"Bare echo bot (baseline): {summary(baseline)}")
    print(f"/status (user, accounts, FSM): {summary(status)}, ratio {statistics.median(status) / base:.1f}x")
    print(f"/start mid-form (FSM write): {summary(resume)}, ratio {statistics.median(resume) / base:.1f}x")
    outbox.bench_planning()
    outbox.bench_sending()
    bench_faq()


if __name__ == "__main__":
    main()
