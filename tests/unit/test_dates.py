"""Dates (YYYYMMDD) and months (YYYYMM): RULES.md §2 "Postcode, pinyin, e-mail, dates"."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import (
    EXAMPLE_DATE,
    EXAMPLE_MONTH,
    format_date,
    format_month,
    parse_date,
    parse_month,
)
from domain.problems import Problem

TODAY = date(2025, 6, 1)
FAR_FUTURE = date(2100, 12, 31)


def date_refusal(raw: str, today: date = TODAY) -> Problem:
    result = parse_date(raw, today)
    assert isinstance(result, Problem), result
    assert result.example == EXAMPLE_DATE
    return result


def month_refusal(raw: str, today: date = TODAY) -> Problem:
    result = parse_month(raw, today)
    assert isinstance(result, Problem), result
    assert result.example == EXAMPLE_MONTH
    return result


@pytest.mark.parametrize(
    "typed",
    [
        "19810422",
        "1981-04-22",
        "1981-4-22",
        "1981.04.22",
        "1981/4/22",
        "1981 04 22",
        "1981年4月22日",
        "1981年04月22号",
        " 1981 年 4 月 22 日 ",
        "１９８１０４２２",
        "１９８１－０４－２２",
    ],
)
def test_a_date_is_read_from_digits_separators_or_chinese_units(typed):
    assert parse_date(typed, TODAY) == date(1981, 4, 22)


@pytest.mark.parametrize("typed", ["19810230", "19810431", "19900229", "19811301", "19810400"])
def test_an_impossible_date_is_refused_showing_it(typed):
    problem = date_refusal(typed)

    assert "not a real date" in problem.message
    assert problem.params["date"] == f"{typed[:4]}-{typed[4:6]}-{typed[6:]}"


def test_the_twenty_ninth_of_february_is_real_in_a_leap_year():
    assert parse_date("20000229", TODAY) == date(2000, 2, 29)


@pytest.mark.parametrize("typed", ["18991231", "00000101", "0000-02-30"])
def test_a_date_before_1900_is_refused(typed):
    assert "before 1900" in date_refusal(typed).message


def test_today_is_accepted_and_tomorrow_is_in_the_future():
    assert parse_date("20250601", TODAY) == TODAY
    assert "future" in date_refusal("20250602").message


def test_a_future_date_is_accepted_when_allowed():
    assert parse_date("20300101", TODAY, allow_future=True) == date(2030, 1, 1)


@pytest.mark.parametrize(
    "typed", ["", "1981422", "198104221", "81-04-22", "22.04.1981", "1981-04", "April 1981"]
)
def test_anything_but_a_year_month_and_day_asks_for_eight_digits(typed):
    assert "8 digits" in date_refusal(typed).message


@pytest.mark.parametrize(
    "typed",
    ["200601", "2006-01", "2006-1", "2006.01", "2006/1", "2006年1月", "2006 年 01 月", "２００６０１"],
)
def test_a_month_is_read_as_its_first_day(typed):
    assert parse_month(typed, TODAY) == date(2006, 1, 1)


@pytest.mark.parametrize("typed", ["200613", "200600", "2006-13"])
def test_an_impossible_month_is_refused_showing_it(typed):
    problem = month_refusal(typed)

    assert "not a real month" in problem.message
    assert problem.params["month"] == f"2006-{typed[-2:]}"


def test_a_month_before_1900_is_refused():
    assert "before 1900" in month_refusal("189912").message


def test_the_current_month_is_past_and_the_next_is_in_the_future():
    assert parse_month("202506", TODAY) == date(2025, 6, 1)
    assert "future" in month_refusal("202507").message
    assert parse_month("202507", TODAY, allow_future=True) == date(2025, 7, 1)


@pytest.mark.parametrize("typed", ["", "20061", "2006011", "06-01", "20060101"])
def test_anything_but_a_year_and_month_asks_for_six_digits(typed):
    assert "6 digits" in month_refusal(typed).message


def test_formats_are_the_forms_bare_digits():
    assert format_date(date(1981, 4, 22)) == "19810422"
    assert format_month(date(2006, 1, 31)) == "200601"


days = st.dates(min_value=date(1900, 1, 1), max_value=FAR_FUTURE)


@given(days)
def test_every_day_from_1900_to_2100_round_trips(day):
    assert parse_date(format_date(day), FAR_FUTURE) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日", FAR_FUTURE) == day
    assert parse_date(day.isoformat(), FAR_FUTURE) == day


@given(days)
def test_every_month_from_1900_to_2100_round_trips_to_its_first_day(day):
    assert parse_month(format_month(day), FAR_FUTURE) == day.replace(day=1)


@given(days, days)
def test_a_date_is_accepted_exactly_when_it_is_not_after_today(day, today):
    result = parse_date(format_date(day), today)

    assert (result == day) == (day <= today)
