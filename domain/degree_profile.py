"""同等学力申硕 填写基本信息 and 填写规培、医师证书信息 (seed 003 §七): the checks made at 保存.

Both checks take the answers as the form engine stores them (plain strings; 个人经历 a list of records
{"start", "end", "unit", "role"}, months as YYYYMM; a missing key counts as empty) and return every
broken rule at once. Official Chinese terms are data: they appear in message ids and params as the
platform shows them. RULES.md §1/003 "Basic info" lists the cross-field checks enforced here.

Decisions where the seed is silent or ambiguous (documented so the tests can hold them):

- 前置学位类别: RULES.md names the field only. We read it as the level of the prior degree (前置学位,
  the degree held before applying): 学士, 硕士 or 博士. A master's applicant normally holds a 学士; a
  硕士 or 博士 (a second master's in another discipline) is accepted, not refused. The other possible
  reading, the discipline category (学科门类) of that degree, has no list in the seed.
- Date of birth and sex are compared with the ID number for the 居民身份证 (RULES.md) and also for the
  港澳台居民居住证, whose number has the same layout (GB 11643: digits 7–14 the birth date, digit 17
  odd for men).
- 获前置学位年月 must lie in a month after the month of birth.
- 个人经历 "填写至本年本月": the latest end month is the current month (Beijing); no month may lie ahead.
  Gaps and overlaps between records are the applicant's business (study while working is common).
- Certificate numbers (规培合格证书, 医师资格证书, 医师执业证书): neither the seed nor RULES.md gives their
  format, and it has changed over the years and between provinces, so the rule is practical: 5 to 30
  English letters and digits once spaces, hyphens and brackets are dropped. Each certificate is
  optional (not every applicant is a physician); a number given needs its 发证日期, not in the future.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.dates import (  # the month messages of records, shared with 广东住培's lists
    END_BEFORE_START,
    END_IN_FUTURE,
    END_MISSING,
    END_NOT_A_MONTH,
    EXAMPLE_DATE,
    EXAMPLE_MONTH,
    START_IN_FUTURE,
    START_MISSING,
    START_NOT_A_MONTH,
    format_date,
    format_month,
    parse_date,
    parse_month,
)
from domain.fields import (
    ID_TYPE_OFFICIAL_NAMES,
    IdType,
    ids_match,
    normalise_document_number,
    parse_id_of_type,
)
from domain.identity import Sex, parse_resident_id
from domain.problems import Problem
from domain.text import N_

_E = TypeVar("_E", bound=StrEnum)

# ---------------------------------------------------------------------------------------------------
# Vocabulary


class PriorDegree(StrEnum):
    """前置学位类别: the level of the degree held before applying."""

    BACHELOR = "bachelor"  # 学士
    MASTER = "master"  # 硕士
    DOCTOR = "doctor"  # 博士


PRIOR_DEGREE_OFFICIAL_NAMES: dict[PriorDegree, str] = {
    PriorDegree.BACHELOR: "学士",
    PriorDegree.MASTER: "硕士",
    PriorDegree.DOCTOR: "博士",
}

PRIOR_DEGREE_LABELS: dict[PriorDegree, str] = {
    PriorDegree.BACHELOR: N_("Bachelor's degree"),
    PriorDegree.MASTER: N_("Master's degree"),
    PriorDegree.DOCTOR: N_("Doctoral degree"),
}

SEX_OFFICIAL_NAMES: dict[Sex, str] = {Sex.MALE: "男", Sex.FEMALE: "女"}

# ID documents whose number encodes the birth date and the sex (GB 11643 layout).
ID_TYPES_WITH_BIRTH_DATE = frozenset({IdType.RESIDENT_ID, IdType.HMT_RESIDENCE_PERMIT})


class Certificate(StrEnum):
    """The certificates of 填写规培、医师证书信息; answers ``<value>_number`` and ``<value>_date``."""

    RESIDENCY = "residency"  # 住院医师规范化培训合格证书 (规培合格证书)
    QUALIFICATION = "qualification"  # 医师资格证书
    PRACTISING = "practising"  # 医师执业证书

    @property
    def number_key(self) -> str:
        return f"{self.value}_number"

    @property
    def date_key(self) -> str:
        return f"{self.value}_date"


CERTIFICATE_OFFICIAL_NAMES: dict[Certificate, str] = {
    Certificate.RESIDENCY: "规培合格证书",
    Certificate.QUALIFICATION: "医师资格证书",
    Certificate.PRACTISING: "医师执业证书",
}

CERTIFICATE_NUMBER_LENGTHS = (5, 30)
EXAMPLE_CERTIFICATE_NUMBER = "202044000123"  # synthetic

# The official names of the basic-info fields, for the messages about a missing or broken answer.
FIELD_OFFICIAL_NAMES: dict[str, str] = {
    "name_pinyin": "姓名拼音",
    "sex": "性别",
    "region": "国家或地区",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "id_number_confirm": "确认证件号码",
    "political_status": "政治面貌",
    "work_start": "参加工作年月",
    "prior_degree_month": "获前置学位年月",
    "prior_degree": "前置学位类别",
}
REQUIRED_TEXT_FIELDS = ("name_pinyin", "region", "ethnicity", "political_status")

# ---------------------------------------------------------------------------------------------------
# Message ids: English, with the official Chinese terms as the applicant sees them on the site.
# Named by rule so that tests and callers never depend on the wording.

FIELD_MISSING = N_("Fill in {field}.")
CHOOSE_AGAIN = N_("{field}: choose one of the options again.")
BIRTH_DATE_INVALID = N_("{field}: {date} is not a real date in the past (YYYYMMDD).")
BIRTH_DATE_NOT_ID = N_(
    "The date of birth {date} differs from the one in your ID number, {id_date}: correct one of them."
)
SEX_NOT_ID = N_(
    "The sex {sex} differs from the one your ID number gives (its 17th digit), {id_sex}: correct one of them."
)
ID_NUMBER_NOT_OF_TYPE = N_(
    "The ID number does not fit the ID type {type}: enter the number again, or choose the right type."
)
MONTH_INVALID = N_("{field}: {month} is not a real month (YYYYMM).")
MONTH_IN_FUTURE = N_("{field}: {month} is in the future.")
PRIOR_DEGREE_NOT_AFTER_BIRTH = N_(
    "The month of your prior degree (获前置学位年月), {month}, must come after your date of birth, {date}."
)
# 个人经历
HISTORY_EMPTY = N_(
    "Add your personal history (个人经历), one record per period of study or work, "
    "up to this month ({month})."
)
HISTORY_NOT_UP_TO_DATE = N_(
    "Your personal history must run up to this month, {month} (填写至本年本月): "
    "the latest record ends in {latest}."
)
UNIT_MISSING = N_("Record {number}: enter the school or employer (单位).")
ROLE_MISSING = N_("Record {number}: enter your role there (职务或身份).")
# The same rule while a record is being entered (it has no number yet).
PERIOD_ENDS_BEFORE_START = N_("The end month {end} is before the start month {start}.")
# Certificates ({certificate}: the official name)
CERTIFICATE_NUMBER_INVALID = N_(
    "The number of the {certificate} has {min} to {max} English letters and digits, as printed on it."
)
CERTIFICATE_DATE_MISSING = N_("{certificate}: enter its date of issue (发证日期).")
CERTIFICATE_DATE_INVALID = N_("{certificate}: the date of issue {date} is not a real date (YYYYMMDD).")
CERTIFICATE_DATE_IN_FUTURE = N_("{certificate}: the date of issue {date} is in the future.")


# ---------------------------------------------------------------------------------------------------
# Helpers


def _member(kind: type[_E], value: str) -> _E | None:
    try:
        return kind(value)
    except ValueError:
        return None


def _text(answers: Mapping[str, object], key: str) -> str:
    value = answers.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _month(raw: str) -> date | None:
    """A YYYYMM answer as the first day of its month; None when it is not a real month."""
    month = parse_month(raw, date.max, allow_future=True)
    return None if isinstance(month, Problem) else month


def _day(raw: str) -> date | None:
    day = parse_date(raw, date.max, allow_future=True)
    return None if isinstance(day, Problem) else day


# ---------------------------------------------------------------------------------------------------
# Rules the form also applies while an answer is typed


def prior_degree_after_birth(birth_date: str, month: str) -> Problem | None:
    """获前置学位年月 (YYYYMM) after the month of 出生日期 (YYYYMMDD); None also when either is unreadable."""
    born, obtained = _day(birth_date), _month(month)
    if born is None or obtained is None or obtained > born.replace(day=1):
        return None
    return Problem(
        PRIOR_DEGREE_NOT_AFTER_BIRTH,
        {"month": format_month(obtained), "date": format_date(born)},
        EXAMPLE_MONTH,
    )


def check_period(start: str, end: str) -> Problem | None:
    """A record of 个人经历 ends in or after the month it starts."""
    begun, ended = _month(start), _month(end)
    if begun is None or ended is None or ended >= begun:
        return None
    return Problem(PERIOD_ENDS_BEFORE_START, {"end": format_month(ended), "start": format_month(begun)})


def parse_certificate_number(certificate: Certificate, raw: str) -> str | Problem:
    """A certificate number: 5–30 English letters and digits after spaces, hyphens and brackets go."""
    number = normalise_document_number(raw)
    low, high = CERTIFICATE_NUMBER_LENGTHS
    if low <= len(number) <= high and number.isascii() and number.isalnum():
        return number
    return Problem(
        CERTIFICATE_NUMBER_INVALID,
        {"certificate": CERTIFICATE_OFFICIAL_NAMES[certificate], "min": low, "max": high},
        EXAMPLE_CERTIFICATE_NUMBER,
    )


# ---------------------------------------------------------------------------------------------------
# 填写基本信息


def check_basic_info(answers: Mapping[str, object], today: date) -> list[Problem]:
    """Every broken rule of 填写基本信息 (seed 003 §七, RULES.md §1/003); [] when complete.

    ``today`` is the Beijing date: it bounds every month and the date of birth.
    """
    problems = [
        Problem(FIELD_MISSING, {"field": FIELD_OFFICIAL_NAMES[key]})
        for key in REQUIRED_TEXT_FIELDS
        if not _text(answers, key)
    ]
    sex = _choice(answers, "sex", Sex, problems)
    id_type = _choice(answers, "id_type", IdType, problems)
    _choice(answers, "prior_degree", PriorDegree, problems)
    birth_date = _birth_date(answers, today, problems)
    problems += _id_rules(answers, id_type, sex, birth_date, today)
    for key in ("work_start", "prior_degree_month"):
        problems += _past_month(answers, key, today)
    if birth_date is not None:
        after_birth = prior_degree_after_birth(format_date(birth_date), _text(answers, "prior_degree_month"))
        problems += [after_birth] if after_birth else []
    history = answers.get("history")
    problems += check_history(history if isinstance(history, list) else [], today)
    return problems


def _choice(answers: Mapping[str, object], key: str, kind: type[_E], problems: list[Problem]) -> _E | None:
    raw = _text(answers, key)
    found = _member(kind, raw)
    if found is None:
        problems.append(Problem(CHOOSE_AGAIN if raw else FIELD_MISSING, {"field": FIELD_OFFICIAL_NAMES[key]}))
    return found


def _birth_date(answers: Mapping[str, object], today: date, problems: list[Problem]) -> date | None:
    raw = _text(answers, "birth_date")
    if not raw:
        problems.append(Problem(FIELD_MISSING, {"field": FIELD_OFFICIAL_NAMES["birth_date"]}))
        return None
    born = parse_date(raw, today)
    if isinstance(born, Problem):
        problems.append(
            Problem(
                BIRTH_DATE_INVALID, {"field": FIELD_OFFICIAL_NAMES["birth_date"], "date": raw}, EXAMPLE_DATE
            )
        )
        return None
    return born


def _id_rules(
    answers: Mapping[str, object], id_type: IdType | None, sex: Sex | None, born: date | None, today: date
) -> list[Problem]:
    """The number fits its type and is confirmed; date of birth and sex agree with it."""
    number = _text(answers, "id_number")
    if not number:
        return [Problem(FIELD_MISSING, {"field": FIELD_OFFICIAL_NAMES["id_number"]})]
    problems: list[Problem] = []
    mismatch = ids_match(number, _text(answers, "id_number_confirm"))
    if mismatch is not None:
        problems.append(mismatch)
    if id_type is None:
        return problems
    if isinstance(parse_id_of_type(id_type, number, today), Problem):
        problems.append(Problem(ID_NUMBER_NOT_OF_TYPE, {"type": ID_TYPE_OFFICIAL_NAMES[id_type]}))
        return problems
    if id_type not in ID_TYPES_WITH_BIRTH_DATE:
        return problems
    encoded = parse_resident_id(number, today)
    if isinstance(encoded, Problem):  # cannot happen after parse_id_of_type; kept for the type checker
        return problems
    if born is not None and born != encoded.birth_date:
        problems.append(
            Problem(
                BIRTH_DATE_NOT_ID, {"date": format_date(born), "id_date": format_date(encoded.birth_date)}
            )
        )
    if sex is not None and sex is not encoded.sex:
        problems.append(
            Problem(SEX_NOT_ID, {"sex": SEX_OFFICIAL_NAMES[sex], "id_sex": SEX_OFFICIAL_NAMES[encoded.sex]})
        )
    return problems


def _past_month(answers: Mapping[str, object], key: str, today: date) -> list[Problem]:
    raw = _text(answers, key)
    field = FIELD_OFFICIAL_NAMES[key]
    if not raw:
        return [Problem(FIELD_MISSING, {"field": field})]
    month = _month(raw)
    if month is None:
        return [Problem(MONTH_INVALID, {"field": field, "month": raw}, EXAMPLE_MONTH)]
    if month > today.replace(day=1):
        return [Problem(MONTH_IN_FUTURE, {"field": field, "month": format_month(month)}, EXAMPLE_MONTH)]
    return []


def check_history(records: Sequence[object], today: date) -> list[Problem]:
    """个人经历: at least one record, each complete with end ≥ start, the latest ending this month."""
    this_month = today.replace(day=1)
    if not records:
        return [Problem(HISTORY_EMPTY, {"month": format_month(this_month)})]
    problems: list[Problem] = []
    ends: list[date] = []
    for number, record in enumerate(records, start=1):
        fields: Mapping[str, object] = record if isinstance(record, Mapping) else {}
        problems += _history_record(number, fields, this_month, ends)
    if ends and max(ends) != this_month:
        problems.append(
            Problem(
                HISTORY_NOT_UP_TO_DATE,
                {"month": format_month(this_month), "latest": format_month(max(ends))},
            )
        )
    return problems


def _history_record(
    number: int, record: Mapping[str, object], this_month: date, ends: list[date]
) -> list[Problem]:
    """The problems of record ``number``; its end month, when real, is appended to ``ends``."""
    problems: list[Problem] = []
    months: dict[str, date | None] = {}
    for key, missing, not_real, future in (
        ("start", START_MISSING, START_NOT_A_MONTH, START_IN_FUTURE),
        ("end", END_MISSING, END_NOT_A_MONTH, END_IN_FUTURE),
    ):
        raw = _text(record, key)
        months[key] = month = _month(raw) if raw else None
        if not raw:
            problems.append(Problem(missing, {"number": number}))
        elif month is None:
            problems.append(Problem(not_real, {"number": number}, EXAMPLE_MONTH))
        elif month > this_month:
            problems.append(Problem(future, {"number": number, "month": format_month(month)}))
    start, end = months["start"], months["end"]
    if start is not None and end is not None and end < start:
        problems.append(
            Problem(
                END_BEFORE_START, {"number": number, "end": format_month(end), "start": format_month(start)}
            )
        )
    if end is not None:
        ends.append(end)
    if not _text(record, "unit"):
        problems.append(Problem(UNIT_MISSING, {"number": number}))
    if not _text(record, "role"):
        problems.append(Problem(ROLE_MISSING, {"number": number}))
    return problems


# ---------------------------------------------------------------------------------------------------
# 填写规培、医师证书信息


def check_certificates(answers: Mapping[str, object], today: date) -> list[Problem]:
    """Every broken rule of 填写规培、医师证书信息; [] when complete (every certificate may be left out)."""
    problems: list[Problem] = []
    for certificate in Certificate:
        raw = _text(answers, certificate.number_key)
        if not raw:
            continue
        number = parse_certificate_number(certificate, raw)
        if isinstance(number, Problem):
            problems.append(number)
        problems += _issue_date(certificate, _text(answers, certificate.date_key), today)
    return problems


def _issue_date(certificate: Certificate, raw: str, today: date) -> list[Problem]:
    name = CERTIFICATE_OFFICIAL_NAMES[certificate]
    if not raw:
        return [Problem(CERTIFICATE_DATE_MISSING, {"certificate": name}, EXAMPLE_DATE)]
    issued = _day(raw)
    if issued is None:
        return [Problem(CERTIFICATE_DATE_INVALID, {"certificate": name, "date": raw}, EXAMPLE_DATE)]
    if issued > today:
        return [
            Problem(
                CERTIFICATE_DATE_IN_FUTURE, {"certificate": name, "date": format_date(issued)}, EXAMPLE_DATE
            )
        ]
    return []
