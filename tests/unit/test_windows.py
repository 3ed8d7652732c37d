import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.clock import BEIJING
from domain.windows import Window, WindowPhase


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


APRIL = Window.of_dates(date(2021, 4, 15), date(2021, 4, 22))


def test_a_date_window_is_open_through_the_last_day_until_midnight_beijing_time():
    assert APRIL.phase(beijing(2021, 4, 14, 23, 59, 59)) is WindowPhase.UPCOMING
    assert APRIL.phase(beijing(2021, 4, 15, 0, 0)) is WindowPhase.OPEN
    assert APRIL.phase(beijing(2021, 4, 22, 23, 59, 59)) is WindowPhase.OPEN
    assert APRIL.phase(beijing(2021, 4, 23, 0, 0)) is WindowPhase.CLOSED


def test_a_moment_in_another_time_zone_is_judged_in_beijing_time():
    # 2021-04-22 16:30 UTC is 2021-04-23 00:30 in Beijing: closed, though still the 22nd in London.
    assert APRIL.phase(datetime(2021, 4, 22, 16, 30, tzinfo=UTC)) is WindowPhase.CLOSED
    assert APRIL.phase(datetime(2021, 4, 22, 15, 59, tzinfo=UTC)) is WindowPhase.OPEN


def test_the_last_day_is_shown_as_the_day_the_notice_names():
    assert APRIL.first_day == date(2021, 4, 15)
    assert APRIL.last_day == date(2021, 4, 22)


def test_a_written_date_window_equals_the_same_days():
    assert Window.parse("2021-04-15..2021-04-22") == APRIL


def test_a_written_window_with_times_ends_exactly_at_its_time():
    window = Window.parse("2022-11-21T09:00..2022-11-23T17:00")
    assert window.phase(beijing(2022, 11, 21, 8, 59)) is WindowPhase.UPCOMING
    assert window.contains(beijing(2022, 11, 23, 16, 59, 59))
    assert window.phase(beijing(2022, 11, 23, 17, 0)) is WindowPhase.CLOSED
    assert window.last_day == date(2022, 11, 23)


def test_a_written_window_may_carry_its_own_offset():
    window = Window.parse("2022-11-21T01:00+00:00..2022-11-23")
    assert window.start == beijing(2022, 11, 21, 9, 0)


@pytest.mark.parametrize(
    "text", ["2021-04-15", "2021-04-15..", "2021-04-22..2021-04-15", "2021-02-30..2021-03-01", "soon..later"]
)
def test_a_malformed_window_is_refused_naming_the_text(text):
    with pytest.raises(ValueError, match=re.escape(text)):
        Window.parse(text)


def test_a_window_needs_time_zone_aware_moments():
    with pytest.raises(ValueError):
        Window(datetime(2021, 4, 15), datetime(2021, 4, 16))
    with pytest.raises(ValueError):
        APRIL.contains(datetime(2021, 4, 16))


def test_remaining_time_counts_down_to_the_close_and_stops_at_zero():
    assert APRIL.remaining(beijing(2021, 4, 22, 12, 0)) == timedelta(hours=12)
    assert APRIL.remaining(beijing(2021, 5, 1)) == timedelta(0)


def test_time_until_opening_is_zero_once_open():
    assert APRIL.opens_in(beijing(2021, 4, 14, 23, 0)) == timedelta(hours=1)
    assert APRIL.opens_in(beijing(2021, 4, 16)) == timedelta(0)


zones = st.sampled_from([BEIJING, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))])
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=zones)


@given(moments, moments, moments)
def test_a_moment_is_in_exactly_one_phase_and_contains_agrees_with_open(a, b, moment):
    if a == b:
        return
    window = Window(min(a, b), max(a, b))
    phase = window.phase(moment)
    assert window.contains(moment) == (phase is WindowPhase.OPEN)
    assert (phase is WindowPhase.UPCOMING) == (moment < window.start)
    assert (phase is WindowPhase.CLOSED) == (moment >= window.end)
    assert (window.remaining(moment) > timedelta(0)) == (phase is not WindowPhase.CLOSED)
