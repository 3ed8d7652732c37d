"""天津高职升本 点击验证学籍/学历 (seed 002 2.7): name, school and major against 学信网 records.

The web system checks an 应届 candidate's 学籍 (student status: enrolled now) and a 往届 candidate's
学历 (diploma: graduated). The bot has no access to 学信网, so an operator imports the records
(``baoming records import``, every row or none) and :class:`ImportedRecordsVerifier` looks them up;
another verifier can replace it through the EducationVerifier port.

The result is stored per account with a fingerprint of the claim it checked: when the applicant
later changes the basic information (or the name or ID number were to change), the stored result
is no longer current and the check must run again.
"""

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain import dates, fields, identity
from domain.clock import BEIJING
from domain.masking import mask_id_number
from domain.model import (
    Account,
    EducationClaim,
    EducationRecord,
    RecordKind,
    StoredVerification,
    VerificationOutcome,
    VerificationStatus,
)
from domain.names import parse_real_name
from domain.ports import EducationVerifier, UnitOfWork
from domain.problems import Problem
from domain.text import N_

__all__ = [
    "CLAIM_KEYS",
    "RECORD_COLUMNS",
    "ImportedRecordsVerifier",
    "ListedRecord",
    "RecordError",
    "RecordImportReport",
    "RecordRow",
    "Verification",
    "claim_of",
    "fingerprint",
    "import_records",
    "kind_for",
    "listed_records",
    "parse_kind",
    "record_counts",
    "verification_of",
    "verify",
]

# The basic information's answers a claim is made of (dialogs/tj_profile.py, BASIC).
CLAIM_KEYS = ("candidate_type", "school", "major", "graduation")
CURRENT, FORMER = "current", "former"  # 应届, 往届
MAX_TEXT_LENGTH = 50

_INCOMPLETE = N_(
    "Complete your basic information first (candidate type, school, major and graduation month): "
    "the check compares them with the records."
)
_CHANGED = N_("Your information changed after the check of {date}: verify your 学籍/学历 again.")
_NO_STUDENT = N_(
    "No 学籍 (student status) record was found for your ID number. Check your school with the "
    "record on 学信网, or ask the 确认点."
)
_NO_DIPLOMA = N_(
    "No 学历 (diploma) record was found for your ID number. Check your diploma with the record on "
    "学信网, or ask the 确认点."
)
_DIPLOMA_INSTEAD = N_(
    "There is a 学历 (diploma) record for your ID number, not a 学籍 one: if you graduated before this "
    "year, choose 往届 as your candidate type."
)
_STUDENT_INSTEAD = N_(
    "There is a 学籍 (student status) record for your ID number, not a 学历 one: if you graduate this "
    "year, choose 应届 as your candidate type."
)
_NAME_DIFFERS = N_("Your name differs from the name on the record.")
_SCHOOL_DIFFERS = N_("Your school differs from the record's: {value}.")
_MAJOR_DIFFERS = N_("Your major differs from the record's: {value}.")
_UNKNOWN_KIND = N_("Write 学籍 (student status) or 学历 (diploma), not {value}.")
_SAME_RECORD = N_("The same record (ID number, kind, school and major) as on line {line}.")


def kind_for(candidate_type: str) -> RecordKind:
    """应届 candidates are checked against a 学籍 record, 往届 ones against a 学历 record."""
    return RecordKind.STUDENT if candidate_type == CURRENT else RecordKind.DIPLOMA


def _comparable(text: str) -> str:
    """NFKC, no whitespace, any case: what a person would not call a difference (全角 letters, a
    space typed inside 天津 职业大学). Names were normalised by parse_real_name on both sides."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


# ----- the claim and its fingerprint


def claim_of(account: Account, answers: Mapping[str, object]) -> EducationClaim | Problem:
    """The claim of the account and its basic information; a Problem when an answer is missing."""
    values = {key: str(answers.get(key) or "").strip() for key in CLAIM_KEYS}
    if any(not value for value in values.values()) or values["candidate_type"] not in (CURRENT, FORMER):
        return Problem(_INCOMPLETE)
    return EducationClaim(
        id_number=identity.normalise_id_number(account.id_number),
        name=account.real_name,
        candidate_type=values["candidate_type"],
        school=values["school"],
        major=values["major"],
        graduation=values["graduation"],
    )


def fingerprint(claim: EducationClaim) -> str:
    """sha256 of the claim's fields as the verifier compares them: a change a verifier would ignore
    (a space, a full-width letter) does not ask for a new check."""
    parts = (
        claim.id_number,
        _comparable(claim.name),
        claim.candidate_type,
        _comparable(claim.school),
        _comparable(claim.major),
        claim.graduation,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# ----- the default verifier


class ImportedRecordsVerifier:
    """Looks the claim up in the records an operator imported."""

    name: str = "imported-records"

    async def verify(self, uow: UnitOfWork, claim: EducationClaim) -> VerificationOutcome:
        kind = kind_for(claim.candidate_type)
        records = await uow.education_records.of_id_number(claim.id_number)
        of_kind = [record for record in records if record.kind == kind]
        if not of_kind:
            others = sorted({record.kind for record in records})
            return VerificationOutcome(VerificationStatus.NOT_FOUND, other_kind=others[0] if others else None)
        # The record that differs least: the one the applicant most likely means.
        differences = [(_differing(claim, record), record) for record in of_kind]
        differing, closest = min(differences, key=lambda pair: (len(pair[0]), pair[1].id or 0))
        if not differing:
            return VerificationOutcome(VerificationStatus.VERIFIED)
        return VerificationOutcome(
            VerificationStatus.MISMATCH,
            mismatched=differing,
            on_record={"school": closest.school, "major": closest.major},
        )


def _differing(claim: EducationClaim, record: EducationRecord) -> tuple[str, ...]:
    pairs = [
        ("name", claim.name, record.name),
        ("school", claim.school, record.school),
        ("major", claim.major, record.major),
    ]
    return tuple(name for name, mine, theirs in pairs if _comparable(mine) != _comparable(theirs))


# ----- the use cases


@dataclass(frozen=True)
class Verification:
    """An account's stored verification, judged against the claim of its information now."""

    outcome: VerificationStatus
    checked_at: datetime
    current: bool  # False: the claim changed since the check, which must run again
    verifier: str
    mismatched: tuple[str, ...] = ()
    on_record: Mapping[str, str] = field(default_factory=dict)
    other_kind: str | None = None
    kind: str = RecordKind.STUDENT  # the kind of record the claim was checked against

    @property
    def verified(self) -> bool:
        return self.outcome is VerificationStatus.VERIFIED and self.current

    def reasons(self) -> list[Problem]:
        """Why it is not verified (message ids to translate); empty when it is."""
        if not self.current:
            return [Problem(_CHANGED, {"date": self.checked_at.astimezone(BEIJING).date().isoformat()})]
        if self.outcome is VerificationStatus.NOT_FOUND:
            if self.other_kind == RecordKind.DIPLOMA and self.kind == RecordKind.STUDENT:
                return [Problem(_DIPLOMA_INSTEAD)]
            if self.other_kind == RecordKind.STUDENT and self.kind == RecordKind.DIPLOMA:
                return [Problem(_STUDENT_INSTEAD)]
            return [Problem(_NO_STUDENT if self.kind == RecordKind.STUDENT else _NO_DIPLOMA)]
        problems = []
        if "name" in self.mismatched:
            problems.append(Problem(_NAME_DIFFERS))
        if "school" in self.mismatched:
            problems.append(Problem(_SCHOOL_DIFFERS, {"value": self.on_record.get("school", "")}))
        if "major" in self.mismatched:
            problems.append(Problem(_MAJOR_DIFFERS, {"value": self.on_record.get("major", "")}))
        return problems


def _detail(outcome: VerificationOutcome, kind: str) -> dict[str, str]:
    detail = {"kind": kind}
    if outcome.mismatched:
        detail["mismatched"] = ",".join(outcome.mismatched)
    detail.update({f"record_{key}": value for key, value in outcome.on_record.items()})
    if outcome.other_kind is not None:
        detail["other_kind"] = outcome.other_kind
    return detail


def _verification(stored: StoredVerification, current: bool) -> Verification:
    detail = stored.detail
    return Verification(
        outcome=VerificationStatus(stored.outcome),
        checked_at=stored.checked_at,
        current=current,
        verifier=stored.verifier,
        mismatched=tuple(item for item in detail.get("mismatched", "").split(",") if item),
        on_record={
            key.removeprefix("record_"): value for key, value in detail.items() if key.startswith("record_")
        },
        other_kind=detail.get("other_kind"),
        kind=detail.get("kind", RecordKind.STUDENT),
    )


async def verify(
    uow: UnitOfWork,
    account: Account,
    answers: Mapping[str, object],
    verifier: EducationVerifier,
    now: datetime,
) -> Verification | Problem:
    """点击验证学籍/学历: check the claim of the account and its basic information, store the result
    (in place of an earlier one) and return it."""
    claim = claim_of(account, answers)
    if isinstance(claim, Problem):
        return claim
    kind = kind_for(claim.candidate_type)
    async with uow:
        outcome = await verifier.verify(uow, claim)
        account_id = account.id or 0
        stored = await uow.verifications.get(account_id)
        status, detail, mark = outcome.status.value, _detail(outcome, kind), fingerprint(claim)
        if stored is None:
            stored = StoredVerification(account_id, status, detail, verifier.name, mark, now)
            await uow.verifications.add(stored)
        else:
            # A new detail dict, not a changed one: the JSON column notices replacement only.
            stored.outcome, stored.detail, stored.verifier = status, detail, verifier.name
            stored.fingerprint, stored.checked_at = mark, now
        await uow.commit()
        return _verification(stored, current=True)


async def verification_of(
    uow: UnitOfWork, account_id: int, answers_now: Mapping[str, object]
) -> Verification | None:
    """The account's stored verification (None when never verified), current only while the claim
    of the account and ``answers_now`` is the one it checked."""
    async with uow:
        stored = await uow.verifications.get(account_id)
        account = await uow.accounts.get(account_id)
        if stored is None or account is None:
            return None
    claim = claim_of(account, answers_now)
    current = not isinstance(claim, Problem) and fingerprint(claim) == stored.fingerprint
    return _verification(stored, current)


# ----- importing the records (baoming records import)

RECORD_COLUMNS = ("id_number", "name", "kind", "school", "major", "graduation")
_KINDS = {
    "学籍": RecordKind.STUDENT,
    "student": RecordKind.STUDENT,
    "学历": RecordKind.DIPLOMA,
    "diploma": RecordKind.DIPLOMA,
}


@dataclass(frozen=True)
class RecordRow:
    """One record of an import file: its line number and the raw text of each column."""

    line: int
    values: Mapping[str, str]  # by RECORD_COLUMNS


@dataclass(frozen=True)
class RecordError:
    line: int
    column: str  # one of RECORD_COLUMNS
    problem: Problem


@dataclass(frozen=True)
class RecordImportReport:
    added: int = 0
    replaced: int = 0  # rows whose key was stored: their name and graduation month are the file's now
    errors: tuple[RecordError, ...] = ()


def parse_kind(raw: str) -> RecordKind | Problem:
    """学籍 → STUDENT, 学历 → DIPLOMA (student / diploma in English too, any case)."""
    text = "".join(unicodedata.normalize("NFKC", raw).split()).lower()
    kind = _KINDS.get(text)
    return kind if kind is not None else Problem(_UNKNOWN_KIND, {"value": text[:20] or '""'})


def _parse_row(row: RecordRow, now: datetime) -> EducationRecord | list[RecordError]:
    today = now.astimezone(BEIJING).date()
    parsed: dict[str, str] = {}
    errors = []
    for column in RECORD_COLUMNS:
        raw = row.values.get(column, "")
        outcome: str | Problem
        if column == "id_number":
            resident = identity.parse_resident_id(raw, today)
            outcome = resident if isinstance(resident, Problem) else resident.number
        elif column == "name":
            outcome = parse_real_name(raw)
        elif column == "kind":
            outcome = parse_kind(raw)
        elif column == "graduation":
            # 学籍 records of 应届 candidates graduate in the future.
            month = dates.parse_month(raw, today, allow_future=True)
            outcome = month if isinstance(month, Problem) else dates.format_month(month)
        else:
            outcome = fields.parse_text(raw, max_length=MAX_TEXT_LENGTH)
        if isinstance(outcome, Problem):
            errors.append(RecordError(row.line, column, outcome))
        else:
            parsed[column] = outcome
    if errors:
        return errors
    return EducationRecord(
        id_number=parsed["id_number"],
        name=parsed["name"],
        kind=parsed["kind"],
        school=_clean(parsed["school"]),
        major=_clean(parsed["major"]),
        graduation=parsed["graduation"],
        imported_at=now,
    )


async def import_records(uow: UnitOfWork, rows: Sequence[RecordRow], now: datetime) -> RecordImportReport:
    """Store every row or none: all rows are checked first, and any error leaves the database as
    it was. A row whose key (ID number, kind, school, major) is stored replaces that record."""
    errors: list[RecordError] = []
    records: list[EducationRecord] = []
    line_of_key: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        parsed = _parse_row(row, now)
        if isinstance(parsed, list):
            errors += parsed
            continue
        key = (parsed.id_number, parsed.kind, parsed.school, parsed.major)
        if key in line_of_key:
            errors.append(
                RecordError(row.line, "id_number", Problem(_SAME_RECORD, {"line": line_of_key[key]}))
            )
            continue
        line_of_key[key] = row.line
        records.append(parsed)
    if errors:
        ordered = sorted(errors, key=lambda e: (e.line, RECORD_COLUMNS.index(e.column)))
        return RecordImportReport(errors=tuple(ordered))
    async with uow:
        added = replaced = 0
        for record in records:
            stored = await uow.education_records.find(
                record.id_number, record.kind, record.school, record.major
            )
            if stored is None:
                await uow.education_records.add(record)
                added += 1
            else:
                stored.name, stored.graduation, stored.imported_at = record.name, record.graduation, now
                replaced += 1
        await uow.commit()
    return RecordImportReport(added=added, replaced=replaced)


async def record_counts(uow: UnitOfWork) -> dict[RecordKind, int]:
    """How many records of each kind are stored, every kind named."""
    async with uow:
        counts = await uow.education_records.counts()
    return {kind: counts.get(kind, 0) for kind in RecordKind}


@dataclass(frozen=True)
class ListedRecord:
    """A stored record as an operator may see it: the ID number and name masked."""

    id_number: str
    name: str
    kind: RecordKind
    school: str
    major: str
    graduation: str
    imported_at: datetime


async def listed_records(uow: UnitOfWork) -> list[ListedRecord]:
    async with uow:
        records = await uow.education_records.listed()
    return [
        ListedRecord(
            mask_id_number(record.id_number),
            record.name[:1] + "*" * (len(record.name) - 1),
            RecordKind(record.kind),
            record.school,
            record.major,
            record.graduation,
            record.imported_at,
        )
        for record in records
    ]
