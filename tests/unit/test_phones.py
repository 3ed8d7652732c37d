import pytest

from domain.phones import EXAMPLE_MOBILE, is_mobile, parse_landline, parse_mobile, parse_phone
from domain.problems import Problem


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "+8613812345678",
        "１３８１２３４５６７８",
        " 138-1234-5678 ",
    ],
)
def test_a_mobile_number_is_accepted_in_the_usual_spellings(raw):
    assert parse_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "1381234567a", "+1 138 1234 5678"]
)
def test_a_number_that_is_no_mainland_mobile_is_refused_with_an_example(raw):
    problem = parse_mobile(raw)
    assert isinstance(problem, Problem)
    assert "11 digits" in problem.message
    assert problem.example == EXAMPLE_MOBILE


def test_an_empty_mobile_answer_asks_for_the_number():
    problem = parse_mobile("  ")
    assert isinstance(problem, Problem)
    assert problem.message == "Enter your mobile number."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01062961234", "01062961234"),
        ("010-62961234", "01062961234"),
        ("075586688888", "075586688888"),
        ("0755-8668888", "07558668888"),
        ("020-38314977", "02038314977"),
        ("010-62961234-123", "01062961234-123"),
        ("０１０－６２９６１２３４", "01062961234"),
    ],
)
def test_a_landline_is_kept_as_digits_with_only_the_extension_after_a_hyphen(raw, expected):
    assert parse_landline(raw) == expected


@pytest.mark.parametrize("raw", ["0106296123", "010-12961234", "62961234", "01062961234-1234567", "", "abc"])
def test_a_landline_without_area_code_or_of_the_wrong_length_is_refused(raw):
    assert isinstance(parse_landline(raw), Problem)


def test_a_phone_field_takes_a_mobile_or_a_landline():
    assert parse_phone("138 1234 5678") == "13812345678"
    assert parse_phone("010-62961234") == "01062961234"


def test_a_phone_refusal_shows_both_accepted_formats():
    problem = parse_phone("12345")
    assert isinstance(problem, Problem)
    assert problem.params == {"landline": "01062961234", "mobile": "13812345678"}
    assert problem.example is not None
    assert "01062961234" in problem.example
    assert "13812345678" in problem.example


def test_a_refusal_never_echoes_the_number():
    problem = parse_phone("1391234567")
    assert isinstance(problem, Problem)
    assert "1391234567" not in problem.message + str(problem.params)


def test_mobiles_and_landlines_are_told_apart():
    assert is_mobile("13812345678")
    assert not is_mobile("01062961234")
