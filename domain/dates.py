"""Dates (YYYYMMDD) and months (YYYYMM) typed by applicants: RULES.md §2 "Postcode, pinyin, e-mail, dates".

The forms want bare digits (19810422, 200601); people also type 1981-04-22, 1981.4.22 or 1981年4月22日,
so those are read too and the value is returned as a ``date`` (a month as its first day).
"""

import re
import unicodedata
from datetime import date

from domain.problems import Problem
from domain.text import N_

EXAMPLE_DATE = "19810422"
EXAMPLE_MONTH = "200601"
# The same floor as birth dates in ID numbers (RULES.md §2): an earlier date is a typo.
EARLIEST = date(1900, 1, 1)

# Year, then month and day of one or two digits, separated by - . / spaces or 年 月 (日 / 号 may end it).
_SEPARATED_DATE = re.compile(r"(\d{4})\s*[-./年\s]\s*(\d{1,2})\s*[-./月\s]\s*(\d{1,2})\s*[日号]?", re.ASCII)
_SEPARATED_MONTH = re.compile(r"(\d{4})\s*[-./年\s]\s*(\d{1,2})\s*月?", re.ASCII)
_DIGITS_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_DIGITS_MONTH = re.compile(r"(\d{4})(\d{2})", re.ASCII)


def format_date(day: date) -> str:
    """``date(1981, 4, 22)`` → ``"19810422"``, the forms' format."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def format_month(month: date) -> str:
    """``date(2006, 1, 1)`` → ``"200601"`` (the day is ignored)."""
    return f"{month.year:04d}{month.month:02d}"


def parse_date(raw: str, today: date, *, allow_future: bool = False) -> date | Problem:
    """A real calendar date from 1900 on, not after ``today`` unless ``allow_future``."""
    text = _normalise(raw)
    match = _DIGITS_DATE.fullmatch(text) or _SEPARATED_DATE.fullmatch(text)
    if match is None:
        return Problem(N_("Enter the date as 8 digits: year, month and day."), example=EXAMPLE_DATE)
    year, month, day = (int(part) for part in match.groups())
    shown = f"{year:04d}-{month:02d}-{day:02d}"
    # The year first: ``date`` cannot even hold year 0.
    if year < EARLIEST.year:
        return Problem(
            N_("{date} is before 1900: check the year."), params={"date": shown}, example=EXAMPLE_DATE
        )
    try:
        value = date(year, month, day)
    except ValueError:
        return Problem(N_("{date} is not a real date."), params={"date": shown}, example=EXAMPLE_DATE)
    if value > today and not allow_future:
        return Problem(
            N_("{date} is in the future: check the date."), params={"date": shown}, example=EXAMPLE_DATE
        )
    return value


def parse_month(raw: str, today: date, *, allow_future: bool = False) -> date | Problem:
    """The first day of a real month from 1900 on; the current month counts as past, not future."""
    text = _normalise(raw)
    match = _DIGITS_MONTH.fullmatch(text) or _SEPARATED_MONTH.fullmatch(text)
    if match is None:
        return Problem(N_("Enter the month as 6 digits: year and month."), example=EXAMPLE_MONTH)
    year, month = (int(part) for part in match.groups())
    shown = f"{year:04d}-{month:02d}"
    if not 1 <= month <= 12:
        return Problem(
            N_("{month} is not a real month: the month is 01 to 12."),
            params={"month": shown},
            example=EXAMPLE_MONTH,
        )
    if year < EARLIEST.year:
        return Problem(
            N_("{month} is before 1900: check the year."), params={"month": shown}, example=EXAMPLE_MONTH
        )
    value = date(year, month, 1)
    if value > today and not allow_future:
        return Problem(
            N_("{month} is in the future: check the month."),
            params={"month": shown},
            example=EXAMPLE_MONTH,
        )
    return value


def _normalise(raw: str) -> str:
    # NFKC: Chinese IMEs type full-width digits and separators (１９８１／０４).
    return unicodedata.normalize("NFKC", raw).strip()


# ---------------------------------------------------------------------------------------------------
# The months of a record of a list (education, work, personal history), numbered from 1

START_MISSING = N_("Record {number}: enter the start month.")
END_MISSING = N_("Record {number}: enter the end month.")
START_NOT_A_MONTH = N_("Record {number}: the start month is not a real month (YYYYMM).")
END_NOT_A_MONTH = N_("Record {number}: the end month is not a real month (YYYYMM).")
START_IN_FUTURE = N_("Record {number}: the start month {month} is in the future.")
END_IN_FUTURE = N_("Record {number}: the end month {month} is in the future.")
END_BEFORE_START = N_("Record {number}: the end month {end} is before the start month {start}.")


def _record_month(raw: str, number: int, not_real: str) -> date | Problem | None:
    """The month of a record field; None when empty, a record-numbered Problem when not a month.

    Limits on future months are the caller's: they differ between start and end, education and work.
    """
    if not raw:
        return None
    month = parse_month(raw, date.max, allow_future=True)
    if isinstance(month, Problem):
        return Problem(not_real, {"number": number}, EXAMPLE_MONTH)
    return month


def check_record_months(
    number: int,
    start_raw: str,
    end_raw: str,
    *,
    today: date,
    start_required: bool,
    latest_end: date,
    late_end: str = "",
) -> list[Problem]:
    """Start and end of record ``number``: real months, not ahead of their limits, end ≥ start.

    ``late_end`` is the message id for an end after ``latest_end``, with {number}, {month}, {latest}
    (END_IN_FUTURE by default).
    """
    start = _record_month(start_raw, number, START_NOT_A_MONTH)
    end = _record_month(end_raw, number, END_NOT_A_MONTH)
    problems = [month for month in (start, end) if isinstance(month, Problem)]
    if start is None and start_required:
        problems.append(Problem(START_MISSING, {"number": number}))
    if isinstance(start, date) and start > today.replace(day=1):
        problems.append(Problem(START_IN_FUTURE, {"number": number, "month": format_month(start)}))
    if isinstance(end, date) and end > latest_end:
        problems.append(
            Problem(
                late_end or END_IN_FUTURE,
                {"number": number, "month": format_month(end), "latest": format_month(latest_end)},
            )
        )
    if isinstance(start, date) and isinstance(end, date) and end < start:
        problems.append(
            Problem(
                END_BEFORE_START,
                {"number": number, "end": format_month(end), "start": format_month(start)},
            )
        )
    return problems
