"""The per-year catalog of 广东住培 (seed 000 三 7): the batches with their windows, the specialties
(专业) and the training bases (培训基地).

An operator loads one intake year from an editable TOML file (``baoming catalog import FILE``):

    year = 2021

    [[batches]]                                # 招收批次, numbered 1, 2, 3 … in order
    number = 1
    application = "2021-04-15..2021-04-22"     # 学员报名; "START..END", Beijing time
    admission = "2021-04-15..2021-05-31"       # 基地招收
    confirmation = "2021-05-24..2021-05-31"    # 学员确认

    [[specialties]]
    code = "0100"
    name = "内科"

    [[bases]]
    id = "B01"
    name = "中山大学附属第一医院"
    city = "广州"
    specialties = ["0100", "0700"]
    quotas = { "0100" = 30, "0700" = 12 }   # 招收计划: one positive quota per offered specialty

A window's ends are dates (a date end includes that whole day) or "YYYY-MM-DD HH:MM". The file is
checked whole before anything is written, and every problem is reported at once as (key, reason), in
plain English for the operator, like the programme data files: entries are counted from 1 (the third
``[[bases]]`` is ``bases[3]``).

Importing a year again replaces that year's catalog, unless a submitted application chose a base,
a specialty or a base's specialty that the new file drops, or an application exists in a batch the
new file drops: submitted choices never change (the seed has no edit after 提交), so they must stay
valid. Windows may move (a deadline extended is common); the reminders queued for the old windows
are cancelled in the same transaction, and the next planning run plans them for the new ones.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain import outbox
from domain.model import ApplicationState, Batch, BatchCalendar, Specialty, TrainingBase, YearCatalog
from domain.ports import UnitOfWork
from domain.reminders import ReminderKind
from domain.windows import Window, window_text

__all__ = [
    "GD",
    "CatalogFileError",
    "CatalogImported",
    "CatalogRefused",
    "DroppedBatch",
    "RemovedChoice",
    "Specialty",
    "TrainingBase",
    "YearCatalog",
    "calendar",
    "catalog_of",
    "catalog_years",
    "import_catalog",
    "validate_catalog",
]

GD = "gd-residency"
# Short enough for a callback's 64 bytes; the national 住培 codes are four digits ("0100").
SPECIALTY_CODE = re.compile(r"[0-9A-Z]{1,8}")
BASE_ID = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
MAX_NAME_LENGTH = 60
MAX_CITY_LENGTH = 30
MAX_QUOTA = 10_000


# ----- checking a file


@dataclass(frozen=True)
class CatalogFileError:
    key: str  # where in the file: "year", "specialties[2].code", "bases[1].quotas"
    reason: str  # plain English for the operator


_ROOT_KEYS = ("year", "batches", "specialties", "bases")
_BATCH_KEYS = ("number", "application", "admission", "confirmation")
# An intake year an operator could mean; anything else is a typo (20211, 221).
FIRST_YEAR, LAST_YEAR = 2000, 2100
_SPECIALTY_KEYS = ("code", "name")
_BASE_KEYS = ("id", "name", "city", "specialties", "quotas")


class _Errors:
    def __init__(self) -> None:
        self.found: list[CatalogFileError] = []

    def add(self, key: str, reason: str) -> None:
        self.found.append(CatalogFileError(key, reason))

    def unknown_keys(self, where: str, table: Mapping[str, object], known: Sequence[str]) -> None:
        for key in table:
            if key not in known:
                self.add(f"{where}{key}", f"unknown key (known here: {', '.join(known)})")

    def text(self, where: str, table: Mapping[str, object], key: str, limit: int) -> str | None:
        value = table.get(key)
        if value is None:
            self.add(f"{where}{key}", "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(f"{where}{key}", "must be a non-empty string")
            return None
        text = " ".join(value.split())
        if len(text) > limit:
            self.add(f"{where}{key}", f"at most {limit} characters, this one has {len(text)}")
            return None
        return text

    def code(self, where: str, table: Mapping[str, object], key: str, pattern: re.Pattern[str]) -> str | None:
        text = self.text(where, table, key, 16)
        if text is not None and not pattern.fullmatch(text):
            self.add(f"{where}{key}", f"{text!r} is not a valid code ({_describe(pattern)})")
            return None
        return text


def _describe(pattern: re.Pattern[str]) -> str:
    if pattern is SPECIALTY_CODE:
        return "1 to 8 digits or capital letters, like 0100"
    return "a capital letter or digit, then capital letters, digits, _ or -, 16 at most, like B01"


def validate_catalog(data: Mapping[str, object]) -> YearCatalog | list[CatalogFileError]:
    """The catalog a parsed TOML file describes, or every problem with it."""
    errors = _Errors()
    errors.unknown_keys("", data, _ROOT_KEYS)
    year = _year(data.get("year"), errors)
    batches = _batches(data.get("batches"), errors)
    known: set[str] = set()  # every well-formed code, so a bad name does not make its bases' lists wrong
    specialties = _specialties(data.get("specialties"), known, errors)
    bases = _bases(data.get("bases"), known, errors)
    opens = batches[0].application.start.year if batches else None
    if year is not None and opens is not None and opens not in (year - 1, year):
        # A typo in either: an intake's batches open in its year (or late in the year before).
        errors.add("batches[1].application", f"opens in {opens}, which is not around the intake year {year}")
    if errors.found or year is None:
        return errors.found
    return YearCatalog(year, tuple(specialties), tuple(bases), tuple(batches))


def _year(value: object, errors: _Errors) -> int | None:
    if value is None:
        errors.add("year", "is missing (the intake year, like year = 2021)")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add("year", "must be an integer, like 2021")
        return None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        errors.add("year", f"{value} is not an intake year from {FIRST_YEAR} to {LAST_YEAR}")
        return None
    return value


def _tables(value: object, name: str, errors: _Errors) -> list[Mapping[str, object]]:
    if value is None:
        errors.add(name, f"is missing: add at least one [[{name}]]")
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors.add(name, f"must be an array of tables ([[{name}]])")
        return []
    if not value:
        errors.add(name, f"is empty: add at least one [[{name}]]")
    return value


def _batches(value: object, errors: _Errors) -> list[Batch]:
    """The batches, numbered 1, 2, 3 … in the file's order, each window in the seed's order: a base
    admits those who applied, and an applicant answers the offers once the bases have decided."""
    found: list[Batch] = []
    for number, table in enumerate(_tables(value, "batches", errors), start=1):
        where = f"batches[{number}]."
        errors.unknown_keys(where, table, _BATCH_KEYS)
        given = table.get("number")
        if given != number or isinstance(given, bool):
            errors.add(f"{where}number", f"must be {number}: batches are numbered 1, 2, 3 … in order")
        windows = {key: _window(where, table, key, errors) for key in _BATCH_KEYS[1:]}
        application, admission, confirmation = windows.values()
        if application is None or admission is None or confirmation is None:
            continue
        batch = Batch(number, application, admission, confirmation)
        for key, reason in _order_problems(batch):
            errors.add(f"{where}{key}", reason)
        previous = found[-1] if found else None
        if previous is not None and application.start < previous.application.end:
            errors.add(
                f"{where}application",
                f"starts before batch {previous.number}'s application closes "
                f"({window_text(previous.application)}): only one batch may be open at a time",
            )
        found.append(batch)
    return found


def _window(where: str, table: Mapping[str, object], key: str, errors: _Errors) -> Window | None:
    value = table.get(key)
    if not isinstance(value, str):
        errors.add(f"{where}{key}", 'is missing or not a string: "START..END", like "2021-04-15..2021-04-22"')
        return None
    try:
        return Window.parse(value)
    except ValueError as error:
        errors.add(f"{where}{key}", str(error))
        return None


def _order_problems(batch: Batch) -> list[tuple[str, str]]:
    problems = []
    if batch.admission.end < batch.application.end:
        problems.append(("admission", "ends before the application window: applications would go undecided"))
    if batch.confirmation.start < batch.application.end:
        problems.append(("confirmation", "starts before the application window closes"))
    if batch.confirmation.end < batch.admission.end:
        problems.append(
            ("confirmation", "ends before the admission window: a late 录取 could not be answered")
        )
    return problems


def _specialties(value: object, known: set[str], errors: _Errors) -> list[Specialty]:
    found: list[Specialty] = []
    first_of_code: dict[str, int] = {}
    first_of_name: dict[str, int] = {}
    for number, table in enumerate(_tables(value, "specialties", errors), start=1):
        where = f"specialties[{number}]."
        errors.unknown_keys(where, table, _SPECIALTY_KEYS)
        code = errors.code(where, table, "code", SPECIALTY_CODE)
        name = errors.text(where, table, "name", MAX_NAME_LENGTH)
        if code is not None and code in first_of_code:
            errors.add(f"{where}code", f"{code} is also the code of specialties[{first_of_code[code]}]")
            continue
        if code is not None:
            known.add(code)
            first_of_code[code] = number
        if name is not None and name in first_of_name:
            errors.add(f"{where}name", f"{name} is also the name of specialties[{first_of_name[name]}]")
            continue
        if code is None or name is None:
            continue
        first_of_name[name] = number
        found.append(Specialty(code, name))
    return found


def _bases(value: object, known: set[str], errors: _Errors) -> list[TrainingBase]:
    found: list[TrainingBase] = []
    first_of_id: dict[str, int] = {}
    first_of_name: dict[str, int] = {}
    for number, table in enumerate(_tables(value, "bases", errors), start=1):
        where = f"bases[{number}]."
        errors.unknown_keys(where, table, _BASE_KEYS)
        base_id = errors.code(where, table, "id", BASE_ID)
        name = errors.text(where, table, "name", MAX_NAME_LENGTH)
        city = errors.text(where, table, "city", MAX_CITY_LENGTH)
        quotas = _quotas(where, table, known, errors)
        duplicate = False
        if base_id is not None and base_id in first_of_id:
            errors.add(f"{where}id", f"{base_id} is also the id of bases[{first_of_id[base_id]}]")
            duplicate = True
        if name is not None and name in first_of_name:
            errors.add(f"{where}name", f"{name} is also the name of bases[{first_of_name[name]}]")
            duplicate = True
        if duplicate or base_id is None or name is None or city is None or quotas is None:
            continue
        first_of_id[base_id], first_of_name[name] = number, number
        found.append(TrainingBase(base_id, name, city, quotas))
    return found


def _quotas(
    where: str, table: Mapping[str, object], known: set[str], errors: _Errors
) -> dict[str, int] | None:
    """``specialties`` (the codes, in order) and ``quotas`` (one positive integer per code)."""
    offered = table.get("specialties")
    if offered is None:
        errors.add(f"{where}specialties", "is missing: the codes of the specialties this base takes")
        return None
    if not isinstance(offered, list) or not offered or not all(isinstance(c, str) for c in offered):
        errors.add(f"{where}specialties", 'must be a non-empty list of specialty codes, like ["0100"]')
        return None
    ok = True
    codes: list[str] = []
    for code in offered:
        if code in codes:
            errors.add(f"{where}specialties", f"{code} is listed twice")
            ok = False
        elif code not in known:
            errors.add(f"{where}specialties", f"unknown specialty {code!r}: not among the [[specialties]]")
            ok = False
        else:
            codes.append(code)
    quotas = table.get("quotas")
    if quotas is None:
        errors.add(f"{where}quotas", 'is missing: one quota per specialty, like { "0100" = 10 }')
        return None
    if not isinstance(quotas, dict):
        errors.add(f"{where}quotas", 'must be a table, like { "0100" = 10 }')
        return None
    for code, quota in quotas.items():
        if code not in offered:
            errors.add(f"{where}quotas", f"a quota for {code}, which this base's specialties do not list")
            ok = False
        elif isinstance(quota, bool) or not isinstance(quota, int) or not 1 <= quota <= MAX_QUOTA:
            errors.add(f"{where}quotas", f"the quota of {code} must be an integer from 1 to {MAX_QUOTA}")
            ok = False
    for code in codes:
        if code not in quotas:
            errors.add(f"{where}quotas", f"no quota for {code}")
            ok = False
    if not ok:
        return None
    return {code: quotas[code] for code in codes}


# ----- storing a year


@dataclass(frozen=True)
class RemovedChoice:
    """Something the new file drops that submitted applications chose."""

    base_id: str | None  # None: the whole specialty is gone
    specialty_code: str
    applications: tuple[int, ...]  # their ids


@dataclass(frozen=True)
class DroppedBatch:
    """A batch the new file drops, with the applications (drafts too) made in it."""

    number: int
    applications: tuple[int, ...]


@dataclass(frozen=True)
class CatalogRefused:
    year: int
    removed: tuple[RemovedChoice, ...]
    dropped: tuple[DroppedBatch, ...] = ()


@dataclass(frozen=True)
class CatalogImported:
    year: int
    replaced: bool  # the year had a catalog before
    batches: int
    specialties: int
    bases: int
    offerings: int  # (base, specialty) pairs
    moved: tuple[int, ...] = ()  # batches whose windows changed
    reminders_cancelled: int = 0  # queued for the old windows; planned again for the new ones


# Kept in the cancelled reminders' last_error, for `baoming notify status`.
WINDOW_MOVED = "window moved"
_APPLICATION_KINDS = (ReminderKind.BATCH_OPENS, ReminderKind.BATCH_CLOSES)
_CONFIRMATION_KINDS = (ReminderKind.OFFER_CLOSES,)


async def import_catalog(
    uow: UnitOfWork, catalog: YearCatalog, now: datetime
) -> CatalogImported | CatalogRefused:
    """Store the year's catalog, replacing the stored one unless that would strand a submitted choice
    or an application's batch. Reminders about windows that moved are cancelled in the same
    transaction; the reminder keys name their window, so planning adds them again for the new one."""
    async with uow:
        stored = await uow.gd_catalog.get(catalog.year)
        removed = await _stranded(uow, catalog)
        dropped = await _dropped(uow, catalog)
        if removed or dropped:
            return CatalogRefused(catalog.year, removed, dropped)
        moved: list[int] = []
        cancelled = 0
        for old in stored.batches if stored else ():
            new = catalog.batch(old.number)
            if new == old:
                continue
            moved.append(old.number)
            if new is None or new.application != old.application:
                cancelled += await outbox.cancel_about(
                    uow, _APPLICATION_KINDS, old.application.end, WINDOW_MOVED
                )
            if new is None or new.confirmation != old.confirmation:
                cancelled += await outbox.cancel_about(
                    uow, _CONFIRMATION_KINDS, old.confirmation.end, WINDOW_MOVED
                )
        await uow.gd_catalog.replace(catalog, now)
        await uow.commit()
    return CatalogImported(
        year=catalog.year,
        replaced=stored is not None,
        batches=len(catalog.batches),
        specialties=len(catalog.specialties),
        bases=len(catalog.bases),
        offerings=sum(len(b.quotas) for b in catalog.bases),
        moved=tuple(moved),
        reminders_cancelled=cancelled,
    )


async def _dropped(uow: UnitOfWork, catalog: YearCatalog) -> tuple[DroppedBatch, ...]:
    made: dict[int, list[int]] = {}
    for application in await uow.gd_applications.of_year(catalog.year):
        if catalog.batch(application.batch) is None:
            made.setdefault(application.batch, []).append(application.id or 0)
    return tuple(DroppedBatch(number, tuple(sorted(ids))) for number, ids in sorted(made.items()))


async def _stranded(uow: UnitOfWork, catalog: YearCatalog) -> tuple[RemovedChoice, ...]:
    chosen: dict[tuple[str | None, str], list[int]] = {}
    for application in await uow.gd_applications.of_year(catalog.year, ApplicationState.SUBMITTED):
        code = application.specialty_code or ""
        if catalog.specialty(code) is None:
            chosen.setdefault((None, code), []).append(application.id or 0)
            continue
        for base_id in application.base_ids:
            base = catalog.base(base_id)
            if base is None or not base.offers(code):
                chosen.setdefault((base_id, code), []).append(application.id or 0)
    return tuple(
        RemovedChoice(base_id, code, tuple(sorted(ids)))
        for (base_id, code), ids in sorted(chosen.items(), key=lambda item: (item[0][1], item[0][0] or ""))
    )


async def catalog_of(uow: UnitOfWork, year: int) -> YearCatalog | None:
    async with uow:
        return await uow.gd_catalog.get(year)


async def catalog_years(uow: UnitOfWork) -> list[int]:
    async with uow:
        return await uow.gd_catalog.years()


async def calendar(uow: UnitOfWork) -> BatchCalendar:
    """Every imported year's batches, for the use cases that decide by the windows."""
    async with uow:
        return await uow.gd_catalog.calendar()
