"""The catalog of the four programmes (DESIGN.md, "The four programmes").

What the code knows is declared here: the code, the user-facing name and description (message ids),
the seed, and whether the bot's flow for it exists yet. What changes per year is data: one TOML file
per programme beside this module holds the official Chinese name, the credential rules and the
dated windows per year. A malformed file fails loudly, naming the file and the key.
"""

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NoReturn

from domain.credentials import PasswordPolicy, UsernameRules
from domain.fields import EmailRules
from domain.text import N_
from domain.windows import Window

__all__ = [
    "DECLARATIONS",
    "CatalogError",
    "Fact",
    "Fee",
    "MaterialCategory",
    "Programme",
    "ProgrammeDeclaration",
    "ProgrammeYear",
    "Region",
    "RegistrationNumberRules",
    "Requirement",
    "UpgradeMajor",
    "available_programmes",
    "catalog",
    "programme",
    "programme_from_toml",
]


class CatalogError(ValueError):
    """A programme data file is malformed; the message starts with the file name."""


class Requirement(StrEnum):
    """When a material category must be uploaded."""

    ALWAYS = "always"
    OPTIONAL = "optional"
    IF = "if"  # required when the applicant answers any of its facts with yes
    UNLESS = "unless"  # required unless the applicant answers any of its facts with yes


@dataclass(frozen=True)
class Fact:
    """A yes/no question about the applicant's situation that decides which materials they need
    (seed 001: "考生根据自己的个人情况…上传必需的报名材料")."""

    code: str
    question: str  # Chinese, shown as-is in every locale like the category names


@dataclass(frozen=True)
class MaterialCategory:
    """报名材料 category of one exam region (seed 001): its official name, the requirement text the
    web page shows under 示例, and how many images it holds."""

    code: str
    name: str  # official Chinese wording, shown as-is in every locale
    example: str  # the requirement / example text, Chinese
    min_count: int  # images needed when the category is required
    max_count: int  # no upload beyond it (seed: 身份证明 takes exactly two)
    requirement: Requirement
    # The facts of Requirement.IF (required when any is yes) and UNLESS (required unless any is yes).
    facts: tuple[str, ...] = ()

    def required_given(self, answers: Mapping[str, bool]) -> bool | None:
        """Whether the applicant must upload it; None while that depends on an unanswered fact."""
        if self.requirement is Requirement.ALWAYS:
            return True
        if self.requirement is Requirement.OPTIONAL:
            return False
        given = [answers.get(fact) for fact in self.facts]
        if True in given:
            return self.requirement is Requirement.IF
        if None in given:
            return None
        return self.requirement is Requirement.UNLESS


@dataclass(frozen=True)
class Region:
    """考区 (seed 001): an exam region that sets its own upload windows and material categories."""

    code: str
    official_name: str
    windows: Mapping[str, Window]
    materials: tuple[MaterialCategory, ...] = ()
    facts: tuple[Fact, ...] = ()

    def category(self, code: str) -> MaterialCategory | None:
        return next((c for c in self.materials if c.code == code), None)

    def fact(self, code: str) -> Fact | None:
        return next((f for f in self.facts if f.code == code), None)


@dataclass(frozen=True)
class UpgradeMajor:
    """专升本 志愿 (seed 002): one major of one institution, as the system's pop-up lists them."""

    code: str
    institution: str
    name: str


@dataclass(frozen=True)
class Fee:
    """报名费 (seed 002 2.10 网上支付): in the currency's smallest unit (分 for CNY), as Telegram
    Payments counts amounts."""

    amount: int
    currency: str  # ISO 4217, like "CNY"


@dataclass(frozen=True)
class RegistrationNumberRules:
    """报名号 (seed 001): the exam-registration number, digits only. The seed states no length."""

    min_digits: int = 8
    max_digits: int = 20


@dataclass(frozen=True)
class ProgrammeYear:
    """One admission or exam year's dates. The year is the intake's, not the calendar year of its windows."""

    year: int
    windows: Mapping[str, Window] = field(default_factory=lambda: MappingProxyType({}))
    regions: Mapping[str, Region] = field(default_factory=lambda: MappingProxyType({}))
    majors: tuple[UpgradeMajor, ...] = ()
    choice_count: int = 0  # how many 志愿 an applicant may give (志愿一 required)
    fee: Fee | None = None  # None: nothing to pay this year

    def window(self, name: str) -> Window:
        try:
            return self.windows[name]
        except KeyError:
            raise KeyError(f"no window {name!r} in {self.year}; known: {', '.join(self.windows)}") from None

    def region(self, code: str) -> Region:
        try:
            return self.regions[code]
        except KeyError:
            raise KeyError(f"no region {code!r} in {self.year}; known: {', '.join(self.regions)}") from None


@dataclass(frozen=True)
class Programme:
    code: str
    name: str  # message id
    description: str  # message id
    official_name: str  # Chinese, shown as-is in every locale
    seed: str
    available: bool  # the bot has a flow for it
    password_policy: PasswordPolicy
    username_rules: UsernameRules
    years: Mapping[int, ProgrammeYear]
    durations: Mapping[str, timedelta]
    email_rules: EmailRules = field(default_factory=EmailRules)
    registration_number: RegistrationNumberRules = field(default_factory=RegistrationNumberRules)
    # Seed 002: a 考生 logs in with the ID number; the account has no username of its own.
    login_by_id_number: bool = False

    def year(self, year: int) -> ProgrammeYear:
        try:
            return self.years[year]
        except KeyError:
            known = ", ".join(str(y) for y in self.years) or "none"
            raise KeyError(f"{self.code} has no data for {year}; known years: {known}") from None

    def duration(self, name: str) -> timedelta:
        try:
            return self.durations[name]
        except KeyError:
            known = ", ".join(self.durations) or "none"
            raise KeyError(f"{self.code} has no duration {name!r}; known: {known}") from None


@dataclass(frozen=True)
class ProgrammeDeclaration:
    """The part of a programme that is code: it pairs with the data file ``data_file``."""

    code: str
    name: str
    description: str
    seed: str
    available: bool
    data_file: str


DECLARATIONS: tuple[ProgrammeDeclaration, ...] = (
    ProgrammeDeclaration(
        code="gd-residency",
        name=N_("Guangdong residency training admission"),
        description=N_(
            "Register, complete your profile, apply in a batch for one specialty and up to three "
            "training bases, then accept or decline your offers."
        ),
        seed="000",
        available=True,
        data_file="gd_residency.toml",
    ),
    ProgrammeDeclaration(
        code="nmec-materials",
        name=N_("Medical licensing exam: application materials"),
        description=N_(
            "Upload the images of your application materials for your exam region, submit them for "
            "review and answer the reviewers' requests."
        ),
        seed="001",
        available=True,
        data_file="nmec_materials.toml",
    ),
    ProgrammeDeclaration(
        code="tj-upgrade",
        name=N_("Tianjin college-to-bachelor upgrade registration"),
        description=N_(
            "Register, sign the pledge, enter your details and choices, pass the identity check, "
            "pay and download your registration form."
        ),
        seed="002",
        available=True,
        data_file="tj_upgrade.toml",
    ),
    ProgrammeDeclaration(
        code="degree-equiv",
        name=N_("Master's degree for applicants with equivalent qualifications"),
        description=N_(
            "Register and activate your account by e-mail, upload your photo, enter your details "
            "and manage your degree applications."
        ),
        seed="003",
        available=True,
        data_file="degree_equiv.toml",
    ),
)


@cache
def catalog() -> Mapping[str, Programme]:
    """Every programme by code, in the order they are declared. Loaded once."""
    package = resources.files(__name__)
    loaded = {}
    for declaration in DECLARATIONS:
        text = package.joinpath(declaration.data_file).read_text(encoding="utf-8")
        loaded[declaration.code] = programme_from_toml(text, declaration)
    return MappingProxyType(loaded)


def programme(code: str) -> Programme:
    programmes = catalog()
    try:
        return programmes[code]
    except KeyError:
        raise KeyError(f"unknown programme {code!r}; known: {', '.join(programmes)}") from None


def available_programmes() -> list[Programme]:
    return [p for p in catalog().values() if p.available]


def programme_from_toml(text: str, declaration: ProgrammeDeclaration) -> Programme:
    """Build a programme from its declaration and the text of its data file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{declaration.data_file}: not valid TOML: {error}") from error
    root = _Table(declaration.data_file, "", data)
    code = root.string("code")
    if code != declaration.code:
        root.fail("code", f"is {code!r}, but this file belongs to {declaration.code!r}")
    official_name = root.string("official_name")
    login_by_id_number = root.boolean("login_by_id_number")
    password_policy = PasswordPolicy(**root.table("password_policy").settings_of(PasswordPolicy))
    username_rules = UsernameRules(**root.table("username_rules").settings_of(UsernameRules))
    email_rules = _email_rules(root.table("email_rules"))
    registration_number = RegistrationNumberRules(
        **root.table("registration_number").settings_of(RegistrationNumberRules)
    )
    durations = _durations(root.table("durations"))
    years_table = root.table("years")
    years = {}
    for key in years_table.names():
        if not key.isdigit():
            years_table.fail(key, "a year must be written as digits, like 2021")
        years[int(key)] = _year(int(key), years_table.table(key))
    years_table.done()
    root.done()
    return Programme(
        code=declaration.code,
        name=declaration.name,
        description=declaration.description,
        official_name=official_name,
        seed=declaration.seed,
        available=declaration.available,
        password_policy=password_policy,
        username_rules=username_rules,
        years=MappingProxyType(dict(sorted(years.items()))),
        durations=MappingProxyType(durations),
        email_rules=email_rules,
        registration_number=registration_number,
        login_by_id_number=login_by_id_number,
    )


def _email_rules(table: "_Table") -> EmailRules:
    rules = EmailRules(refused_providers=tuple(p.lower() for p in table.strings("refused_providers")))
    table.done()
    return rules


def _year(year: int, table: "_Table") -> ProgrammeYear:
    regions_table = table.table("regions")
    regions = {}
    for code in regions_table.names():
        region_table = regions_table.table(code)
        official_name = region_table.string("official_name")
        windows = _windows(region_table.table("windows"))
        facts = _facts(region_table)
        materials = _materials(region_table, facts)
        if materials and "upload" not in windows:
            region_table.fail("windows", "a region with materials needs an upload window")
        regions[code] = Region(
            code=code,
            official_name=official_name,
            windows=windows,
            materials=materials,
            facts=facts,
        )
        region_table.done()
    regions_table.done()
    majors = _majors(table)
    choices = table.table("choices")
    choice_count = choices.integer("count") if "count" in choices else 0
    choices.done()
    if majors and not 1 <= choice_count <= 3:
        table.fail("choices", f"count must be 1 to 3 when majors are listed, got {choice_count}")
    result = ProgrammeYear(
        year=year,
        windows=_windows(table.table("windows")),
        regions=MappingProxyType(regions),
        majors=majors,
        choice_count=choice_count,
        fee=_fee(table.table("fee")) if "fee" in table else None,
    )
    table.done()
    return result


_CURRENCY = re.compile(r"[A-Z]{3}")
# A bound against typos (digits pasted twice): 100 000 yuan in 分 is far above any registration fee.
MAX_FEE_AMOUNT = 10_000_000


def _fee(table: "_Table") -> Fee:
    amount = table.integer("amount")
    if not 1 <= amount <= MAX_FEE_AMOUNT:
        table.fail("amount", f"must be 1 to {MAX_FEE_AMOUNT} (the smallest unit, like 分), got {amount}")
    currency = table.string("currency")
    if not _CURRENCY.fullmatch(currency):
        table.fail("currency", f"{currency!r} is not an ISO 4217 code like CNY")
    table.done()
    return Fee(amount=amount, currency=currency)


# Short enough for a callback's 64 bytes and the uploads.slot column.
_CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")
MAX_IMAGES_PER_CATEGORY = 20


def _majors(table: "_Table") -> tuple[UpgradeMajor, ...]:
    majors: list[UpgradeMajor] = []
    for entry in table.array_of_tables("majors"):
        code = entry.code("code")
        if any(m.code == code for m in majors):
            entry.fail("code", f"{code!r} is declared twice")
        majors.append(
            UpgradeMajor(code=code, institution=entry.string("institution"), name=entry.string("name"))
        )
        entry.done()
    return tuple(majors)


def _facts(region: "_Table") -> tuple[Fact, ...]:
    facts: list[Fact] = []
    for entry in region.array_of_tables("facts"):
        code = entry.code("code")
        if any(f.code == code for f in facts):
            entry.fail("code", f"{code!r} is declared twice")
        facts.append(Fact(code=code, question=entry.string("question")))
        entry.done()
    return tuple(facts)


def _materials(region: "_Table", facts: tuple[Fact, ...]) -> tuple[MaterialCategory, ...]:
    categories: list[MaterialCategory] = []
    known_facts = {f.code for f in facts}
    for entry in region.array_of_tables("materials"):
        code = entry.code("code")
        if any(c.code == code for c in categories):
            entry.fail("code", f"{code!r} is declared twice")
        min_count, max_count = entry.integer("min_count"), entry.integer("max_count")
        if not 1 <= min_count <= max_count <= MAX_IMAGES_PER_CATEGORY:
            entry.fail(
                "max_count",
                f"counts must satisfy 1 <= min_count <= max_count <= {MAX_IMAGES_PER_CATEGORY}, "
                f"got {min_count} and {max_count}",
            )
        requirement, depends_on = _requirement(entry, known_facts)
        categories.append(
            MaterialCategory(
                code=code,
                name=entry.string("name"),
                example=entry.string("example"),
                min_count=min_count,
                max_count=max_count,
                requirement=requirement,
                facts=depends_on,
            )
        )
        entry.done()
    used = {fact for c in categories for fact in c.facts}
    for fact in facts:
        if fact.code not in used:
            region.fail("facts", f"{fact.code!r} is asked, but no material depends on it")
    return tuple(categories)


def _requirement(entry: "_Table", known_facts: set[str]) -> tuple[Requirement, tuple[str, ...]]:
    """Exactly one of ``required = "always" | "optional"``, ``required_if = FACT | [FACT, ...]`` and
    ``required_unless = FACT | [FACT, ...]``."""
    given = [key for key in ("required", "required_if", "required_unless") if key in entry]
    if len(given) != 1:
        entry.fail("required", "give exactly one of required, required_if and required_unless")
    key = given[0]
    if key == "required":
        value = entry.string(key)
        if value not in (Requirement.ALWAYS, Requirement.OPTIONAL):
            entry.fail(key, f"must be 'always' or 'optional', got {value!r}")
        return Requirement(value), ()
    named = entry.string_or_strings(key)
    for fact in named:
        if fact not in known_facts:
            known = ", ".join(sorted(known_facts)) or "none"
            entry.fail(key, f"names no fact of this region: {fact!r} (known: {known})")
    return (Requirement.IF if key == "required_if" else Requirement.UNLESS), tuple(named)


def _windows(table: "_Table") -> Mapping[str, Window]:
    windows = {name: table.window(name) for name in table.names()}
    table.done()
    return MappingProxyType(windows)


_DURATION_UNITS = {"_days": "days", "_hours": "hours", "_minutes": "minutes"}


def _durations(table: "_Table") -> dict[str, timedelta]:
    durations = {}
    for key in table.names():
        suffix = next((s for s in _DURATION_UNITS if key.endswith(s)), None)
        if suffix is None:
            table.fail(key, f"a duration's name ends with one of {', '.join(_DURATION_UNITS)}")
        amount = table.integer(key)
        durations[key.removesuffix(suffix)] = timedelta(**{_DURATION_UNITS[suffix]: amount})
    table.done()
    return durations


class _Table:
    """Typed reads from one TOML table; ``done()`` refuses keys nobody read (typos fail loudly)."""

    def __init__(self, source: str, path: str, data: Mapping[str, object]) -> None:
        self._source = source
        self._path = path
        self._data = data
        self._read: set[str] = set()

    def fail(self, key: str, message: str) -> NoReturn:
        where = f"{self._path}.{key}" if self._path else key
        raise CatalogError(f"{self._source}: {where}: {message}")

    def names(self) -> Iterator[str]:
        return iter(list(self._data))

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def _get(self, key: str) -> object:
        if key not in self._data:
            self.fail(key, "is missing")
        self._read.add(key)
        return self._data[key]

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
        return value

    def code(self, key: str) -> str:
        """An identifier: a lowercase letter, then lowercase letters, digits or "_", 24 at most."""
        value = self.string(key)
        if not _CODE.fullmatch(value):
            self.fail(key, f"{value!r} is not a code (a-z first, then a-z, 0-9 or _, 24 at most)")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be an integer")
        return value

    def boolean(self, key: str) -> bool:
        """A true/false setting; an absent one reads as false."""
        self._read.add(key)
        value = self._data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return value

    def strings(self, key: str) -> list[str]:
        """A list of non-empty strings; an absent one reads as empty."""
        self._read.add(key)
        value = self._data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            self.fail(key, "must be a list of non-empty strings")
        return value

    def string_or_strings(self, key: str) -> list[str]:
        """One non-empty string, or a non-empty list of them."""
        value = self._get(key)
        if isinstance(value, str) and value.strip():
            return [value]
        if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            return value
        self.fail(key, "must be a non-empty string or a non-empty list of them")

    def window(self, key: str) -> Window:
        value = self.string(key)
        try:
            return Window.parse(value)
        except ValueError as error:
            self.fail(key, str(error))

    def table(self, key: str) -> "_Table":
        """A sub-table; an absent one reads as empty."""
        self._read.add(key)
        value = self._data.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
        return _Table(self._source, self._child(key), value)

    def array_of_tables(self, key: str) -> list["_Table"]:
        self._read.add(key)
        value = self._data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(key, "must be an array of tables ([[...]])")
        return [_Table(self._source, f"{self._child(key)}[{i}]", item) for i, item in enumerate(value)]

    def settings_of(
        self, cls: type[PasswordPolicy] | type[UsernameRules] | type[RegistrationNumberRules]
    ) -> dict[str, Any]:
        """Keyword arguments for a settings dataclass, type-checked against its defaults."""
        settings: dict[str, Any] = {}
        for setting in fields(cls):
            if setting.name not in self._data:
                continue
            value = self._get(setting.name)
            if type(value) is not type(setting.default):
                self.fail(setting.name, f"must be {type(setting.default).__name__}")
            settings[setting.name] = value
        self.done()
        return settings

    def done(self) -> None:
        unknown = [key for key in self._data if key not in self._read]
        if unknown:
            self.fail(unknown[0], f"unknown key (known here: {', '.join(sorted(self._read)) or 'none'})")

    def _child(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key
