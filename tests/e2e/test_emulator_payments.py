"""Telegram Payments in the emulator, driven by a real aiogram Bot and Dispatcher over HTTP:
sendInvoice, the pre-checkout answer within its time limit, and successful_payment."""

import asyncio

import pytest
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
    Message,
    PreCheckoutQuery,
    SuccessfulPayment,
)

from bot.sandbox.emulator import Emulator, Limits, PayStatus
from tests.e2e.conftest import EMULATOR_TOKEN, StartPolling

ALICE = 7
TEST_PROVIDER = "284685063:TEST:sandbox"
ANSWER_WITHIN = 1.5  # seconds; Telegram gives the bot 10


@pytest.fixture
def emulator_core() -> Emulator:
    """The conftest's emulator with a short pre-checkout limit, so an unanswered payment expires fast."""
    return Emulator(EMULATOR_TOKEN, limits=Limits(pre_checkout_timeout=ANSWER_WITHIN))


async def send_fee_invoice(bot: Bot, chat_id: int, **overrides: object) -> Message:
    arguments: dict[str, object] = {
        "chat_id": chat_id,
        "title": "报名费",
        "description": "天津高职升本 报名费",
        "payload": "order:42",
        "provider_token": TEST_PROVIDER,
        "currency": "CNY",
        "prices": [LabeledPrice(label="报名费", amount=5000)],
    }
    arguments.update(overrides)
    return await bot.send_invoice(**arguments)  # type: ignore[arg-type]


def shop_router(answer: str, received: list[SuccessfulPayment], queries: list[PreCheckoutQuery]) -> Router:
    """/buy sends the fee invoice; the pre-checkout is answered per `answer` ("ok", "no", "never")."""
    router = Router()

    @router.message(F.text == "/buy")
    async def buy(message: Message, bot: Bot) -> None:
        await send_fee_invoice(bot, message.chat.id)

    @router.pre_checkout_query()
    async def pre_checkout(query: PreCheckoutQuery) -> None:
        queries.append(query)
        if answer == "ok":
            await query.answer(ok=True)
        elif answer == "no":
            await query.answer(ok=False, error_message="已缴费，无需重复支付")

    @router.message(F.successful_payment)
    async def paid(message: Message) -> None:
        assert message.successful_payment is not None
        received.append(message.successful_payment)
        await message.answer("Payment received")

    return router


async def test_an_invoice_is_sent_and_shown_with_the_pay_button_the_app_adds(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    alice = emulator_core.person(ALICE, "Alice")

    sent = await send_fee_invoice(emulator_bot, ALICE, start_parameter="fee")

    assert sent.invoice is not None
    assert (sent.invoice.title, sent.invoice.currency, sent.invoice.total_amount) == ("报名费", "CNY", 5000)
    assert sent.invoice.start_parameter == "fee"
    [shown] = alice.messages
    assert shown.invoice is not None
    assert (shown.invoice.total_amount, shown.invoice.pay_label) == (5000, "Pay 50.00 CNY")
    assert shown.buttons == [["Pay 50.00 CNY"]]
    assert shown.text == "报名费\n天津高职升本 报名费"


async def test_an_invoice_keyboard_must_start_with_the_pay_button(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    alice = emulator_core.person(ALICE, "Alice")
    pay_first = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="支付 ¥50.00", pay=True)],
            [InlineKeyboardButton(text="稍后再付", callback_data="later")],
        ]
    )
    pay_missing = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="稍后再付", callback_data="later")]]
    )

    await send_fee_invoice(emulator_bot, ALICE, reply_markup=pay_first)
    with pytest.raises(TelegramBadRequest, match="REPLY_MARKUP_BUY_EMPTY"):
        await send_fee_invoice(emulator_bot, ALICE, reply_markup=pay_missing)

    [shown] = alice.messages
    assert shown.buttons == [["支付 ¥50.00"], ["稍后再付"]]
    assert shown.invoice is not None and shown.invoice.pay_label == "支付 ¥50.00"
    with pytest.raises(LookupError, match=r"use Person\.pay"):
        await alice.press("支付")


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"prices": []}, "there must be at least one price"),
        ({"prices": [LabeledPrice(label="报名费", amount=-5000)]}, "total price must be positive"),
        ({"prices": [LabeledPrice(label="报名费", amount=0)]}, "total price must be positive"),
        ({"currency": "RMB"}, "CURRENCY_INVALID"),
        ({"payload": "x" * 129}, "INVOICE_PAYLOAD_INVALID"),
        ({"payload": "报" * 43}, "INVOICE_PAYLOAD_INVALID"),  # 129 bytes in UTF-8
        ({"payload": ""}, 'parameter "payload" is required'),
        ({"provider_token": ""}, "PAYMENT_PROVIDER_INVALID"),  # only Stars go without a provider
        ({"provider_token": "not-a-token"}, "PAYMENT_PROVIDER_INVALID"),
        ({"currency": "XTR"}, "PAYMENT_PROVIDER_INVALID"),  # Stars take no provider token
        (
            {"currency": "XTR", "provider_token": "", "prices": [LabeledPrice(label="a", amount=1)] * 2},
            "STARS_INVOICE_INVALID",
        ),
        ({"title": "报" * 33}, "invoice title is too long"),
    ],
)
async def test_a_bad_invoice_is_refused_and_nothing_is_shown(
    emulator_core: Emulator, emulator_bot: Bot, overrides: dict[str, object], refusal: str
) -> None:
    alice = emulator_core.person(ALICE, "Alice")

    with pytest.raises(TelegramBadRequest, match=refusal):
        await send_fee_invoice(emulator_bot, ALICE, **overrides)

    assert alice.messages == []


async def test_good_invoices_at_the_edges_are_accepted(emulator_core: Emulator, emulator_bot: Bot) -> None:
    emulator_core.person(ALICE, "Alice")

    stars = await send_fee_invoice(
        emulator_bot,
        ALICE,
        currency="XTR",
        provider_token="",
        prices=[LabeledPrice(label="报名费", amount=1)],
    )
    discounted = await send_fee_invoice(
        emulator_bot,
        ALICE,
        payload="报" * 42,  # 126 bytes
        prices=[LabeledPrice(label="报名费", amount=5000), LabeledPrice(label="优惠", amount=-1000)],
    )

    assert stars.invoice is not None and stars.invoice.total_amount == 1
    assert discounted.invoice is not None and discounted.invoice.total_amount == 4000


async def test_a_payment_the_bot_accepts_is_charged_and_delivered_once_per_payment(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    received: list[SuccessfulPayment] = []
    queries: list[PreCheckoutQuery] = []
    await emulator_polling(shop_router("ok", received, queries))
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/buy")
    [invoice] = await alice.new_messages()

    first = await alice.pay()
    after_first = await alice.new_messages()
    second = await alice.pay(invoice.message_id)  # Telegram lets a person pay the same invoice again
    after_second = await alice.new_messages()

    assert (first.status, second.status) == (PayStatus.PAID, PayStatus.PAID)
    assert [m.text for m in after_first + after_second] == ["Payment received", "Payment received"]
    [query, _] = queries
    assert query.from_user.id == ALICE
    assert (query.currency, query.total_amount, query.invoice_payload) == ("CNY", 5000, "order:42")
    assert first.payment is not None and second.payment is not None
    assert emulator_core.payments == [first.payment, second.payment]
    assert [p.telegram_payment_charge_id for p in received] == [
        first.payment.telegram_payment_charge_id,
        second.payment.telegram_payment_charge_id,
    ]
    assert len({p.telegram_payment_charge_id for p in received}) == 2
    assert len({p.provider_payment_charge_id for p in received}) == 2
    assert {(p.currency, p.total_amount, p.invoice_payload) for p in received} == {("CNY", 5000, "order:42")}
    assert first.payment.invoice_message_id == invoice.message_id


async def test_a_payment_the_bot_declines_shows_its_reason_and_charges_nothing(
    emulator_core: Emulator, emulator_polling: StartPolling
) -> None:
    received: list[SuccessfulPayment] = []
    queries: list[PreCheckoutQuery] = []
    await emulator_polling(shop_router("no", received, queries))
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/buy")
    await alice.new_messages()

    outcome = await alice.pay("报名费")

    assert (outcome.status, outcome.error_message, outcome.payment) == (
        PayStatus.DECLINED,
        "已缴费，无需重复支付",
        None,
    )
    assert await alice.new_messages() == []
    assert (received, emulator_core.payments) == ([], [])
    assert emulator_core.pay_outcomes() == [outcome]


async def test_a_payment_left_unanswered_expires_uncharged_and_a_late_answer_is_refused(
    emulator_core: Emulator, emulator_bot: Bot, emulator_polling: StartPolling
) -> None:
    received: list[SuccessfulPayment] = []
    queries: list[PreCheckoutQuery] = []
    await emulator_polling(shop_router("never", received, queries))
    alice = emulator_core.person(ALICE, "Alice")
    await alice.send_text("/buy")
    await alice.new_messages()
    loop = asyncio.get_running_loop()

    started = loop.time()
    outcome = await alice.pay()
    waited = loop.time() - started

    assert outcome.status is PayStatus.EXPIRED
    assert ANSWER_WITHIN - 0.1 <= waited < ANSWER_WITHIN + 2
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await emulator_bot.answer_pre_checkout_query(queries[0].id, ok=True)
    assert await alice.new_messages() == []
    assert (received, emulator_core.payments) == ([], [])
    assert emulator_core.pay_outcome(outcome.query_id).status is PayStatus.EXPIRED


async def test_a_pre_checkout_query_is_answered_once_and_a_refusal_needs_a_reason(
    emulator_core: Emulator, emulator_bot: Bot
) -> None:
    emulator_core.person(ALICE, "Alice")
    invoice = await send_fee_invoice(emulator_bot, ALICE)
    query_id = emulator_core.user_pays(ALICE, invoice.message_id)

    with pytest.raises(TelegramBadRequest, match='parameter "error_message" is required'):
        await emulator_bot.answer_pre_checkout_query(query_id, ok=False)
    assert await emulator_bot.answer_pre_checkout_query(query_id, ok=True)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await emulator_bot.answer_pre_checkout_query(query_id, ok=True)

    assert len(emulator_core.payments) == 1
    updates = await emulator_bot.get_updates(timeout=0)
    assert [u.pre_checkout_query is not None for u in updates] == [True, False]
    assert updates[1].message is not None and updates[1].message.successful_payment is not None


async def test_paying_needs_an_invoice_on_screen(emulator_core: Emulator, emulator_bot: Bot) -> None:
    alice = emulator_core.person(ALICE, "Alice")
    note = await emulator_bot.send_message(ALICE, "No fee yet")

    with pytest.raises(LookupError, match="no invoice"):
        await alice.pay()
    with pytest.raises(ValueError, match="not an invoice"):
        emulator_core.user_pays(ALICE, note.message_id)


def test_telegram_gives_the_bot_ten_seconds_to_answer() -> None:
    assert Limits().pre_checkout_timeout == 10.0
