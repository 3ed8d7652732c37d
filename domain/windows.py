"""Date windows (application, admission, confirmation, upload ...), always in Beijing time.

A notice's "X月Y日" end date includes that whole day, as the Tianjin upload notice's "1月27日24时"
shows (RULES.md, preamble); an end given with a time of day is exact.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Self

from domain.clock import BEIJING

_RANGE_SEPARATOR = ".."


class WindowPhase(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware: {moment.isoformat()}")
    return moment.astimezone(BEIJING)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BEIJING)


@dataclass(frozen=True)
class Window:
    """From ``start`` (included) to ``end`` (excluded), both shown in Beijing time."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Frozen: normalising to Beijing time has to go through object.__setattr__.
        object.__setattr__(self, "start", _aware(self.start, "start"))
        object.__setattr__(self, "end", _aware(self.end, "end"))
        if self.end <= self.start:
            raise ValueError(
                f"window ends before it starts: {self.start.isoformat()}..{self.end.isoformat()}"
            )

    @classmethod
    def of_dates(cls, first: date, last: date) -> Self:
        """From the first day's 00:00 through the last day's 23:59:59, Beijing time."""
        return cls(_midnight(first), _midnight(last + timedelta(days=1)))

    @classmethod
    def parse(cls, text: str) -> Self:
        """``2021-04-15..2021-04-22`` (whole days) or ``2022-11-21T09:00..2022-11-23T17:00`` (exact).

        A moment without an offset is Beijing time. Raises ValueError naming the text.
        """
        first, separator, last = text.partition(_RANGE_SEPARATOR)
        if not separator:
            raise ValueError(f"a window is written START..END, got {text!r}")
        try:
            start = _bound(first.strip(), is_end=False)
            end = _bound(last.strip(), is_end=True)
            return cls(start, end)
        except ValueError as error:
            raise ValueError(f"bad window {text!r}: {error}") from error

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last Beijing day on which the window is open, for display."""
        return (self.end - timedelta(microseconds=1)).date()

    def contains(self, moment: datetime) -> bool:
        return self.start <= _aware(moment, "moment") < self.end

    def phase(self, moment: datetime) -> WindowPhase:
        moment = _aware(moment, "moment")
        if moment < self.start:
            return WindowPhase.UPCOMING
        if moment < self.end:
            return WindowPhase.OPEN
        return WindowPhase.CLOSED

    def remaining(self, moment: datetime) -> timedelta:
        """Time left until the window closes; zero once it has closed."""
        return max(self.end - _aware(moment, "moment"), timedelta(0))

    def opens_in(self, moment: datetime) -> timedelta:
        """Time until the window opens; zero once it has opened."""
        return max(self.start - _aware(moment, "moment"), timedelta(0))


def _bound(text: str, *, is_end: bool) -> datetime:
    if "T" not in text and " " not in text:
        day = date.fromisoformat(text)
        return _midnight(day + timedelta(days=1)) if is_end else _midnight(day)
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment


# ----- as the applicant reads them (Beijing time)


def moment_text(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def end_text(end: datetime) -> str:
    """A window's end; midnight as the previous day's 24:00, as the notices write an inclusive last day."""
    local = end.astimezone(BEIJING)
    if local.time() == time(0):
        return f"{(local.date() - timedelta(days=1)).isoformat()} 24:00"
    return moment_text(local)


def window_text(window: Window) -> str:
    """``2021-04-15 – 2021-04-22`` for whole days (the notices' inclusive last day), else to the minute."""
    if window.start.time() == time(0) and window.end.time() == time(0):
        return f"{window.first_day.isoformat()} – {window.last_day.isoformat()}"
    return f"{moment_text(window.start)} – {moment_text(window.end)}"
