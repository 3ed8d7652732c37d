"""学员报名 of 广东住培 (seed 000 三): an application per account and batch, and its read model.

The seed's wizard, as use cases (the chat's steps 3 确认个人信息 and 4 补充报名信息 change nothing
and are the dialogs' business):

1. 选择招收批次 (:func:`start`): only inside the batch's application window, from its first to its
   last second in Beijing time; only when the four profile modules are complete (seed: "确保四个模块
   所有信息全部填写完整，方可进行报名"); not after an offer of the year was accepted ("confirming an
   offer ends the process"); and not while a submitted application of an earlier batch still waits
   for its offers (seed 四 2: only an applicant no base admitted, or who did not confirm, applies in
   a later batch). Starting again in the same batch resumes the draft.
2. 选择个人身份 (:func:`set_identity`): 单位人 / 社会人 / 研究生, which must agree with rules W1–W3 of
   the 工作信息 module. It is one fact: choosing it here writes it into that module too, after
   checking the module under the new type (a refusal names everything to fix there).
5. 填写志愿 (:func:`choose`): one specialty, then one to three different training bases that take
   it this year (平行志愿), in the applicant's order of preference.
8. 提交 (:func:`submit`): only inside the window and only when complete; only then does the
   application exist for the bases (one PENDING offer per chosen base, domain/offers.py). Nothing
   changes after it: the seed has neither edit nor withdrawal after 提交.

The batches and their windows come with the year's catalog (domain/gd_catalog.py). Which intake
year a moment belongs to is :func:`current_year`: the imported year whose batches span it (first
application day to last confirmation day), else the next one to start, else the latest.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain import outbox, reminders
from domain.clock import BEIJING
from domain.gd_profile import APPLICANT_TYPE_OFFICIAL_NAMES, ApplicantType, check_education, check_work
from domain.model import (
    Account,
    ApplicationState,
    Batch,
    BatchCalendar,
    GdApplication,
    Offer,
    OfferState,
    ProfileSection,
    Specialty,
    YearCatalog,
)
from domain.offers import GD, OfferView, batch_of, offer_views
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.profiles import Module, ModuleStatus
from domain.text import N_
from domain.windows import Window, WindowPhase, end_text, moment_text, window_text

__all__ = [
    "GD",
    "MAX_CHOICES",
    "MODULE_OFFICIAL_NAMES",
    "PROFILE_MODULES",
    "ApplicationView",
    "BatchStatus",
    "ChosenBase",
    "GdStatus",
    "IdentityConflict",
    "application_view",
    "applications_of",
    "batches_for",
    "choose",
    "current_year",
    "parse_applicant_type",
    "set_identity",
    "start",
    "status",
    "submit",
]

MAX_CHOICES = 3  # 三个平行志愿


def _check_education(answers: Mapping[str, object], today: date) -> list[Problem]:
    records = answers.get("records")
    return check_education(records if isinstance(records, list) else [], today)


# 学员信息维护: the four modules that gate 学员报名 (the same sections as dialogs/gd_profile.py).
PROFILE_MODULES: tuple[Module, ...] = (
    Module("basic"),
    Module("contact"),
    Module("education", _check_education),
    Module("work", check_work),
)
MODULE_OFFICIAL_NAMES = {
    "basic": "基本信息",
    "contact": "联系信息",
    "education": "教育信息",
    "work": "工作信息",
}
WORK = "work"

_NOT_GD = N_("This account is not a 广东住培 account.")
_NO_YEAR = N_("No batches of 广东住培 are published.")
_UNKNOWN_BATCH = N_("There is no batch {batch} in {year}.")
_NOT_OPEN_YET = N_("Batch {batch} is not open yet: applications run {dates} (Beijing time).")
_CLOSED = N_("Batch {batch} is closed: applications ran {dates} (Beijing time).")
_PROFILE_INCOMPLETE = N_("Complete these profile modules first: {modules}.")
_ACCEPTED = N_(
    "You accepted the offer of {base} in batch {batch}: accepting ends the process, "
    "so you cannot apply again this year."
)
_WAITING = N_(
    "Your application of batch {batch} is still running: its offers can be answered until {end} "
    "(Beijing time). You may apply in a later batch only if no base admits you or you do not accept."
)
_ALREADY_SUBMITTED = N_(
    "You submitted your application of batch {batch} on {date}: nothing can change after 提交."
)
_NOT_FOUND = N_("No such application.")
_NO_WORK_MODULE = N_("Save your 工作信息 (work) module first: your applicant type must agree with it.")
_IDENTITY_CONFLICT = N_(
    "As a {type} your 工作信息 (work) module is not complete. Fix it there first, or choose another type:"
)
_UNKNOWN_TYPE = N_("Choose 单位人, 社会人 or 研究生.")
_NO_CATALOG = N_("The specialties and training bases of {year} are not published yet.")
_UNKNOWN_SPECIALTY = N_("Unknown specialty {specialty}.")
_NO_BASE_FOR_SPECIALTY = N_("No training base takes {specialty} in {year}.")
_CHOICE_COUNT = N_("Choose one to three training bases; you chose {count}.")
_CHOSEN_TWICE = N_("Each training base can be chosen once: {base} is chosen twice.")
_UNKNOWN_BASE = N_("Unknown training base {base}.")
_BASE_NOT_OFFERING = N_("{base} does not take {specialty} in {year}.")
_NO_TYPE = N_("Choose your applicant type (个人身份).")
_TYPE_DISAGREES = N_(
    "Your 工作信息 (work) module now says {profile_type}, the application {type}: choose your "
    "applicant type again."
)
_NO_SPECIALTY = N_("Choose a specialty (专业).")
_NO_BASES = N_("Choose one to three training bases (平行志愿).")


# ----- years and batches


def current_year(calendar: BatchCalendar, now: datetime) -> int | None:
    """The intake year of ``now``: the one whose batches span it, else the next to start, else the latest."""
    spans = sorted(
        (min(b.application.start for b in batches), _end_of(batches), year)
        for year, batches in calendar.items()
        if batches
    )
    for start, end, year in spans:
        if start <= now < end:
            return year
    coming = [year for start, _, year in spans if now < start]
    if coming:
        return coming[0]
    return spans[-1][2] if spans else None


def _end_of(batches: Sequence[Batch]) -> datetime:
    return max(max(b.application.end, b.admission.end, b.confirmation.end) for b in batches)


@dataclass(frozen=True)
class BatchStatus:
    year: int
    number: int
    phase: WindowPhase  # of the application window: only an OPEN batch can be chosen (选择)
    application: Window
    admission: Window
    confirmation: Window

    @property
    def selectable(self) -> bool:
        return self.phase is WindowPhase.OPEN


def _batch_status(year: int, batch: Batch, now: datetime) -> BatchStatus:
    return BatchStatus(
        year=year,
        number=batch.number,
        phase=batch.application.phase(now),
        application=batch.application,
        admission=batch.admission,
        confirmation=batch.confirmation,
    )


def batches_for(calendar: BatchCalendar, now: datetime, year: int | None = None) -> list[BatchStatus]:
    """Every batch of the year (default: :func:`current_year`): open, upcoming or closed, with dates."""
    chosen = current_year(calendar, now) if year is None else year
    if chosen is None:
        return []
    return [_batch_status(chosen, batch, now) for batch in calendar.get(chosen, ())]


def _window_refusal(batch: Batch, now: datetime) -> Problem | None:
    phase = batch.application.phase(now)
    params: dict[str, str | int] = {"batch": batch.number, "dates": window_text(batch.application)}
    if phase is WindowPhase.UPCOMING:
        return Problem(_NOT_OPEN_YET, params)
    if phase is WindowPhase.CLOSED:
        return Problem(_CLOSED, params)
    return None


# ----- the profile gate


def _today(now: datetime) -> date:
    return now.astimezone(BEIJING).date()


def _judge(sections: Sequence[ProfileSection], now: datetime) -> tuple[ModuleStatus, ...]:
    stored = {s.section: s.answers for s in sections}
    statuses = []
    for module in PROFILE_MODULES:
        answers = stored.get(module.section)
        problems = [] if answers is None or module.check is None else module.check(answers, _today(now))
        statuses.append(ModuleStatus(module, saved=answers is not None, problems=problems))
    return tuple(statuses)


def _profile_refusal(statuses: Sequence[ModuleStatus]) -> Problem | None:
    incomplete = [MODULE_OFFICIAL_NAMES[s.module.section] for s in statuses if not s.complete]
    return Problem(_PROFILE_INCOMPLETE, {"modules": "、".join(incomplete)}) if incomplete else None


# ----- one application per batch, and "accepting ends the process"


def _finished(
    application: GdApplication, catalog: YearCatalog | None, offers: Sequence[Offer], now: datetime
) -> bool:
    """Whether a submitted application can no longer lead to an accepted offer: the confirmation
    window closed, or every base said 不录取 or the applicant declined every offer."""
    if batch_of(catalog, application.batch).confirmation.phase(now) is WindowPhase.CLOSED:
        return True
    final = (OfferState.NOT_ADMITTED, OfferState.DECLINED)
    return bool(offers) and all(o.state in final for o in offers)


async def _year_refusal(
    uow: UnitOfWork, account_id: int, year: int, batch: int, now: datetime
) -> Problem | None:
    """An accepted offer this year, or a submitted application of another batch still running."""
    offers = await uow.offers.of_account(account_id, year)
    accepted = next((o for o in offers if o.state == OfferState.ACCEPTED), None)
    catalog = await uow.gd_catalog.get(year)
    if accepted is not None:
        base = catalog.base(accepted.base_id) if catalog else None
        return Problem(_ACCEPTED, {"base": base.name if base else accepted.base_id, "batch": accepted.batch})
    for application in await uow.gd_applications.of_account(account_id, year):
        if application.batch == batch or application.state != ApplicationState.SUBMITTED:
            continue
        mine = [o for o in offers if o.application_id == application.id]
        if not _finished(application, catalog, mine, now):
            end = batch_of(catalog, application.batch).confirmation.end
            return Problem(_WAITING, {"batch": application.batch, "end": end_text(end)})
    return None


def _submitted_refusal(application: GdApplication) -> Problem:
    submitted = (
        application.submitted_at.astimezone(BEIJING).date().isoformat() if application.submitted_at else ""
    )
    return Problem(_ALREADY_SUBMITTED, {"batch": application.batch, "date": submitted})


# ----- the read model


@dataclass(frozen=True)
class ChosenBase:
    rank: int  # from 1, the order of preference
    base_id: str
    name: str  # the id when the catalog no longer has the base
    city: str
    takes_specialty: bool  # the base still takes the chosen specialty this year


@dataclass(frozen=True)
class ApplicationView:
    """The review page (确认并返回 → 提交) and /status of one application."""

    id: int
    year: int
    batch: BatchStatus
    state: ApplicationState
    applicant_type: ApplicantType | None
    specialty_code: str | None
    specialty: Specialty | None  # None when not chosen or no longer in the catalog
    bases: tuple[ChosenBase, ...]
    created_at: datetime
    submitted_at: datetime | None
    offers: tuple[OfferView, ...]  # one per chosen base once submitted, by preference
    # What keeps 提交 from succeeding now, all of it; empty once submitted.
    missing: tuple[Problem, ...]

    @property
    def submitted(self) -> bool:
        return self.state is ApplicationState.SUBMITTED

    @property
    def editable(self) -> bool:
        return self.state is ApplicationState.DRAFT and self.batch.selectable

    @property
    def ready(self) -> bool:
        return self.editable and not self.missing


@dataclass(frozen=True)
class _Loaded:
    """What one application's rules need, read in one unit of work."""

    account_id: int
    application: GdApplication
    catalog: YearCatalog | None
    sections: tuple[ProfileSection, ...]
    offers: tuple[Offer, ...]  # every offer of the account this year


async def _load(uow: UnitOfWork, account_id: int, application: GdApplication) -> _Loaded:
    return _Loaded(
        account_id=account_id,
        application=application,
        catalog=await uow.gd_catalog.get(application.year),
        sections=tuple(await uow.profile_sections.of_account(account_id)),
        offers=tuple(await uow.offers.of_account(account_id, application.year)),
    )


def _chosen_bases(application: GdApplication, catalog: YearCatalog | None) -> tuple[ChosenBase, ...]:
    chosen = []
    for rank, base_id in enumerate(application.base_ids, start=1):
        base = catalog.base(base_id) if catalog else None
        takes = base is not None and base.offers(application.specialty_code or "")
        chosen.append(
            ChosenBase(rank, base_id, base.name if base else base_id, base.city if base else "", takes)
        )
    return tuple(chosen)


def _work_type(sections: Sequence[ProfileSection]) -> ApplicantType | None:
    work = next((s.answers for s in sections if s.section == WORK), None)
    return parse_applicant_type(str(work.get("applicant_type", ""))) if work else None


def _missing(loaded: _Loaded, now: datetime) -> list[Problem]:
    """Everything that keeps 提交 from succeeding, except the window and the other batches."""
    application, catalog = loaded.application, loaded.catalog
    problems: list[Problem] = []
    profile = _profile_refusal(_judge(loaded.sections, now))
    if profile is not None:
        problems.append(profile)
    chosen_type = parse_applicant_type(application.applicant_type or "")
    if chosen_type is None:
        problems.append(Problem(_NO_TYPE))
    else:
        profile_type = _work_type(loaded.sections)
        if profile_type is not None and profile_type is not chosen_type:
            problems.append(
                Problem(
                    _TYPE_DISAGREES,
                    {
                        "profile_type": APPLICANT_TYPE_OFFICIAL_NAMES[profile_type],
                        "type": APPLICANT_TYPE_OFFICIAL_NAMES[chosen_type],
                    },
                )
            )
    if application.specialty_code is None:
        problems.append(Problem(_NO_SPECIALTY))
    elif not application.base_ids:
        problems.append(Problem(_NO_BASES))
    else:
        refusal = _choice_refusal(catalog, application.year, application.specialty_code, application.base_ids)
        if refusal is not None:
            problems.append(refusal)
    return problems


def _view(loaded: _Loaded, now: datetime) -> ApplicationView:
    application, catalog = loaded.application, loaded.catalog
    state = ApplicationState(application.state)
    batch = _batch_status(application.year, batch_of(catalog, application.batch), now)
    mine = [o for o in loaded.offers if o.application_id == application.id]
    views = offer_views(loaded.offers, {application.year: catalog}, now)
    return ApplicationView(
        id=application.id or 0,
        year=application.year,
        batch=batch,
        state=state,
        applicant_type=parse_applicant_type(application.applicant_type or ""),
        specialty_code=application.specialty_code,
        specialty=catalog.specialty(application.specialty_code or "") if catalog else None,
        bases=_chosen_bases(application, catalog),
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        offers=tuple(v for v in views if v.id in {o.id for o in mine}),
        missing=() if state is ApplicationState.SUBMITTED else tuple(_missing(loaded, now)),
    )


async def application_view(
    uow: UnitOfWork, account: Account, application_id: int, now: datetime
) -> ApplicationView | Problem:
    async with uow:
        application = await _own(uow, account, application_id)
        if isinstance(application, Problem):
            return application
        return _view(await _load(uow, application.account_id, application), now)


async def applications_of(uow: UnitOfWork, account: Account, now: datetime) -> list[ApplicationView]:
    """The account's applications of the current year, by batch."""
    if account.id is None:
        return []
    async with uow:
        year = current_year(await uow.gd_catalog.calendar(), now)
        if year is None:
            return []
        return [
            _view(await _load(uow, account.id, application), now)
            for application in await uow.gd_applications.of_account(account.id, year)
        ]


async def _own(uow: UnitOfWork, account: Account, application_id: int) -> GdApplication | Problem:
    """The account's application; another account's id is "not found", exactly like a missing one."""
    if account.programme != GD or account.id is None:
        return Problem(_NOT_GD)
    application = await uow.gd_applications.get(application_id)
    if application is None or application.account_id != account.id:
        return Problem(_NOT_FOUND)
    return application


async def _editable(
    uow: UnitOfWork, account: Account, application_id: int, now: datetime
) -> GdApplication | Problem:
    application = await _own(uow, account, application_id)
    if isinstance(application, Problem):
        return application
    if application.state == ApplicationState.SUBMITTED:
        return _submitted_refusal(application)
    batch = batch_of(await uow.gd_catalog.get(application.year), application.batch)
    refusal = _window_refusal(batch, now)
    return refusal if refusal is not None else application


# ----- the use cases


async def start(
    uow: UnitOfWork, account: Account, batch_number: int, now: datetime, year: int | None = None
) -> ApplicationView | Problem:
    """我要报名 → 选择: open the batch's draft, or resume it. ``year`` defaults to :func:`current_year`."""
    if account.programme != GD or account.id is None:
        return Problem(_NOT_GD)
    async with uow:
        calendar = await uow.gd_catalog.calendar()
        chosen_year = current_year(calendar, now) if year is None else year
        if chosen_year is None or chosen_year not in calendar:
            return Problem(_NO_YEAR)
        batch = next((b for b in calendar[chosen_year] if b.number == batch_number), None)
        if batch is None:
            return Problem(_UNKNOWN_BATCH, {"batch": batch_number, "year": chosen_year})
        refusal = _window_refusal(batch, now)
        if refusal is not None:
            return refusal
        existing = await uow.gd_applications.find(account.id, chosen_year, batch_number)
        if existing is not None and existing.state == ApplicationState.SUBMITTED:
            return _submitted_refusal(existing)
        refusal = await _year_refusal(uow, account.id, chosen_year, batch_number, now)
        if refusal is not None:
            return refusal
        refusal = _profile_refusal(_judge(await uow.profile_sections.of_account(account.id), now))
        if refusal is not None:
            return refusal
        if existing is None:
            existing = await uow.gd_applications.add(
                GdApplication(account_id=account.id, year=chosen_year, batch=batch_number, created_at=now)
            )
            await uow.commit()
        return _view(await _load(uow, account.id, existing), now)


@dataclass(frozen=True)
class IdentityConflict:
    """The chosen applicant type breaks rules of the 工作信息 module: ``problems`` names each fix.
    Shown as :attr:`message` followed by the problems; nothing was changed."""

    applicant_type: ApplicantType
    problems: tuple[Problem, ...]

    @property
    def message(self) -> Problem:
        return Problem(_IDENTITY_CONFLICT, {"type": APPLICANT_TYPE_OFFICIAL_NAMES[self.applicant_type]})


def parse_applicant_type(raw: str) -> ApplicantType | None:
    """The stored value ("unit", "social", "graduate") or the official name (单位人 …)."""
    text = raw.strip()
    for member, official in APPLICANT_TYPE_OFFICIAL_NAMES.items():
        if text in (member.value, official):
            return member
    return None


async def set_identity(
    uow: UnitOfWork, account: Account, application_id: int, applicant_type: ApplicantType | str, now: datetime
) -> ApplicationView | IdentityConflict | Problem:
    """选择个人身份. The type must pass W1–W3 of the 工作信息 module; it is then written there too, so
    the module and the application never disagree."""
    chosen = (
        applicant_type if isinstance(applicant_type, ApplicantType) else parse_applicant_type(applicant_type)
    )
    if chosen is None:
        return Problem(_UNKNOWN_TYPE)
    async with uow:
        application = await _editable(uow, account, application_id, now)
        if isinstance(application, Problem):
            return application
        work = await uow.profile_sections.get(application.account_id, WORK)
        if work is None:
            return Problem(_NO_WORK_MODULE)
        answers = {**work.answers, "applicant_type": chosen.value}
        problems = check_work(answers, _today(now))
        if problems:
            return IdentityConflict(chosen, tuple(problems))
        if work.answers.get("applicant_type") != chosen.value:
            work.answers, work.saved_at = answers, now  # a new dict: the JSON column tracks replacement only
        application.applicant_type, application.updated_at = chosen.value, now
        await uow.commit()
        return _view(await _load(uow, application.account_id, application), now)


def _choice_refusal(
    catalog: YearCatalog | None, year: int, specialty_code: str, base_ids: Sequence[str]
) -> Problem | None:
    if catalog is None:
        return Problem(_NO_CATALOG, {"year": year})
    specialty = catalog.specialty(specialty_code)
    if specialty is None:
        return Problem(_UNKNOWN_SPECIALTY, {"specialty": specialty_code})
    if not catalog.bases_offering(specialty_code):
        return Problem(_NO_BASE_FOR_SPECIALTY, {"specialty": specialty.name, "year": year})
    if not 1 <= len(base_ids) <= MAX_CHOICES:
        return Problem(_CHOICE_COUNT, {"count": len(base_ids)})
    seen: set[str] = set()
    for base_id in base_ids:
        base = catalog.base(base_id)
        name = base.name if base else base_id
        if base_id in seen:
            return Problem(_CHOSEN_TWICE, {"base": name})
        seen.add(base_id)
        if base is None:
            return Problem(_UNKNOWN_BASE, {"base": base_id})
        if not base.offers(specialty_code):
            return Problem(_BASE_NOT_OFFERING, {"base": name, "specialty": specialty.name, "year": year})
    return None


async def choose(
    uow: UnitOfWork,
    account: Account,
    application_id: int,
    specialty_code: str,
    base_ids: Sequence[str],
    now: datetime,
) -> ApplicationView | Problem:
    """填写志愿: one specialty and one to three different bases that take it, in order of preference."""
    async with uow:
        application = await _editable(uow, account, application_id, now)
        if isinstance(application, Problem):
            return application
        catalog = await uow.gd_catalog.get(application.year)
        refusal = _choice_refusal(catalog, application.year, specialty_code, base_ids)
        if refusal is not None:
            return refusal
        application.specialty_code, application.base_ids = specialty_code, list(base_ids)
        application.updated_at = now
        await uow.commit()
        return _view(await _load(uow, application.account_id, application), now)


async def submit(
    uow: UnitOfWork, account: Account, application_id: int, now: datetime
) -> ApplicationView | Problem:
    """提交: the application exists for the bases from now on, with a PENDING offer per chosen base."""
    async with uow:
        application = await _editable(uow, account, application_id, now)
        if isinstance(application, Problem):
            return application
        refusal = await _year_refusal(uow, application.account_id, application.year, application.batch, now)
        if refusal is not None:
            return refusal
        loaded = await _load(uow, application.account_id, application)
        missing = _missing(loaded, now)
        if missing:
            return missing[0]
        application.state, application.submitted_at, application.updated_at = (
            ApplicationState.SUBMITTED,
            now,
            now,
        )
        for rank, base_id in enumerate(application.base_ids, start=1):
            await uow.offers.add(
                Offer(
                    application_id=application.id or 0,
                    account_id=application.account_id,
                    year=application.year,
                    batch=application.batch,
                    base_id=base_id,
                    specialty_code=application.specialty_code or "",
                    rank=rank,
                )
            )
        for prefix in reminders.pointless_after_application_submitted(
            application.account_id, application.year, application.batch
        ):
            await outbox.cancel(uow, prefix=prefix)
        await uow.commit()
        return _view(await _load(uow, application.account_id, application), now)


# ----- /status


@dataclass(frozen=True)
class GdStatus:
    """/status of 广东住培: the profile, the batches, the applications, and what to do next."""

    year: int | None
    profile: tuple[ModuleStatus, ...]
    batches: tuple[BatchStatus, ...]
    applications: tuple[ApplicationView, ...]
    accepted: OfferView | None  # the process is complete
    next_step: Problem | None
    deadline: datetime | None  # when the next step must be done, if it must


_NEXT_DONE = N_("You accepted the offer of {base} ({specialty}): your application is complete.")
_NEXT_PROFILE = N_("Complete your profile: {modules}.")
_NEXT_ANSWER = N_("Answer your offers (接受 or 放弃) before {end} (Beijing time).")
_NEXT_SUBMIT = N_("Finish your application of batch {batch} and press 提交 before {end} (Beijing time).")
_NEXT_WAIT = N_(
    "Your application of batch {batch} is submitted. The bases decide until {admission_end}; offers "
    "are answered {confirmation} (Beijing time)."
)
_NEXT_APPLY = N_("Batch {batch} is open: apply before {end} (Beijing time).")
_NEXT_UPCOMING = N_("The next batch, {batch}, opens on {start} (Beijing time).")
_NEXT_NONE = N_("No batch of {year} is open or coming.")


async def status(uow: UnitOfWork, account: Account, now: datetime) -> GdStatus:
    account_id = account.id or 0
    async with uow:
        calendar = await uow.gd_catalog.calendar()
        year = current_year(calendar, now)
        sections = await uow.profile_sections.of_account(account_id)
        profile = _judge(sections, now)
        applications: list[ApplicationView] = []
        if year is not None:
            for application in await uow.gd_applications.of_account(account_id, year):
                applications.append(_view(await _load(uow, account_id, application), now))
    batches = tuple(batches_for(calendar, now, year)) if year is not None else ()
    accepted = next(
        (o for a in applications for o in a.offers if o.state is OfferState.ACCEPTED),
        None,
    )
    step, deadline = _next_step(year, profile, batches, applications, accepted, now)
    return GdStatus(year, profile, batches, tuple(applications), accepted, step, deadline)


def _next_step(
    year: int | None,
    profile: Sequence[ModuleStatus],
    batches: Sequence[BatchStatus],
    applications: Sequence[ApplicationView],
    accepted: OfferView | None,
    now: datetime,
) -> tuple[Problem | None, datetime | None]:
    if year is None:
        return Problem(_NO_YEAR), None
    if accepted is not None:
        return Problem(_NEXT_DONE, {"base": accepted.base_name, "specialty": accepted.specialty_name}), None
    answerable = [o for a in applications for o in a.offers if o.can_accept or o.can_decline]
    if answerable:
        end = min(o.confirmation.end for o in answerable)
        return Problem(_NEXT_ANSWER, {"end": end_text(end)}), end
    open_batch = next((b for b in batches if b.selectable), None)
    draft = next((a for a in applications if a.editable), None)
    if draft is not None:
        end = draft.batch.application.end
        return Problem(_NEXT_SUBMIT, {"batch": draft.batch.number, "end": end_text(end)}), end
    waiting = (OfferState.PENDING, OfferState.ADMITTED)
    running = next(
        (
            a
            for a in applications
            if a.submitted
            and a.batch.confirmation.phase(now) is not WindowPhase.CLOSED
            and any(o.state in waiting for o in a.offers)
        ),
        None,
    )
    if running is not None:
        return (
            Problem(
                _NEXT_WAIT,
                {
                    "batch": running.batch.number,
                    "admission_end": end_text(running.batch.admission.end),
                    "confirmation": window_text(running.batch.confirmation),
                },
            ),
            None,
        )
    incomplete = _profile_refusal(profile)
    if incomplete is not None:
        return Problem(_NEXT_PROFILE, dict(incomplete.params)), (
            open_batch.application.end if open_batch else None
        )
    if open_batch is not None:
        end = open_batch.application.end
        return Problem(_NEXT_APPLY, {"batch": open_batch.number, "end": end_text(end)}), end
    coming = next((b for b in batches if b.phase is WindowPhase.UPCOMING), None)
    if coming is not None:
        return Problem(
            _NEXT_UPCOMING, {"batch": coming.number, "start": moment_text(coming.application.start)}
        ), None
    return Problem(_NEXT_NONE, {"year": year}), None
