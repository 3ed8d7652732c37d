"""The 教育信息 and 工作信息 modules of seed 000 (广东住培): rules E1–E4 and W1–W3 of RULES.md §1/000.

Both checks take the answers as the form engine stores them (plain dicts of strings, flags "yes" /
"no"; a missing key counts as empty) and return every broken rule at once, so the applicant sees all
that is missing in one message. Official Chinese terms (第一学历, 单位人 ...) are data: they appear in
message ids and params as-is, as the official system shows them.

Decisions where the seed is silent or ambiguous (documented so the tests can hold them):

- A 本科 record flagged 第一学历 counts as the 本科学历 whether or not it carries that flag. Each mark
  names one record: two records marked 第一学历, 本科学历 or 最高学历 are refused.
- E3 "若第一学历与最高学历相同，则需同时勾选": the 最高学历 record must be at the highest level among
  the records; when the 第一学历 record is the only one at that level, it must carry both flags.
  Two records at the same top level (two 本科) leave the choice to the applicant.
- Only the records that play a role (第一学历, 最高学历, 本科学历) need school, level and degree (E4);
  other records are kept as entered. Education dates are optional; when given they must be real.
- An education end month may lie ahead up to December of the current year: 应届 graduates apply in
  April–July before they graduate. Start months and work months may not lie in the future.
- 工作信息 (W1) for 社会人 and 研究生: 有 requires at least one record and 无 none. A 单位人 answers 有
  and marks exactly one record current (W2); that record has no end month.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.dates import (  # the month rules of records, shared with seed 003's personal history
    END_IN_FUTURE,
    check_record_months,
)
from domain.problems import Problem
from domain.text import N_

_E = TypeVar("_E", bound=StrEnum)

YES = "yes"
NO = "no"

# ---------------------------------------------------------------------------------------------------
# Vocabulary: levels (学历), degrees (学位), record flags, applicant types (个人身份)


class EducationLevel(StrEnum):
    """学历, lowest first."""

    JUNIOR_COLLEGE = "junior_college"  # 大专
    BACHELOR = "bachelor"  # 本科
    MASTER = "master"  # 硕士
    DOCTOR = "doctor"  # 博士


EDUCATION_LEVEL_OFFICIAL_NAMES: dict[EducationLevel, str] = {
    EducationLevel.JUNIOR_COLLEGE: "大专",
    EducationLevel.BACHELOR: "本科",
    EducationLevel.MASTER: "硕士",
    EducationLevel.DOCTOR: "博士",
}

EDUCATION_LEVEL_LABELS: dict[EducationLevel, str] = {
    EducationLevel.JUNIOR_COLLEGE: N_("Junior college"),
    EducationLevel.BACHELOR: N_("Bachelor"),
    EducationLevel.MASTER: N_("Master"),
    EducationLevel.DOCTOR: N_("Doctorate"),
}

_RANK = {level: rank for rank, level in enumerate(EducationLevel)}
# E1: the first degree is 大专 or 本科.
FIRST_DEGREE_LEVELS = frozenset({EducationLevel.JUNIOR_COLLEGE, EducationLevel.BACHELOR})


class Degree(StrEnum):
    """学位; "none" is an answer (a 大专 has no degree), not a missing one."""

    NONE = "none"  # 无
    BACHELOR = "bachelor"  # 学士
    MASTER = "master"  # 硕士
    DOCTOR = "doctor"  # 博士


DEGREE_OFFICIAL_NAMES: dict[Degree, str] = {
    Degree.NONE: "无",
    Degree.BACHELOR: "学士",
    Degree.MASTER: "硕士",
    Degree.DOCTOR: "博士",
}

DEGREE_LABELS: dict[Degree, str] = {
    Degree.NONE: N_("No degree"),
    Degree.BACHELOR: N_("Bachelor's degree"),
    Degree.MASTER: N_("Master's degree"),
    Degree.DOCTOR: N_("Doctoral degree"),
}


class EducationFlag(StrEnum):
    """The three ticks of an education record; the values are the record's keys."""

    FIRST = "first"  # 第一学历
    BACHELOR_RECORD = "bachelor_record"  # 本科学历
    HIGHEST = "highest"  # 最高学历


EDUCATION_FLAG_OFFICIAL_NAMES: dict[EducationFlag, str] = {
    EducationFlag.FIRST: "第一学历",
    EducationFlag.BACHELOR_RECORD: "本科学历",
    EducationFlag.HIGHEST: "最高学历",
}

EDUCATION_FLAG_LABELS: dict[EducationFlag, str] = {
    EducationFlag.FIRST: N_("First degree"),
    EducationFlag.BACHELOR_RECORD: N_("Bachelor record"),
    EducationFlag.HIGHEST: N_("Highest degree"),
}


class ApplicantType(StrEnum):
    """个人身份 (RULES.md §1/000 [I]: 研究生 is most likely the 学位衔接 category)."""

    SPONSORED = "unit"  # 单位人
    INDEPENDENT = "social"  # 社会人
    POSTGRADUATE = "graduate"  # 研究生


APPLICANT_TYPE_OFFICIAL_NAMES: dict[ApplicantType, str] = {
    ApplicantType.SPONSORED: "单位人",
    ApplicantType.INDEPENDENT: "社会人",
    ApplicantType.POSTGRADUATE: "研究生",
}

APPLICANT_TYPE_LABELS: dict[ApplicantType, str] = {
    ApplicantType.SPONSORED: N_("Sponsored by an employer"),
    ApplicantType.INDEPENDENT: N_("Independent"),
    ApplicantType.POSTGRADUATE: N_("Postgraduate"),
}


# ---------------------------------------------------------------------------------------------------
# Message ids: English, with the official Chinese terms as the applicant sees them on the site.
# Named by rule so that tests and callers never depend on the wording.

NO_EDUCATION = N_(
    "Add your education: at least your 第一学历 (first degree, 大专 or 本科) "
    "and your 最高学历 (highest degree)."
)
# E1
E1_NO_FIRST_DEGREE = N_(
    "Mark one record as 第一学历 (first degree): your first education, at 大专 or 本科 level."
)
E1_MANY_FIRST_DEGREES = N_("Only one record can be marked 第一学历; records {numbers} are.")
E1_FIRST_DEGREE_LEVEL = N_(
    "Record {number} is marked 第一学历, so its level must be 大专 or 本科, not {level}."
)
# E2
E2_MANY_BACHELOR_RECORDS = N_("Only one record can be marked 本科学历; records {numbers} are.")
E2_BACHELOR_RECORD_LEVEL = N_(
    "Record {number} is marked 本科学历, but its level is {level}: only a 本科 record can be."
)
E2_MARK_BACHELOR_RECORD = N_(
    "The first degree is 大专 (junior college): mark your 本科 (bachelor) record, {numbers}, as 本科学历."
)
E2_ADD_BACHELOR_RECORD = N_(
    "The first degree is 大专 (junior college): add your 本科 (bachelor) education and mark it 本科学历."
)
# E3
E3_NO_HIGHEST_DEGREE = N_(
    "Mark one record as 最高学历 (highest degree): the record of your highest education."
)
E3_MANY_HIGHEST_DEGREES = N_("Only one record can be marked 最高学历; records {numbers} are.")
E3_FIRST_IS_HIGHEST = N_(
    "Record {number} (第一学历) is also your highest education: "
    "mark it 最高学历 as well, one record with both marks."
)
E3_MOVE_HIGHEST_TO_FIRST = N_(
    "Record {number} (第一学历) is also your highest education: "
    "move the 最高学历 mark from record {marked} to it, one record with both marks."
)
E3_HIGHEST_NOT_TOP = N_(
    "Record {number} is marked 最高学历, but record {higher} is at a higher level ({level}): "
    "mark the record of your highest education instead."
)
# E4 ({roles}: the official names of the record's marks, such as 第一学历、本科学历)
E4_LEVEL_MISSING = N_("Record {number} ({roles}): choose the level of education (学历).")
E4_SCHOOL_MISSING = N_("Record {number} ({roles}): enter the school.")
E4_DEGREE_MISSING = N_("Record {number} ({roles}): choose the degree (学位), or 无 if you have none.")
EDUCATION_END_TOO_LATE = N_(
    "Record {number}: the end month {month} is too far ahead: for studies you have not finished, "
    "enter the expected graduation month, at the latest {latest}."
)
# Months of any record, education or work
# 工作信息
APPLICANT_TYPE_MISSING = N_("Choose your applicant type first: 单位人, 社会人 or 研究生.")
W1_HAS_EMPLOYER_MISSING = N_("Answer 是否有工作单位: 有 if you have work history, 无 if not.")
W1_ADD_WORK_HISTORY = N_("You answered 有 to 是否有工作单位: add your work history.")
W1_REMOVE_WORK_HISTORY = N_(
    "You answered 无 to 是否有工作单位 but entered work records: answer 有, or delete them."
)
W2_ANSWER_HAS_EMPLOYER = N_("A 单位人 (sponsored applicant) has an employer: answer 有 to 是否有工作单位.")
W2_NO_CURRENT_EMPLOYER = N_(
    "A 单位人 (sponsored applicant) must add the current employer and set 是否为当前所在单位 to 是: "
    "without it you cannot apply."
)
W2_MANY_CURRENT_EMPLOYERS = N_(
    "Only one record can be your current employer; records {numbers} are marked 是."
)
W3_NOT_CURRENT = N_("Record {number}: as a {type}, set 是否为当前所在单位 to 否.")
EMPLOYER_MISSING = N_("Record {number}: enter the employer (工作单位).")
CURRENT_HAS_END = N_("Record {number} is your current employer: leave the end month empty.")
WORK_END_IN_FUTURE = END_IN_FUTURE


# ---------------------------------------------------------------------------------------------------
# Shared record helpers# Shared record helpers


def _member(kind: type[_E], value: str) -> _E | None:
    """The member of ``kind`` with this value (Python 3.11's ``in`` refuses plain strings)."""
    try:
        return kind(value)
    except ValueError:
        return None


def _text(record: Mapping[str, object], key: str) -> str:
    value = record.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _flagged(record: Mapping[str, object], key: str) -> bool:
    return _text(record, key) == YES


def _numbers(numbers: Sequence[int]) -> str:
    return ", ".join(str(number) for number in numbers)


# ---------------------------------------------------------------------------------------------------
# 教育信息: rules E1–E4


def _level(record: Mapping[str, str]) -> EducationLevel | None:
    return _member(EducationLevel, _text(record, "level"))


def _level_name(level: EducationLevel) -> str:
    return EDUCATION_LEVEL_OFFICIAL_NAMES[level]


def check_education(records: Sequence[Mapping[str, str]], today: date) -> list[Problem]:
    """Every broken rule of the 教育信息 module (seed 000, E1–E4, and the months); [] when complete.

    Record numbers count from 1 in the order given. ``today`` (Beijing) bounds the months.
    """
    if not records:
        return [Problem(NO_EDUCATION)]
    numbered = list(enumerate(records, start=1))
    levels = {number: _level(record) for number, record in numbered}
    firsts = [number for number, record in numbered if _flagged(record, EducationFlag.FIRST)]
    highests = [number for number, record in numbered if _flagged(record, EducationFlag.HIGHEST)]
    bachelor_flags = [
        number for number, record in numbered if _flagged(record, EducationFlag.BACHELOR_RECORD)
    ]
    first = firsts[0] if len(firsts) == 1 else None

    problems = _first_degree_rules(firsts, levels)
    problems += _bachelor_record_rules(first, bachelor_flags, levels)
    problems += _highest_degree_rules(first, highests, levels)
    for number, record in numbered:
        problems += _role_fields(number, record, levels[number])
        problems += check_record_months(
            number,
            _text(record, "start"),
            _text(record, "end"),
            today=today,
            start_required=False,
            # 应届 graduates apply before they graduate (April–July).
            latest_end=date(today.year, 12, 1),
            late_end=EDUCATION_END_TOO_LATE,
        )
    return problems


def _first_degree_rules(firsts: list[int], levels: Mapping[int, EducationLevel | None]) -> list[Problem]:
    """E1: exactly one 第一学历, at 大专 or 本科 level."""
    if not firsts:
        return [Problem(E1_NO_FIRST_DEGREE)]
    problems: list[Problem] = []
    if len(firsts) > 1:
        problems.append(
            Problem(
                E1_MANY_FIRST_DEGREES,
                {"numbers": _numbers(firsts)},
            )
        )
    for number in firsts:
        level = levels[number]
        if level is not None and level not in FIRST_DEGREE_LEVELS:
            problems.append(
                Problem(
                    E1_FIRST_DEGREE_LEVEL,
                    {"number": number, "level": _level_name(level)},
                )
            )
    return problems


def _bachelor_record_rules(
    first: int | None, bachelor_flags: list[int], levels: Mapping[int, EducationLevel | None]
) -> list[Problem]:
    """E2: a 大专 first degree needs a 本科 record flagged 本科学历; only a 本科 record carries the flag."""
    problems: list[Problem] = []
    if len(bachelor_flags) > 1:
        problems.append(
            Problem(
                E2_MANY_BACHELOR_RECORDS,
                {"numbers": _numbers(bachelor_flags)},
            )
        )
    for number in bachelor_flags:
        level = levels[number]
        if level is not None and level is not EducationLevel.BACHELOR:
            problems.append(
                Problem(
                    E2_BACHELOR_RECORD_LEVEL,
                    {"number": number, "level": _level_name(level)},
                )
            )
    if first is None or levels[first] is not EducationLevel.JUNIOR_COLLEGE:
        return problems
    if any(levels[number] is EducationLevel.BACHELOR for number in bachelor_flags):
        return problems
    unmarked = [number for number, level in levels.items() if level is EducationLevel.BACHELOR]
    if unmarked:
        problems.append(
            Problem(
                E2_MARK_BACHELOR_RECORD,
                {"numbers": _numbers(unmarked)},
            )
        )
    else:
        problems.append(Problem(E2_ADD_BACHELOR_RECORD))
    return problems


def _highest_degree_rules(
    first: int | None, highests: list[int], levels: Mapping[int, EducationLevel | None]
) -> list[Problem]:
    """E3: exactly one 最高学历, at the top level; the 第一学历 carries it too when it alone is at the top."""
    if len(highests) > 1:
        return [
            Problem(
                E3_MANY_HIGHEST_DEGREES,
                {"numbers": _numbers(highests)},
            )
        ]
    known = {number: level for number, level in levels.items() if level is not None}
    top_rank = max((_RANK[level] for level in known.values()), default=None)
    top = [number for number, level in known.items() if _RANK[level] == top_rank]
    # E3 "若第一学历与最高学历相同": the 第一学历 is the only record at the top level.
    first_at_top = first if first is not None and top == [first] else None
    if not highests:
        if first_at_top is not None:
            return [
                Problem(
                    E3_FIRST_IS_HIGHEST,
                    {"number": first_at_top},
                )
            ]
        return [Problem(E3_NO_HIGHEST_DEGREE)]
    marked = highests[0]
    marked_level = levels[marked]
    if marked_level is None or top_rank is None or _RANK[marked_level] == top_rank:
        return []
    if first_at_top is not None:
        return [
            Problem(
                E3_MOVE_HIGHEST_TO_FIRST,
                {"number": first_at_top, "marked": marked},
            )
        ]
    return [
        Problem(
            E3_HIGHEST_NOT_TOP,
            {"number": marked, "higher": _numbers(top), "level": _level_name(known[top[0]])},
        )
    ]


def _roles(record: Mapping[str, str], level: EducationLevel | None) -> list[EducationFlag]:
    """The flags this record carries, with the implied 本科学历 of a 本科 first degree."""
    roles = [flag for flag in EducationFlag if _flagged(record, flag)]
    implied = EducationFlag.FIRST in roles and level is EducationLevel.BACHELOR
    if implied and EducationFlag.BACHELOR_RECORD not in roles:
        roles.append(EducationFlag.BACHELOR_RECORD)
    return sorted(roles, key=list(EducationFlag).index)


def _role_fields(number: int, record: Mapping[str, str], level: EducationLevel | None) -> list[Problem]:
    """E4: school, level and degree of the 第一学历, 最高学历 and 本科学历 records."""
    roles = _roles(record, level)
    if not roles:
        return []
    params: dict[str, str | int] = {
        "number": number,
        "roles": "、".join(EDUCATION_FLAG_OFFICIAL_NAMES[role] for role in roles),
    }
    problems: list[Problem] = []
    if level is None:
        problems.append(Problem(E4_LEVEL_MISSING, params))
    if not _text(record, "school"):
        problems.append(Problem(E4_SCHOOL_MISSING, params))
    if _member(Degree, _text(record, "degree")) is None:
        problems.append(Problem(E4_DEGREE_MISSING, params))
    return problems


# ---------------------------------------------------------------------------------------------------
# 工作信息: rules W1–W3


def _applicant_type(work: Mapping[str, object]) -> ApplicantType | None:
    return _member(ApplicantType, _text(work, "applicant_type"))


def _work_records(work: Mapping[str, object]) -> list[Mapping[str, object]]:
    records = work.get("records")
    if not isinstance(records, Sequence) or isinstance(records, str):
        return []
    return [record for record in records if isinstance(record, Mapping)]


def check_work(work: Mapping[str, object], today: date) -> list[Problem]:
    """Every broken rule of the 工作信息 module (seed 000, W1–W3, and each record); [] when complete.

    ``work``: "applicant_type" (an :class:`ApplicantType` value), "has_employer" ("yes" / "no") and
    "records", a list of {"employer", "position", "start", "end" ("" while still there), "current"}.
    """
    applicant_type = _applicant_type(work)
    has_employer = _text(work, "has_employer")
    records = _work_records(work)
    numbered = list(enumerate(records, start=1))
    currents = [number for number, record in numbered if _flagged(record, "current")]

    problems: list[Problem] = []
    if applicant_type is None:
        problems.append(Problem(APPLICANT_TYPE_MISSING))
    if applicant_type is ApplicantType.SPONSORED:
        # W2: "单位人必须填写当前所在单位，否则无法进行报名".
        if has_employer != YES:
            problems.append(Problem(W2_ANSWER_HAS_EMPLOYER))
        if not currents:
            problems.append(Problem(W2_NO_CURRENT_EMPLOYER))
        elif len(currents) > 1:
            problems.append(
                Problem(
                    W2_MANY_CURRENT_EMPLOYERS,
                    {"numbers": _numbers(currents)},
                )
            )
    else:
        # W1: 无 without work history, 有 with it.
        if has_employer not in (YES, NO):
            problems.append(Problem(W1_HAS_EMPLOYER_MISSING))
        elif has_employer == YES and not records:
            problems.append(Problem(W1_ADD_WORK_HISTORY))
        elif has_employer == NO and records:
            problems.append(
                Problem(
                    W1_REMOVE_WORK_HISTORY,
                )
            )
        if applicant_type is not None:
            # W3: a 社会人 or 研究生 never marks a current employer.
            problems += [
                Problem(
                    W3_NOT_CURRENT,
                    {"number": number, "type": APPLICANT_TYPE_OFFICIAL_NAMES[applicant_type]},
                )
                for number in currents
            ]
    # W3 already tells a 社会人 / 研究生 to unmark a current record: no advice about its end month then.
    may_be_current = applicant_type in (None, ApplicantType.SPONSORED)
    for number, record in numbered:
        problems += _work_record_fields(number, record, today, may_be_current=may_be_current)
    return problems


def _work_record_fields(
    number: int, record: Mapping[str, object], today: date, *, may_be_current: bool
) -> list[Problem]:
    problems: list[Problem] = []
    if not _text(record, "employer"):
        problems.append(Problem(EMPLOYER_MISSING, {"number": number}))
    end_raw = _text(record, "end")
    if may_be_current and _flagged(record, "current") and end_raw:
        problems.append(Problem(CURRENT_HAS_END, {"number": number}))
    problems += check_record_months(
        number,
        _text(record, "start"),
        end_raw,
        today=today,
        start_required=True,
        latest_end=today.replace(day=1),
        late_end=WORK_END_IN_FUTURE,
    )
    return problems
