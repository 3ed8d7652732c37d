"""广东住培 registration against the sandbox: what transcripts cannot show.

A real process kill, what reaches the logs, forged and odd updates, oversized answers.
"""

import asyncio
import io
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import SANDBOX_TOKEN
from bot.logs import setup_logging
from bot.sandbox.emulator import Emulator
from bot.sandbox.harness import Sandbox
from bot.sandbox.http_api import EmulatorServer
from bot.sandbox.people import Person

ID_NUMBER = "110101199003071233"
MOBILE = "13812345678"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(tmp_path) as running:
        yield running


async def say(person: Person, text: str) -> str:
    await person.send_text(text)
    return "\n".join(message.text for message in await person.new_messages())


async def tap(person: Person, label: str) -> str:
    await person.press(label)
    return "\n".join(message.text for message in await person.new_messages())


async def begin_registration(person: Person) -> None:
    await say(person, "/start")
    await tap(person, "广东")
    assert "第 1/7 步" in await tap(person, "注册新账号")


async def register(person: Person, sandbox: Sandbox, id_number: str = ID_NUMBER, mobile: str = MOBILE) -> str:
    await begin_registration(person)
    for answer in ("张三", id_number, "zhangsan" + id_number[-4:], "abc12345", "abc12345", mobile):
        await say(person, answer)
    latest = sandbox.sms.latest(mobile)
    assert latest is not None
    return await say(person, latest.code)


async def test_no_full_id_number_or_mobile_reaches_the_logs(sandbox: Sandbox) -> None:
    """At DEBUG, libraries log SQL parameters; the log set-up must mask what they carry."""
    written = io.StringIO()
    setup_logging("DEBUG", written)
    try:
        applicant = sandbox.person("applicant")
        assert "注册成功" in await register(applicant, sandbox)
    finally:
        logging.getLogger().handlers.clear()
    log = written.getvalue()
    assert "1101**********1233" in log, "the ID number never passed through the log: this test proves nothing"
    assert ID_NUMBER not in log
    assert MOBILE not in log


async def test_an_oversized_answer_is_refused_and_earlier_answers_are_kept(sandbox: Sandbox) -> None:
    applicant = sandbox.person("applicant")
    await begin_registration(applicant)
    await say(applicant, "张三")
    refusal = await say(applicant, "1" * 4096)
    assert "18位" in refusal
    assert "第 3/7 步" in await say(applicant, ID_NUMBER)


async def test_forged_button_data_from_one_applicant_never_shows_anothers_data(sandbox: Sandbox) -> None:
    first = sandbox.person("first")
    assert "注册成功" in await register(first, sandbox)
    second = sandbox.person("second")
    await say(second, "/start")
    sender = {"id": second.user.id, "is_bot": False, "first_name": "second", "language_code": "zh-hans"}
    message = {"message_id": 1, "date": 0, "chat": {"id": second.user.id, "type": "private"}}
    for forged in (
        "a:resume:gd-residency",
        "p:no-such-programme",
        "a:register:x:y",
        "l:xx",
        "junk",
        "r" * 64,
    ):
        sandbox.emulator.inject_raw_update(
            {
                "callback_query": {
                    "id": forged[:8],
                    "from": sender,
                    "chat_instance": "1",
                    "data": forged,
                    "message": message,
                }
            }
        )
    sandbox.emulator.inject_raw_update(
        {"message": {"message_id": 2, "date": 0, "chat": {"id": second.user.id, "type": "private"}}}
    )
    shown = "\n".join(item.text for item in await second.new_messages())
    assert "张三" not in shown and "zhangsan" not in shown and "5678" not in shown
    assert "注册成功" not in shown
    # the bot is still serving both of them
    assert "zhangsan1233" in await say(first, "/status")
    assert "第 1/7 步" in await tap(second, "广东") + await tap(second, "注册新账号")


async def _start_bot_process(base_url: str, database_url: str) -> asyncio.subprocess.Process:
    env = dict(os.environ, BOT_TOKEN=SANDBOX_TOKEN, TELEGRAM_API_URL=base_url, DATABASE_URL=database_url)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _wait_until_serving(emulator: Emulator, process: asyncio.subprocess.Process) -> None:
    """A fresh interpreter imports aiogram's types for seconds on a busy machine: wait for its getMe."""
    seen = len(emulator.calls("getMe"))
    async with asyncio.timeout(90):
        while len(emulator.calls("getMe")) == seen:
            assert process.returncode is None, "the bot process exited"
            await asyncio.sleep(0.1)


async def test_the_bot_process_killed_mid_form_resumes_where_the_applicant_was(tmp_path: Path) -> None:
    emulator = Emulator()
    server = EmulatorServer(emulator)
    base_url = await server.start()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    applicant = emulator.person(42, "applicant")
    process = await _start_bot_process(base_url, database_url)
    try:
        await _wait_until_serving(emulator, process)
        await begin_registration(applicant)
        assert "第 2/7 步" in await say(applicant, "张三")
        process.send_signal(signal.SIGKILL)  # no shutdown hook runs: only what was committed survives
        await process.wait()
        await applicant.send_text(ID_NUMBER)  # waits in the update queue while no bot runs
        process = await _start_bot_process(base_url, database_url)
        await _wait_until_serving(emulator, process)
        replies = "\n".join(item.text for item in await applicant.new_messages())
        assert "第 3/7 步" in replies
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await server.stop()
