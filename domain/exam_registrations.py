"""医师资格考试 exam registrations (seed 001): imported by an operator, linked to a chat by the applicant.

The registration itself is made on the NMEC site, not here. An operator imports the registrations
(报名号, 姓名, 证件号码, 手机号, 考区, 考点, 报考类别) from a file, all or nothing. The applicant then
links their chat ("授权", seed 001 step 1): the registration number and the ID number must both
match one registration, and an SMS code texted to the mobile on record proves the person.

Linking creates (the first time) or takes over the Account of nmec-materials whose username is the
registration number and which has no password (an empty hash never verifies): the chat proves the
mobile instead. So /status, the audit trail and the material uploads to come treat it like any
other programme's account.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain import audit, identity, sms
from domain.accounts import CodeAccepted, CodeSent, confirm_code, hand_over, send_code
from domain.clock import BEIJING, Clock
from domain.masking import mask_mobile
from domain.model import Account, AccountEvent, ChatUser, ExamRegistration, SmsPurpose
from domain.names import parse_real_name
from domain.phones import parse_mobile
from domain.ports import SmsSender, UnitOfWork
from domain.problems import Problem
from domain.programmes import RegistrationNumberRules, programme
from domain.text import N_

NMEC = "nmec-materials"
# The columns of an import file, in this order in messages and listings (README, "医师资格考试").
COLUMNS = ("registration_number", "name", "id_number", "mobile", "exam_region", "exam_site", "category")
_ATTRIBUTES = {
    "registration_number": "registration_number",
    "name": "real_name",
    "id_number": "id_number",
    "mobile": "mobile",
    "exam_region": "exam_region",
    "exam_site": "exam_site",
    "category": "category",
}
MAX_TEXT_LENGTH = 50  # 考点 and 报考类别: free text from the file, kept short enough for one chat line
EXAMPLE_REGISTRATION_NUMBER = "2022120100123"  # synthetic
# What Excel makes of a long number in a cell not formatted as text: the digits are gone.
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE]\+?\d+")


# ----- the rules of one registration


def parse_registration_number(raw: str, rules: RegistrationNumberRules) -> str | Problem:
    number = "".join(unicodedata.normalize("NFKC", raw).split())
    if not number:
        return Problem(N_("Enter your registration number."), example=EXAMPLE_REGISTRATION_NUMBER)
    if not (number.isascii() and number.isdigit()):
        return Problem(N_("A registration number has digits only."), example=EXAMPLE_REGISTRATION_NUMBER)
    if not rules.min_digits <= len(number) <= rules.max_digits:
        return Problem(
            N_("A registration number has {min} to {max} digits. You entered {length}."),
            {"min": rules.min_digits, "max": rules.max_digits, "length": len(number)},
            EXAMPLE_REGISTRATION_NUMBER,
        )
    return number


def known_regions() -> dict[str, str]:
    """考区 of the catalog, code → official name, over every year (a registration names no year)."""
    regions: dict[str, str] = {}
    for year in programme(NMEC).years.values():
        for code, region in year.regions.items():
            regions.setdefault(code, region.official_name)
    return regions


def region_name(code: str) -> str:
    return known_regions().get(code, code)


def parse_exam_region(raw: str) -> str | Problem:
    """A region code (``tianjin``) or its official name (``天津考区``, ``天津``) → the code."""
    text = _clean_text(raw)
    regions = known_regions()
    for code, official_name in regions.items():
        if text.lower() == code or text in (official_name, official_name.removesuffix("考区")):
            return code
    if not text:
        return Problem(N_("Must not be empty."))
    return Problem(
        N_("Unknown exam region {region}; known: {known}."),
        {"region": text[:MAX_TEXT_LENGTH], "known": ", ".join(regions) or "none"},
    )


def parse_short_text(raw: str) -> str | Problem:
    """考点 and 报考类别: any non-empty text of at most MAX_TEXT_LENGTH characters."""
    text = _clean_text(raw)
    if not text:
        return Problem(N_("Must not be empty."))
    if len(text) > MAX_TEXT_LENGTH:
        return Problem(
            N_("At most {limit} characters; this one has {length}."),
            {"limit": MAX_TEXT_LENGTH, "length": len(text)},
        )
    return text


def _clean_text(raw: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", raw).split())


# ----- importing (baoming registrations import)


@dataclass(frozen=True)
class ImportRow:
    """One record of an import file: its line number and the raw text of each column (COLUMNS)."""

    line: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # one of COLUMNS
    problem: Problem


@dataclass(frozen=True)
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()


def parse_row(row: ImportRow, now: datetime) -> ExamRegistration | list[RowError]:
    """The registration a row describes, or every column it gets wrong."""
    rules = programme(NMEC).registration_number
    parsers: dict[str, Callable[[str], str | Problem]] = {
        "registration_number": lambda raw: parse_registration_number(raw, rules),
        "name": parse_real_name,
        "id_number": lambda raw: _id_number(raw, now),
        "mobile": parse_mobile,
        "exam_region": parse_exam_region,
        "exam_site": parse_short_text,
        "category": parse_short_text,
    }
    parsed: dict[str, str] = {}
    errors = []
    for column in COLUMNS:
        raw = row.values.get(column, "")
        damage = (
            _spreadsheet_damage(raw) if column in ("registration_number", "id_number", "mobile") else None
        )
        outcome = damage or parsers[column](raw)
        if isinstance(outcome, Problem):
            errors.append(RowError(row.line, column, outcome))
        else:
            parsed[column] = outcome
    if errors:
        return errors
    return ExamRegistration(
        registration_number=parsed["registration_number"],
        real_name=parsed["name"],
        id_number=parsed["id_number"],
        mobile=parsed["mobile"],
        exam_region=parsed["exam_region"],
        exam_site=parsed["exam_site"],
        category=parsed["category"],
        imported_at=now,
    )


def _id_number(raw: str, now: datetime) -> str | Problem:
    parsed = identity.parse_resident_id(raw, now.astimezone(BEIJING).date())
    return parsed if isinstance(parsed, Problem) else parsed.number


def _spreadsheet_damage(raw: str) -> Problem | None:
    text = raw.strip()
    if _SCIENTIFIC.fullmatch(text):
        return Problem(
            N_(
                "A spreadsheet turned this number into {value} and its digits are lost: format the "
                "column as text and export the file again."
            ),
            {"value": text},
        )
    return None


def _differing_columns(stored: ExamRegistration, candidate: ExamRegistration) -> list[str]:
    return [
        column
        for column, attribute in _ATTRIBUTES.items()
        if getattr(stored, attribute) != getattr(candidate, attribute)
    ]


async def import_registrations(uow: UnitOfWork, clock: Clock, rows: Sequence[ImportRow]) -> ImportReport:
    """Import every row or none: all rows are checked first, and any error leaves the database as it was.

    A row identical to a stored registration is unchanged (importing a file twice is harmless); a
    stored registration is never changed by an import, so a row that differs from it is an error
    naming the column. One ID number belongs to one registration number (the linked Account is
    unique per ID number too).
    """
    now = clock.now()
    errors: list[RowError] = []
    candidates: list[tuple[int, ExamRegistration]] = []
    line_of_number: dict[str, int] = {}
    line_of_id: dict[str, tuple[int, str]] = {}
    rules = programme(NMEC).registration_number
    for row in rows:
        number = parse_registration_number(row.values.get("registration_number", ""), rules)
        if isinstance(number, str) and number in line_of_number:
            errors.append(
                RowError(
                    row.line,
                    "registration_number",
                    Problem(
                        N_("The same registration number as on line {line}."),
                        {"line": line_of_number[number]},
                    ),
                )
            )
            continue
        if isinstance(number, str):
            line_of_number[number] = row.line
        parsed = parse_row(row, now)
        if isinstance(parsed, list):
            errors += parsed
            continue
        earlier = line_of_id.setdefault(parsed.id_number, (row.line, parsed.registration_number))
        if earlier[1] != parsed.registration_number:
            errors.append(
                RowError(
                    row.line,
                    "id_number",
                    Problem(
                        N_("The same ID number as on line {line}, with another registration number."),
                        {"line": earlier[0]},
                    ),
                )
            )
        candidates.append((row.line, parsed))  # checked against the database too: every error at once

    async with uow:
        new: list[ExamRegistration] = []
        unchanged = 0
        for line, candidate in candidates:
            stored = await uow.exam_registrations.by_number(candidate.registration_number)
            if stored is not None:
                imported_on = stored.imported_at.astimezone(BEIJING).date().isoformat()
                differing = _differing_columns(stored, candidate)
                errors += [
                    RowError(
                        line,
                        column,
                        Problem(
                            N_(
                                "Differs from the registration with this number imported on {date}; "
                                "an imported registration is never changed."
                            ),
                            {"date": imported_on},
                        ),
                    )
                    for column in differing
                ]
                if not differing:
                    unchanged += 1
                continue
            others = [
                r
                for r in await uow.exam_registrations.with_id_number(candidate.id_number)
                if r.registration_number != candidate.registration_number
            ]
            if others:
                errors.append(
                    RowError(
                        line,
                        "id_number",
                        Problem(
                            N_("This ID number already belongs to the registration {number}."),
                            {"number": others[0].registration_number},
                        ),
                    )
                )
                continue
            new.append(candidate)
        if errors:
            ordered = sorted(errors, key=lambda e: (e.line, COLUMNS.index(e.column)))
            return ImportReport(errors=tuple(ordered))
        for registration in new:
            await uow.exam_registrations.add(registration)
        await uow.commit()
        return ImportReport(imported=len(new), unchanged=unchanged)


@dataclass(frozen=True)
class ListedRegistration:
    registration: ExamRegistration
    linked: bool  # a chat holds the account of this registration


async def list_registrations(uow: UnitOfWork, exam_region: str | None = None) -> list[ListedRegistration]:
    async with uow:
        listed = []
        for registration in await uow.exam_registrations.listed(exam_region):
            account = await uow.accounts.by_username(NMEC, registration.registration_number)
            listed.append(
                ListedRegistration(registration, account is not None and account.user_id is not None)
            )
        return listed


# ----- linking a chat (授权)


@dataclass(frozen=True)
class LinkStarted:
    registration_number: str
    masked_mobile: str  # where the code went; the full mobile stays in the domain


@dataclass(frozen=True)
class NoMatch:
    """No registration has both this number and this ID number. Which one is wrong is not said:
    that would let anyone probe registration numbers by ID number and back."""


@dataclass(frozen=True)
class AlreadyLinkedHere:
    registration_number: str


@dataclass(frozen=True)
class Linked:
    account: Account
    registration: ExamRegistration
    first: bool  # the account was created by this link
    previous_holder: ChatUser | None  # the chat that held the account until now, to be told


async def start_link(
    uow: UnitOfWork,
    clock: Clock,
    sender: SmsSender,
    user_id: int,
    raw_registration_number: str,
    raw_id_number: str,
) -> LinkStarted | NoMatch | AlreadyLinkedHere | Problem | sms.SendRefusal:
    """Find the registration with this number and ID number and text a code to its mobile on record."""
    number = parse_registration_number(raw_registration_number, programme(NMEC).registration_number)
    if isinstance(number, Problem):
        return number
    resident = identity.parse_resident_id(raw_id_number, clock.now().astimezone(BEIJING).date())
    if isinstance(resident, Problem):
        return resident
    async with uow:
        registration = await uow.exam_registrations.by_number(number)
        if registration is None or registration.id_number != resident.number:
            return NoMatch()
        account = await uow.accounts.by_username(NMEC, number)
        if account is not None and account.user_id == user_id:
            return AlreadyLinkedHere(number)
    outcome = await send_code(uow, clock, sender, user_id, SmsPurpose.LINK, registration.mobile)
    if isinstance(outcome, CodeSent):
        return LinkStarted(number, mask_mobile(outcome.mobile))
    return outcome


async def confirm_link(
    uow: UnitOfWork, clock: Clock, user_id: int, registration_number: str, entered_code: str
) -> Linked | AlreadyLinkedHere | NoMatch | sms.CheckRefusal:
    """Check the code; on success this chat holds the registration's account (created the first time).

    Five wrong codes lock the step as in registration (domain/sms.py). The account is taken from any
    chat that held it before: whoever proves the mobile on record is the applicant.
    """
    accepted = await confirm_code(uow, clock, user_id, SmsPurpose.LINK, entered_code)
    if not isinstance(accepted, CodeAccepted):
        return accepted
    async with uow:
        registration = await uow.exam_registrations.by_number(registration_number)
        if registration is None or registration.mobile != accepted.mobile:
            return NoMatch()  # the code proved another mobile than this registration's
        account = await uow.accounts.by_username(NMEC, registration_number)
        if account is None:
            account = await uow.accounts.add(_account_of(registration, user_id, clock.now()))
            await audit.record(uow, clock, account.id or 0, AccountEvent.CREATED, user_id=user_id)
            await uow.commit()
            return Linked(account, registration, first=True, previous_holder=None)
        if account.user_id == user_id:
            return AlreadyLinkedHere(registration_number)
        await audit.record(uow, clock, account.id or 0, AccountEvent.LOGGED_IN, user_id=user_id)
        previous = await hand_over(uow, clock, account, user_id)
        await uow.commit()
        return Linked(account, registration, first=False, previous_holder=previous)


def _account_of(registration: ExamRegistration, user_id: int, now: datetime) -> Account:
    return Account(
        programme=NMEC,
        username=registration.registration_number,
        password_hash="",  # no password: every log-in proves the mobile on record by SMS
        real_name=registration.real_name,
        id_number=registration.id_number,
        mobile=registration.mobile,
        created_at=now,
        user_id=user_id,
        activated_at=now,  # the registration was made on the NMEC site
    )
