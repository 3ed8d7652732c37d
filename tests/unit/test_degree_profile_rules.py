"""同等学力申硕 填写基本信息 and 填写规培、医师证书信息: the checks at 保存 (seed 003 §七, RULES.md §1/003).

Assertions name the message ids by their constants, so rewording a message breaks no test.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import degree_profile as dp
from domain.dates import format_date, format_month
from domain.degree_profile import (
    CERTIFICATE_OFFICIAL_NAMES,
    PRIOR_DEGREE_LABELS,
    PRIOR_DEGREE_OFFICIAL_NAMES,
    Certificate,
    PriorDegree,
    check_basic_info,
    check_certificates,
    check_history,
    check_period,
    parse_certificate_number,
    prior_degree_after_birth,
)
from domain.fields import ID_TYPE_OFFICIAL_NAMES, IdType
from domain.identity import PROVINCE_CODES, make_resident_id
from domain.problems import Problem

TODAY = date(2027, 3, 1)
THIS_MONTH = "202703"
ID_NUMBER = "110101199003071233"  # born 1990-03-07, digit 17 odd: male
PERMIT_NUMBER = make_resident_id("810000", date(1992, 5, 20), 124)  # even: female


def record(start: str = "201209", end: str = THIS_MONTH, unit: str = "北京协和医院", role: str = "住院医师"):
    return {"start": start, "end": end, "unit": unit, "role": role}


def basic(**changes: object) -> dict[str, object]:
    answers: dict[str, object] = {
        "name_pinyin": "ZHANG SAN",
        "sex": "male",
        "region": "CN",
        "ethnicity": "01",
        "birth_date": "19900307",
        "id_type": IdType.RESIDENT_ID.value,
        "id_number": ID_NUMBER,
        "id_number_confirm": ID_NUMBER,
        "political_status": "13",
        "work_start": "201209",
        "prior_degree_month": "201207",
        "prior_degree": "bachelor",
        "history": [record("200809", "201207", "北京大学医学部", "学生"), record()],
    }
    answers.update(changes)
    return answers


def messages(problems: list[Problem]) -> list[str]:
    return [problem.message for problem in problems]


def only(problems: list[Problem], message: str) -> Problem:
    matching = [problem for problem in problems if problem.message == message]
    assert len(matching) == 1, messages(problems)
    return matching[0]


def formats(problems: list[Problem]) -> None:
    """Every params dict fills its message (what render.problem does after translation)."""
    for problem in problems:
        problem.message.format(**problem.params)


# --- Vocabulary ------------------------------------------------------------------------------------


def test_the_prior_degree_categories_are_bachelor_master_and_doctor():
    assert [str(kind) for kind in PriorDegree] == ["bachelor", "master", "doctor"]
    assert list(PRIOR_DEGREE_OFFICIAL_NAMES.values()) == ["学士", "硕士", "博士"]
    assert all(PRIOR_DEGREE_LABELS[kind].isascii() for kind in PriorDegree)


def test_each_certificate_has_a_number_and_a_date_key_and_an_official_name():
    assert [(c.number_key, c.date_key) for c in Certificate] == [
        ("residency_number", "residency_date"),
        ("qualification_number", "qualification_date"),
        ("practising_number", "practising_date"),
    ]
    assert list(CERTIFICATE_OFFICIAL_NAMES.values()) == ["规培合格证书", "医师资格证书", "医师执业证书"]


# --- 填写基本信息: accepted ---------------------------------------------------------------------------


def test_a_complete_basic_info_matching_the_id_number_is_complete():
    assert check_basic_info(basic(), TODAY) == []


@pytest.mark.parametrize("kind", list(PriorDegree))
def test_every_prior_degree_category_is_accepted(kind):
    assert check_basic_info(basic(prior_degree=kind.value), TODAY) == []


def test_a_passport_is_not_compared_with_the_date_of_birth_or_the_sex():
    answers = basic(id_type=IdType.PASSPORT.value, id_number="E12345678", id_number_confirm="e1234 5678")
    assert check_basic_info(answers | {"birth_date": "19851111", "sex": "female"}, TODAY) == []


def test_the_current_month_counts_as_past_for_the_months():
    assert check_basic_info(basic(work_start=THIS_MONTH, prior_degree_month=THIS_MONTH), TODAY) == []


# --- 填写基本信息: the ID number against the date of birth and the sex --------------------------------


def test_a_date_of_birth_other_than_the_id_numbers_is_refused_with_both_dates():
    problems = check_basic_info(basic(birth_date="19900308"), TODAY)
    assert only(problems, dp.BIRTH_DATE_NOT_ID).params == {"date": "19900308", "id_date": "19900307"}
    formats(problems)


def test_a_sex_other_than_the_id_numbers_17th_digit_is_refused():
    problems = check_basic_info(basic(sex="female"), TODAY)
    assert only(problems, dp.SEX_NOT_ID).params == {"sex": "女", "id_sex": "男"}
    formats(problems)


def test_a_residence_permit_for_hong_kong_macao_and_taiwan_residents_is_compared_too():
    answers = basic(
        id_type=IdType.HMT_RESIDENCE_PERMIT.value, id_number=PERMIT_NUMBER, id_number_confirm=PERMIT_NUMBER
    )
    assert check_basic_info(answers | {"birth_date": "19920520", "sex": "female"}, TODAY) == []
    assert messages(check_basic_info(answers, TODAY)) == [dp.BIRTH_DATE_NOT_ID, dp.SEX_NOT_ID]


def test_a_number_that_does_not_fit_the_id_type_is_refused_without_comparing_dates():
    problems = check_basic_info(basic(id_type=IdType.HK_MACAO_PERMIT.value), TODAY)
    assert messages(problems) == [dp.ID_NUMBER_NOT_OF_TYPE]
    assert problems[0].params == {"type": ID_TYPE_OFFICIAL_NAMES[IdType.HK_MACAO_PERMIT]}


def test_a_confirmation_that_differs_from_the_id_number_is_refused():
    problems = check_basic_info(basic(id_number_confirm="110101199003071230"), TODAY)
    assert messages(problems) == ["The two ID numbers are not the same. Enter the same number twice."]


def test_a_missing_id_number_is_asked_for():
    problems = check_basic_info(basic(id_number="", id_number_confirm=""), TODAY)
    assert only(problems, dp.FIELD_MISSING).params == {"field": "证件号码"}


@given(
    prefix=st.sampled_from(sorted(PROVINCE_CODES - {"81", "82", "83"})),
    born=st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_the_date_of_birth_and_the_sex_of_any_resident_id_number_agree_and_others_do_not(
    prefix, born, sequence
):
    number = make_resident_id(prefix + "0101", born, sequence)
    sex = "male" if sequence % 2 else "female"
    answers = basic(id_number=number, id_number_confirm=number, birth_date=format_date(born), sex=sex)
    answers["prior_degree_month"] = format_month(max(born + timedelta(days=40), date(2006, 1, 1)))
    assert check_basic_info(answers, TODAY) == []
    other_day = born - timedelta(days=1)
    other_sex = "female" if sex == "male" else "male"
    wrong = check_basic_info(answers | {"birth_date": format_date(other_day), "sex": other_sex}, TODAY)
    assert dp.BIRTH_DATE_NOT_ID in messages(wrong)
    assert dp.SEX_NOT_ID in messages(wrong)


# --- 填写基本信息: months, the prior degree, missing answers -----------------------------------------


@pytest.mark.parametrize(
    ("key", "field"), [("work_start", "参加工作年月"), ("prior_degree_month", "获前置学位年月")]
)
def test_a_month_in_the_future_is_refused(key, field):
    problem = only(check_basic_info(basic(**{key: "202704"}), TODAY), dp.MONTH_IN_FUTURE)
    assert problem.params == {"field": field, "month": "202704"}


@pytest.mark.parametrize(
    ("key", "field"), [("work_start", "参加工作年月"), ("prior_degree_month", "获前置学位年月")]
)
def test_a_month_that_is_not_real_is_refused(key, field):
    problem = only(check_basic_info(basic(**{key: "201213"}), TODAY), dp.MONTH_INVALID)
    assert problem.params == {"field": field, "month": "201213"}


def test_the_prior_degree_month_must_come_after_the_month_of_birth():
    problems = check_basic_info(basic(prior_degree_month="199003"), TODAY)
    assert only(problems, dp.PRIOR_DEGREE_NOT_AFTER_BIRTH).params == {"month": "199003", "date": "19900307"}
    assert check_basic_info(basic(prior_degree_month="199004"), TODAY) == []


def test_prior_degree_after_birth_says_nothing_about_unreadable_answers():
    assert prior_degree_after_birth("19900307", "199004") is None
    assert prior_degree_after_birth("", "199001") is None
    assert prior_degree_after_birth("19900307", "1990") is None
    assert isinstance(prior_degree_after_birth("19900307", "198912"), Problem)


def test_a_prior_degree_category_outside_the_list_is_chosen_again():
    problems = check_basic_info(basic(prior_degree="associate"), TODAY)
    assert only(problems, dp.CHOOSE_AGAIN).params == {"field": "前置学位类别"}


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("name_pinyin", "姓名拼音"),
        ("sex", "性别"),
        ("region", "国家或地区"),
        ("ethnicity", "民族"),
        ("birth_date", "出生日期"),
        ("id_type", "证件类型"),
        ("political_status", "政治面貌"),
        ("work_start", "参加工作年月"),
        ("prior_degree_month", "获前置学位年月"),
        ("prior_degree", "前置学位类别"),
    ],
)
def test_a_missing_answer_is_asked_for_by_its_official_name(key, field):
    answers = basic()
    del answers[key]
    assert only(check_basic_info(answers, TODAY), dp.FIELD_MISSING).params == {"field": field}


@pytest.mark.parametrize("birth_date", ["19900230", "20270302", "1990"])
def test_a_date_of_birth_that_is_not_a_real_past_date_is_refused(birth_date):
    problems = check_basic_info(basic(birth_date=birth_date), TODAY)
    assert only(problems, dp.BIRTH_DATE_INVALID).params == {"field": "出生日期", "date": birth_date}
    assert dp.BIRTH_DATE_NOT_ID not in messages(problems)


def test_every_problem_of_a_form_full_of_mistakes_is_listed_at_once_and_formats():
    answers = basic(
        name_pinyin="",
        sex="x",
        birth_date="19900308",
        work_start="202705",
        prior_degree_month="198001",
        history=[record(end="202612"), record("201501", "201412", unit="", role="")],
    )
    problems = check_basic_info(answers, TODAY)
    assert messages(problems) == [
        dp.FIELD_MISSING,
        dp.CHOOSE_AGAIN,
        dp.BIRTH_DATE_NOT_ID,
        dp.MONTH_IN_FUTURE,
        dp.PRIOR_DEGREE_NOT_AFTER_BIRTH,
        dp.END_BEFORE_START,
        dp.UNIT_MISSING,
        dp.ROLE_MISSING,
        dp.HISTORY_NOT_UP_TO_DATE,
    ]
    formats(problems)


# --- 个人经历 ----------------------------------------------------------------------------------------


def test_personal_history_must_not_be_empty():
    for history in ([], None, "nonsense"):
        problems = check_basic_info(basic(history=history), TODAY)
        assert only(problems, dp.HISTORY_EMPTY).params == {"month": THIS_MONTH}


def test_personal_history_must_run_up_to_the_current_month():
    problems = check_history([record(end="202702")], TODAY)
    assert only(problems, dp.HISTORY_NOT_UP_TO_DATE).params == {"month": THIS_MONTH, "latest": "202702"}


def test_the_latest_end_counts_whatever_the_order_of_the_records():
    assert check_history([record("201209", THIS_MONTH), record("200809", "201207")], TODAY) == []


def test_a_record_that_ends_before_it_starts_is_refused():
    problems = check_history([record("201209", "201208"), record()], TODAY)
    problem = only(problems, dp.END_BEFORE_START)
    assert problem.params == {"number": 1, "end": "201208", "start": "201209"}


def test_a_record_may_start_and_end_in_the_same_month():
    assert check_history([record(THIS_MONTH, THIS_MONTH)], TODAY) == []


def test_months_in_the_future_are_refused_in_records():
    problems = check_history([record("202704", "202705")], TODAY)
    assert only(problems, dp.START_IN_FUTURE).params == {"number": 1, "month": "202704"}
    assert only(problems, dp.END_IN_FUTURE).params == {"number": 1, "month": "202705"}


def test_a_record_needs_real_months_a_unit_and_a_role():
    problems = check_history([record("", "2012", unit=" ", role=""), record()], TODAY)
    assert messages(problems) == [dp.START_MISSING, dp.END_NOT_A_MONTH, dp.UNIT_MISSING, dp.ROLE_MISSING]
    assert all(problem.params["number"] == 1 for problem in problems)
    problems = check_history([record("201213", ""), record()], TODAY)
    assert messages(problems) == [dp.START_NOT_A_MONTH, dp.END_MISSING]


def test_a_record_that_is_not_a_record_is_refused_field_by_field():
    problems = check_history(["201209-202703", record()], TODAY)
    assert messages(problems) == [dp.START_MISSING, dp.END_MISSING, dp.UNIT_MISSING, dp.ROLE_MISSING]


def test_check_period_refuses_an_end_before_the_start_while_a_record_is_typed():
    problem = check_period("201209", "201208")
    assert problem is not None
    assert problem.message == dp.PERIOD_ENDS_BEFORE_START
    assert problem.params == {"end": "201208", "start": "201209"}
    assert check_period("201209", "201209") is None
    assert check_period("", "201208") is None


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(1990, 1, 1), max_value=TODAY),
            st.dates(min_value=date(1990, 1, 1), max_value=TODAY),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_history_of_ordered_periods_ending_this_month_is_complete(periods):
    records = [record(format_month(min(a, b)), format_month(max(a, b))) for a, b in periods]
    records.append(record(format_month(min(a for a, _ in periods)), THIS_MONTH))
    assert check_history(records, TODAY) == []


# --- 填写规培、医师证书信息 ---------------------------------------------------------------------------


def test_no_certificate_at_all_is_complete():
    assert check_certificates({}, TODAY) == []
    assert check_certificates({c.number_key: "" for c in Certificate}, TODAY) == []


def test_every_certificate_with_a_number_and_a_past_date_is_complete():
    answers = {c.number_key: "202044000123" for c in Certificate} | {
        c.date_key: "20200801" for c in Certificate
    }
    assert check_certificates(answers, TODAY) == []
    assert check_certificates({"residency_number": "A1234", "residency_date": "20270301"}, TODAY) == []


def test_a_certificate_number_needs_its_date_of_issue():
    problem = only(
        check_certificates({"qualification_number": "110440100012345"}, TODAY), dp.CERTIFICATE_DATE_MISSING
    )
    assert problem.params == {"certificate": "医师资格证书"}


def test_a_date_of_issue_in_the_future_or_not_real_is_refused():
    future = check_certificates({"practising_number": "A1234", "practising_date": "20270302"}, TODAY)
    assert only(future, dp.CERTIFICATE_DATE_IN_FUTURE).params == {
        "certificate": "医师执业证书",
        "date": "20270302",
    }
    unreal = check_certificates({"practising_number": "A1234", "practising_date": "20190230"}, TODAY)
    assert only(unreal, dp.CERTIFICATE_DATE_INVALID).params == {
        "certificate": "医师执业证书",
        "date": "20190230",
    }
    formats(future + unreal)


def test_a_bad_certificate_number_is_refused_at_save_with_its_certificate():
    problems = check_certificates({"residency_number": "12-34", "residency_date": "20200801"}, TODAY)
    assert only(problems, dp.CERTIFICATE_NUMBER_INVALID).params == {
        "certificate": "规培合格证书",
        "min": 5,
        "max": 30,
    }


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("202044000123", "202044000123"),
        ("2020 4400-0123", "202044000123"),
        ("ｂ２０２０４４", "B202044"),  # full-width, as Chinese input methods type it
        ("12345", "12345"),
        ("1" * 30, "1" * 30),
    ],
)
def test_certificate_numbers_are_letters_and_digits_normalised(raw, number):
    assert parse_certificate_number(Certificate.RESIDENCY, raw) == number


@pytest.mark.parametrize(
    "raw", ["", "1234", "1" * 31, "2020/44000123", "证书202044000123", "２０２０＿44000123"]
)
def test_certificate_numbers_of_another_shape_are_refused_with_an_example(raw):
    problem = parse_certificate_number(Certificate.QUALIFICATION, raw)
    assert isinstance(problem, Problem)
    assert problem.message == dp.CERTIFICATE_NUMBER_INVALID
    assert problem.params["certificate"] == "医师资格证书"
    assert parse_certificate_number(Certificate.QUALIFICATION, problem.example or "") == problem.example
