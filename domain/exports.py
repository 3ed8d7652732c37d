"""导出: the profiles of a programme's applicants as one table, for an operator (``baoming export``).

One row per account: its own columns, then one column ``section.field`` per answer of the saved
profile modules (a list of records as one JSON array). Columns and rows are sorted, so the same
data always gives the same bytes.

Masked by default (PIPL asks for the minimum, RULES.md §5): ID numbers, mobiles, phones and e-mail
addresses are masked in every cell. An unmasked export is recorded in the audit trail of every
account it holds, in the same unit of work that read them.

The CSV is UTF-8 with a byte order mark: Excel on Chinese Windows reads a CSV without one as GBK
and garbles every Chinese character, while other tools (Python's ``utf-8-sig``, LibreOffice, pandas)
skip the mark.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain import audit
from domain.clock import BEIJING, Clock
from domain.masking import mask_email, mask_id_number, mask_mobile, mask_personal_data, mask_phone
from domain.model import Account, AccountEvent, ProfileSection
from domain.ports import UnitOfWork

ACCOUNT_COLUMNS = ("username", "real_name", "id_number", "mobile", "email", "created_at", "activated_at")


@dataclass(frozen=True)
class Applicant:
    """One account with its saved profile modules."""

    account: Account
    sections: Sequence[ProfileSection]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def profile_table(applicants: Sequence[Applicant], *, masked: bool) -> Table:
    """The table of the applicants, by creation then username; unsaved modules give empty cells."""
    columns = sorted(
        {
            (section.section, key)
            for applicant in applicants
            for section in applicant.sections
            for key in section.answers
        }
    )
    ordered = sorted(applicants, key=lambda a: (a.account.created_at, a.account.username))
    rows = []
    for applicant in ordered:
        answers = {section.section: section.answers for section in applicant.sections}
        cells = [_answer_cell(key, answers.get(section, {}).get(key), masked) for section, key in columns]
        rows.append((*_account_cells(applicant.account, masked), *cells))
    header = (*ACCOUNT_COLUMNS, *(f"{section}.{key}" for section, key in columns))
    return Table(header, tuple(rows))


def _account_cells(account: Account, masked: bool) -> tuple[str, ...]:
    email = account.email or ""
    if masked:
        cells = (
            mask_personal_data(account.username),  # seed 002 logs in by ID number, seed 003 by e-mail
            mask_personal_data(account.real_name),
            mask_id_number(account.id_number),
            mask_mobile(account.mobile),
            mask_email(email) if email else "",
        )
    else:
        cells = (account.username, account.real_name, account.id_number, account.mobile, email)
    activated = _moment(account.activated_at) if account.activated_at is not None else ""
    return (*cells, _moment(account.created_at), activated)


def _moment(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")  # 2027-04-16T09:00:00+08:00


def _answer_cell(key: str, value: object, masked: bool) -> str:
    if value is None:
        return ""
    shown = _masked_value(key, value) if masked else value
    if isinstance(shown, str):
        return shown
    # A list of records (教育信息, 工作信息) stays one cell: readable, in the form's order of fields.
    return json.dumps(shown, ensure_ascii=False)


def _masked_value(key: str, value: object) -> object:
    if isinstance(value, str):
        return _mask_answer(key, value)
    if isinstance(value, list):
        return [_masked_value(key, item) for item in value]
    if isinstance(value, dict):
        return {name: _masked_value(str(name), item) for name, item in value.items()}
    return value


def _mask_answer(key: str, value: str) -> str:
    # A field named for what it holds is masked as such, so that a landline (which
    # mask_personal_data does not recognise) or an odd spelling is masked too; any other text is
    # searched for whatever looks like an ID number, a mobile or an e-mail address.
    name = key.lower()
    if name.endswith("id_number"):
        return mask_id_number(value)
    if name.endswith("email"):
        return mask_email(value) if value else ""
    if name.endswith(("phone", "mobile")):
        return mask_phone(value) if value else ""
    return mask_personal_data(value)


# Excel runs a cell that starts with one of these as a formula (CSV injection, OWASP): an answer an
# applicant typed must not run on the operator's machine. A leading apostrophe shows it as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte order mark, CRLF line ends (RFC 4180, as Excel writes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([_inert(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _inert(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


async def export_profiles(
    uow: UnitOfWork, clock: Clock, programme: str, *, unmasked: bool, operator: str
) -> Table:
    """Every account of the programme with its profile; ``unmasked`` is recorded on each account,
    with the operator's name, before the table is returned."""
    async with uow:
        accounts = await uow.accounts.of_programme(programme)
        applicants = [
            Applicant(account, await uow.profile_sections.of_account(account.id))
            for account in accounts
            if account.id is not None
        ]
        if unmasked and applicants:
            for applicant in applicants:
                await audit.record(
                    uow,
                    clock,
                    applicant.account.id or 0,
                    AccountEvent.EXPORTED_UNMASKED,
                    detail={"operator": operator},
                )
            await uow.commit()
    return profile_table(applicants, masked=not unmasked)
