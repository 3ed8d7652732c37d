"""Conversation transcripts as tests: every tests/conversations/*.chat is one test item.

Each plays in a fresh sandbox (its own database in a temporary folder, the clock at the real time
until the transcript sets it). A failure shows the transcript's diff, not a Python traceback.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.sandbox_cli import play_in_fresh_sandbox
from bot.sandbox.transcript import Mismatch, TranscriptSyntaxError, parse_file

CONVERSATIONS = Path(__file__).parent / "conversations"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".chat" and CONVERSATIONS in file_path.parents:
        return TranscriptFile.from_parent(parent, path=file_path)
    return None


class TranscriptFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        # Parsed when run, not here: a broken transcript fails alone instead of stopping collection.
        yield TranscriptItem.from_parent(self, name=self.path.stem)


class TranscriptItem(pytest.Item):
    def runtest(self) -> None:
        transcript = parse_file(self.path)
        # A plain (not async) item: pytest-asyncio runs no loop here, so this one is ours.
        asyncio.run(play_in_fresh_sandbox(transcript))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, Mismatch | TranscriptSyntaxError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"transcript {self.path.name}"
