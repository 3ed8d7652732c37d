"""Time, injected: every rule that depends on "now" takes a Clock, so tests and the sandbox move it."""

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(BEIJING)


class SandboxClock:
    """A clock that the sandbox operator and the transcripts can set and move; it keeps running."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(BEIJING) + self._offset

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        self._offset = moment - datetime.now(BEIJING)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta
