"""Reminders before every deadline (issue 7, parts 1 and 3): what to remind whom, when, and at what pace.

Pure planning, no I/O. The caller reads plain snapshots of the applicants' state (the dataclasses
below), asks ``plan_*`` which reminders should exist now, spreads them with :func:`schedule` so that a
deadline shared by many is reached at the sender's rate, and writes them into the outbox under their
dedupe keys (a key already there is never planned twice). A state change that makes reminders
pointless cancels the queued ones by the key prefixes of the ``pointless_after_*`` functions, in the
same transaction as the change.

Decisions:

- A reminder may be planned days ahead, so its text must not go stale meanwhile. ``params`` hold only
  what is fixed for its subject (batch, training base, region, deadline); what is left is said by the
  choice of message (profile still incomplete or only the application left), and the button opens the
  live step. Where the variant can change (a 广东住培 profile completed), the variant is part of the
  dedupe key, and the change cancels the old variant so that planning adds the new one.
- A cancelled row keeps its dedupe key, so a state that can come back starts a new subject: returned
  materials are keyed by the round (its first return), an activation reminder by its e-mail.
- A reminder whose time passed while its deadline has not is planned due now ("caught up"): only
  the latest of its kind, only when no later one of it is still to come, and only if it would have
  been sent after the event that caused it (``since``: the decision on an offer, the return of
  images, the activation e-mail). Those events are announced at once by their own notices, which
  already say the deadline.
- A reminder of a window's close is never due before the window opens: it would ask for something
  that cannot be done yet.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import groupby

from domain.clock import BEIJING
from domain.model import BatchCalendar
from domain.programmes import ProgrammeYear
from domain.text import N_
from domain.windows import Window, end_text, moment_text

__all__ = [
    "BUTTON_LABELS",
    "SCHEDULES",
    "Cohort",
    "GdApplicant",
    "NmecApplicant",
    "OpenOffer",
    "Reminder",
    "ReminderKind",
    "Schedule",
    "Spread",
    "UnactivatedAccount",
    "UnpaidTjApplicant",
    "plan_activation",
    "plan_batches",
    "plan_log_line",
    "plan_materials",
    "plan_offers",
    "plan_payment",
    "pointless_after_account_removed",
    "pointless_after_activation",
    "pointless_after_activation_resent",
    "pointless_after_application_submitted",
    "pointless_after_fee_paid",
    "pointless_after_materials_submitted",
    "pointless_after_offer_accepted",
    "pointless_after_offer_answered",
    "pointless_after_profile_changed",
    "schedule",
    "spread",
]


class ReminderKind(StrEnum):
    BATCH_OPENS = "batch-opens"  # 广东住培: a batch's application window opens
    BATCH_CLOSES = "batch-closes"  # 广东住培: it closes, and the applicant has not submitted in it
    OFFER_CLOSES = "offer-closes"  # 广东住培: an admitted offer (录取) still unanswered
    ACTIVATION = "activation"  # 同等学力申硕: the activation e-mail's 24 hours run out
    CLEANUP = "cleanup"  # 同等学力申硕: the unactivated account is deleted after 7 days
    MATERIALS_RETURNED = "materials-returned"  # 医师资格考试: returned images not yet replaced
    UPLOAD_DEADLINE = "upload-deadline"  # 医师资格考试: materials not submitted for review
    PAYMENT_CLOSES = "payment-closes"  # 天津高职升本: the fee unpaid before registration closes


@dataclass(frozen=True)
class Schedule:
    """When the reminders of one kind go."""

    # Before the deadline; for BATCH_OPENS, after the opening. Earliest first.
    leads: tuple[timedelta, ...]
    # How long after its time a missed reminder is still worth sending; None: until the deadline.
    late: timedelta | None = None


_HOUR = timedelta(hours=1)

# The one table of lead times. Windows of several days get a first call three days ahead and a last
# one a day ahead, which quiet hours never hold back (outbox: no quiet hours in a deadline's last
# 24 hours). The 天津 registration window lasts 56 hours, so a day and three hours ahead.
SCHEDULES: Mapping[ReminderKind, Schedule] = {
    # At the opening; an opening told more than a day late is no news (the closing reminders follow).
    ReminderKind.BATCH_OPENS: Schedule((timedelta(0),), late=24 * _HOUR),
    ReminderKind.BATCH_CLOSES: Schedule((72 * _HOUR, 24 * _HOUR)),
    ReminderKind.OFFER_CLOSES: Schedule((72 * _HOUR, 24 * _HOUR)),
    # Halfway through the link's 24 hours: time enough to find the e-mail or ask for a new one.
    ReminderKind.ACTIVATION: Schedule((12 * _HOUR,)),
    ReminderKind.CLEANUP: Schedule((24 * _HOUR,)),
    ReminderKind.MATERIALS_RETURNED: Schedule((72 * _HOUR, 24 * _HOUR)),
    ReminderKind.UPLOAD_DEADLINE: Schedule((72 * _HOUR, 24 * _HOUR)),
    ReminderKind.PAYMENT_CLOSES: Schedule((24 * _HOUR, 3 * _HOUR)),
}

# Action codes of the button (the step it opens) and their labels.
GD_PROFILE = "gd:profile"
GD_APPLY = "gd:apply"
GD_OFFERS = "gd:offers"
DEGREE_ACTIVATE = "degree:activate"
NMEC_MATERIALS = "nmec:materials"
TJ_PAY = "tj:pay"

BUTTON_LABELS: Mapping[str, str] = {
    GD_PROFILE: N_("Complete my profile"),
    GD_APPLY: N_("Apply now"),
    GD_OFFERS: N_("Answer my offers"),
    DEGREE_ACTIVATE: N_("Activate my account"),
    NMEC_MATERIALS: N_("My materials"),
    TJ_PAY: N_("Pay the fee"),
}

BATCH_OPENS_PROFILE = N_(
    "Batch {batch} of 广东住培 is open for applications until {deadline} (Beijing time). Still to do: "
    "complete the four modules of your profile (学员信息维护), then apply."
)
BATCH_OPENS_APPLY = N_(
    "Batch {batch} of 广东住培 is open for applications until {deadline} (Beijing time). Still to do: "
    "choose your specialty and training bases and submit your application (提交)."
)
BATCH_CLOSES_PROFILE = N_(
    "Reminder: batch {batch} of 广东住培 closes {deadline} (Beijing time). Still to do: complete the "
    "four modules of your profile (学员信息维护), then apply."
)
BATCH_CLOSES_APPLY = N_(
    "Reminder: batch {batch} of 广东住培 closes {deadline} (Beijing time). Still to do: submit your "
    "application (提交)."
)
OFFER_CLOSES = N_(
    "Reminder: {base} admitted you in batch {batch} (录取). Accept or decline by {deadline} (Beijing "
    "time): after that the offer can no longer be answered."
)
ACTIVATION = N_(
    "Reminder: your 同等学力申硕 account is not activated yet. The link and code we e-mailed are valid "
    "until {deadline}, and an account not activated is deleted at {purge} (Beijing time)."
)
CLEANUP = N_(
    "Reminder: your 同等学力申硕 account is still not activated and will be deleted at {deadline} "
    "(Beijing time). Activate it before then; ask for a new e-mail if the last one has expired."
)
MATERIALS_RETURNED = N_(
    "Reminder: the reviewers returned images of your materials for {region}. Replace them and submit "
    "again (提交审核) by {deadline} (Beijing time), when all materials are locked."
)
UPLOAD_DEADLINE = N_(
    "Reminder: your materials for {region} are not submitted for review yet. Upload what is missing "
    "and submit them (提交审核) by {deadline} (Beijing time), when all materials are locked."
)
PAYMENT_CLOSES = N_(
    "Reminder: registration for 天津高职升本 closes {deadline} (Beijing time) and your fee is not paid "
    "yet (网上支付). Without the payment your registration is not complete."
)

_UPLOAD_WINDOW = "upload"  # as domain/materials.py names the region's window
_REGISTRATION_WINDOW = "registration"  # as domain/tj_steps.py names it


@dataclass(frozen=True)
class Reminder:
    """One reminder to write into the outbox (domain.model.OutboxMessage, ``bulk=True``)."""

    user_id: int  # the ChatUser holding the account
    account_id: int
    kind: ReminderKind
    # "{kind}:{account}:{subject}:{lead}", e.g. "offer-closes:42:o17:24h"; a 广东住培 window's reminders
    # end with the window ("@2104141600-2104221600", UTC), so that a window moved by a new catalog
    # plans them again (domain/gd_catalog.py cancels the old ones).
    dedupe_key: str
    text_id: str  # msgid, formatted with ``params`` in the applicant's language
    params: Mapping[str, str | int]
    button: str  # action code of the step the button opens; its label is BUTTON_LABELS[button]
    due_at: datetime
    deadline_at: datetime  # the deadline it is about (quiet hours yield in its last 24 hours)
    lead: timedelta  # before deadline_at (after the opening for BATCH_OPENS): groups a cohort

    @property
    def button_text_id(self) -> str:
        return BUTTON_LABELS[self.button]


def _lead_tag(lead: timedelta) -> str:
    seconds = int(lead.total_seconds())
    return f"{seconds // 3600}h" if seconds % 3600 == 0 else f"{seconds // 60}m"


def _window_tag(window: Window) -> str:
    return f"@{window.start.astimezone(UTC):%y%m%d%H%M}-{window.end.astimezone(UTC):%y%m%d%H%M}"


def _key(kind: ReminderKind, account_id: int, subject: str) -> str:
    """The prefix shared by every lead of one subject; it ends with ":" so that o1 never matches o17."""
    return f"{kind}:{account_id}:{subject}:"


def _due_times(
    kind: ReminderKind,
    anchor: datetime,
    deadline: datetime,
    now: datetime,
    *,
    opens: datetime | None = None,
    since: datetime | None = None,
) -> list[tuple[timedelta, datetime]]:
    """The (lead, due time) pairs to plan now: every future one; when there is none, the latest
    missed one if it is still worth sending (due now). ``anchor`` is what the leads count back from
    (the deadline, or the opening for BATCH_OPENS, whose lead is zero); ``opens``: nothing is due
    before it."""
    if now >= deadline:
        return []
    schedule = SCHEDULES[kind]
    planned: list[tuple[timedelta, datetime]] = []
    missed: tuple[timedelta, datetime] | None = None
    for lead in schedule.leads:
        due = anchor - lead
        if (opens is not None and due < opens) or (since is not None and due < since):
            continue
        if due >= now:
            planned.append((lead, due))
        elif schedule.late is None or now - due <= schedule.late:
            missed = (lead, now)  # leads run earliest first: the last one missed wins
    # A missed one is caught up only when none is still to come: two within minutes help nobody.
    return planned or ([missed] if missed else [])


def _reminders(
    kind: ReminderKind,
    user_id: int,
    account_id: int,
    subject: str,
    text_id: str,
    params: Mapping[str, str | int],
    button: str,
    deadline: datetime,
    times: Iterable[tuple[timedelta, datetime]],
    window: Window | None = None,
) -> list[Reminder]:
    prefix = _key(kind, account_id, subject)
    version = _window_tag(window) if window is not None else ""
    return [
        Reminder(
            user_id=user_id,
            account_id=account_id,
            kind=kind,
            dedupe_key=prefix + _lead_tag(lead) + version,
            text_id=text_id,
            params=dict(params),
            button=button,
            due_at=due,
            deadline_at=deadline,
            lead=lead,
        )
        for lead, due in times
    ]


# ----- 广东住培 (seed 000): batch windows and offers


@dataclass(frozen=True)
class GdApplicant:
    """One 广东住培 account in one intake year."""

    user_id: int
    account_id: int
    year: int
    profile_done: bool  # the four modules of 学员信息维护 are complete
    submitted_batches: frozenset[int] = frozenset()  # batches with a submitted application (提交)
    accepted: bool = False  # an offer of the year is accepted: the process has ended


def _batch_subject(year: int, batch: int, profile_done: bool) -> str:
    return f"{year}b{batch}" if profile_done else f"{year}b{batch}-profile"


def plan_batches(applicants: Iterable[GdApplicant], calendar: BatchCalendar, now: datetime) -> list[Reminder]:
    """BATCH_OPENS and BATCH_CLOSES of every batch, to applicants who have not submitted in it. Not to
    one who accepted an offer (accepting ends the process), nor in a batch that opens while an
    earlier submitted application's offers can still be answered (seed 000 四 2: a later batch is
    for those not admitted or who did not accept)."""
    planned: list[Reminder] = []
    for applicant in applicants:
        batches = calendar.get(applicant.year, ())
        if applicant.accepted:
            continue
        for batch in batches:
            if batch.number in applicant.submitted_batches:
                continue
            window = batch.application
            waiting_until = max(
                (
                    earlier.confirmation.end
                    for earlier in batches
                    if earlier.number < batch.number and earlier.number in applicant.submitted_batches
                ),
                default=None,
            )
            done = applicant.profile_done
            subject = _batch_subject(applicant.year, batch.number, done)
            params: dict[str, str | int] = {"batch": batch.number, "deadline": end_text(window.end)}
            button = GD_APPLY if done else GD_PROFILE
            for kind, anchor, opens, text_id in (
                (
                    ReminderKind.BATCH_OPENS,
                    window.start,
                    None,
                    BATCH_OPENS_APPLY if done else BATCH_OPENS_PROFILE,
                ),
                (
                    ReminderKind.BATCH_CLOSES,
                    window.end,
                    window.start,
                    BATCH_CLOSES_APPLY if done else BATCH_CLOSES_PROFILE,
                ),
            ):
                times = _due_times(kind, anchor, window.end, now, opens=opens)
                if waiting_until is not None:
                    times = [(lead, due) for lead, due in times if due >= waiting_until]
                planned += _reminders(
                    kind, applicant.user_id, applicant.account_id, subject, text_id, params, button,
                    window.end, times, window,
                )  # fmt: skip
    return planned


@dataclass(frozen=True)
class OpenOffer:
    """An ADMITTED offer (录取) not answered yet, of an account that has accepted no offer this year
    (once one is accepted, the others can no longer be accepted: nothing to remind)."""

    user_id: int
    account_id: int
    offer_id: int
    year: int
    batch: int
    base: str  # the training base's name, as the catalog writes it (Chinese, the same in every locale)
    decided_at: datetime | None = None  # when the base admitted: the decision notice told the deadline


def plan_offers(offers: Iterable[OpenOffer], calendar: BatchCalendar, now: datetime) -> list[Reminder]:
    """OFFER_CLOSES before the batch's confirmation window (学员确认) closes."""
    planned: list[Reminder] = []
    for offer in offers:
        batch = next((b for b in calendar.get(offer.year, ()) if b.number == offer.batch), None)
        if batch is None:
            continue
        window = batch.confirmation
        times = _due_times(
            ReminderKind.OFFER_CLOSES, window.end, window.end, now, opens=window.start, since=offer.decided_at
        )
        params: dict[str, str | int] = {
            "base": offer.base,
            "batch": offer.batch,
            "deadline": end_text(window.end),
        }
        planned += _reminders(
            ReminderKind.OFFER_CLOSES, offer.user_id, offer.account_id, f"o{offer.offer_id}",
            OFFER_CLOSES, params, GD_OFFERS, window.end, times, window,
        )  # fmt: skip
    return planned


# ----- 同等学力申硕 (seed 003): activation within 24 hours, deletion after 7 days


@dataclass(frozen=True)
class UnactivatedAccount:
    """An account not activated yet, with its latest activation e-mail."""

    user_id: int
    account_id: int
    purge_at: datetime  # domain.email_accounts.purge_at: created + 7 days
    email_id: int  # the latest activation e-mail (EmailChallenge id): a new e-mail, a new reminder
    email_sent_at: datetime
    link_expires_at: datetime  # that e-mail's expires_at


def plan_activation(accounts: Iterable[UnactivatedAccount], now: datetime) -> list[Reminder]:
    """ACTIVATION before the latest e-mail's link expires, CLEANUP before the account is deleted."""
    planned: list[Reminder] = []
    for account in accounts:
        expires = min(account.link_expires_at, account.purge_at)
        times = _due_times(ReminderKind.ACTIVATION, expires, expires, now, since=account.email_sent_at)
        params: dict[str, str | int] = {"deadline": end_text(expires), "purge": end_text(account.purge_at)}
        planned += _reminders(
            ReminderKind.ACTIVATION, account.user_id, account.account_id, f"e{account.email_id}",
            ACTIVATION, params, DEGREE_ACTIVATE, expires, times,
        )  # fmt: skip
        times = _due_times(ReminderKind.CLEANUP, account.purge_at, account.purge_at, now)
        planned += _reminders(
            ReminderKind.CLEANUP, account.user_id, account.account_id, "purge",
            CLEANUP, {"deadline": end_text(account.purge_at)}, DEGREE_ACTIVATE, account.purge_at, times,
        )  # fmt: skip
    return planned


# ----- 医师资格考试 报名材料 (seed 001): the exam region's upload deadline


@dataclass(frozen=True)
class NmecApplicant:
    """One account's materials in its exam region and catalog year (domain.materials.catalog_year)."""

    user_id: int
    account_id: int
    year: int
    region: str  # region code, like "tianjin"
    submitted: bool  # 提交审核 done and nothing returned since (SUBMITTED, APPROVED, REJECTED)
    # The earliest return among the images still returned: the start of this round of changes.
    returned_since: datetime | None = None


def plan_materials(
    applicants: Iterable[NmecApplicant], years: Mapping[int, ProgrammeYear], now: datetime
) -> list[Reminder]:
    """MATERIALS_RETURNED while returned images wait for replacement, else UPLOAD_DEADLINE while the
    materials are not submitted, before the region's upload window closes."""
    planned: list[Reminder] = []
    for applicant in applicants:
        year = years.get(applicant.year)
        region = year.regions.get(applicant.region) if year else None
        window = region.windows.get(_UPLOAD_WINDOW) if region else None
        if region is None or window is None:
            continue
        params: dict[str, str | int] = {"region": region.official_name, "deadline": end_text(window.end)}
        subject = f"{applicant.region}-{applicant.year}"
        if applicant.returned_since is not None:
            kind, text_id = ReminderKind.MATERIALS_RETURNED, MATERIALS_RETURNED
            subject += "-r" + applicant.returned_since.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
        elif not applicant.submitted:
            kind, text_id = ReminderKind.UPLOAD_DEADLINE, UPLOAD_DEADLINE
        else:
            continue
        times = _due_times(
            kind, window.end, window.end, now, opens=window.start, since=applicant.returned_since
        )
        planned += _reminders(
            kind, applicant.user_id, applicant.account_id, subject, text_id, params, NMEC_MATERIALS,
            window.end, times,
        )  # fmt: skip
    return planned


# ----- 天津高职升本 (seed 002): the fee before the registration window closes


@dataclass(frozen=True)
class UnpaidTjApplicant:
    """An account of the year whose fee (网上支付) is not paid."""

    user_id: int
    account_id: int
    year: int


def plan_payment(
    applicants: Iterable[UnpaidTjApplicant], years: Mapping[int, ProgrammeYear], now: datetime
) -> list[Reminder]:
    """PAYMENT_CLOSES before the year's registration window closes (payment happens inside it)."""
    planned: list[Reminder] = []
    for applicant in applicants:
        year = years.get(applicant.year)
        window: Window | None = year.windows.get(_REGISTRATION_WINDOW) if year else None
        if window is None or (year is not None and year.fee is None):
            continue
        times = _due_times(ReminderKind.PAYMENT_CLOSES, window.end, window.end, now, opens=window.start)
        planned += _reminders(
            ReminderKind.PAYMENT_CLOSES, applicant.user_id, applicant.account_id, str(applicant.year),
            PAYMENT_CLOSES, {"deadline": end_text(window.end)}, TJ_PAY, window.end, times,
        )  # fmt: skip
    return planned


# ----- what a state change makes pointless: key prefixes for the outbox's cancel


def pointless_after_application_submitted(account_id: int, year: int, batch: int) -> tuple[str, ...]:
    """提交 in a batch: its opening and closing reminders, in both variants."""
    return tuple(
        _key(kind, account_id, _batch_subject(year, batch, done))
        for kind in (ReminderKind.BATCH_OPENS, ReminderKind.BATCH_CLOSES)
        for done in (True, False)
    )


def pointless_after_profile_changed(
    account_id: int, year: int, batches: Iterable[int], profile_done: bool
) -> tuple[str, ...]:
    """The four modules became complete (or incomplete again): the other variant of every batch's
    reminders, so that the next planning adds the one that now holds. A variant cancelled once stays
    cancelled (its keys are taken), so a profile that flips back and forth gets each variant once."""
    return tuple(
        _key(kind, account_id, _batch_subject(year, batch, not profile_done))
        for kind in (ReminderKind.BATCH_OPENS, ReminderKind.BATCH_CLOSES)
        for batch in batches
    )


def pointless_after_offer_answered(account_id: int, offer_id: int) -> tuple[str, ...]:
    """接受 or 放弃 of one offer, or a base correcting its 录取: that offer's reminders."""
    return (_key(ReminderKind.OFFER_CLOSES, account_id, f"o{offer_id}"),)


def pointless_after_offer_accepted(account_id: int) -> tuple[str, ...]:
    """接受 ends the process: every offer and batch reminder of the account."""
    return tuple(
        f"{kind}:{account_id}:"
        for kind in (ReminderKind.OFFER_CLOSES, ReminderKind.BATCH_OPENS, ReminderKind.BATCH_CLOSES)
    )


def pointless_after_activation(account_id: int) -> tuple[str, ...]:
    return tuple(f"{kind}:{account_id}:" for kind in (ReminderKind.ACTIVATION, ReminderKind.CLEANUP))


def pointless_after_activation_resent(account_id: int) -> tuple[str, ...]:
    """A new activation e-mail: the old e-mail's reminder names a deadline that no longer holds.
    Cancel before planning the new one (its key names the new e-mail)."""
    return (f"{ReminderKind.ACTIVATION}:{account_id}:",)


def pointless_after_materials_submitted(account_id: int) -> tuple[str, ...]:
    """提交审核 (first time or after replacing returned images)."""
    return tuple(
        f"{kind}:{account_id}:" for kind in (ReminderKind.UPLOAD_DEADLINE, ReminderKind.MATERIALS_RETURNED)
    )


def pointless_after_fee_paid(account_id: int) -> tuple[str, ...]:
    return (f"{ReminderKind.PAYMENT_CLOSES}:{account_id}:",)


def pointless_after_account_removed(account_id: int) -> tuple[str, ...]:
    return tuple(f"{kind}:{account_id}:" for kind in ReminderKind)


# ----- throughput (issue 7 §3): a deadline shared by many is reached at the sender's rate


@dataclass(frozen=True)
class Spread:
    """When to send ``audience`` messages at a rate so that the last goes by ``end``."""

    start: datetime
    end: datetime
    seconds: float


def spread(deadline_at: datetime, lead: timedelta, audience: int, rate_per_second: float) -> Spread:
    """N messages at r per second take N/r seconds: they start at ``deadline - lead - N/r`` to be sent
    by ``deadline - lead`` (1 000 000 at 25/s: 40 000 s, about 11 h 7 min)."""
    if rate_per_second <= 0:
        raise ValueError(f"the rate must be positive, got {rate_per_second}")
    if audience < 0:
        raise ValueError(f"the audience cannot be negative, got {audience}")
    end = deadline_at - lead
    seconds = audience / rate_per_second
    return Spread(start=end - timedelta(seconds=seconds), end=end, seconds=seconds)


def _duration_text(seconds: float) -> str:
    if seconds < 60:
        return f"{math.ceil(seconds)} s"
    minutes = math.floor(seconds / 60 + 0.5)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def plan_log_line(what: str, audience: int, plan: Spread, rate_per_second: float) -> str:
    """For the operator log: "1000000 reminders for X: sending from … to … (11 h 7 min at 25/s)"."""
    return (
        f"{audience} reminders for {what}: sending from {moment_text(plan.start)} to "
        f"{moment_text(plan.end)} Beijing time ({_duration_text(plan.seconds)} at {rate_per_second:g}/s)"
    )


@dataclass(frozen=True)
class Cohort:
    """The reminders of one kind, deadline and lead: they share one spread."""

    kind: ReminderKind
    deadline_at: datetime
    lead: timedelta
    audience: int
    rate_per_second: float
    spread: Spread  # as sending actually goes: from ``now`` when the ideal start has passed
    target: datetime  # by when all should be sent: deadline - lead
    late: bool  # the ideal start has passed: the last one goes after ``target``
    dropped: int = 0  # so late that they would go after the deadline: not planned

    def log_line(self) -> str:
        what = f"{self.kind} {_lead_tag(self.lead)} before {end_text(self.deadline_at)}"
        line = plan_log_line(what, self.audience, self.spread, self.rate_per_second)
        if self.late:
            line += f"; LATE: the target was {moment_text(self.target)}"
        if self.dropped:
            line += f"; {self.dropped} dropped: they would go after the deadline"
        return line


def _cohort_key(reminder: Reminder) -> tuple[ReminderKind, datetime, timedelta]:
    return reminder.kind, reminder.deadline_at, reminder.lead


def schedule(
    reminders: Sequence[Reminder], rate_per_second: float, now: datetime
) -> tuple[list[Reminder], list[Cohort]]:
    """Give each reminder its due time inside its cohort's spread, in a stable order (account, then
    key), so that the cohort is sent by its time at ``rate_per_second``; returns them by due time,
    and the cohorts for the log. A spread whose start has passed starts ``now`` and is marked late;
    a reminder that would then go at or after its deadline is dropped (and counted), since it would
    announce a deadline already past.

    BATCH_OPENS is not spread back before the opening (nothing can be done before it): it starts at
    the opening and says how long it takes."""
    if rate_per_second <= 0:
        raise ValueError(f"the rate must be positive, got {rate_per_second}")
    step = timedelta(seconds=1 / rate_per_second)
    scheduled: list[Reminder] = []
    cohorts: list[Cohort] = []
    ordered = sorted(reminders, key=lambda r: (*_cohort_key(r), r.account_id, r.dedupe_key))
    for (kind, deadline, lead), members in groupby(ordered, key=_cohort_key):
        group = list(members)
        if kind is ReminderKind.BATCH_OPENS:
            opening = min(r.due_at for r in group)
            span = spread(opening + len(group) * step, timedelta(0), len(group), rate_per_second)
            target = span.start
        else:
            span = spread(deadline, lead, len(group), rate_per_second)
            target = span.end
        late = span.start < now
        if late:
            span = Spread(now, now + timedelta(seconds=span.seconds), span.seconds)
        timed = [replace(r, due_at=span.start + index * step) for index, r in enumerate(group)]
        kept = [r for r in timed if r.due_at < r.deadline_at]
        scheduled += kept
        cohorts.append(
            Cohort(
                kind, deadline, lead, len(group), rate_per_second, span, target, late, len(timed) - len(kept)
            )
        )
    scheduled.sort(key=lambda r: (r.due_at, r.dedupe_key))
    return scheduled, cohorts
