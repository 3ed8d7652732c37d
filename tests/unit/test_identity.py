from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.identity import (
    EXAMPLE_ID_NUMBER,
    PROVINCE_CODES,
    ResidentId,
    Sex,
    make_resident_id,
    normalise_id_number,
    parse_resident_id,
)
from domain.problems import Problem

TODAY = date(2025, 6, 1)


def refusal(raw: str) -> Problem:
    result = parse_resident_id(raw, TODAY)
    assert isinstance(result, Problem), result
    assert result.example == EXAMPLE_ID_NUMBER
    return result


def test_a_valid_number_gives_birth_date_sex_and_province():
    assert parse_resident_id("110101199003071233", TODAY) == ResidentId(
        number="110101199003071233", birth_date=date(1990, 3, 7), sex=Sex.MALE, province_code="11"
    )


def test_an_even_seventeenth_digit_means_female():
    number = make_resident_id("440106", date(1995, 8, 20), 122)
    result = parse_resident_id(number, TODAY)
    assert isinstance(result, ResidentId)
    assert result.sex is Sex.FEMALE


def test_a_check_character_x_is_accepted():
    result = parse_resident_id("11010119800101103X", TODAY)
    assert isinstance(result, ResidentId)
    assert result.number.endswith("X")


def test_full_width_digits_and_lower_case_x_are_accepted():
    result = parse_resident_id("１１０１０１１９８００１０１１０３ｘ", TODAY)
    assert isinstance(result, ResidentId)
    assert result.number == "11010119800101103X"


def test_spaces_inside_the_number_are_ignored():
    assert normalise_id_number(" 110101 19900307 1233\t") == "110101199003071233"
    assert isinstance(parse_resident_id("110101 19900307 1233", TODAY), ResidentId)


def test_an_empty_answer_asks_for_the_number():
    assert "Enter your 18-character ID number" in refusal("   ").message


def test_fifteen_digit_numbers_are_refused_with_an_explanation():
    problem = refusal("110101900307123")
    assert "old format" in problem.message
    assert "18-character" in problem.message


def test_wrong_length_is_refused_with_the_length_entered():
    problem = refusal("11010119900307123")
    assert problem.params == {"length": 17}


def test_an_x_anywhere_but_last_is_refused():
    assert "18 characters" in refusal("1101011990030712X3").message


def test_letters_are_refused():
    assert "18 characters" in refusal("11010119900307123A").message


def test_a_prefix_that_is_no_province_is_refused_with_the_prefix():
    number = make_resident_id("991010", date(1990, 3, 7), 123)
    problem = refusal(number)
    assert problem.params == {"prefix": "99"}
    assert "province" in problem.message


def test_hong_kong_macao_and_taiwan_residence_permits_are_accepted():
    for prefix in ("810000", "820000", "830000"):
        assert isinstance(parse_resident_id(make_resident_id(prefix, date(1990, 1, 1), 1), TODAY), ResidentId)


def test_an_impossible_birth_date_is_refused_with_the_date():
    problem = refusal("110101199002301236")
    assert problem.params == {"date": "1990-02-30"}
    assert "not a real date" in problem.message


def test_a_birth_date_before_1900_is_refused():
    problem = refusal(make_resident_id("110101", date(1899, 12, 31), 1))
    assert problem.params == {"date": "1899-12-31"}
    assert "before 1900" in problem.message


def test_a_birth_date_in_the_future_is_refused():
    problem = refusal(make_resident_id("110101", date(2025, 6, 2), 1))
    assert problem.params == {"date": "2025-06-02"}
    assert "future" in problem.message


def test_someone_born_today_is_accepted():
    assert isinstance(parse_resident_id(make_resident_id("110101", TODAY, 1), TODAY), ResidentId)


def test_a_wrong_check_character_is_refused_without_revealing_the_right_one():
    problem = refusal("110101199003071230")
    assert "check character" in problem.message
    assert problem.params == {}


def test_refusals_never_echo_the_number():
    for raw in ("110101199003071230", "110101199002301236", "9901011990030712"):
        problem = refusal(raw)
        assert raw not in problem.message
        assert all(raw not in str(value) for value in problem.params.values())


def test_a_county_code_created_after_the_birth_year_is_still_accepted():
    # 110115 (大兴区) was created in 2001; IDs keep codes from other times (RULES.md §2).
    assert isinstance(parse_resident_id(make_resident_id("110115", date(1990, 1, 1), 5), TODAY), ResidentId)


provinces = st.sampled_from(sorted(PROVINCE_CODES))
prefixes = st.builds(lambda province, rest: province + rest, provinces, st.from_regex(r"\A[0-9]{4}\Z"))
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(prefixes, births, sequences)
def test_every_made_number_parses_back(prefix, birth, sequence):
    number = make_resident_id(prefix, birth, sequence)
    result = parse_resident_id(number, TODAY)
    assert isinstance(result, ResidentId)
    assert result.birth_date == birth
    assert result.sex is (Sex.MALE if sequence % 2 else Sex.FEMALE)


@given(prefixes, births, sequences, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_changing_any_one_character_is_refused(prefix, birth, sequence, position, replacement):
    number = make_resident_id(prefix, birth, sequence)
    if number[position] == replacement:
        return
    changed = number[:position] + replacement + number[position + 1 :]
    assert isinstance(parse_resident_id(changed, TODAY), Problem)
