"""Offers of 广东住培 (seed 000 四, 学员确认录取结果): one per parallel choice of a submitted application.

The state machine (RULES.md §1/000 [I]):

- PENDING → ADMITTED (录取) or NOT_ADMITTED (不录取): recorded by an admissions officer of that
  training base, only inside the batch's admission window (基地录取时间), and only for applicants who
  chose the base (an offer row exists only for a submitted choice). A base may correct its
  decision inside the window until the applicant has answered.
- ADMITTED → ACCEPTED (接受) or DECLINED (放弃): by the applicant, only inside the confirmation
  window (学员确认志愿录取时间). At most one offer is ACCEPTED per account and year: checked here
  and held by a partial unique index in the database, which decides between concurrent presses.
- Accepting declines nothing silently: the other ADMITTED offers stay ADMITTED, cannot be accepted
  any more, and may still be declined; the result names them.
- EXPIRED ("超过确认时间，接受按钮消失"): an ADMITTED offer once the confirmation window has closed.
  It is derived from the clock and never stored: nothing has to run at the deadline, a stopped bot
  cannot miss it, and a moved sandbox clock is obeyed at once.

The applicant is told of a decision by the bot: a decided offer carries ``notified_at`` until the
chat has been told (:func:`undelivered`, :func:`mark_notified`), so a decision recorded by the CLI
import reaches the applicant too.
"""

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain import identity, outbox, reminders
from domain.clock import BEIJING
from domain.masking import mask_id_number
from domain.model import Account, Batch, ChatUser, Offer, OfferState, YearCatalog
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.text import N_
from domain.windows import Window, WindowPhase, end_text, moment_text, window_text

__all__ = [
    "DECISION_COLUMNS",
    "GD",
    "STATE_LABELS",
    "STATE_OFFICIAL_NAMES",
    "Answered",
    "BaseApplicant",
    "DecisionError",
    "DecisionImportReport",
    "DecisionNotice",
    "DecisionRecorded",
    "DecisionRow",
    "OfferView",
    "answer",
    "applicants_of_base",
    "batch_of",
    "closed_notices",
    "effective_state",
    "end_text",
    "forget_notice",
    "import_decisions",
    "mark_notified",
    "moment_text",
    "offer_views",
    "offers_of",
    "parse_result",
    "record_decision",
    "undelivered",
    "window_text",
]

GD = "gd-residency"

# The state names as the seed's pages show them, for listings and CLI output.
STATE_OFFICIAL_NAMES: dict[OfferState, str] = {
    OfferState.PENDING: "待录取",
    OfferState.ADMITTED: "录取",
    OfferState.NOT_ADMITTED: "不录取",
    OfferState.ACCEPTED: "接受",
    OfferState.DECLINED: "放弃",
    OfferState.EXPIRED: "未确认",
}

STATE_LABELS: dict[OfferState, str] = {
    OfferState.PENDING: N_("waiting for the base's decision"),
    OfferState.ADMITTED: N_("admitted (录取)"),
    OfferState.NOT_ADMITTED: N_("not admitted (不录取)"),
    OfferState.ACCEPTED: N_("accepted (接受)"),
    OfferState.DECLINED: N_("declined (放弃)"),
    OfferState.EXPIRED: N_("not answered in time"),
}

_NOT_FOUND = N_("No such offer.")
_NOT_DECIDED = N_("{base} has not decided yet: there is nothing to answer.")
_NOT_ADMITTED = N_("{base} did not admit you (不录取): there is nothing to answer.")
_ACCEPTED_ALREADY = N_("You accepted this offer on {date}: accepting ends the process.")
_DECLINED_ALREADY = N_("You declined this offer on {date}.")
_ONE_ACCEPTED = N_(
    "You have accepted the offer of {base}: only one offer can be accepted, and accepting ends the process."
)
_CONFIRMATION_UPCOMING = N_(
    "Offers of batch {batch} can be answered from {start} (Beijing time); the confirmation window "
    "runs {dates}."
)
_CONFIRMATION_CLOSED = N_(
    "The confirmation window of batch {batch} ran {dates} (Beijing time) and has closed: "
    "this offer can no longer be answered."
)
_NO_SUCH_CHOICE = N_("No submitted application {application} chose the training base {base}.")
_ADMISSION_UPCOMING = N_(
    "Batch {batch}: decisions can be recorded from {start} (Beijing time); the admission window runs {dates}."
)
_ADMISSION_CLOSED = N_(
    "Batch {batch}: the admission window ran {dates} (Beijing time) and has closed; "
    "decisions can no longer be recorded."
)
_ANSWERED = N_(
    "The applicant has already answered this offer ({state}) on {date}: the decision can no longer change."
)
_UNKNOWN_RESULT = N_("Write 录取 (admitted) or 不录取 (not admitted), not {value}.")
_NO_APPLICANT = N_("Give the ID number (身份证号) or the application number (报名号).")
_BAD_APPLICATION_NUMBER = N_("An application number has digits only, like 12.")
_NO_ACCOUNT = N_("No applicant of 广东住培 has this ID number.")
_NO_OPEN_CHOICE = N_(
    "This applicant did not choose the training base {base} in a batch whose admission window is open now."
)
_AMBIGUOUS = N_(
    "This applicant chose {base} in several batches open now: give the application number (报名号) instead."
)
_MISMATCH = N_("The ID number and the application number belong to different applicants.")
_SAME_AS_LINE = N_("The same applicant as on line {line}.")


# ----- dates, as the applicant reads them (Beijing time)


def batch_of(catalog: YearCatalog | None, number: int) -> Batch:
    """The batch's windows, from its year's catalog. An application or offer exists only in a batch
    of an imported catalog, and importing the year again never drops such a batch (domain/gd_catalog.py)."""
    batch = catalog.batch(number) if catalog is not None else None
    if batch is None:
        raise LookupError(f"batch {number} is in no imported catalog")
    return batch


# ----- the applicant's view


def effective_state(offer: Offer, confirmation: Window, now: datetime) -> OfferState:
    """The stored state, except that an unanswered ADMITTED offer is EXPIRED once the window closed."""
    state = OfferState(offer.state)
    if state is OfferState.ADMITTED and confirmation.phase(now) is WindowPhase.CLOSED:
        return OfferState.EXPIRED
    return state


@dataclass(frozen=True)
class OfferView:
    id: int
    application_id: int
    year: int
    batch: int
    rank: int  # the applicant's order of preference, from 1
    base_id: str
    base_name: str  # the catalog's name, or the id when the catalog no longer has the base
    city: str
    specialty_code: str
    specialty_name: str
    state: OfferState  # effective: EXPIRED is derived from the clock
    decided_at: datetime | None
    answered_at: datetime | None
    confirmation: Window
    can_accept: bool  # show 接受 now
    can_decline: bool  # show 放弃 now
    # Why an ADMITTED offer shows no 接受 now (not open yet, another accepted); None otherwise.
    why_not: Problem | None


def offer_views(
    offers: Sequence[Offer], catalogs: Mapping[int, YearCatalog | None], now: datetime
) -> list[OfferView]:
    """Views of one account's offers; ``catalogs`` by year, for the names."""
    accepted = {
        offer.year: offer for offer in offers if offer.state == OfferState.ACCEPTED
    }  # at most one per year
    views = []
    for offer in offers:
        catalog = catalogs.get(offer.year)
        winner = accepted.get(offer.year)
        other = winner if winner is not None and winner.id != offer.id else None
        views.append(_view(offer, catalog, now, other, _base_name(catalog, winner) if other else None))
    return views


def _base_name(catalog: YearCatalog | None, offer: Offer | None) -> str:
    if offer is None:
        return ""
    base = catalog.base(offer.base_id) if catalog else None
    return base.name if base else offer.base_id


def _view(
    offer: Offer,
    catalog: YearCatalog | None,
    now: datetime,
    accepted: Offer | None,
    accepted_name: str | None,
) -> OfferView:
    batch = batch_of(catalog, offer.batch)
    state = effective_state(offer, batch.confirmation, now)
    base = catalog.base(offer.base_id) if catalog else None
    specialty = catalog.specialty(offer.specialty_code) if catalog else None
    phase = batch.confirmation.phase(now)
    answerable = state is OfferState.ADMITTED and phase is WindowPhase.OPEN
    why_not: Problem | None = None
    if state is OfferState.ADMITTED and phase is WindowPhase.UPCOMING:
        why_not = _confirmation_problem(batch, phase)
    elif answerable and accepted is not None:
        why_not = Problem(_ONE_ACCEPTED, {"base": accepted_name or accepted.base_id})
    return OfferView(
        id=offer.id or 0,
        application_id=offer.application_id,
        year=offer.year,
        batch=offer.batch,
        rank=offer.rank,
        base_id=offer.base_id,
        base_name=base.name if base else offer.base_id,
        city=base.city if base else "",
        specialty_code=offer.specialty_code,
        specialty_name=specialty.name if specialty else offer.specialty_code,
        state=state,
        decided_at=offer.decided_at,
        answered_at=offer.answered_at,
        confirmation=batch.confirmation,
        can_accept=answerable and accepted is None,
        can_decline=answerable,
        why_not=why_not,
    )


def _confirmation_problem(batch: Batch, phase: WindowPhase) -> Problem:
    params: dict[str, str | int] = {
        "batch": batch.number,
        "dates": window_text(batch.confirmation),
        "start": moment_text(batch.confirmation.start),
    }
    return Problem(_CONFIRMATION_UPCOMING if phase is WindowPhase.UPCOMING else _CONFIRMATION_CLOSED, params)


async def _catalogs(uow: UnitOfWork, years: Iterable[int]) -> dict[int, YearCatalog | None]:
    return {year: await uow.gd_catalog.get(year) for year in set(years)}


async def offers_of(uow: UnitOfWork, account: Account, now: datetime) -> list[OfferView]:
    """Every offer of the account, by year, batch and preference, with what can be pressed now."""
    async with uow:
        offers = await uow.offers.of_account(account.id or 0)
        return offer_views(offers, await _catalogs(uow, (o.year for o in offers)), now)


@dataclass(frozen=True)
class Answered:
    offer: OfferView
    # Accepting declines nothing: these stay ADMITTED, can no longer be accepted, may still be declined.
    still_admitted: tuple[OfferView, ...]


async def answer(
    uow: UnitOfWork, account: Account, offer_id: int, accept: bool, now: datetime
) -> Answered | Problem:
    """接受 or 放弃 one ADMITTED offer inside its confirmation window. An offer of another account is
    "not found", exactly like an offer that does not exist."""
    async with uow:
        offer = await uow.offers.get(offer_id)
        if offer is None or account.id is None or offer.account_id != account.id:
            return Problem(_NOT_FOUND)
        year = offer.year  # read now: a lost race below rolls back and expires the loaded offer
        catalog = await uow.gd_catalog.get(year)
        refusal = _answer_refusal(offer, catalog, now)
        if refusal is not None:
            return refusal
        mine = await uow.offers.of_account(account.id, year)
        accepted = next((o for o in mine if o.state == OfferState.ACCEPTED), None)
        if accept and accepted is not None:
            return Problem(_ONE_ACCEPTED, {"base": _base_name(catalog, accepted)})
        if accept:
            if not await uow.offers.accept(offer, now):
                # Another unit of work accepted an offer of this account since we read: the index held.
                return await _lost_race(uow, account.id, year)
            pointless = reminders.pointless_after_offer_accepted(account.id)
        else:
            offer.state, offer.answered_at = OfferState.DECLINED, now
            pointless = reminders.pointless_after_offer_answered(account.id, offer_id)
        for prefix in pointless:  # in this transaction: a reminder to answer is never sent after it
            await outbox.cancel(uow, prefix=prefix)
        await uow.commit()
        mine = await uow.offers.of_account(account.id, year)
        views = offer_views(mine, {year: catalog}, now)
    answered = next(view for view in views if view.id == offer_id)
    others = tuple(v for v in views if v.id != offer_id and v.state is OfferState.ADMITTED)
    return Answered(answered, others if accept else ())


async def _lost_race(uow: UnitOfWork, account_id: int, year: int) -> Problem:
    catalog = await uow.gd_catalog.get(year)
    winner = next(
        (o for o in await uow.offers.of_account(account_id, year) if o.state == OfferState.ACCEPTED), None
    )
    return Problem(_ONE_ACCEPTED, {"base": _base_name(catalog, winner)})


def _answer_refusal(offer: Offer, catalog: YearCatalog | None, now: datetime) -> Problem | None:
    name = _base_name(catalog, offer)
    state = OfferState(offer.state)
    answered_on = offer.answered_at.astimezone(BEIJING).date().isoformat() if offer.answered_at else ""
    if state is OfferState.PENDING:
        return Problem(_NOT_DECIDED, {"base": name})
    if state is OfferState.NOT_ADMITTED:
        return Problem(_NOT_ADMITTED, {"base": name})
    if state is OfferState.ACCEPTED:
        return Problem(_ACCEPTED_ALREADY, {"date": answered_on})
    if state is OfferState.DECLINED:
        return Problem(_DECLINED_ALREADY, {"date": answered_on})
    batch = batch_of(catalog, offer.batch)
    phase = batch.confirmation.phase(now)
    if phase is not WindowPhase.OPEN:
        return _confirmation_problem(batch, phase)
    return None


# ----- the training base's side (the caller checks the admissions role and its base)


@dataclass(frozen=True)
class DecisionRecorded:
    offer_id: int
    application_id: int
    base_id: str
    base_name: str
    admitted: bool
    previous: OfferState  # PENDING, or the other decision when the base corrected itself
    changed: bool  # False: this decision was recorded already; nothing changed, nobody to tell
    notify: ChatUser | None  # the applicant's chat when ``changed`` and a chat holds the account


def _admission_refusal(batch: Batch, now: datetime) -> Problem | None:
    phase = batch.admission.phase(now)
    if phase is WindowPhase.OPEN:
        return None
    params: dict[str, str | int] = {
        "batch": batch.number,
        "dates": window_text(batch.admission),
        "start": moment_text(batch.admission.start),
    }
    return Problem(_ADMISSION_UPCOMING if phase is WindowPhase.UPCOMING else _ADMISSION_CLOSED, params)


def _decision_refusal(offer: Offer, catalog: YearCatalog | None, now: datetime) -> Problem | None:
    refusal = _admission_refusal(batch_of(catalog, offer.batch), now)
    if refusal is not None:
        return refusal
    if offer.state in (OfferState.ACCEPTED, OfferState.DECLINED):
        answered_on = offer.answered_at.astimezone(BEIJING).date().isoformat() if offer.answered_at else ""
        state = OfferState(offer.state)
        return Problem(_ANSWERED, {"state": STATE_OFFICIAL_NAMES[state], "date": answered_on})
    return None


def _decide(offer: Offer, admitted: bool, now: datetime, by: str) -> tuple[OfferState, bool]:
    previous = OfferState(offer.state)
    wanted = OfferState.ADMITTED if admitted else OfferState.NOT_ADMITTED
    if previous is wanted:
        return previous, False
    offer.state, offer.decided_at, offer.decided_by, offer.notified_at = wanted, now, by, None
    return previous, True


async def _choice(uow: UnitOfWork, base_id: str, application_id: int) -> Offer | None:
    """The offer of this base in this application: it exists only for a submitted choice."""
    return next((o for o in await uow.offers.of_application(application_id) if o.base_id == base_id), None)


async def record_decision(
    uow: UnitOfWork,
    officer_base_id: str,
    application_id: int,
    admitted: bool,
    now: datetime,
    decided_by: str = "",
) -> DecisionRecorded | Problem:
    """录取 / 不录取 of one applicant who chose the officer's base, inside the admission window."""
    async with uow:
        offer = await _choice(uow, officer_base_id, application_id)
        if offer is None:
            return Problem(_NO_SUCH_CHOICE, {"application": application_id, "base": officer_base_id})
        refusal = _decision_refusal(offer, await uow.gd_catalog.get(offer.year), now)
        if refusal is not None:
            return refusal
        previous, changed = _decide(offer, admitted, now, decided_by.strip() or officer_base_id)
        recorded = await _recorded(uow, offer, admitted, previous, changed)
        await uow.commit()
        return recorded


async def _recorded(
    uow: UnitOfWork, offer: Offer, admitted: bool, previous: OfferState, changed: bool
) -> DecisionRecorded:
    catalog = await uow.gd_catalog.get(offer.year)
    account = await uow.accounts.get(offer.account_id)
    user_id = account.user_id if account is not None else None
    notify = await uow.users.get(user_id) if changed and user_id is not None else None
    return DecisionRecorded(
        offer_id=offer.id or 0,
        application_id=offer.application_id,
        base_id=offer.base_id,
        base_name=_base_name(catalog, offer),
        admitted=admitted,
        previous=previous,
        changed=changed,
        notify=notify,
    )


@dataclass(frozen=True)
class DecisionNotice:
    """A decision the applicant has not been told of yet: tell ``notify``, then :func:`mark_notified`."""

    offer: OfferView
    notify: ChatUser


async def undelivered(uow: UnitOfWork, now: datetime) -> list[DecisionNotice]:
    """Decided offers not yet told to a chat (decisions of the CLI import, a send that failed)."""
    async with uow:
        notices = []
        for offer in await uow.offers.undelivered():
            account = await uow.accounts.get(offer.account_id)
            user = await uow.users.get(account.user_id) if account and account.user_id else None
            if user is None:
                continue  # no chat holds the account: /status shows it when one logs in
            catalog = await uow.gd_catalog.get(offer.year)
            mine = await uow.offers.of_account(offer.account_id, offer.year)
            view = next(v for v in offer_views(mine, {offer.year: catalog}, now) if v.id == offer.id)
            notices.append(DecisionNotice(view, user))
        return notices


async def mark_notified(
    uow: UnitOfWork,
    offer_id: int,
    now: datetime,
    *,
    chat_id: int | None = None,
    message_id: int | None = None,
) -> None:
    """The applicant was told; ``message_id`` (in ``chat_id``) carries the 接受 / 放弃 buttons."""
    async with uow:
        offer = await uow.offers.get(offer_id)
        if offer is None:
            return
        offer.notified_at = offer.notified_at or now
        if message_id is not None:
            offer.notice_chat_id, offer.notice_message_id = chat_id, message_id
        await uow.commit()


async def closed_notices(uow: UnitOfWork, now: datetime) -> list[tuple[int, int, int]]:
    """(offer id, chat id, message id) of the notices whose confirmation window has closed: their
    buttons go (seed 000 四: "超过确认时间，接受按钮消失"). Call :func:`forget_notice` once done."""
    async with uow:
        noticed = await uow.offers.with_notice()
        catalogs = await _catalogs(uow, (offer.year for offer in noticed))
        return [
            (offer.id or 0, offer.notice_chat_id or 0, offer.notice_message_id or 0)
            for offer in noticed
            if batch_of(catalogs[offer.year], offer.batch).confirmation.phase(now) is WindowPhase.CLOSED
        ]


async def forget_notice(uow: UnitOfWork, offer_id: int) -> None:
    async with uow:
        offer = await uow.offers.get(offer_id)
        if offer is not None:
            offer.notice_chat_id = offer.notice_message_id = None
            await uow.commit()


@dataclass(frozen=True)
class BaseApplicant:
    """One applicant who chose the base, as its admissions officer sees them."""

    offer_id: int
    application_id: int  # 报名号
    year: int
    batch: int
    rank: int  # where the applicant put this base, from 1
    real_name: str
    id_number: str  # masked
    specialty_code: str
    specialty_name: str
    state: OfferState  # effective
    decided_at: datetime | None
    answered_at: datetime | None
    admission_open: bool  # a decision can be recorded now


async def applicants_of_base(
    uow: UnitOfWork, base_id: str, now: datetime, year: int | None = None
) -> list[BaseApplicant]:
    """Everyone who chose the base (in one year), by year, batch and application number."""
    async with uow:
        listed = []
        chosen = await uow.offers.of_base(base_id, year)
        catalogs = await _catalogs(uow, (offer.year for offer in chosen))
        for offer in chosen:
            catalog = catalogs[offer.year]
            specialty = catalog.specialty(offer.specialty_code) if catalog else None
            account = await uow.accounts.get(offer.account_id)
            batch = batch_of(catalog, offer.batch)
            listed.append(
                BaseApplicant(
                    offer_id=offer.id or 0,
                    application_id=offer.application_id,
                    year=offer.year,
                    batch=offer.batch,
                    rank=offer.rank,
                    real_name=account.real_name if account else "",
                    id_number=mask_id_number(account.id_number) if account else "",
                    specialty_code=offer.specialty_code,
                    specialty_name=specialty.name if specialty else offer.specialty_code,
                    state=effective_state(offer, batch.confirmation, now),
                    decided_at=offer.decided_at,
                    answered_at=offer.answered_at,
                    admission_open=batch.admission.contains(now),
                )
            )
        return listed


# ----- importing decisions (baoming offers import FILE.csv --base B01)

# The columns of an import file: the applicant by ID number or application number (either, or
# both when they agree), and the result.
DECISION_COLUMNS = ("id_number", "application_id", "result")
_ADMITTED_WORDS = frozenset({"录取", "admitted", "admit", "yes"})
_NOT_ADMITTED_WORDS = frozenset({"不录取", "未录取", "not admitted", "not_admitted", "no"})


@dataclass(frozen=True)
class DecisionRow:
    line: int
    values: Mapping[str, str]  # by DECISION_COLUMNS; a column absent from the file is absent here


@dataclass(frozen=True)
class DecisionError:
    line: int
    column: str  # one of DECISION_COLUMNS
    problem: Problem


@dataclass(frozen=True)
class DecisionImportReport:
    recorded: tuple[DecisionRecorded, ...] = ()  # every row, changed or not
    errors: tuple[DecisionError, ...] = ()

    @property
    def changed(self) -> int:
        return sum(1 for r in self.recorded if r.changed)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.recorded if not r.changed)


def parse_result(raw: str) -> bool | Problem:
    """录取 → True, 不录取 → False (English words too, any case)."""
    text = " ".join(unicodedata.normalize("NFKC", raw).split()).lower()
    if text in _ADMITTED_WORDS:
        return True
    if text in _NOT_ADMITTED_WORDS:
        return False
    return Problem(_UNKNOWN_RESULT, {"value": text[:20] or '""'})


def _application_number(raw: str) -> int | Problem | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        return Problem(_BAD_APPLICATION_NUMBER)
    return int(text)


async def _offer_by_id_number(
    uow: UnitOfWork, base_id: str, raw: str, now: datetime, catalogs: Mapping[int, YearCatalog | None]
) -> Offer | Problem | None:
    text = raw.strip()
    if not text:
        return None
    resident = identity.parse_resident_id(text, now.astimezone(BEIJING).date())
    if isinstance(resident, Problem):
        return resident
    account = await uow.accounts.by_id_number(GD, resident.number)
    if account is None or account.id is None:
        return Problem(_NO_ACCOUNT)
    open_choices = [
        o
        for o in await uow.offers.of_account(account.id)
        if o.base_id == base_id and batch_of(catalogs.get(o.year), o.batch).admission.contains(now)
    ]
    if not open_choices:
        return Problem(_NO_OPEN_CHOICE, {"base": base_id})
    if len(open_choices) > 1:
        return Problem(_AMBIGUOUS, {"base": base_id})
    return open_choices[0]


async def _row_offer(
    uow: UnitOfWork, base_id: str, row: DecisionRow, now: datetime, catalogs: Mapping[int, YearCatalog | None]
) -> Offer | list[DecisionError]:
    errors: list[DecisionError] = []
    by_id = await _offer_by_id_number(uow, base_id, row.values.get("id_number", ""), now, catalogs)
    if isinstance(by_id, Problem):
        errors.append(DecisionError(row.line, "id_number", by_id))
    number = _application_number(row.values.get("application_id", ""))
    by_number: Offer | None = None
    if isinstance(number, Problem):
        errors.append(DecisionError(row.line, "application_id", number))
    elif number is not None:
        by_number = await _choice(uow, base_id, number)
        if by_number is None:
            problem = Problem(_NO_SUCH_CHOICE, {"application": number, "base": base_id})
            errors.append(DecisionError(row.line, "application_id", problem))
    if errors:
        return errors
    if isinstance(by_id, Offer) and by_number is not None and by_id.id != by_number.id:
        return [DecisionError(row.line, "application_id", Problem(_MISMATCH))]
    found = by_number or (by_id if isinstance(by_id, Offer) else None)
    if found is None:
        column = "id_number" if "id_number" in row.values else "application_id"
        return [DecisionError(row.line, column, Problem(_NO_APPLICANT))]
    return found


async def import_decisions(
    uow: UnitOfWork, base_id: str, rows: Sequence[DecisionRow], now: datetime, source: str
) -> DecisionImportReport:
    """Record every row's decision for the base, or none: all rows are checked first, and any
    error leaves the database as it was. A row repeating a recorded decision is unchanged."""
    async with uow:
        errors: list[DecisionError] = []
        decisions: list[tuple[Offer, bool]] = []
        line_of_offer: dict[int, int] = {}
        catalogs = await _catalogs(uow, await uow.gd_catalog.years())  # a few years, read once
        for row in rows:
            result = parse_result(row.values.get("result", ""))
            if isinstance(result, Problem):
                errors.append(DecisionError(row.line, "result", result))
            found = await _row_offer(uow, base_id, row, now, catalogs)
            if isinstance(found, list):
                errors += found
                continue
            offer_id = found.id or 0
            if offer_id in line_of_offer:
                column = "application_id" if row.values.get("application_id", "").strip() else "id_number"
                errors.append(
                    DecisionError(row.line, column, Problem(_SAME_AS_LINE, {"line": line_of_offer[offer_id]}))
                )
                continue
            line_of_offer[offer_id] = row.line
            refusal = _decision_refusal(found, catalogs.get(found.year), now)
            if refusal is not None:
                column = "application_id" if row.values.get("application_id", "").strip() else "id_number"
                errors.append(DecisionError(row.line, column, refusal))
            elif not isinstance(result, Problem):
                decisions.append((found, result))
        if errors:
            ordered = sorted(errors, key=lambda e: (e.line, DECISION_COLUMNS.index(e.column)))
            return DecisionImportReport(errors=tuple(ordered))
        recorded = []
        for offer, admitted in decisions:
            previous, changed = _decide(offer, admitted, now, f"import:{source}"[:64])
            recorded.append(await _recorded(uow, offer, admitted, previous, changed))
        await uow.commit()
        return DecisionImportReport(recorded=tuple(recorded))
