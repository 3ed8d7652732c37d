"""Which reminders should exist now (issue 7 §1–3): the applicants' state read from the database,
planned and timed by domain/reminders.py, written to the outbox (domain/outbox.py).

Planning runs again and again (the housekeeper's every run); the outbox's unique dedupe keys make it
idempotent, so a reminder is planned once however often this runs. The state changes that make a
reminder pointless cancel it in their own transaction (domain/offers.py, domain/payments.py).

Kinds planned so far: the offer confirmation window closing (an admitted offer not answered, no other
accepted) and the 天津高职升本 registration window closing on an open order (a payment started and not
finished). The others are planned by domain/reminders.py and wait for their wiring here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from domain import outbox, reminders
from domain.model import OfferState, OrderState, OutboxMessage
from domain.offers import GD, offers_of
from domain.ports import UnitOfWork
from domain.programmes import programme
from domain.reminders import Cohort, OpenOffer, Reminder, UnpaidTjApplicant
from domain.tj_reviews import TJ

ButtonData = Callable[[str], str]  # a reminder's step code → its button's callback data


@dataclass(frozen=True)
class Planned:
    added: int  # new outbox rows
    cohorts: list[Cohort]  # every cohort planned now, for the log


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
    planned = reminders.plan_offers(await _open_offers(uow, now), programme(GD).years, now)
    planned += reminders.plan_payment(await _unpaid_orders(uow), programme(TJ).years, now)
    timed, cohorts = reminders.schedule(planned, rate_per_second, now)
    added = 0
    async with uow:
        for reminder in timed:
            added += await outbox.enqueue(uow, _message(reminder, now, button_data))
        await uow.commit()
    return Planned(added, cohorts)
