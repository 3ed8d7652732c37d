"""The sandbox's two entry points for bot/cli.py: playing transcripts and the terminal chat."""

import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings
from bot.logs import PersonalDataFilter
from bot.sandbox.emulator import Limits
from bot.sandbox.terminal import TerminalChat
from bot.sandbox.transcript import (
    DEFAULT_WAIT,
    Mismatch,
    Transcript,
    TranscriptSyntaxError,
    parse_file,
)
from bot.sandbox.transcript import play as play_transcript
from domain.clock import SandboxClock

SANDBOX_DATA_DIR = PROJECT_ROOT / "data" / "sandbox"


# Telegram's per-chat pace (1 message/s after a burst of 3) would make every multi-message answer
# wait out a 429: transcripts check what is said, so they play with a chat limit that rarely bites.
# The global 30 messages/s stays; `fault sendMessage 429` still plays flood control on purpose.
TRANSCRIPT_CHAT_RATE, TRANSCRIPT_CHAT_BURST = 20.0, 20


async def play_in_fresh_sandbox(
    transcript: Transcript, *, wait: float = DEFAULT_WAIT, telegram_pace: bool = False
) -> None:
    """Play one transcript in a sandbox of its own (empty database, clock at the real time).

    ``telegram_pace`` keeps Telegram's per-chat flood limit. Raises Mismatch on the first unmet
    expectation.
    """
    from bot.sandbox.harness import Sandbox  # imports the bot: alembic logs as it loads

    limits = (
        None
        if telegram_pace
        else Limits(chat_messages_per_second=TRANSCRIPT_CHAT_RATE, chat_burst=TRANSCRIPT_CHAT_BURST)
    )
    with tempfile.TemporaryDirectory(prefix="baoming-transcript-") as data_dir:
        async with Sandbox(Path(data_dir), limits=limits) as sandbox:
            await play_transcript(sandbox, transcript, wait=wait)


def play(paths: Sequence[str | Path]) -> int:
    """``baoming sandbox play FILE...``: "PASS file" or the diff per file; 0 when all pass, else 1."""
    failures = 0
    for name in paths:
        path = Path(name)
        try:
            transcript = parse_file(path)
            asyncio.run(play_in_fresh_sandbox(transcript))
        except (Mismatch, TranscriptSyntaxError) as error:
            failures += 1
            print(error if isinstance(error, TranscriptSyntaxError) else error.report(), flush=True)
            continue
        except OSError as error:
            failures += 1
            print(f"FAIL {path}: {error.strerror or error}", flush=True)
            continue
        print(f"PASS {path}  ({transcript.title})", flush=True)
    if len(paths) > 1:
        print(f"{len(paths) - failures} passed, {failures} failed", flush=True)
    return 1 if failures else 0


async def run_terminal(settings: Settings) -> None:
    """``make run`` without BOT_TOKEN: the sandbox on data/sandbox/ (kept between runs) and a chat
    on this terminal. Returns on /quit, end of input or Ctrl-C."""
    SANDBOX_DATA_DIR.mkdir(parents=True, exist_ok=True)
    log_file = SANDBOX_DATA_DIR / "sandbox.log"
    _log_to_file(log_file, settings.log_level)
    from bot.sandbox.harness import Sandbox  # after the log set-up: alembic logs as it loads

    clock = SandboxClock(datetime.fromisoformat(settings.sandbox_clock) if settings.sandbox_clock else None)
    sandbox = Sandbox(SANDBOX_DATA_DIR, clock=clock, host=settings.sandbox_host, port=settings.sandbox_port)
    print("Starting the sandbox (emulated Telegram and the bot)...", flush=True)
    async with sandbox:
        chat = TerminalChat(sandbox, sys.stdout)
        chat.say(f"Sandbox ready: Bot API emulator at {sandbox.base_url}; the bot's log is in {log_file}.")
        await chat.run()


def _log_to_file(path: Path, level: str) -> None:
    """The bot's log would break up the chat on the terminal: it goes to a file, errors to both."""
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler.addFilter(PersonalDataFilter())
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.ERROR)
    console.setFormatter(logging.Formatter("(log) %(levelname)s %(name)s: %(message)s"))
    console.addFilter(PersonalDataFilter())
    logging.basicConfig(level=level, handlers=[file_handler, console], force=True)
