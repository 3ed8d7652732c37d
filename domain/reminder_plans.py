"""Which reminders should exist now (issue 7 §1–3): the applicants' state read from the database,
planned and timed by domain/reminders.py, written to the outbox (domain/outbox.py).

Planning runs again and again (the housekeeper's every run); the outbox's unique dedupe keys make it
idempotent, so a reminder is planned once however often this runs. The state changes that make a
reminder pointless cancel it in their own transaction (domain/offers.py, domain/payments.py).

Every kind is planned here from a snapshot of who still has something to do:

- 广东住培 batches: accounts that have not submitted in a batch and accepted no offer (status());
- 广东住培 offers: an admitted offer not answered, none accepted that year;
- 同等学力申硕: accounts not activated, with their latest activation e-mail;
- 医师资格考试: materials not submitted, or images returned and not yet submitted again;
- 天津高职升本: an open order (the payment started, not finished).

Where the text of a reminder depends on a state that changed (a 广东住培 profile completed), the stale
variant is cancelled here, at the next run, and the other planned: its keys differ.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain import gd_applications, gd_catalog, materials, outbox, reminders
from domain.email_accounts import DEGREE, purge_at
from domain.exam_registrations import NMEC
from domain.model import (
    ApplicationState,
    EmailPurpose,
    OfferState,
    OrderState,
    OutboxMessage,
    SubmissionState,
    UploadState,
)
from domain.offers import GD, offers_of
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import programme
from domain.reminders import (
    Cohort,
    GdApplicant,
    NmecApplicant,
    OpenOffer,
    Reminder,
    UnactivatedAccount,
    UnpaidTjApplicant,
)
from domain.tj_reviews import TJ

ButtonData = Callable[[str], str]  # a reminder's step code → its button's callback data


@dataclass(frozen=True)
class Planned:
    added: int  # new outbox rows
    cohorts: list[Cohort]  # every cohort planned now, for the log


async def _gd_applicants(uow: UnitOfWork, now: datetime) -> list[GdApplicant]:
    async with uow:
        accounts = await uow.accounts.of_programme(GD)
    found = []
    for account in accounts:
        if account.user_id is None:
            continue
        status = await gd_applications.status(uow, account, now)
        if status.year is None:
            continue
        found.append(
            GdApplicant(
                account.user_id,
                account.id or 0,
                status.year,
                profile_done=all(module.complete for module in status.profile),
                submitted_batches=frozenset(
                    view.batch.number
                    for view in status.applications
                    if view.state is not ApplicationState.DRAFT
                ),
                accepted=status.accepted is not None,
            )
        )
    return found


async def _open_offers(uow: UnitOfWork, now: datetime) -> list[OpenOffer]:
    async with uow:
        accounts = await uow.accounts.of_programme(GD)
    found = []
    for account in accounts:
        if account.user_id is None:
            continue
        views = await offers_of(uow, account, now)
        accepted_years = {view.year for view in views if view.state is OfferState.ACCEPTED}
        found += [
            OpenOffer(
                account.user_id,
                account.id or 0,
                view.id,
                view.year,
                view.batch,
                view.base_name,
                view.decided_at,
            )
            for view in views
            if view.state is OfferState.ADMITTED and view.year not in accepted_years
        ]
    return found


async def _unpaid_orders(uow: UnitOfWork) -> list[UnpaidTjApplicant]:
    async with uow:
        orders = [order for order in await uow.orders.listed(TJ) if order.state == OrderState.OPEN]
        holders = {order.account_id: await uow.accounts.get(order.account_id) for order in orders}
    return [
        UnpaidTjApplicant(holder.user_id, order.account_id, order.year)
        for order in orders
        if (holder := holders[order.account_id]) is not None and holder.user_id is not None
    ]


async def _unactivated(uow: UnitOfWork, now: datetime) -> list[UnactivatedAccount]:
    found = []
    async with uow:
        for account in await uow.accounts.unactivated(DEGREE, now):
            email = await uow.email_challenges.latest(account.id or 0, EmailPurpose.ACTIVATE)
            if account.user_id is None or email is None:
                continue
            found.append(
                UnactivatedAccount(
                    account.user_id,
                    account.id or 0,
                    purge_at(account),
                    email.id or 0,
                    email.sent_at,
                    email.expires_at,
                )
            )
    return found


_SUBMITTED = {SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.REJECTED}


async def _nmec_applicants(uow: UnitOfWork, now: datetime) -> list[NmecApplicant]:
    async with uow:
        accounts = await uow.accounts.of_programme(NMEC)
    found = []
    for account in accounts:
        context = await materials.material_context(uow, account, now)
        if account.user_id is None or isinstance(context, Problem):
            continue
        async with uow:
            submission = await uow.submissions.get(account.id or 0, materials.KIND)
            uploads = await uow.uploads.of_account(account.id or 0, materials.KIND)
        returned = [
            upload.reviewed_at
            for upload in uploads
            if upload.state == UploadState.RETURNED and upload.reviewed_at is not None
        ]
        found.append(
            NmecApplicant(
                account.user_id,
                account.id or 0,
                context.year,
                context.registration.exam_region,
                submitted=submission is not None and submission.state in _SUBMITTED,
                returned_since=min(returned, default=None),
            )
        )
    return found


def _message(reminder: Reminder, now: datetime, button_data: ButtonData) -> OutboxMessage:
    return OutboxMessage(
        user_id=reminder.user_id,
        kind=reminder.kind,
        dedupe_key=reminder.dedupe_key,
        text_id=reminder.text_id,
        due_at=reminder.due_at,
        created_at=now,
        params=dict(reminder.params),
        button_text_id=reminder.button_text_id,
        button_data=button_data(reminder.button),
        deadline_at=reminder.deadline_at,
    )


async def plan(uow: UnitOfWork, now: datetime, rate_per_second: float, button_data: ButtonData) -> Planned:
    """Plan every reminder due from now on and queue those not planned before."""
    gd_applicants = await _gd_applicants(uow, now)
    calendar = await gd_catalog.calendar(uow)
    planned = reminders.plan_batches(gd_applicants, calendar, now)
    planned += reminders.plan_offers(await _open_offers(uow, now), calendar, now)
    planned += reminders.plan_activation(await _unactivated(uow, now), now)
    planned += reminders.plan_materials(await _nmec_applicants(uow, now), programme(NMEC).years, now)
    planned += reminders.plan_payment(await _unpaid_orders(uow), programme(TJ).years, now)
    timed, cohorts = reminders.schedule(planned, rate_per_second, now)
    added = 0
    async with uow:
        for applicant in gd_applicants:
            # A profile completed since: the "complete your profile" variant of batches still to
            # come no longer holds (see the module's docstring).
            if not applicant.profile_done:
                continue
            batches = [b.number for b in calendar.get(applicant.year, ()) if now < b.application.end]
            for prefix in reminders.pointless_after_profile_changed(
                applicant.account_id, applicant.year, batches, profile_done=True
            ):
                await outbox.cancel(uow, prefix=prefix)
        for reminder in timed:
            added += await outbox.enqueue(uow, _message(reminder, now, button_data))
        await uow.commit()
    return Planned(added, cohorts)
