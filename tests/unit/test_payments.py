"""天津高职升本 网上支付 (seed 002 2.10): one order per account and year, every pre-checkout refusal, and
a charge recorded once; a second charge for a paid order is kept as a duplicate to refund."""

from datetime import datetime, timedelta

import pytest

from domain import payments
from domain.clock import BEIJING
from domain.model import Account, Order, OrderState
from domain.payments import (
    PaymentRecorded,
    check_checkout,
    duplicates,
    listed_orders,
    open_order,
    order_id_of,
    order_of,
    payload_of,
    record_payment,
)
from domain.problems import Problem
from domain.programmes import DECLARATIONS, CatalogError, Fee, programme, programme_from_toml
from tests.fakes import FakeUnitOfWork
from tests.unit.test_tj_verification import WANG_WU, ZHANG_SAN, tj_account

TJ = "tj-upgrade"
NOW = datetime(2022, 11, 21, 10, 0, tzinfo=BEIJING)
DEADLINE = datetime(2022, 11, 23, 17, 0, tzinfo=BEIJING)
FEE = Fee(4000, "CNY")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def an_order(result: Order | Problem) -> Order:
    assert isinstance(result, Order), result
    return result


def recorded(result: PaymentRecorded | Problem) -> PaymentRecorded:
    assert isinstance(result, PaymentRecorded), result
    return result


async def opened(uow: FakeUnitOfWork, account: Account | None = None) -> tuple[Account, Order]:
    account = account or await tj_account(uow)
    return account, an_order(await open_order(uow, account, TJ, 2023, FEE, NOW))


async def checkout(uow: FakeUnitOfWork, order: Order, account: Account, **changes: object) -> Problem | None:
    values: dict[str, object] = {
        "payload": payload_of(order),
        "account_ids": {account.id},
        "currency": "CNY",
        "total_amount": 4000,
        "now": NOW,
        "deadline": DEADLINE,
    }
    values.update(changes)
    return await check_checkout(uow, **values)  # type: ignore[arg-type]


async def pay(
    uow: FakeUnitOfWork, order: Order, charge: str, at: datetime = NOW
) -> PaymentRecorded | Problem:
    return await record_payment(uow, payload_of(order), "CNY", 4000, charge, f"provider-{charge}", at)


# ----- the fee of a year


def test_the_2023_fee_is_a_sample_of_40_yuan_in_fen() -> None:
    assert programme(TJ).year(2023).fee == Fee(4000, "CNY")


GOOD = """
code = "tj-upgrade"
official_name = "天津高职升本报名"
[years.2023.fee]
"""


@pytest.mark.parametrize(
    ("fee", "where"),
    [
        ('amount = 0\ncurrency = "CNY"', "years.2023.fee.amount: must be 1 to"),
        ('amount = 40.0\ncurrency = "CNY"', "years.2023.fee.amount: must be an integer"),
        ('amount = 4000\ncurrency = "yuan"', "years.2023.fee.currency: 'yuan' is not an ISO 4217"),
        ("amount = 4000", "years.2023.fee.currency: is missing"),
        ('amount = 4000\ncurrency = "CNY"\ncents = true', "years.2023.fee.cents: unknown key"),
    ],
)
def test_a_malformed_fee_fails_loudly_naming_the_key(fee: str, where: str) -> None:
    declaration = next(d for d in DECLARATIONS if d.code == TJ)
    with pytest.raises(CatalogError, match=where.replace(".", r"\.").replace("(", r"\(")):
        programme_from_toml(GOOD + fee, declaration)


def test_a_year_without_a_fee_has_none() -> None:
    declaration = next(d for d in DECLARATIONS if d.code == TJ)
    loaded = programme_from_toml(GOOD.replace("[years.2023.fee]", "[years.2023.windows]"), declaration)
    assert loaded.year(2023).fee is None


# ----- payloads


def test_a_payload_names_the_order_and_nothing_else_is_read_as_one() -> None:
    order = Order(1, TJ, 2023, 4000, "CNY", NOW, id=42)
    assert payload_of(order) == "order:42" and order_id_of("order:42") == 42
    for forged in (
        "order:",
        "order:0",
        "order:-1",
        "order:4x",
        "Order:42",
        " order:42",
        "order:１",
        "x" * 200,
    ):
        assert order_id_of(forged) is None, forged


def test_an_unstored_order_has_no_payload() -> None:
    with pytest.raises(ValueError, match="stored"):
        payload_of(Order(1, TJ, 2023, 4000, "CNY", NOW))


# ----- orders


async def test_an_order_is_opened_once_and_reused(uow):
    account, order = await opened(uow)

    again = an_order(await open_order(uow, account, TJ, 2023, FEE, NOW + timedelta(hours=1)))

    assert again.id == order.id and again.created_at == NOW
    assert (order.amount, order.currency, order.state) == (4000, "CNY", OrderState.OPEN)
    assert len(uow.stored_orders()) == 1
    found = await order_of(uow, account.id or 0, TJ, 2023)
    assert found is not None and found.id == order.id
    assert await order_of(uow, account.id or 0, TJ, 2024) is None


async def test_an_open_order_takes_the_fee_as_it_is_now(uow):
    account, order = await opened(uow)

    changed = an_order(await open_order(uow, account, TJ, 2023, Fee(5000, "CNY"), NOW))

    assert changed.id == order.id and changed.amount == 5000
    # The invoice sent for the old amount is refused at checkout.
    refusal = await checkout(uow, order, account)
    assert refusal is not None and refusal.message == payments._CHANGED
    assert refusal.params == {"amount": "50.00 CNY"}


async def test_a_paid_order_is_not_opened_again(uow):
    account, order = await opened(uow)
    recorded(await pay(uow, order, "c1"))

    refusal = await open_order(uow, account, TJ, 2023, FEE, NOW)

    assert isinstance(refusal, Problem) and refusal.message == payments._PAID_ON
    assert refusal.params == {"date": "2022-11-21"}


# ----- the pre-checkout


async def test_the_checkout_of_ones_own_open_order_at_its_amount_passes(uow):
    account, order = await opened(uow)

    assert await checkout(uow, order, account, deadline=None) is None


async def test_an_approved_checkout_holds_the_order_so_a_second_payment_is_refused(uow):
    account, order = await opened(uow)
    assert await checkout(uow, order, account) is None

    # A double tap, or the invoice paid from a second device, before the first charge arrives.
    second = await checkout(uow, order, account, now=NOW + timedelta(minutes=1))
    assert second is not None and second.message == payments._IN_PROGRESS
    assert second.params == {"time": "10:10"}

    # The approved payment never came (it failed at the provider): the order can be paid again.
    assert await checkout(uow, order, account, now=NOW + payments.CHECKOUT_HOLD) is None


async def test_a_checkout_approved_then_paid_refuses_the_next_as_paid(uow):
    account, order = await opened(uow)
    assert await checkout(uow, order, account) is None
    recorded(await pay(uow, order, "c1"))

    refusal = await checkout(uow, order, account, now=NOW + timedelta(minutes=1))

    assert refusal is not None and refusal.message == payments._ALREADY_PAID


async def test_an_unknown_or_forged_payload_is_refused(uow):
    account, order = await opened(uow)

    for payload in ("order:999", "garbage", ""):
        refusal = await checkout(uow, order, account, payload=payload)
        assert refusal is not None and refusal.message == payments._UNKNOWN_ORDER


async def test_an_order_of_another_account_is_refused_like_an_unknown_one(uow):
    _, order = await opened(uow)
    other = await tj_account(uow, "张三", ZHANG_SAN)

    refusal = await checkout(uow, order, other)

    assert refusal is not None and refusal.message == payments._UNKNOWN_ORDER


async def test_a_chat_holding_no_account_is_refused(uow):
    account, order = await opened(uow)

    refusal = await checkout(uow, order, account, account_ids=set())

    assert refusal is not None and refusal.message == payments._UNKNOWN_ORDER


async def test_a_paid_order_is_refused_so_nobody_is_charged_twice(uow):
    account, order = await opened(uow)
    recorded(await pay(uow, order, "c1"))

    refusal = await checkout(uow, order, account)

    assert refusal is not None and refusal.message == payments._ALREADY_PAID


@pytest.mark.parametrize(("currency", "amount"), [("CNY", 400), ("CNY", 4001), ("USD", 4000)])
async def test_another_amount_or_currency_is_refused(uow, currency, amount):
    account, order = await opened(uow)

    refusal = await checkout(uow, order, account, currency=currency, total_amount=amount)

    assert refusal is not None and refusal.message == payments._CHANGED
    assert refusal.params == {"amount": "40.00 CNY"}


async def test_a_payment_at_or_after_the_deadline_is_refused_and_the_second_before_passes(uow):
    account, order = await opened(uow)

    assert await checkout(uow, order, account, now=DEADLINE - timedelta(seconds=1)) is None
    refusal = await checkout(uow, order, account, now=DEADLINE)
    assert refusal is not None and refusal.message == payments._TOO_LATE
    assert refusal.params == {"time": "2022-11-23 17:00"}


# ----- recording the payment


async def test_the_first_charge_pays_the_order(uow):
    _, order = await opened(uow)

    result = recorded(await pay(uow, order, "c1", NOW + timedelta(minutes=1)))

    assert result.first and not result.duplicate
    assert result.order.state == OrderState.PAID
    [stored] = uow.stored_orders()
    assert (stored.state, stored.paid_at, stored.telegram_charge_id, stored.provider_charge_id) == (
        OrderState.PAID,
        NOW + timedelta(minutes=1),
        "c1",
        "provider-c1",
    )
    [payment] = uow.stored_payments()
    assert (payment.order_id, payment.amount, payment.currency, payment.duplicate) == (
        order.id,
        4000,
        "CNY",
        False,
    )


async def test_the_same_charge_delivered_twice_is_recorded_once(uow):
    _, order = await opened(uow)
    recorded(await pay(uow, order, "c1"))

    again = recorded(await pay(uow, order, "c1", NOW + timedelta(seconds=5)))

    assert not again.first and not again.duplicate
    assert again.payment.received_at == NOW
    assert len(uow.stored_payments()) == 1
    assert uow.stored_orders()[0].telegram_charge_id == "c1"


async def test_a_second_charge_for_a_paid_order_is_a_duplicate_to_refund(uow):
    _, order = await opened(uow)
    recorded(await pay(uow, order, "c1"))

    second = recorded(await pay(uow, order, "c2", NOW + timedelta(minutes=2)))

    assert second.first and second.duplicate
    assert second.order.telegram_charge_id == "c1"  # the order stays paid by the first charge
    assert [(p.telegram_charge_id, p.duplicate) for p in uow.stored_payments()] == [
        ("c1", False),
        ("c2", True),
    ]
    [listed] = await duplicates(uow)
    assert (listed.payment.telegram_charge_id, listed.order.id) == ("c2", order.id)
    assert (listed.applicant, listed.id_number) == ("王*", "1101**********103X")
    assert WANG_WU not in repr(listed.applicant + listed.id_number)

    delivered_again = recorded(await pay(uow, order, "c2"))
    assert not delivered_again.first and delivered_again.duplicate


async def test_a_payment_for_an_unknown_payload_is_a_problem(uow):
    refusal = await record_payment(uow, "forged", "CNY", 4000, "c9", "p9", NOW)

    assert isinstance(refusal, Problem) and refusal.message == payments._UNKNOWN_ORDER
    assert uow.stored_payments() == []


async def test_the_operator_lists_orders_masked(uow):
    _, order = await opened(uow)
    await opened(uow, await tj_account(uow, "张三", ZHANG_SAN))
    recorded(await pay(uow, order, "c1"))

    listed = await listed_orders(uow)

    assert [(item.order.state, item.applicant, item.id_number) for item in listed] == [
        (OrderState.PAID, "王*", "1101**********103X"),
        (OrderState.OPEN, "张*", "1101**********1233"),
    ]
    assert await listed_orders(uow, "degree-equiv") == []
