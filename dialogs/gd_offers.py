"""录取 and its answer (seed 000 四): admissions officers decide, applicants answer 接受 or 放弃.

An admissions officer of one training base sends /offers: the applicants who chose the base, each
with 录取 / 不录取 while the batch's admission window is open. Every decision (from the chat or from
``baoming offers import``) reaches the applicant through one path, :func:`deliver`, which the
housekeeper also runs: the notice carries 接受 / 放弃 while they can be pressed, and once the
confirmation window has closed the housekeeper takes those buttons away ("超过确认时间，接受按钮消失").
A stale or forged press is refused by the domain with the reason.
"""

from contextlib import suppress
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render
from dialogs.staff import StaffOnly
from dialogs.turn import Turn
from domain import offers
from domain.model import Channel, OfferState, Role, StaffMember
from domain.offers import GD, STATE_LABELS, OfferView
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.registration import account_of
from domain.staff import may, roles_of
from domain.windows import window_text


class AnswerCb(CallbackData, prefix="oa"):
    """The applicant's 接受 (accept=1) or 放弃 (accept=0) of one offer."""

    offer: int
    accept: int


class DecideCb(CallbackData, prefix="od"):
    """An admissions officer's 录取 (admitted=1) or 不录取 (admitted=0) of one application at one base."""

    base: str
    application: int
    admitted: int


def answer_buttons(view: OfferView) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if view.can_accept:
        builder.button(text=_("Accept (接受)"), callback_data=AnswerCb(offer=view.id, accept=1))
    if view.can_decline:
        builder.button(text=_("Decline (放弃)"), callback_data=AnswerCb(offer=view.id, accept=0))
    return builder.as_markup() if view.can_accept or view.can_decline else None


def notice_text(view: OfferView) -> str:
    if view.state is OfferState.ADMITTED:
        return _(
            "{base} admitted you (录取) for {specialty}, batch {batch}. Answer 接受 or 放弃 between {dates} "
            "(Beijing time); after that the buttons disappear. Only one offer can be accepted, and "
            "accepting ends the process."
        ).format(
            base=view.base_name,
            specialty=view.specialty_name,
            batch=view.batch,
            dates=window_text(view.confirmation),
        )
    return _("{base}: {state} ({specialty}, batch {batch}).").format(
        base=view.base_name,
        state=_(STATE_LABELS[view.state]),
        specialty=view.specialty_name,
        batch=view.batch,
    )


async def deliver(bot: Bot, i18n: I18n, uow: UnitOfWork, now: datetime) -> int:
    """Tell every applicant of the decisions not told yet, in their language; returns how many."""
    told = 0
    for notice in await offers.undelivered(uow, now):
        if notice.notify.channel != Channel.TELEGRAM:
            continue
        chat_id = int(notice.notify.external_id)
        with i18n.use_locale(notice.notify.language(i18n.default_locale)):
            text, markup = notice_text(notice.offer), answer_buttons(notice.offer)
        try:
            sent = await bot.send_message(chat_id, text, reply_markup=markup)
        except TelegramAPIError:
            continue  # tried again on the next run; /status shows the decision meanwhile
        message_id = sent.message_id if markup is not None else None
        await offers.mark_notified(uow, notice.offer.id, now, chat_id=chat_id, message_id=message_id)
        told += 1
    return told


async def close_answer_windows(bot: Bot, uow: UnitOfWork, now: datetime) -> int:
    """Take away the 接受 / 放弃 buttons of notices whose confirmation window has closed."""
    closed = await offers.closed_notices(uow, now)
    for offer_id, chat_id, message_id in closed:
        with suppress(TelegramAPIError):  # already gone, or too old to edit: nothing to take away
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
        await offers.forget_notice(uow, offer_id)
    return len(closed)


# ---------------------------------------------------------------------------------------------------
# The applicant


async def show_offers(turn: Turn) -> None:
    account = await account_of(turn.uow, turn.user_id, GD)
    views = [] if account is None else await offers.offers_of(turn.uow, account, turn.clock.now())
    if not views:
        await turn.say(_("No decisions yet."))
        return
    for view in views:
        lines = [notice_text(view), *([render.problem(view.why_not)] if view.why_not else [])]
        markup = answer_buttons(view)
        sent = await turn.bot.send_message(turn.chat_id, "\n".join(lines), reply_markup=markup)
        if markup is not None:  # the newest message with the buttons is the one the housekeeper clears
            await offers.mark_notified(
                turn.uow, view.id, turn.clock.now(), chat_id=turn.chat_id, message_id=sent.message_id
            )


async def _answer(turn: Turn, offer_id: int, accept: bool) -> None:
    account = await account_of(turn.uow, turn.user_id, GD)
    if account is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return
    answered = await offers.answer(turn.uow, account, offer_id, accept, turn.clock.now())
    if isinstance(answered, Problem):
        await turn.say(render.problem(answered))
        return
    view = answered.offer
    if view.state is OfferState.ACCEPTED:
        lines = [
            _("You accepted the offer of {base} ({specialty}): the process is complete.").format(
                base=view.base_name, specialty=view.specialty_name
            )
        ]
        if answered.still_admitted:
            names = "、".join(other.base_name for other in answered.still_admitted)
            lines.append(
                _("Still admitted, no longer acceptable: {bases}. You may decline them.").format(bases=names)
            )
    else:
        lines = [_("You declined the offer of {base}.").format(base=view.base_name)]
    await turn.say("\n".join(lines))


# ---------------------------------------------------------------------------------------------------
# The admissions officers


def _admissions_bases(members: list[StaffMember]) -> list[str]:
    return [m.base_id for m in members if m.role == Role.ADMISSIONS and m.programme == GD and m.base_id]


async def _show_applicants(turn: Turn, base_id: str, note: str | None = None) -> None:
    applicants = await offers.applicants_of_base(turn.uow, base_id, turn.clock.now())
    lines = [*([note] if note else []), _("Applicants of {base}:").format(base=base_id)]
    builder = InlineKeyboardBuilder()
    for applicant in applicants:
        lines.append(
            f"{applicant.application_id} · {applicant.real_name} · {applicant.id_number} · "
            f"{applicant.specialty_name} · {_(STATE_LABELS[applicant.state])}"
        )
        if applicant.admission_open and applicant.answered_at is None:
            for admitted, label in ((1, _("Admit {number}")), (0, _("Not admit {number}"))):
                decision = DecideCb(base=base_id, application=applicant.application_id, admitted=admitted)
                builder.button(text=label.format(number=applicant.application_id), callback_data=decision)
    if not applicants:
        lines.append(_("Nobody has chosen this base yet."))
    builder.adjust(2)
    await turn.say("\n".join(lines), builder.as_markup())


def get_router() -> Router:
    router = Router(name="gd-offers")

    @router.message(Command("offers"), StaffOnly(Role.ADMISSIONS, GD))
    async def on_offers(message: Message, staff_roles: list[StaffMember], turn: Turn) -> None:
        for base_id in _admissions_bases(staff_roles):
            await _show_applicants(turn, base_id)

    @router.callback_query(DecideCb.filter())
    async def on_decide(query: CallbackQuery, callback_data: DecideCb, turn: Turn, i18n: I18n) -> None:
        members = await roles_of(turn.uow, Channel.TELEGRAM, turn.user.external_id)
        if not may(members, Role.ADMISSIONS, GD, callback_data.base):
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        now = turn.clock.now()
        recorded = await offers.record_decision(
            turn.uow,
            callback_data.base,
            callback_data.application,
            bool(callback_data.admitted),
            now,
            decided_by=turn.user.external_id,
        )
        note = (
            render.problem(recorded)
            if isinstance(recorded, Problem)
            else _("Recorded; the applicant is told.")
        )
        await deliver(turn.bot, i18n, turn.uow, now)
        await _show_applicants(turn, callback_data.base, note)

    @router.callback_query(AnswerCb.filter())
    async def on_answer(query: CallbackQuery, callback_data: AnswerCb, turn: Turn) -> None:
        await query.answer()
        await _answer(turn, callback_data.offer, bool(callback_data.accept))

    return router
