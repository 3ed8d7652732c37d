"""天津高职升本 after the 志愿 (seed 002, 2.7–2.12): 验证学籍/学历, 完成报名 → 信息确认, 网上支付 with
Telegram Payments, and 下载报名表 as a PDF.

The steps' order and what each waits for are domain/tj_steps.py; the 流程页面 that offers them is
dialogs/tj_profile.py. Payment: 去支付 opens (or reuses) the applicant's one order of the year and
sends an invoice for it; Telegram asks the bot to approve the payment (pre-checkout, answered within
its 10 seconds) and then reports the charge (``successful_payment``), which is recorded once per
charge id. The order lives in the database, so a restart between the invoice and the payment loses
nothing, and a paid order refuses a second payment at the pre-checkout.
"""

import asyncio
import logging

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, LabeledPrice, Message, PreCheckoutQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render
from dialogs.tj_identity import show as show_identity
from dialogs.tj_profile import BASIC, CHOICES, PledgeCb, StepCb, progress_of, show_module
from dialogs.turn import Turn
from domain import payments, registration_form, tj_choices, tj_steps, tj_verification
from domain.clock import Clock
from domain.masking import mask_id_number
from domain.model import ChatUser
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.registration import account_of
from domain.tj_reviews import ID_PHOTO, IDENTITY, TJ
from domain.tj_steps import Progress, Step

logger = logging.getLogger(__name__)


async def _progress(turn: Turn) -> Progress | None:
    found = await progress_of(turn)
    if found is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
    return found


async def _refused(turn: Turn, found: Progress, step: Step) -> bool:
    """Say why ``step`` cannot be taken now, with the 流程页面; True when it cannot."""
    refusal = found.blocker(step, turn.clock.now())
    if refusal is not None:
        await show_module(turn, render.problem(refusal))
    return refusal is not None


# ---------------------------------------------------------------------------------------------------
# 验证学籍/学历


async def _verify(turn: Turn, found: Progress) -> None:
    if await _refused(turn, found, Step.VERIFY):
        return
    result = await tj_verification.verify(
        turn.uow, found.account, found.basic or {}, turn.verifier, turn.clock.now()
    )
    if isinstance(result, Problem):
        await show_module(turn, render.problem(result))
    elif result.verified:
        await show_module(turn, _("学籍/学历 verified. Next: 完成报名, then check your information."))
    else:
        note = _("学籍/学历 not verified:") + "\n" + render.problems(result.reasons())
        note += "\n" + _(
            "Check the school, the major and the candidate type in your basic information; if they are "
            "right, contact your 确认点."
        )
        await show_module(turn, note)


# ---------------------------------------------------------------------------------------------------
# 完成报名 → 信息确认


def _confirmation_text(found: Progress) -> str:
    lines = [
        _("信息确认: check your information. Is anything wrong? 返回修改."),
        _("Name: {name}").format(name=found.account.real_name),
        _("ID number: {number}").format(number=mask_id_number(found.account.id_number)),
    ]
    for form, answers in ((BASIC, found.basic or {}), (CHOICES, found.choices or {})):
        lines.append(f"— {_(form.title)} —")
        for field in form.fields:
            value = answers.get(field.key)
            if value in (None, ""):
                continue
            shown = field.show(str(value)) if field.show else str(value)
            lines.append(_("{label}: {value}").format(label=_(field.label), value=shown))
    return "\n".join(lines)


async def _finish(turn: Turn, found: Progress) -> None:
    if await _refused(turn, found, Step.CONFIRM):
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Go back and change (返回修改)"), callback_data=StepCb(action="edit"))
    builder.button(
        text=_("Done: go to the identity check (完成信息采集去身份认证)"),
        callback_data=StepCb(action="confirm"),
    )
    builder.button(text=_("Back to the steps (返回首页)"), callback_data=StepCb(action="home"))
    builder.adjust(1)
    await turn.say(_confirmation_text(found), builder.as_markup())


async def _edit(turn: Turn, found: Progress) -> None:
    if await _refused(turn, found, Step.BASIC):
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=_(BASIC.title), callback_data=PledgeCb(action="open"))
    builder.button(text=_(CHOICES.title), callback_data=PledgeCb(action="choices"))
    builder.adjust(1)
    await turn.say(
        _(
            "What do you want to change? After the change, verify (验证学籍/学历) and confirm (信息确认) "
            "again."
        ),
        builder.as_markup(),
    )


async def _confirm(turn: Turn, found: Progress) -> None:
    refusal = await tj_steps.confirm(turn.uow, turn.clock, turn.user_id, found)
    if refusal is not None:
        await show_module(turn, render.problem(refusal))
        return
    await show_identity(turn, IDENTITY, _("Your information is confirmed (信息确认)."))


# ---------------------------------------------------------------------------------------------------
# 网上支付


async def _pay(turn: Turn, found: Progress) -> None:
    if await _refused(turn, found, Step.PAY):
        return
    fee = found.year.fee if found.year else None
    if fee is None or found.year is None or not turn.payment_token:
        # An operator's omission, not the applicant's: the web system's 去支付 still works.
        logger.error("tj-upgrade payment is not configured (fee or PAYMENT_PROVIDER_TOKEN missing)")
        await show_module(turn, _("Paying here is not set up yet: pay on the web system (去支付)."))
        return
    order = await payments.open_order(turn.uow, found.account, TJ, found.year.year, fee, turn.clock.now())
    if isinstance(order, Problem):
        await show_module(turn, render.problem(order))
        return
    await turn.bot.send_invoice(
        turn.chat_id,
        title=_("天津高职升本 fee"),
        description=_(
            "Registration fee of 天津高职升本 {year}, order {order}. One payment per applicant."
        ).format(year=found.year.year, order=order.id),
        payload=payments.payload_of(order),
        provider_token=turn.payment_token,
        currency=order.currency,
        prices=[LabeledPrice(label=_("Registration fee (报名费)"), amount=order.amount)],
    )


async def _paid(turn: Turn, message: Message) -> None:
    """successful_payment: Telegram charged the applicant. Recorded once per charge id."""
    charge = message.successful_payment
    assert charge is not None
    recorded = await payments.record_payment(
        turn.uow,
        charge.invoice_payload,
        charge.currency,
        charge.total_amount,
        charge.telegram_payment_charge_id,
        charge.provider_payment_charge_id,
        turn.clock.now(),
    )
    if isinstance(recorded, Problem) or recorded.duplicate:
        # Money was taken that pays nothing: only a person can refund it (the provider's dashboard).
        logger.error(
            "charge %s needs a refund by hand: %s",
            charge.telegram_payment_charge_id,
            "no such order"
            if isinstance(recorded, Problem)
            else f"order {recorded.order.id} was paid before",
        )
        await turn.say(
            _(
                "This order was already paid, so this second payment will be refunded: the operator is "
                "told. Keep this message; the charge is {charge}."
            ).format(charge=charge.telegram_payment_charge_id)
        )
        return
    if not recorded.first:
        return  # the same charge reported again: it was recorded and answered the first time
    await show_module(
        turn,
        _("Payment received: {amount}, order {order}. Thank you.").format(
            amount=render.money(charge.total_amount, charge.currency), order=recorded.order.id
        ),
    )


# ---------------------------------------------------------------------------------------------------
# 下载报名表


async def _form(turn: Turn, found: Progress) -> None:
    if await _refused(turn, found, Step.FORM):
        return
    photo_upload = found.identity.slot(ID_PHOTO)
    try:
        photo = (
            registration_form.form_photo(await turn.files.get(photo_upload.file_key))
            if photo_upload is not None
            else None
        )
    except (KeyError, OSError, ValueError):
        logger.exception("the ID photo of account %s cannot go into the form", found.account.id)
        photo = None
    answers = found.choices or {}
    chosen = [tj_choices.find(str(answers[key])) for key in tj_choices.CHOICE_KEYS if answers.get(key)]
    form = registration_form.tj_form(
        real_name=found.account.real_name,
        id_number=found.account.id_number,
        basic=found.basic or {},
        choices_made=[(major.institution, major.name) for major in chosen if major is not None],
        photo=photo,
        year=found.year.year if found.year else turn.clock.now().year,
        generated_at=turn.clock.now(),
    )
    try:
        rendered = await asyncio.to_thread(turn.form_renderer, form)
    except registration_form.FormUnavailable:
        logger.exception("the registration form cannot be made")
        await turn.say(
            _("The registration form cannot be made right now; the operator is told. Please try again later.")
        )
        return
    caption = _("Your registration form (报名表). Print it and keep it.")
    if rendered.missing_glyphs:
        caption += "\n" + _(
            "The form's font cannot show {characters}: they print as a blank box. Write them in by hand "
            "and tell your 确认点."
        ).format(characters=" ".join(rendered.missing_glyphs))
    await turn.bot.send_document(
        turn.chat_id,
        BufferedInputFile(rendered.pdf, filename=f"报名表-{form.year}.pdf"),
        caption=caption,
    )


_ACTIONS = {
    "verify": _verify,
    "finish": _finish,
    "edit": _edit,
    "confirm": _confirm,
    "pay": _pay,
    "form": _form,
}


def get_router() -> Router:
    router = Router(name="tj-flow")

    @router.callback_query(StepCb.filter())
    async def on_step(query: CallbackQuery, callback_data: StepCb, turn: Turn) -> None:
        await query.answer()
        found = await _progress(turn)
        if found is None:
            return
        action = _ACTIONS.get(callback_data.action)
        if action is None:
            await show_module(turn)
            return
        await action(turn, found)

    @router.pre_checkout_query()
    async def on_pre_checkout(query: PreCheckoutQuery, uow: UnitOfWork, user: ChatUser, clock: Clock) -> None:
        # Telegram waits 10 seconds for this answer; only the database is asked.
        account = await account_of(uow, user.id or 0, TJ)
        accounts = {account.id} if account is not None and account.id is not None else set()
        year = tj_choices.choice_year()
        window = year.windows.get(tj_steps.REGISTRATION_WINDOW) if year else None
        refusal = await payments.check_checkout(
            uow,
            query.invoice_payload,
            accounts,
            query.currency,
            query.total_amount,
            clock.now(),
            window.end if window else None,
        )
        if refusal is None:
            await query.answer(ok=True)
        else:
            await query.answer(ok=False, error_message=render.problem(refusal))

    @router.message(F.successful_payment)
    async def on_paid(message: Message, turn: Turn) -> None:
        await _paid(turn, message)

    return router
