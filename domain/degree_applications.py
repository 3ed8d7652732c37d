"""同等学力申硕 提交学位申请 (seed 003 §八): the catalog, the form's rules and the use cases.

The page holds the table 已申报学科信息 (年度, 学科门类, 学科名称, 学位授予单位, 申请状态, 操作列表) and
the form 学位申请. Its operations are the use cases here:

- 新增申请 (:func:`add`) and 修改 (:func:`edit`): every field checked (:func:`check_form`), with the
  cascades province → degree-granting unit and degree type → discipline category → discipline;
  修改 only while the application is saved (已保存).
- 删除 (:func:`delete`): only while saved; the row goes.
- 提交申请 (:func:`submit`): saved → submitted (已提交), "申请状态栏显示已提交则是完成".
- 取消申请 (:func:`cancel`): submitted → cancelled (已取消). The seed's remedy for a wrong choice of
  the 临床医学, 口腔医学 or 中医 professional degree (:func:`needs_professional_warning`): cancel,
  then add a new application.

Only an activated 同等学力申硕 account applies. An account holds at most one live (saved or submitted)
application per year, unit and discipline (the database holds it too); a cancelled one leaves room
for the corrected application. Another account's application id is "not found", like a missing one.

The catalog is data (``domain/data``): ``disciplines.toml`` (the 14 学科门类, complete; 一级学科 and
专业学位类别, a sample) and ``degree_units.toml`` (学位授予单位 by province, a sample). A malformed file
fails loudly at the first use, naming the file and the entry.

Decisions where the seed is silent (documented so the tests can hold them):

- 年度 is the Beijing year in which the application is added.
- 网上学位申请年月 is a real month (YYYYMM), not after the current month; the applicant types it
  (the platform pre-fills the current month).
- 学号 and 班级 are "仅已在学位授予单位在读的人员需要填写": the form asks first whether the applicant
  already studies at the unit; if so both are required, if not both must stay empty. 学号 is 1–20
  English letters and digits; 班级 free text.
- 院系 has no * in the seed: optional free text (the units' department lists are not known).
- 申请人类别, 工作单位性质, 行政职务级别 and 技术职务级别 are drop-downs whose options the seed does not
  show (except 其他在职人员): the lists below are SAMPLES, to be replaced by the platform's.
- Any unit may be chosen with any discipline: the sample has no list of what each unit accepts.
"""

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TypeVar

from domain.choices import ChoiceDataError, provinces
from domain.clock import BEIJING
from domain.dates import EXAMPLE_MONTH, format_month, parse_month
from domain.degree_profile import CHOOSE_AGAIN, FIELD_MISSING, MONTH_IN_FUTURE, MONTH_INVALID
from domain.email_accounts import DEGREE
from domain.model import Account, DegreeApplication, DegreeApplicationState
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.text import N_

__all__ = [
    "DEGREE",
    "AdminRank",
    "ApplicantCategory",
    "ApplicationRow",
    "DegreeApplicationForm",
    "DegreeCatalog",
    "DegreeCatalogError",
    "DegreeType",
    "DegreeUnit",
    "Discipline",
    "DisciplineCategory",
    "Operation",
    "TechRank",
    "WorkUnitNature",
    "add",
    "application_of",
    "applications_of",
    "cancel",
    "check_form",
    "degree_catalog",
    "degree_catalog_from_toml",
    "delete",
    "edit",
    "form_of",
    "needs_professional_warning",
    "submit",
]

_E = TypeVar("_E", bound=StrEnum)

# ---------------------------------------------------------------------------------------------------
# Vocabulary


class DegreeType(StrEnum):
    """申请学位类型."""

    ACADEMIC = "academic"  # 学术型学位: a 一级学科
    PROFESSIONAL = "professional"  # 专业学位: a 专业学位类别


DEGREE_TYPE_OFFICIAL_NAMES: dict[DegreeType, str] = {
    DegreeType.ACADEMIC: "学术型学位",
    DegreeType.PROFESSIONAL: "专业学位",
}


class ApplicantCategory(StrEnum):
    """申请人类别: a SAMPLE list (the seed shows only 其他在职人员)."""

    UNIVERSITY_TEACHER = "university_teacher"  # 高等学校教师
    RESEARCHER = "researcher"  # 科研机构人员
    HEALTH_WORKER = "health_worker"  # 医疗卫生人员
    OTHER_EMPLOYED = "other_employed"  # 其他在职人员


APPLICANT_CATEGORY_OFFICIAL_NAMES: dict[ApplicantCategory, str] = {
    ApplicantCategory.UNIVERSITY_TEACHER: "高等学校教师",
    ApplicantCategory.RESEARCHER: "科研机构人员",
    ApplicantCategory.HEALTH_WORKER: "医疗卫生人员",
    ApplicantCategory.OTHER_EMPLOYED: "其他在职人员",
}


class WorkUnitNature(StrEnum):
    """工作单位性质: a SAMPLE list, after the unit kinds of graduate admission forms."""

    GOVERNMENT = "government"  # 机关
    RESEARCH = "research"  # 科研设计单位
    UNIVERSITY = "university"  # 高等学校
    OTHER_SCHOOL = "other_school"  # 其他教学单位
    HEALTH = "health"  # 医疗卫生单位
    OTHER_PUBLIC = "other_public"  # 其他事业单位
    STATE_ENTERPRISE = "state_enterprise"  # 国有企业
    FOREIGN_INVESTED = "foreign_invested"  # 三资企业
    OTHER_ENTERPRISE = "other_enterprise"  # 其他企业
    MILITARY = "military"  # 部队
    OTHER = "other"  # 其他


WORK_UNIT_NATURE_OFFICIAL_NAMES: dict[WorkUnitNature, str] = {
    WorkUnitNature.GOVERNMENT: "机关",
    WorkUnitNature.RESEARCH: "科研设计单位",
    WorkUnitNature.UNIVERSITY: "高等学校",
    WorkUnitNature.OTHER_SCHOOL: "其他教学单位",
    WorkUnitNature.HEALTH: "医疗卫生单位",
    WorkUnitNature.OTHER_PUBLIC: "其他事业单位",
    WorkUnitNature.STATE_ENTERPRISE: "国有企业",
    WorkUnitNature.FOREIGN_INVESTED: "三资企业",
    WorkUnitNature.OTHER_ENTERPRISE: "其他企业",
    WorkUnitNature.MILITARY: "部队",
    WorkUnitNature.OTHER: "其他",
}


class AdminRank(StrEnum):
    """行政职务级别: a SAMPLE list."""

    NONE = "none"  # 无
    CLERK = "clerk"  # 科员及以下
    SECTION = "section"  # 科级
    DIVISION = "division"  # 处级
    BUREAU = "bureau"  # 厅局级
    MINISTRY = "ministry"  # 省部级及以上


ADMIN_RANK_OFFICIAL_NAMES: dict[AdminRank, str] = {
    AdminRank.NONE: "无",
    AdminRank.CLERK: "科员及以下",
    AdminRank.SECTION: "科级",
    AdminRank.DIVISION: "处级",
    AdminRank.BUREAU: "厅局级",
    AdminRank.MINISTRY: "省部级及以上",
}


class TechRank(StrEnum):
    """技术职务级别: the levels of 专业技术职务 (a SAMPLE of how the platform may word them)."""

    NONE = "none"  # 无
    JUNIOR = "junior"  # 初级
    INTERMEDIATE = "intermediate"  # 中级
    ASSOCIATE_SENIOR = "associate_senior"  # 副高级
    SENIOR = "senior"  # 正高级


TECH_RANK_OFFICIAL_NAMES: dict[TechRank, str] = {
    TechRank.NONE: "无",
    TechRank.JUNIOR: "初级",
    TechRank.INTERMEDIATE: "中级",
    TechRank.ASSOCIATE_SENIOR: "副高级",
    TechRank.SENIOR: "正高级",
}

STATE_OFFICIAL_NAMES: dict[DegreeApplicationState, str] = {
    DegreeApplicationState.SAVED: "已保存",
    DegreeApplicationState.SUBMITTED: "已提交",
    DegreeApplicationState.CANCELLED: "已取消",
}


class Operation(StrEnum):
    """The per-row entries of 操作列表 (新增申请 is the table's, not a row's)."""

    EDIT = "edit"  # 修改
    DELETE = "delete"  # 删除
    SUBMIT = "submit"  # 提交申请
    CANCEL = "cancel"  # 取消申请


OPERATION_OFFICIAL_NAMES: dict[Operation, str] = {
    Operation.EDIT: "修改",
    Operation.DELETE: "删除",
    Operation.SUBMIT: "提交申请",
    Operation.CANCEL: "取消申请",
}

# Seed 003 §八: since 2016 these master's professional degrees have their own option for same-level
# applicants, and a wrong choice can only be cancelled and applied for again.
WARNED_PROFESSIONAL_DISCIPLINES = frozenset({"1051", "1052", "1057"})  # 临床医学, 口腔医学, 中医

# The official names of the form's fields, for the messages about them.
FIELD_OFFICIAL_NAMES: dict[str, str] = {
    "province": "学位授予单位所在省市地区",
    "unit": "学位授予单位",
    "degree_type": "申请学位类型",
    "category": "申请学位学科门类",
    "discipline": "申请学位学科名称",
    "applicant_category": "申请人类别",
    "application_month": "网上学位申请年月",
    "student_number": "学号",
    "class_name": "班级",
    "department": "院系",
    "work_province": "工作单位所在省市",
    "work_unit": "工作单位名称",
    "work_unit_nature": "工作单位性质",
    "admin_rank": "行政职务级别",
    "tech_rank": "技术职务级别",
}
MAX_LENGTHS = {"class_name": 30, "department": 40, "work_unit": 60}  # as the columns hold them
STUDENT_NUMBER_MAX = 20
EXAMPLE_STUDENT_NUMBER = "2023120001"  # synthetic

# ---------------------------------------------------------------------------------------------------
# Message ids: English, with the official Chinese terms as the applicant sees them on the site.

PROFESSIONAL_WARNING = N_(
    "Since 2016 the master's professional degrees in 临床医学, 口腔医学 and 中医 have their own option "
    "for applicants with equivalent qualifications. Check your choice: once submitted, a wrong choice "
    "cannot be changed; it must be cancelled (取消申请) and applied for again."
)
UNIT_NOT_IN_PROVINCE = N_(
    "{unit} is not in {province}: choose the degree-granting unit (学位授予单位) again."
)
DISCIPLINE_NOT_IN_CATEGORY = N_(
    "{discipline} ({code}) does not belong to {category}: choose the discipline (学科名称) again."
)
DISCIPLINE_NOT_OF_TYPE = N_(
    "{discipline} ({code}) is a {discipline_type}, not a {degree_type}: choose the discipline again, "
    "or change 申请学位类型."
)
ONLY_WHEN_STUDYING = N_(
    "{field} is only for people already studying at the degree-granting unit: leave it empty."
)
STUDENT_NUMBER_INVALID = N_("{field}: 1 to {max} English letters and digits, as the unit gave it.")
TEXT_TOO_LONG = N_("{field}: at most {max} characters.")
DUPLICATE = N_(
    "You already have an application for {discipline} at {unit} in {year} ({state}): modify that one, "
    "or cancel it first."
)
NOT_DEGREE = N_("This account is not a 同等学力申硕 account.")
NOT_ACTIVATED = N_("Activate your account first: open the link in the activation e-mail.")
NOT_FOUND = N_("No such application.")
SUBMITTED_LOCKED = N_(
    "The application for {discipline} at {unit} is submitted (已提交): it can no longer be modified or "
    "deleted. To change it, cancel it (取消申请) and add a new application."
)
CANCELLED_LOCKED = N_(
    "The application for {discipline} at {unit} is cancelled (已取消): add a new application (新增申请)."
)
ALREADY_SUBMITTED = N_("The application for {discipline} at {unit} is already submitted (已提交).")
NOT_SUBMITTED = N_(
    "The application for {discipline} at {unit} is not submitted yet: delete it (删除) instead of cancelling."
)

# ---------------------------------------------------------------------------------------------------
# The catalog


class DegreeCatalogError(ChoiceDataError):
    """disciplines.toml or degree_units.toml is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class DisciplineCategory:
    """学科门类: two digits, 01 哲学 … 14 交叉学科."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Discipline:
    """学科名称: a 一级学科 (学术型学位) or a 专业学位类别 (专业学位); four digits, the first two its 门类."""

    code: str
    name_zh: str
    name_en: str
    degree_type: DegreeType

    @property
    def category_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class DegreeUnit:
    """学位授予单位: its 5-digit code, names and province (GB/T 2260 two-digit code)."""

    code: str
    name_zh: str
    name_en: str
    province: str


@dataclass(frozen=True)
class DegreeCatalog:
    categories: tuple[DisciplineCategory, ...]
    disciplines: tuple[Discipline, ...]
    units: tuple[DegreeUnit, ...]
    # Derived from the tuples; left out of equality and hashing (a mapping proxy has no hash).
    _by_code: Mapping[str, DisciplineCategory | Discipline | DegreeUnit] = field(compare=False, repr=False)

    def category(self, code: str) -> DisciplineCategory | None:
        found = self._by_code.get(code.strip())
        return found if isinstance(found, DisciplineCategory) else None

    def discipline(self, code: str) -> Discipline | None:
        found = self._by_code.get(code.strip())
        return found if isinstance(found, Discipline) else None

    def unit(self, code: str) -> DegreeUnit | None:
        found = self._by_code.get(code.strip())
        return found if isinstance(found, DegreeUnit) else None

    def unit_provinces(self) -> tuple[str, ...]:
        """The codes of the provinces that have units, in the order of provinces.toml."""
        present = {u.province for u in self.units}
        return tuple(c.code for c in provinces().items() if c.code in present)

    def units_in(self, province: str) -> tuple[DegreeUnit, ...]:
        return tuple(u for u in self.units if u.province == province)

    def categories_for(self, degree_type: DegreeType) -> tuple[DisciplineCategory, ...]:
        """The 门类 with at least one discipline of this type: the only ones worth offering."""
        present = {d.category_code for d in self.disciplines if d.degree_type is degree_type}
        return tuple(c for c in self.categories if c.code in present)

    def disciplines_in(self, category: str, degree_type: DegreeType) -> tuple[Discipline, ...]:
        return tuple(
            d for d in self.disciplines if d.category_code == category and d.degree_type is degree_type
        )

    def find_unit(self, text: str) -> DegreeUnit | None:
        """The unit with this code or name (Chinese or English; case, width and spaces ignored)."""
        key = _key(text)
        return next((u for u in self.units if key in (u.code, _key(u.name_zh), _key(u.name_en))), None)

    def find_category(self, text: str) -> DisciplineCategory | None:
        key = _key(text)
        return next((c for c in self.categories if key in (c.code, _key(c.name_zh), _key(c.name_en))), None)

    def find_discipline(
        self, text: str, category: str | None = None, degree_type: DegreeType | None = None
    ) -> Discipline | None:
        """The discipline with this code, or the one with this name among those of the category and
        type given (临床医学 names both 1002, academic, and 1051, professional)."""
        key = _key(text)
        by_code = self.discipline(key)
        if by_code is not None:
            return by_code
        named = [
            d
            for d in self.disciplines
            if key in (_key(d.name_zh), _key(d.name_en))
            and category in (None, d.category_code)
            and degree_type in (None, d.degree_type)
        ]
        return named[0] if len(named) == 1 else None


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@cache
def degree_catalog() -> DegreeCatalog:
    """The catalog of domain/data, read once."""
    data = resources.files("domain.data")
    return degree_catalog_from_toml(
        data.joinpath("disciplines.toml").read_text(encoding="utf-8"),
        data.joinpath("degree_units.toml").read_text(encoding="utf-8"),
    )


_CATEGORY_CODE = re.compile(r"\d{2}", re.ASCII)
_DISCIPLINE_CODE = re.compile(r"\d{4}", re.ASCII)
_UNIT_CODE = re.compile(r"\d{5}", re.ASCII)


def degree_catalog_from_toml(
    disciplines_text: str,
    units_text: str,
    disciplines_source: str = "disciplines.toml",
    units_source: str = "degree_units.toml",
) -> DegreeCatalog:
    """The catalog in these two texts. Fails loudly (DegreeCatalogError) on bad data."""
    disciplines_data = _toml(disciplines_text, disciplines_source)
    by_code: dict[str, DisciplineCategory | Discipline | DegreeUnit] = {}
    categories = []
    for where, entry in _entries(disciplines_data, "categories", disciplines_source):
        code = _code(entry, _CATEGORY_CODE, where, "a two-digit code")
        categories.append(DisciplineCategory(code, entry["name_zh"], entry["name_en"]))
        _unique(by_code, code, categories[-1], where)
    disciplines = []
    for where, entry in _entries(disciplines_data, "disciplines", disciplines_source, frozenset({"type"})):
        code = _code(entry, _DISCIPLINE_CODE, where, "a four-digit code")
        try:
            degree_type = DegreeType(entry["type"])
        except ValueError:
            raise DegreeCatalogError(f"{where}: type must be academic or professional") from None
        # 目录 说明 三: the third digit is 5 exactly for a 专业学位类别.
        if (code[2] == "5") != (degree_type is DegreeType.PROFESSIONAL):
            raise DegreeCatalogError(f"{where}: code {code} does not fit type {degree_type.value}")
        if not isinstance(by_code.get(code[:2]), DisciplineCategory):
            raise DegreeCatalogError(f"{where}: code {code} belongs to no category of [[categories]]")
        disciplines.append(Discipline(code, entry["name_zh"], entry["name_en"], degree_type))
        _unique(by_code, code, disciplines[-1], where)
    units_data = _toml(units_text, units_source)
    units = []
    for where, entry in _entries(units_data, "units", units_source, frozenset({"province"})):
        code = _code(entry, _UNIT_CODE, where, "a five-digit code")
        province = provinces().by_code.get(entry["province"])
        if province is None:
            raise DegreeCatalogError(
                f"{where}: province {entry['province']!r} is not a code of provinces.toml"
            )
        units.append(DegreeUnit(code, entry["name_zh"], entry["name_en"], province.code))
        _unique(by_code, code, units[-1], where)
        if sum(1 for u in units if _key(u.name_zh) == _key(entry["name_zh"])) > 1:
            raise DegreeCatalogError(f"{where}: {entry['name_zh']!r} is listed twice")
    if not units:
        raise DegreeCatalogError(f"{units_source}: expected a non-empty [[units]] array")
    return DegreeCatalog(tuple(categories), tuple(disciplines), tuple(units), MappingProxyType(by_code))


def _toml(text: str, source: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DegreeCatalogError(f"{source}: not valid TOML: {error}") from error


def _entries(
    data: Mapping[str, object], array: str, source: str, extra: frozenset[str] = frozenset()
) -> list[tuple[str, dict[str, str]]]:
    entries = data.get(array)
    if not isinstance(entries, list) or not entries:
        raise DegreeCatalogError(f"{source}: expected a non-empty [[{array}]] array")
    keys = {"code", "name_zh", "name_en"} | extra
    found = []
    for index, entry in enumerate(entries):
        where = f"{source}: {array}[{index}]"
        if not isinstance(entry, dict) or set(entry) != keys:
            raise DegreeCatalogError(f"{where}: keys are {', '.join(sorted(keys))}")
        if not all(isinstance(value, str) and value.strip() for value in entry.values()):
            raise DegreeCatalogError(f"{where}: every value must be a non-empty string")
        found.append((where, {key: str(value).strip() for key, value in entry.items()}))
    return found


def _code(entry: Mapping[str, str], pattern: re.Pattern[str], where: str, shape: str) -> str:
    code = entry["code"]
    if not pattern.fullmatch(code):
        raise DegreeCatalogError(f"{where}: code {code!r} is not {shape}")
    return code


def _unique(
    by_code: dict[str, DisciplineCategory | Discipline | DegreeUnit],
    code: str,
    item: DisciplineCategory | Discipline | DegreeUnit,
    where: str,
) -> None:
    if code in by_code:
        raise DegreeCatalogError(f"{where}: code {code} is listed twice")
    by_code[code] = item


def needs_professional_warning(discipline_code: str, degree_type: DegreeType | str | None = None) -> bool:
    """Whether the seed's warning is due: the 临床医学, 口腔医学 or 中医 master's professional degree
    (1051, 1052, 1057) is chosen. ``degree_type``, when given, must be 专业学位 as well."""
    if degree_type is not None and degree_type != DegreeType.PROFESSIONAL:
        return False
    return discipline_code.strip() in WARNED_PROFESSIONAL_DISCIPLINES


# ---------------------------------------------------------------------------------------------------
# The form


@dataclass(frozen=True)
class DegreeApplicationForm:
    """The answers of the form 学位申请 as the chat collected them: codes (or names) for the choices,
    the enum values (or official names) for the short lists, text for the rest."""

    province: str = ""
    unit: str = ""
    degree_type: str = ""
    category: str = ""
    discipline: str = ""
    applicant_category: str = ""
    application_month: str = ""
    studying_at_unit: bool = False
    student_number: str = ""
    class_name: str = ""
    department: str = ""
    work_province: str = ""
    work_unit: str = ""
    work_unit_nature: str = ""
    admin_rank: str = ""
    tech_rank: str = ""


def form_of(application: DegreeApplication) -> DegreeApplicationForm:
    """The stored application as a form, to start 修改 from."""
    return DegreeApplicationForm(
        province=application.province,
        unit=application.unit,
        degree_type=application.degree_type,
        category=application.category_code,
        discipline=application.discipline_code,
        applicant_category=application.applicant_category,
        application_month=application.application_month,
        studying_at_unit=application.studying_at_unit,
        student_number=application.student_number or "",
        class_name=application.class_name or "",
        department=application.department or "",
        work_province=application.work_province,
        work_unit=application.work_unit,
        work_unit_nature=application.work_unit_nature,
        admin_rank=application.admin_rank,
        tech_rank=application.tech_rank,
    )


@dataclass(frozen=True)
class _Values:
    """A form that passed every rule, normalised."""

    province: str
    unit: DegreeUnit
    degree_type: DegreeType
    category: DisciplineCategory
    discipline: Discipline
    applicant_category: ApplicantCategory
    application_month: str
    studying_at_unit: bool
    student_number: str | None
    class_name: str | None
    department: str | None
    work_province: str
    work_unit: str
    work_unit_nature: WorkUnitNature
    admin_rank: AdminRank
    tech_rank: TechRank


def _text(raw: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def _missing(key: str) -> Problem:
    return Problem(FIELD_MISSING, {"field": FIELD_OFFICIAL_NAMES[key]})


def _again(key: str) -> Problem:
    return Problem(CHOOSE_AGAIN, {"field": FIELD_OFFICIAL_NAMES[key]})


def _enum(
    kind: type[_E], official: Mapping[_E, str], key: str, raw: str, problems: list[Problem]
) -> _E | None:
    """A member given by its value or its official name."""
    text = _key(raw)
    if not text:
        problems.append(_missing(key))
        return None
    found = next((m for m in kind if text in (m.value, _key(official[m]))), None)
    if found is None:
        problems.append(_again(key))
    return found


def _province(key: str, raw: str, problems: list[Problem]) -> str | None:
    if not raw.strip():
        problems.append(_missing(key))
        return None
    found = provinces().find(raw)
    if found is None:
        problems.append(_again(key))
    return found.code if found else None


def _month(raw: str, today: date, problems: list[Problem]) -> str | None:
    field = FIELD_OFFICIAL_NAMES["application_month"]
    if not raw.strip():
        problems.append(_missing("application_month"))
        return None
    month = parse_month(raw, date.max, allow_future=True)
    if isinstance(month, Problem):
        problems.append(Problem(MONTH_INVALID, {"field": field, "month": raw.strip()}, EXAMPLE_MONTH))
        return None
    if month > today.replace(day=1):
        problems.append(
            Problem(MONTH_IN_FUTURE, {"field": field, "month": format_month(month)}, EXAMPLE_MONTH)
        )
        return None
    return format_month(month)


def _optional_text(key: str, raw: str, problems: list[Problem]) -> str | None:
    text = _text(raw)
    if len(text) > MAX_LENGTHS[key]:
        problems.append(Problem(TEXT_TOO_LONG, {"field": FIELD_OFFICIAL_NAMES[key], "max": MAX_LENGTHS[key]}))
    return text or None


def _required_text(key: str, raw: str, problems: list[Problem]) -> str | None:
    text = _optional_text(key, raw, problems)
    if text is None:
        problems.append(_missing(key))
    return text


def _student_fields(form: DegreeApplicationForm, problems: list[Problem]) -> tuple[str | None, str | None]:
    """学号 and 班级: both required of someone studying at the unit, both empty for anyone else."""
    number = "".join(unicodedata.normalize("NFKC", form.student_number).split())
    if not form.studying_at_unit:
        for key, raw in (("student_number", number), ("class_name", form.class_name)):
            if raw.strip():
                problems.append(Problem(ONLY_WHEN_STUDYING, {"field": FIELD_OFFICIAL_NAMES[key]}))
        return None, None
    field = FIELD_OFFICIAL_NAMES["student_number"]
    if not number:
        problems.append(_missing("student_number"))
    elif not (number.isascii() and number.isalnum() and len(number) <= STUDENT_NUMBER_MAX):
        problems.append(
            Problem(
                STUDENT_NUMBER_INVALID, {"field": field, "max": STUDENT_NUMBER_MAX}, EXAMPLE_STUDENT_NUMBER
            )
        )
    return number or None, _required_text("class_name", form.class_name, problems)


def _unit(
    catalog: DegreeCatalog, raw: str, province: str | None, problems: list[Problem]
) -> DegreeUnit | None:
    if not raw.strip():
        problems.append(_missing("unit"))
        return None
    unit = catalog.find_unit(raw)
    if unit is None:
        problems.append(_again("unit"))
    elif province is not None and unit.province != province:
        problems.append(
            Problem(
                UNIT_NOT_IN_PROVINCE, {"unit": unit.name_zh, "province": provinces().get(province).name_zh}
            )
        )
    return unit


def _discipline(
    catalog: DegreeCatalog,
    form: DegreeApplicationForm,
    degree_type: DegreeType | None,
    problems: list[Problem],
) -> tuple[DisciplineCategory | None, Discipline | None]:
    """The cascade 申请学位类型 → 学科门类 → 学科名称."""
    category = None
    if not form.category.strip():
        problems.append(_missing("category"))
    else:
        category = catalog.find_category(form.category)
        if category is None:
            problems.append(_again("category"))
    if not form.discipline.strip():
        problems.append(_missing("discipline"))
        return category, None
    discipline = catalog.find_discipline(form.discipline, category.code if category else None, degree_type)
    if discipline is None:
        problems.append(_again("discipline"))
        return category, None
    names = {"discipline": discipline.name_zh, "code": discipline.code}
    if category is not None and discipline.category_code != category.code:
        problems.append(Problem(DISCIPLINE_NOT_IN_CATEGORY, {**names, "category": category.name_zh}))
    if degree_type is not None and discipline.degree_type is not degree_type:
        problems.append(
            Problem(
                DISCIPLINE_NOT_OF_TYPE,
                {
                    **names,
                    "discipline_type": DEGREE_TYPE_OFFICIAL_NAMES[discipline.degree_type],
                    "degree_type": DEGREE_TYPE_OFFICIAL_NAMES[degree_type],
                },
            )
        )
    return category, discipline


def _parse(form: DegreeApplicationForm, today: date) -> _Values | list[Problem]:
    catalog = degree_catalog()
    problems: list[Problem] = []
    province = _province("province", form.province, problems)
    unit = _unit(catalog, form.unit, province, problems)
    degree_type = _enum(DegreeType, DEGREE_TYPE_OFFICIAL_NAMES, "degree_type", form.degree_type, problems)
    category, discipline = _discipline(catalog, form, degree_type, problems)
    applicant_category = _enum(
        ApplicantCategory,
        APPLICANT_CATEGORY_OFFICIAL_NAMES,
        "applicant_category",
        form.applicant_category,
        problems,
    )
    month = _month(form.application_month, today, problems)
    student_number, class_name = _student_fields(form, problems)
    department = _optional_text("department", form.department, problems)
    work_province = _province("work_province", form.work_province, problems)
    work_unit = _required_text("work_unit", form.work_unit, problems)
    nature = _enum(
        WorkUnitNature, WORK_UNIT_NATURE_OFFICIAL_NAMES, "work_unit_nature", form.work_unit_nature, problems
    )
    admin_rank = _enum(AdminRank, ADMIN_RANK_OFFICIAL_NAMES, "admin_rank", form.admin_rank, problems)
    tech_rank = _enum(TechRank, TECH_RANK_OFFICIAL_NAMES, "tech_rank", form.tech_rank, problems)
    if (
        problems
        or province is None
        or unit is None
        or degree_type is None
        or category is None
        or discipline is None
        or applicant_category is None
        or month is None
        or work_province is None
        or work_unit is None
        or nature is None
        or admin_rank is None
        or tech_rank is None
    ):
        return problems
    return _Values(
        province=province,
        unit=unit,
        degree_type=degree_type,
        category=category,
        discipline=discipline,
        applicant_category=applicant_category,
        application_month=month,
        studying_at_unit=form.studying_at_unit,
        student_number=student_number,
        class_name=class_name,
        department=department,
        work_province=work_province,
        work_unit=work_unit,
        work_unit_nature=nature,
        admin_rank=admin_rank,
        tech_rank=tech_rank,
    )


def check_form(form: DegreeApplicationForm, today: date) -> list[Problem]:
    """Every broken rule of the form, in the form's order; [] when it can be saved.

    ``today`` is the Beijing date: it bounds 网上学位申请年月.
    """
    values = _parse(form, today)
    return values if isinstance(values, list) else []


def _apply(application: DegreeApplication, values: _Values) -> None:
    application.province = values.province
    application.unit = values.unit.code
    application.degree_type = values.degree_type.value
    application.category_code = values.category.code
    application.discipline_code = values.discipline.code
    application.applicant_category = values.applicant_category.value
    application.application_month = values.application_month
    application.studying_at_unit = values.studying_at_unit
    application.student_number = values.student_number
    application.class_name = values.class_name
    application.department = values.department
    application.work_province = values.work_province
    application.work_unit = values.work_unit
    application.work_unit_nature = values.work_unit_nature.value
    application.admin_rank = values.admin_rank.value
    application.tech_rank = values.tech_rank.value


# ---------------------------------------------------------------------------------------------------
# The table 已申报学科信息


@dataclass(frozen=True)
class ApplicationRow:
    """One row of 已申报学科信息 and its 学位申请信息. Names fall back to the stored code when the
    catalog no longer has it."""

    application: DegreeApplication
    state: DegreeApplicationState
    degree_type: DegreeType
    province_name: str
    unit_name: str
    category_name: str
    discipline_name: str

    @property
    def id(self) -> int:
        return self.application.id or 0

    @property
    def year(self) -> int:
        return self.application.year

    @property
    def operations(self) -> tuple[Operation, ...]:
        """What 操作列表 offers for this row now."""
        return tuple(operation for operation in Operation if self.state not in _REFUSALS[operation])

    def refusal(self, operation: Operation) -> Problem | None:
        """Why the row's state does not allow ``operation`` (None when it does)."""
        reason = _REFUSALS[operation].get(self.state)
        names: dict[str, str | int] = {"discipline": self.discipline_name, "unit": self.unit_name}
        return None if reason is None else Problem(reason, names)

    @property
    def warning(self) -> bool:
        """Show PROFESSIONAL_WARNING with this row."""
        return needs_professional_warning(self.application.discipline_code, self.degree_type)


def _row(application: DegreeApplication) -> ApplicationRow:
    catalog = degree_catalog()
    province = provinces().by_code.get(application.province)
    unit = catalog.unit(application.unit)
    category = catalog.category(application.category_code)
    discipline = catalog.discipline(application.discipline_code)
    return ApplicationRow(
        application=application,
        state=DegreeApplicationState(application.state),
        degree_type=DegreeType(application.degree_type),
        province_name=province.name_zh if province else application.province,
        unit_name=unit.name_zh if unit else application.unit,
        category_name=category.name_zh if category else application.category_code,
        discipline_name=discipline.name_zh if discipline else application.discipline_code,
    )


def _names(application: DegreeApplication) -> dict[str, str | int]:
    row = _row(application)
    return {"discipline": row.discipline_name, "unit": row.unit_name}


# ---------------------------------------------------------------------------------------------------
# The use cases


def _today(now: datetime) -> date:
    return now.astimezone(BEIJING).date()


def _account_refusal(account: Account) -> Problem | None:
    if account.programme != DEGREE or account.id is None:
        return Problem(NOT_DEGREE)
    if not account.is_active:
        return Problem(NOT_ACTIVATED)
    return None


async def _own(uow: UnitOfWork, account: Account, application_id: int) -> DegreeApplication | Problem:
    """The account's application; another account's id is "not found", exactly like a missing one."""
    refusal = _account_refusal(account)
    if refusal is not None:
        return refusal
    application = await uow.degree_applications.get(application_id)
    if application is None or application.account_id != account.id:
        return Problem(NOT_FOUND)
    return application


# Why each operation is refused in each state where 操作列表 does not offer it.
_REFUSALS: dict[Operation, dict[DegreeApplicationState, str]] = {
    Operation.EDIT: {
        DegreeApplicationState.SUBMITTED: SUBMITTED_LOCKED,
        DegreeApplicationState.CANCELLED: CANCELLED_LOCKED,
    },
    Operation.DELETE: {
        DegreeApplicationState.SUBMITTED: SUBMITTED_LOCKED,
        DegreeApplicationState.CANCELLED: CANCELLED_LOCKED,
    },
    Operation.SUBMIT: {
        DegreeApplicationState.SUBMITTED: ALREADY_SUBMITTED,
        DegreeApplicationState.CANCELLED: CANCELLED_LOCKED,
    },
    Operation.CANCEL: {
        DegreeApplicationState.SAVED: NOT_SUBMITTED,
        DegreeApplicationState.CANCELLED: CANCELLED_LOCKED,
    },
}


async def _own_for(
    uow: UnitOfWork, account: Account, application_id: int, operation: Operation
) -> DegreeApplication | Problem:
    """The account's application, if ``operation`` is allowed in its state."""
    application = await _own(uow, account, application_id)
    if isinstance(application, Problem):
        return application
    refusal = _REFUSALS[operation].get(DegreeApplicationState(application.state))
    return application if refusal is None else Problem(refusal, _names(application))


async def _duplicate(
    uow: UnitOfWork, account_id: int, year: int, values: _Values, other_than: int | None = None
) -> Problem | None:
    for application in await uow.degree_applications.of_account(account_id):
        if (
            application.id != other_than
            and DegreeApplicationState(application.state).live
            and (application.year, application.unit, application.discipline_code)
            == (year, values.unit.code, values.discipline.code)
        ):
            state = STATE_OFFICIAL_NAMES[DegreeApplicationState(application.state)]
            return Problem(DUPLICATE, {**_names(application), "year": year, "state": state})
    return None


async def applications_of(uow: UnitOfWork, account: Account) -> list[ApplicationRow]:
    """已申报学科信息: every application of the account, cancelled ones included, by year and age."""
    if account.id is None:
        return []
    async with uow:
        return [_row(a) for a in await uow.degree_applications.of_account(account.id)]


async def application_of(uow: UnitOfWork, account: Account, application_id: int) -> ApplicationRow | Problem:
    """学位申请信息 of one of the account's applications."""
    async with uow:
        application = await _own(uow, account, application_id)
        return application if isinstance(application, Problem) else _row(application)


async def add(
    uow: UnitOfWork, account: Account, form: DegreeApplicationForm, now: datetime
) -> ApplicationRow | Problem:
    """新增申请 + 保存: a saved application of this year. The first broken rule is returned; the
    dialog shows all of them with :func:`check_form` before it calls this."""
    refusal = _account_refusal(account)
    if refusal is not None:
        return refusal
    values = _parse(form, _today(now))
    if isinstance(values, list):
        return values[0]
    year = _today(now).year
    async with uow:
        duplicate = await _duplicate(uow, account.id or 0, year, values)
        if duplicate is not None:
            return duplicate
        application = DegreeApplication(
            account_id=account.id or 0,
            year=year,
            province="",
            unit="",
            degree_type="",
            category_code="",
            discipline_code="",
            applicant_category="",
            application_month="",
            work_province="",
            work_unit="",
            work_unit_nature="",
            admin_rank="",
            tech_rank="",
            created_at=now,
        )
        _apply(application, values)
        await uow.degree_applications.add(application)
        await uow.commit()
        return _row(application)


async def edit(
    uow: UnitOfWork, account: Account, application_id: int, form: DegreeApplicationForm, now: datetime
) -> ApplicationRow | Problem:
    """修改 + 保存: only while saved. Its 年度 stays the year it was added in."""
    async with uow:
        application = await _own_for(uow, account, application_id, Operation.EDIT)
        if isinstance(application, Problem):
            return application
        values = _parse(form, _today(now))
        if isinstance(values, list):
            return values[0]
        duplicate = await _duplicate(uow, application.account_id, application.year, values, application.id)
        if duplicate is not None:
            return duplicate
        _apply(application, values)
        application.updated_at = now
        await uow.commit()
        return _row(application)


async def delete(uow: UnitOfWork, account: Account, application_id: int) -> ApplicationRow | Problem:
    """删除: only while saved; returns the row as it was."""
    async with uow:
        application = await _own_for(uow, account, application_id, Operation.DELETE)
        if isinstance(application, Problem):
            return application
        row = _row(replace(application))  # a copy: the row outlives the deleted entity
        await uow.degree_applications.remove(application)
        await uow.commit()
        return row


async def submit(
    uow: UnitOfWork, account: Account, application_id: int, now: datetime
) -> ApplicationRow | Problem:
    """提交申请: saved → submitted. The stored answers are checked again (the catalog may have changed)."""
    async with uow:
        application = await _own_for(uow, account, application_id, Operation.SUBMIT)
        if isinstance(application, Problem):
            return application
        problems = check_form(form_of(application), _today(now))
        if problems:
            return problems[0]
        application.state = DegreeApplicationState.SUBMITTED
        application.submitted_at = application.updated_at = now
        await uow.commit()
        return _row(application)


async def cancel(
    uow: UnitOfWork, account: Account, application_id: int, now: datetime
) -> ApplicationRow | Problem:
    """取消申请: submitted → cancelled. The row stays in the table; a new application may follow."""
    async with uow:
        application = await _own_for(uow, account, application_id, Operation.CANCEL)
        if isinstance(application, Problem):
            return application
        application.state = DegreeApplicationState.CANCELLED
        application.cancelled_at = application.updated_at = now
        await uow.commit()
        return _row(application)
