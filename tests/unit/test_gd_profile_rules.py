"""广东住培 profile: 教育信息 rules E1–E4 and 工作信息 rules W1–W3 (seed 000 lines 16–34).

Assertions name the message ids by their constants, so rewording a message breaks no test.
"""

from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import dates
from domain import gd_profile as gd
from domain.dates import format_month
from domain.gd_profile import (
    APPLICANT_TYPE_LABELS,
    APPLICANT_TYPE_OFFICIAL_NAMES,
    DEGREE_LABELS,
    DEGREE_OFFICIAL_NAMES,
    EDUCATION_FLAG_LABELS,
    EDUCATION_FLAG_OFFICIAL_NAMES,
    EDUCATION_LEVEL_LABELS,
    EDUCATION_LEVEL_OFFICIAL_NAMES,
    ApplicantType,
    Degree,
    EducationFlag,
    EducationLevel,
    check_education,
    check_work,
)
from domain.problems import Problem

TODAY = date(2021, 4, 16)  # batch 1 of 2021 is open

JC = EducationLevel.JUNIOR_COLLEGE
BA = EducationLevel.BACHELOR
MA = EducationLevel.MASTER
DR = EducationLevel.DOCTOR
DEGREE_OF = {JC: Degree.NONE, BA: Degree.BACHELOR, MA: Degree.MASTER, DR: Degree.DOCTOR}

SPONSORED = ApplicantType.SPONSORED
NOT_SPONSORED = [ApplicantType.INDEPENDENT, ApplicantType.POSTGRADUATE]


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def edu(
    level: EducationLevel | str,
    *,
    first: bool = False,
    bachelor: bool = False,
    highest: bool = False,
    school: str = "中山大学",
    degree: str | None = None,
    start: str = "",
    end: str = "",
) -> dict[str, str]:
    if degree is None:
        degree = DEGREE_OF[level] if isinstance(level, EducationLevel) else ""
    return {
        "level": str(level),
        "school": school,
        "major": "临床医学",
        "degree": degree,
        "start": start,
        "end": end,
        "first": yes_no(first),
        "bachelor_record": yes_no(bachelor),
        "highest": yes_no(highest),
    }


def messages(problems: list[Problem]) -> list[str]:
    return [problem.message for problem in problems]


def only(problems: list[Problem], message: str) -> Problem:
    matching = [problem for problem in problems if problem.message == message]
    assert len(matching) == 1, messages(problems)
    return matching[0]


# --- Vocabulary ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "official", "labels"),
    [
        (EducationLevel, EDUCATION_LEVEL_OFFICIAL_NAMES, EDUCATION_LEVEL_LABELS),
        (Degree, DEGREE_OFFICIAL_NAMES, DEGREE_LABELS),
        (EducationFlag, EDUCATION_FLAG_OFFICIAL_NAMES, EDUCATION_FLAG_LABELS),
        (ApplicantType, APPLICANT_TYPE_OFFICIAL_NAMES, APPLICANT_TYPE_LABELS),
    ],
)
def test_every_choice_has_an_official_chinese_name_and_an_english_label(kind, official, labels):
    for member in kind:
        assert official[member] and not official[member].isascii()
        assert labels[member] and labels[member].isascii()


def test_the_official_names_are_the_seeds_words():
    assert [EDUCATION_LEVEL_OFFICIAL_NAMES[level] for level in EducationLevel] == [
        "大专",
        "本科",
        "硕士",
        "博士",
    ]
    assert [APPLICANT_TYPE_OFFICIAL_NAMES[kind] for kind in ApplicantType] == ["单位人", "社会人", "研究生"]
    assert list(EDUCATION_FLAG_OFFICIAL_NAMES.values()) == ["第一学历", "本科学历", "最高学历"]


def test_the_stored_values_are_the_form_answers():
    assert [str(level) for level in EducationLevel] == ["junior_college", "bachelor", "master", "doctor"]
    assert [str(degree) for degree in Degree] == ["none", "bachelor", "master", "doctor"]
    assert [str(kind) for kind in ApplicantType] == ["unit", "social", "graduate"]
    assert [str(flag) for flag in EducationFlag] == ["first", "bachelor_record", "highest"]


# --- 教育信息: accepted combinations ----------------------------------------------------------------


def test_junior_college_first_then_a_bachelor_record_then_a_master_highest_is_complete():
    records = [edu(JC, first=True), edu(BA, bachelor=True), edu(MA, highest=True)]
    assert check_education(records, TODAY) == []


def test_a_bachelor_first_degree_that_is_also_the_highest_carries_both_marks_and_is_complete():
    assert check_education([edu(BA, first=True, highest=True)], TODAY) == []


def test_a_bachelor_first_degree_counts_as_the_bachelor_record_with_or_without_the_mark():
    assert check_education([edu(BA, first=True, bachelor=True, highest=True)], TODAY) == []
    assert check_education([edu(BA, first=True, bachelor=False, highest=True)], TODAY) == []


def test_a_bachelor_first_degree_and_a_master_highest_is_complete():
    assert check_education([edu(BA, first=True), edu(MA, highest=True)], TODAY) == []


def test_a_junior_college_first_degree_and_a_bachelor_record_that_is_the_highest_is_complete():
    assert check_education([edu(JC, first=True), edu(BA, bachelor=True, highest=True)], TODAY) == []


def test_a_record_without_a_mark_needs_neither_school_nor_degree():
    records = [edu(BA, first=True), edu(MA, school="", degree=""), edu(DR, highest=True)]
    assert check_education(records, TODAY) == []


def test_no_degree_is_an_answer_for_a_junior_college():
    records = [edu(JC, first=True, degree="none"), edu(BA, bachelor=True, highest=True)]
    assert check_education(records, TODAY) == []


def test_two_records_at_the_top_level_leave_the_highest_mark_to_the_applicant():
    # A second bachelor's degree: either 本科 record may be the 最高学历.
    assert check_education([edu(BA, first=True), edu(BA, highest=True)], TODAY) == []
    assert check_education([edu(BA, first=True, highest=True), edu(BA)], TODAY) == []


# --- 教育信息: refusals ----------------------------------------------------------------------------


def test_an_empty_education_module_asks_for_the_first_and_highest_degree_in_one_message():
    assert check_education([], TODAY) == [Problem(gd.NO_EDUCATION)]


def test_e1_a_first_degree_mark_is_required():
    problems = check_education([edu(BA, highest=True)], TODAY)
    assert messages(problems) == [gd.E1_NO_FIRST_DEGREE]


def test_e1_only_one_record_is_the_first_degree():
    problems = check_education([edu(JC, first=True), edu(BA, first=True, bachelor=True, highest=True)], TODAY)
    assert only(problems, gd.E1_MANY_FIRST_DEGREES).params == {"numbers": "1, 2"}


@pytest.mark.parametrize(("level", "name"), [(MA, "硕士"), (DR, "博士")])
def test_e1_the_first_degree_is_junior_college_or_bachelor(level, name):
    problems = check_education([edu(level, first=True, highest=True)], TODAY)
    assert only(problems, gd.E1_FIRST_DEGREE_LEVEL).params == {"number": 1, "level": name}


def test_e2_a_junior_college_first_degree_without_a_bachelor_record_asks_to_add_one():
    problems = check_education([edu(JC, first=True, highest=True)], TODAY)
    assert problems == [Problem(gd.E2_ADD_BACHELOR_RECORD)]


def test_e2_an_unmarked_bachelor_record_is_pointed_at():
    problems = check_education([edu(JC, first=True), edu(BA, highest=True)], TODAY)
    assert problems == [Problem(gd.E2_MARK_BACHELOR_RECORD, {"numbers": "2"})]


def test_e2_only_a_bachelor_level_record_may_be_marked_bachelor_record():
    problems = check_education([edu(JC, first=True), edu(MA, bachelor=True, highest=True)], TODAY)
    assert only(problems, gd.E2_BACHELOR_RECORD_LEVEL).params == {"number": 2, "level": "硕士"}
    # And the 大专 first degree still lacks its 本科.
    assert gd.E2_ADD_BACHELOR_RECORD in messages(problems)


def test_e2_only_one_record_is_the_bachelor_record():
    records = [edu(JC, first=True), edu(BA, bachelor=True), edu(BA, bachelor=True, highest=True)]
    problems = check_education(records, TODAY)
    assert problems == [Problem(gd.E2_MANY_BACHELOR_RECORDS, {"numbers": "2, 3"})]


def test_e3_a_first_degree_that_is_also_the_highest_must_carry_both_marks():
    problems = check_education([edu(JC), edu(BA, first=True)], TODAY)
    assert problems == [Problem(gd.E3_FIRST_IS_HIGHEST, {"number": 2})]


def test_e3_a_highest_degree_mark_is_required():
    problems = check_education([edu(BA, first=True), edu(MA)], TODAY)
    assert problems == [Problem(gd.E3_NO_HIGHEST_DEGREE)]


def test_e3_only_one_record_is_the_highest_degree():
    problems = check_education([edu(BA, first=True, highest=True), edu(MA, highest=True)], TODAY)
    assert problems == [Problem(gd.E3_MANY_HIGHEST_DEGREES, {"numbers": "1, 2"})]


def test_e3_the_highest_mark_on_a_lower_record_moves_to_a_first_degree_alone_at_the_top():
    problems = check_education([edu(BA, first=True), edu(JC, highest=True)], TODAY)
    assert problems == [Problem(gd.E3_MOVE_HIGHEST_TO_FIRST, {"number": 1, "marked": 2})]


def test_e3_the_highest_degree_is_at_the_highest_level_among_the_records():
    records = [edu(BA, first=True, highest=True), edu(MA), edu(DR)]
    problems = check_education(records, TODAY)
    assert problems == [Problem(gd.E3_HIGHEST_NOT_TOP, {"number": 1, "higher": "3", "level": "博士"})]


@pytest.mark.parametrize(
    ("records", "number", "roles"),
    [
        ([edu(BA, first=True, school=""), edu(MA, highest=True)], 1, "第一学历、本科学历"),
        ([edu(BA, first=True), edu(MA, highest=True, school="")], 2, "最高学历"),
        ([edu(JC, first=True), edu(BA, bachelor=True, school=""), edu(MA, highest=True)], 2, "本科学历"),
        ([edu(JC, first=True, school=""), edu(BA, bachelor=True, highest=True)], 1, "第一学历"),
        ([edu(BA, first=True, highest=True, school="")], 1, "第一学历、本科学历、最高学历"),
    ],
    ids=["bachelor-first", "highest", "bachelor-record", "junior-college-first", "all-three-marks"],
)
def test_e4_each_marked_record_needs_its_school(records, number, roles):
    problems = check_education(records, TODAY)
    assert problems == [Problem(gd.E4_SCHOOL_MISSING, {"number": number, "roles": roles})]


@pytest.mark.parametrize("degree", ["", "phd"])
def test_e4_each_marked_record_needs_its_degree(degree):
    problems = check_education([edu(BA, first=True), edu(MA, highest=True, degree=degree)], TODAY)
    assert problems == [Problem(gd.E4_DEGREE_MISSING, {"number": 2, "roles": "最高学历"})]


def test_e4_a_marked_record_needs_its_level_and_the_other_rules_wait_for_it():
    problems = check_education([edu("", first=True, highest=True)], TODAY)
    roles = "第一学历、最高学历"
    assert problems == [
        Problem(gd.E4_LEVEL_MISSING, {"number": 1, "roles": roles}),
        Problem(gd.E4_DEGREE_MISSING, {"number": 1, "roles": roles}),
    ]


def test_missing_keys_count_as_empty():
    problems = check_education([{"level": "bachelor", "first": "yes", "highest": "yes"}], TODAY)
    roles = "第一学历、本科学历、最高学历"
    assert problems == [
        Problem(gd.E4_SCHOOL_MISSING, {"number": 1, "roles": roles}),
        Problem(gd.E4_DEGREE_MISSING, {"number": 1, "roles": roles}),
    ]


def test_every_education_problem_is_reported_at_once():
    records = [edu(JC, first=True, school=""), edu(MA, highest=True, degree="", start="201913")]
    assert messages(check_education(records, TODAY)) == [
        gd.E2_ADD_BACHELOR_RECORD,
        gd.E4_SCHOOL_MISSING,
        gd.E4_DEGREE_MISSING,
        dates.START_NOT_A_MONTH,
    ]


# --- 教育信息: months -------------------------------------------------------------------------------


def test_education_months_are_optional_and_accepted_in_the_usual_spellings():
    records = [edu(BA, first=True, highest=True, start="2013-09", end="2018年7月")]
    assert check_education(records, TODAY) == []


@pytest.mark.parametrize("start", ["201900", "201913", "2019", "abc"])
def test_an_education_start_that_is_not_a_real_month_is_refused(start):
    problems = check_education([edu(BA, first=True, highest=True, start=start)], TODAY)
    assert problems == [Problem(dates.START_NOT_A_MONTH, {"number": 1}, "200601")]


def test_an_education_end_before_its_start_is_refused():
    problems = check_education([edu(BA, first=True, highest=True, start="201809", end="201307")], TODAY)
    assert problems == [Problem(dates.END_BEFORE_START, {"number": 1, "end": "201307", "start": "201809"})]


def test_an_education_that_starts_in_the_future_is_refused():
    problems = check_education([edu(BA, first=True, highest=True, start="202109")], TODAY)
    assert problems == [Problem(dates.START_IN_FUTURE, {"number": 1, "month": "202109"})]


def test_a_graduate_of_this_year_may_enter_the_expected_graduation_month():
    assert check_education([edu(BA, first=True, highest=True, start="201609", end="202107")], TODAY) == []
    assert check_education([edu(BA, first=True, highest=True, end="202112")], TODAY) == []


def test_an_education_end_after_this_year_is_refused():
    problems = check_education([edu(BA, first=True, highest=True, end="202201")], TODAY)
    assert problems == [
        Problem(gd.EDUCATION_END_TOO_LATE, {"number": 1, "month": "202201", "latest": "202112"})
    ]


# --- 教育信息: properties --------------------------------------------------------------------------

months = st.dates(min_value=date(1980, 1, 1), max_value=TODAY).map(format_month)


@st.composite
def month_spans(draw: st.DrawFn) -> tuple[str, str]:
    """A start and an end, in order, or left empty."""
    first, second = sorted([draw(months), draw(months)])
    return draw(st.sampled_from([(first, second), (first, ""), ("", "")]))


@st.composite
def complete_histories(draw: st.DrawFn) -> list[dict[str, str]]:
    """Records with exactly the right marks, extra unmarked records, in any order."""
    first_level = draw(st.sampled_from([JC, BA]))
    chain = [first_level] + ([BA] if first_level is JC else [])
    chain += [level for level in (MA, DR) if draw(st.booleans())]
    records = []
    for index, level in enumerate(chain):
        start, end = draw(month_spans())
        records.append(
            edu(
                level,
                first=index == 0,
                bachelor=level is BA and (first_level is JC or draw(st.booleans())),
                highest=index == len(chain) - 1,
                start=start,
                end=end,
            )
        )
    top = list(EducationLevel).index(chain[-1])
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        level = draw(st.sampled_from(list(EducationLevel)[: top + 1]))
        school = draw(st.sampled_from(["", "广州医科大学"]))
        records.append(edu(level, school=school, degree=draw(st.sampled_from(["", str(DEGREE_OF[level])]))))
    return draw(st.permutations(records))


any_records = st.lists(
    st.fixed_dictionaries(
        {
            "level": st.sampled_from([*map(str, EducationLevel), "", "phd"]),
            "school": st.sampled_from(["", "中山大学"]),
            "degree": st.sampled_from([*map(str, Degree), ""]),
            "start": st.sampled_from(["", "200909", "201913", "203001", "abc"]),
            "end": st.sampled_from(["", "201307", "202107", "202201", "2013-07"]),
            "first": st.sampled_from(["yes", "no"]),
            "bachelor_record": st.sampled_from(["yes", "no"]),
            "highest": st.sampled_from(["yes", "no"]),
        }
    ),
    max_size=6,
)


@given(complete_histories())
def test_any_history_with_exactly_the_right_marks_is_complete(records):
    assert check_education(records, TODAY) == []


@given(complete_histories())
def test_removing_the_first_degree_mark_from_a_complete_history_asks_for_it(records):
    for record in records:
        record["first"] = "no"
    assert gd.E1_NO_FIRST_DEGREE in messages(check_education(records, TODAY))


@given(complete_histories(), st.data())
def test_clearing_the_school_of_a_marked_record_names_that_record(records, data):
    marked = [
        number
        for number, record in enumerate(records, start=1)
        if "yes" in (record["first"], record["bachelor_record"], record["highest"])
    ]
    number = data.draw(st.sampled_from(marked))
    records[number - 1]["school"] = ""
    problems = check_education(records, TODAY)
    assert [problem.params["number"] for problem in problems if problem.message == gd.E4_SCHOOL_MISSING] == [
        number
    ]
    assert messages(problems) == [gd.E4_SCHOOL_MISSING]


@given(any_records, st.randoms())
def test_shuffling_education_records_never_changes_which_rules_fail(records, random):
    shuffled = list(records)
    random.shuffle(shuffled)
    assert Counter(messages(check_education(shuffled, TODAY))) == Counter(
        messages(check_education(records, TODAY))
    )


@given(st.integers(min_value=1900, max_value=2100), st.sampled_from([0, 13, 20, 99]))
def test_month_00_or_13_and_beyond_is_never_a_start(year, month):
    problems = check_education([edu(BA, first=True, highest=True, start=f"{year:04d}{month:02d}")], TODAY)
    assert messages(problems) == [dates.START_NOT_A_MONTH]


def test_every_real_month_from_1900_to_today_is_a_start():
    for year in range(1900, TODAY.year + 1):
        for month in range(1, 13):
            if date(year, month, 1) > TODAY:
                break
            start = f"{year:04d}{month:02d}"
            assert check_education([edu(BA, first=True, highest=True, start=start)], TODAY) == [], start


# --- 工作信息 --------------------------------------------------------------------------------------


def job(
    *, employer: str = "广州市第一人民医院", start: str = "201809", end: str = "", current: bool = False
) -> dict[str, str]:
    return {
        "employer": employer,
        "position": "住院医师",
        "start": start,
        "end": end,
        "current": yes_no(current),
    }


def work(
    applicant_type: ApplicantType | str, has_employer: str, *records: dict[str, str]
) -> dict[str, object]:
    return {"applicant_type": str(applicant_type), "has_employer": has_employer, "records": list(records)}


def test_w2_a_sponsored_applicant_with_a_current_employer_is_complete():
    module = work(SPONSORED, "yes", job(start="201507", end="201808"), job(start="201809", current=True))
    assert check_work(module, TODAY) == []


def test_w2_a_sponsored_applicant_must_answer_that_there_is_an_employer():
    problems = check_work(work(SPONSORED, "no"), TODAY)
    assert problems == [Problem(gd.W2_ANSWER_HAS_EMPLOYER), Problem(gd.W2_NO_CURRENT_EMPLOYER)]


@pytest.mark.parametrize("records", [[], [job(end="202001")]], ids=["no-record", "no-current-record"])
def test_w2_a_sponsored_applicant_without_a_current_employer_cannot_apply(records):
    assert check_work(work(SPONSORED, "yes", *records), TODAY) == [Problem(gd.W2_NO_CURRENT_EMPLOYER)]


def test_w2_a_sponsored_applicant_has_one_current_employer():
    problems = check_work(work(SPONSORED, "yes", job(current=True), job(current=True)), TODAY)
    assert problems == [Problem(gd.W2_MANY_CURRENT_EMPLOYERS, {"numbers": "1, 2"})]


def test_a_current_employer_has_no_end_month():
    problems = check_work(work(SPONSORED, "yes", job(current=True, end="202001")), TODAY)
    assert problems == [Problem(gd.CURRENT_HAS_END, {"number": 1})]


@pytest.mark.parametrize("applicant_type", NOT_SPONSORED)
def test_w1_without_work_history_the_answer_is_no_and_the_module_is_complete(applicant_type):
    assert check_work(work(applicant_type, "no"), TODAY) == []


@pytest.mark.parametrize("applicant_type", NOT_SPONSORED)
def test_w1_with_work_history_the_answer_is_yes_with_records(applicant_type):
    module = work(applicant_type, "yes", job(start="201607", end="201912"), job(start="202001"))
    assert check_work(module, TODAY) == []


@pytest.mark.parametrize("applicant_type", NOT_SPONSORED)
def test_w1_yes_without_records_asks_for_the_work_history(applicant_type):
    assert check_work(work(applicant_type, "yes"), TODAY) == [Problem(gd.W1_ADD_WORK_HISTORY)]


@pytest.mark.parametrize("applicant_type", NOT_SPONSORED)
def test_w1_no_with_records_is_refused(applicant_type):
    assert check_work(work(applicant_type, "no", job(end="202001")), TODAY) == [
        Problem(gd.W1_REMOVE_WORK_HISTORY)
    ]


@pytest.mark.parametrize("applicant_type", NOT_SPONSORED)
@pytest.mark.parametrize("answer", ["", "maybe"])
def test_w1_the_employer_question_must_be_answered(applicant_type, answer):
    assert check_work(work(applicant_type, answer), TODAY) == [Problem(gd.W1_HAS_EMPLOYER_MISSING)]


@pytest.mark.parametrize(
    ("applicant_type", "name"),
    [(ApplicantType.INDEPENDENT, "社会人"), (ApplicantType.POSTGRADUATE, "研究生")],
)
def test_w3_independent_and_postgraduate_applicants_mark_no_current_employer(applicant_type, name):
    # The end month is not mentioned: unmarking is the fix.
    module = work(applicant_type, "yes", job(end="201912"), job(current=True, end="202001"))
    assert check_work(module, TODAY) == [Problem(gd.W3_NOT_CURRENT, {"number": 2, "type": name})]


def test_the_applicant_type_must_be_chosen_first():
    assert check_work(work("", "no"), TODAY) == [Problem(gd.APPLICANT_TYPE_MISSING)]
    assert check_work({}, TODAY) == [Problem(gd.APPLICANT_TYPE_MISSING), Problem(gd.W1_HAS_EMPLOYER_MISSING)]


def test_records_that_are_not_a_list_count_as_none():
    module: dict[str, object] = {"applicant_type": "social", "has_employer": "no", "records": "oops"}
    assert check_work(module, TODAY) == []


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (job(employer=" "), Problem(gd.EMPLOYER_MISSING, {"number": 1})),
        (job(start=""), Problem(dates.START_MISSING, {"number": 1})),
        (job(start="201813"), Problem(dates.START_NOT_A_MONTH, {"number": 1}, "200601")),
        (job(start="202105"), Problem(dates.START_IN_FUTURE, {"number": 1, "month": "202105"})),
        (job(end="2020.13"), Problem(dates.END_NOT_A_MONTH, {"number": 1}, "200601")),
        (
            job(end="202105"),
            Problem(gd.WORK_END_IN_FUTURE, {"number": 1, "month": "202105", "latest": "202104"}),
        ),
        (
            job(start="201809", end="201808"),
            Problem(dates.END_BEFORE_START, {"number": 1, "end": "201808", "start": "201809"}),
        ),
    ],
    ids=[
        "employer",
        "start-missing",
        "start-month-13",
        "start-future",
        "end-month-13",
        "end-future",
        "end-before-start",
    ],
)
def test_each_work_record_needs_an_employer_and_real_months_in_order(record, expected):
    assert check_work(work(ApplicantType.INDEPENDENT, "yes", record), TODAY) == [expected]


def test_a_job_that_ended_this_month_is_accepted():
    assert check_work(work(ApplicantType.INDEPENDENT, "yes", job(start="202104", end="202104")), TODAY) == []


# --- 工作信息: properties --------------------------------------------------------------------------


@st.composite
def jobs(draw: st.DrawFn) -> dict[str, str]:
    start, end = draw(month_spans().filter(lambda span: span[0] != ""))
    return job(start=start, end=end, current=draw(st.booleans()))


@given(st.sampled_from(NOT_SPONSORED), st.lists(jobs(), min_size=1, max_size=5))
def test_w3_refuses_exactly_the_records_marked_current(applicant_type, records):
    problems = check_work(work(applicant_type, "yes", *records), TODAY)
    current = [number for number, record in enumerate(records, start=1) if record["current"] == "yes"]
    assert [problem.params["number"] for problem in problems] == current
    assert set(messages(problems)) <= {gd.W3_NOT_CURRENT}


@given(st.lists(jobs(), max_size=5))
def test_w2_a_sponsored_applicant_passes_exactly_with_one_current_employer_and_no_end(records):
    problems = check_work(work(SPONSORED, "yes", *records), TODAY)
    current = [record for record in records if record["current"] == "yes"]
    assert (problems == []) == (len(current) == 1 and current[0]["end"] == "")


@given(
    st.sampled_from([*map(str, ApplicantType), ""]),
    st.sampled_from(["yes", "no", ""]),
    st.lists(
        st.fixed_dictionaries(
            {
                "employer": st.sampled_from(["", "广州市第一人民医院"]),
                "start": st.sampled_from(["", "201809", "201813", "203001"]),
                "end": st.sampled_from(["", "201707", "202001", "2021-13"]),
                "current": st.sampled_from(["yes", "no"]),
            }
        ),
        max_size=5,
    ),
    st.randoms(),
)
def test_shuffling_work_records_never_changes_which_rules_fail(applicant_type, has_employer, records, random):
    shuffled = list(records)
    random.shuffle(shuffled)
    original = check_work(work(applicant_type, has_employer, *records), TODAY)
    assert Counter(messages(check_work(work(applicant_type, has_employer, *shuffled), TODAY))) == Counter(
        messages(original)
    )
