"""天津高职升本 网上支付 (seed 002 2.10): an order per account and year, paid once through Telegram Payments.

去支付 opens the order (订单详情) with the year's fee; 立即支付 is an invoice whose payload names the
order. Telegram asks before charging (pre_checkout_query, answered within 10 s) and reports the
charge afterwards (successful_payment), possibly twice. So:

- :func:`check_checkout` refuses a payload we did not make or that names another account's order,
  an order already paid, an amount or currency that is not the order's, and a payment after the
  deadline: Telegram shows the reason and charges nothing.
- :func:`record_payment` records a charge once by its telegram_charge_id (the primary key of
  ``payments``). A second, different charge for a paid order (two invoices paid in two chats at
  once) cannot be undone by the bot: it is stored as a duplicate for an operator to refund by hand.
  Which charge pays the order is decided by the database (an update that only an OPEN order passes).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import outbox, reminders
from domain.clock import BEIJING
from domain.masking import mask_id_number
from domain.model import Account, Order, OrderState, Payment
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import Fee
from domain.text import N_

__all__ = [
    "DuplicateCharge",
    "ListedOrder",
    "PaymentRecorded",
    "amount_text",
    "check_checkout",
    "duplicates",
    "listed_orders",
    "open_order",
    "order_id_of",
    "order_of",
    "payload_of",
    "record_payment",
]

MAX_PAYLOAD_BYTES = 128  # Telegram's limit on an invoice payload
# How long an approved pre-checkout holds the order: the charge follows the approval within seconds.
CHECKOUT_HOLD = timedelta(minutes=10)
_PAYLOAD = re.compile(r"order:([1-9][0-9]{0,17})")

_PAID_ON = N_("Your fee was paid on {date}: there is nothing more to pay.")
_UNKNOWN_ORDER = N_("This order is not one of yours: open the order again from the menu.")
_ALREADY_PAID = N_("This order is already paid: you are not charged twice.")
_CHANGED = N_("The amount of this order has changed: open the order again to pay {amount}.")
_IN_PROGRESS = N_(
    "A payment of this order is being completed: wait for its confirmation here. If none comes, you can "
    "pay again after {time} (Beijing time)."
)
_TOO_LATE = N_("Payment closed at {time} (Beijing time): you have not been charged.")


def payload_of(order: Order) -> str:
    """The invoice payload naming the order: ``order:<id>``, far below Telegram's 128 bytes."""
    if order.id is None:
        raise ValueError("the order must be stored before it is paid")
    return f"order:{order.id}"


def order_id_of(payload: str) -> int | None:
    """The order a payload names; None for anything :func:`payload_of` does not make."""
    match = _PAYLOAD.fullmatch(payload) if len(payload.encode()) <= MAX_PAYLOAD_BYTES else None
    return int(match.group(1)) if match else None


def amount_text(amount: int, currency: str) -> str:
    """``4000, "CNY"`` → ``40.00 CNY`` (a 分 is a hundredth of a yuan, as a cent of most currencies)."""
    return f"{amount // 100}.{amount % 100:02d} {currency}"


def _date(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).date().isoformat() if moment else ""


async def order_of(uow: UnitOfWork, account_id: int, programme: str, year: int) -> Order | None:
    async with uow:
        return await uow.orders.find(account_id, programme, year)


async def open_order(
    uow: UnitOfWork, account: Account, programme: str, year: int, fee: Fee, now: datetime
) -> Order | Problem:
    """去支付: the account's order of the year, created on the first visit. An OPEN order takes the
    year's fee as it is now (an invoice sent for an older amount is then refused at checkout)."""
    async with uow:
        account_id = account.id or 0
        order = await uow.orders.find(account_id, programme, year)
        if order is not None and order.state == OrderState.PAID:
            return Problem(_PAID_ON, {"date": _date(order.paid_at)})
        if order is None:
            order = await uow.orders.add(Order(account_id, programme, year, fee.amount, fee.currency, now))
        elif (order.amount, order.currency) != (fee.amount, fee.currency):
            order.amount, order.currency = fee.amount, fee.currency
        await uow.commit()
        return order


async def check_checkout(
    uow: UnitOfWork,
    payload: str,
    account_ids: set[int],
    currency: str,
    total_amount: int,
    now: datetime,
    deadline: datetime | None,
) -> Problem | None:
    """The pre-checkout answer: None to let Telegram charge, else why not (shown to the applicant).

    ``account_ids`` are the accounts the paying chat user holds: an order of any other account is
    refused exactly like a payload we never made, so a forged one learns nothing. An approval holds
    the order for CHECKOUT_HOLD: a second payment started meanwhile (a double tap, a second device)
    is refused, so the applicant is never charged twice; should the approved payment fail at the
    provider, the order can be paid again once the hold has passed."""
    order_id = order_id_of(payload)
    async with uow:
        order = None if order_id is None else await uow.orders.get(order_id)
        if order is None or order.account_id not in account_ids:
            return Problem(_UNKNOWN_ORDER)
        if order.state == OrderState.PAID:
            return Problem(_ALREADY_PAID)
        if (total_amount, currency) != (order.amount, order.currency):
            return Problem(_CHANGED, {"amount": amount_text(order.amount, order.currency)})
        if deadline is not None and now >= deadline:
            return Problem(_TOO_LATE, {"time": deadline.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")})
        if not await uow.orders.hold_checkout(order, now, now + CHECKOUT_HOLD):
            if order.state == OrderState.PAID:  # paid by the payment that held it, meanwhile
                return Problem(_ALREADY_PAID)
            held = order.checkout_until or now
            return Problem(_IN_PROGRESS, {"time": held.astimezone(BEIJING).strftime("%H:%M")})
        await uow.commit()
        return None


@dataclass(frozen=True)
class PaymentRecorded:
    order: Order
    payment: Payment
    first: bool  # False: this charge was recorded before (Telegram delivered it again)
    duplicate: bool  # the order was already paid by another charge: refund this one by hand


async def record_payment(
    uow: UnitOfWork,
    payload: str,
    currency: str,
    total_amount: int,
    telegram_charge_id: str,
    provider_charge_id: str,
    now: datetime,
) -> PaymentRecorded | Problem:
    """successful_payment: record the charge once; the first charge of an OPEN order pays it."""
    order_id = order_id_of(payload)
    async with uow:
        order = None if order_id is None else await uow.orders.get(order_id)
        if order is None or order_id is None:
            # Telegram charged for a payload we never made: there is no order to pay or refer to.
            return Problem(_UNKNOWN_ORDER)
        known = await uow.payments.get(telegram_charge_id)
        if known is not None:
            return PaymentRecorded(order, known, first=False, duplicate=known.duplicate)
        # Decided by the store: only one charge finds the order still OPEN, however many arrive.
        paid_now = order.state == OrderState.OPEN and await uow.orders.mark_paid(
            order, now, telegram_charge_id, provider_charge_id
        )
        charge = (telegram_charge_id, order_id, total_amount, currency, provider_charge_id, now)
        payment = Payment(*charge, duplicate=not paid_now)
        if not await uow.payments.add(payment):
            # The same charge delivered twice at once: the other unit of work recorded it (and this
            # one was rolled back, so read both again).
            known = await uow.payments.get(telegram_charge_id)
            order = await uow.orders.get(order_id)
            if known is None or order is None:
                raise RuntimeError(f"payment {telegram_charge_id} was refused but is not stored")
            return PaymentRecorded(order, known, first=False, duplicate=known.duplicate)
        if paid_now:  # in this transaction: no reminder to pay is sent after the payment
            for prefix in reminders.pointless_after_fee_paid(order.account_id):
                await outbox.cancel(uow, prefix=prefix)
        await uow.commit()
        return PaymentRecorded(order, payment, first=True, duplicate=not paid_now)


# ----- the operator's side (baoming payments list)


@dataclass(frozen=True)
class ListedOrder:
    order: Order
    applicant: str  # the real name, masked
    id_number: str  # masked


@dataclass(frozen=True)
class DuplicateCharge:
    """A charge for an order already paid: refund it by hand (the provider's charge id finds it)."""

    payment: Payment
    order: Order
    applicant: str  # the real name, masked
    id_number: str  # masked


def _mask_name(name: str) -> str:
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1)


async def _who(uow: UnitOfWork, account_id: int) -> tuple[str, str]:
    account = await uow.accounts.get(account_id)
    if account is None:
        return "?", "?"
    return _mask_name(account.real_name), mask_id_number(account.id_number)


async def listed_orders(uow: UnitOfWork, programme: str | None = None) -> list[ListedOrder]:
    async with uow:
        orders = await uow.orders.listed(programme)
        return [ListedOrder(order, *await _who(uow, order.account_id)) for order in orders]


async def duplicates(uow: UnitOfWork) -> list[DuplicateCharge]:
    """Every duplicate charge, the oldest first."""
    async with uow:
        listed = []
        for payment in await uow.payments.duplicates():
            order = await uow.orders.get(payment.order_id)
            if order is not None:
                listed.append(DuplicateCharge(payment, order, *await _who(uow, order.account_id)))
        return listed
