"""天津高职升本 填写基本信息 (seed 002 §2.6): the 考试承诺书 first, accepted with 我遵守, then the form.

The seed's web page shows the pledge, a checkbox and 我遵守; refusing leaves the applicant where they
were. The pledge's official wording is on the system's page and not in the seed: the text shown here
states the commitments such pledges make and says so. The form's fields are the usual required ones
(the seed shows the page only as screenshots).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import forms, render, tj_identity
from dialogs.forms import Answers, Form, Known, choice, text
from dialogs.gd_profile import known_of
from dialogs.profile_fields import (
    ADDRESS,
    ETHNICITY,
    MOBILE,
    POLITICAL_STATUS,
    POSTCODE,
    PROVINCE,
    SEX,
    labels,
    module_line,
    month,
    short_text,
)
from dialogs.turn import Turn
from domain import profiles, tj_choices, tj_steps
from domain.registration import account_of
from domain.text import N_
from domain.tj_reviews import TJ
from domain.tj_verification import Verification
from domain.windows import moment_text

PLEDGE = profiles.Module("pledge")


class PledgeCb(CallbackData, prefix="tp"):
    action: str  # open (the basic information, after the pledge), agree, disagree, choices


CANDIDATE_TYPES = {"current": N_("Graduating this year (应届)"), "former": N_("Graduated before (往届)")}

BASIC = forms.register(
    Form(
        TJ,
        tj_steps.BASIC,
        N_("Basic information"),
        (
            SEX,
            ETHNICITY,
            POLITICAL_STATUS,
            choice(
                "candidate_type",
                N_("Candidate type"),
                N_("Are you graduating this year (应届) or did you graduate before (往届)?"),
                labels(CANDIDATE_TYPES),
            ),
            text(
                "school",
                N_("School"),
                N_("Your 高职 (college) school (毕业院校):"),
                short_text("天津职业大学"),
            ),
            text("major", N_("Major"), N_("Your major there (专业):"), short_text("护理")),
            forms.Field(
                "graduation",
                N_("Graduation month"),
                N_("The month you graduated or will graduate, as YYYYMM (for example 202307):"),
                parse=month(allow_future=True),
            ),
            PROVINCE,
            MOBILE,
            ADDRESS,
            POSTCODE,
        ),
        done=lambda turn, note: show_module(turn, note),
    )
)


CHOICE_LABELS = (N_("Choice 1 (志愿一)"), N_("Choice 2 (志愿二)"), N_("Choice 3 (志愿三)"))
CHOICE_QUESTIONS = (
    N_("志愿一: choose the institution and major (院校 · 专业), or type a name:"),
    N_("志愿二 (optional): choose the institution and major (院校 · 专业), or type a name:"),
    N_("志愿三 (optional): choose the institution and major (院校 · 专业), or type a name:"),
)


def _major_options() -> list[tuple[str, str]]:
    year = tj_choices.choice_year()
    return [(major.code, tj_choices.label(major)) for major in (year.majors if year else ())]


def _previous_given(key: str) -> Callable[[Answers], bool]:
    return lambda answers: bool(answers.get(key))


def _choice_fields() -> tuple[forms.Field, ...]:
    year = tj_choices.choice_year()
    count = year.choice_count if year else 1
    fields = []
    for number, key in enumerate(tj_choices.CHOICE_KEYS[:count]):
        extra: dict[str, Any] = (
            {}
            if number == 0
            else {
                "optional": True,
                "when": _previous_given(tj_choices.CHOICE_KEYS[number - 1]),
            }
        )
        fields.append(
            choice(
                key,
                CHOICE_LABELS[number],
                CHOICE_QUESTIONS[number],
                _major_options,
                parse=lambda raw, answers, today: tj_choices.parse_choice(raw),
                **extra,
            )
        )
    return tuple(fields)


CHOICES = forms.register(
    Form(
        TJ,
        tj_steps.CHOICES,
        N_("Choices (志愿)"),
        _choice_fields(),
        done=lambda turn, note: show_module(turn, note),
    )
)


def _pledge_text() -> str:
    return _(
        "考试承诺书 (the exam pledge). The system's page shows its official wording; "
        "it commits you to this:\n"
        "1. The information I give is true, complete and my own; I bear the consequences of false "
        "information, up to the cancellation of my admission.\n"
        "2. I meet the conditions of this year's registration, and I have read the admission rules.\n"
        "3. I keep the exam rules and sit the exam myself; I do not cheat or help anyone cheat.\n"
        "4. I keep my account, password and admission ticket to myself.\n"
        "Tap 我遵守 to accept the pledge and fill in your basic information."
    )


class StepCb(CallbackData, prefix="ts"):
    """The 流程页面's later steps (dialogs/tj_flow.py): verify, finish (完成报名 → 信息确认), confirm
    (去身份认证), edit (返回修改), home (返回首页), pay, form (下载报名表)."""

    action: str


def _verification_line(verification: Verification | None) -> str:
    if verification is None:
        return _("⬜ 学籍/学历 verification (验证学籍/学历): not done yet")
    if verification.verified:
        return _("✅ 学籍/学历 verification (验证学籍/学历): verified on {time}").format(
            time=moment_text(verification.checked_at)
        )
    first = render.problem(verification.reasons()[0]) if verification.reasons() else "—"
    return _("⚠️ 学籍/学历 verification (验证学籍/学历): not verified: {reason}").format(reason=first)


def _confirmation_line(found: tj_steps.Progress) -> str:
    if found.confirmed_at is not None:
        return _("✅ Confirmation (信息确认): confirmed on {time}").format(
            time=moment_text(found.confirmed_at)
        )
    if found.confirmation_stale:
        return _("⚠️ Confirmation (信息确认): your information changed since; confirm it again")
    return _("⬜ Confirmation (信息确认): not confirmed yet")


def _payment_line(found: tj_steps.Progress) -> str:
    if found.order is not None and found.order.paid_at is not None:
        return _("✅ Online payment (网上支付): paid {amount} on {time}").format(
            amount=render.money(found.order.amount, found.order.currency),
            time=moment_text(found.order.paid_at),
        )
    fee = found.year.fee if found.year else None
    amount = render.money(fee.amount, fee.currency) if fee else "—"
    return _("⬜ Online payment (网上支付): not paid yet ({amount})").format(amount=amount)


def _form_line(found: tj_steps.Progress, now: datetime) -> str:
    if found.blocker(tj_steps.Step.FORM, now) is None:
        return _("➡️ Registration form (下载报名表): ready to download")
    return _("⬜ Registration form (下载报名表): after the payment and, if you started it, the upload review")


def _modules(found: tj_steps.Progress) -> list[tuple[Form, profiles.ModuleStatus, str]]:
    """基本信息 and 志愿: each form, its status and the action of its button."""
    return [(BASIC, found.basic_status, "open"), (CHOICES, found.choices_status, "choices")]


def step_lines(found: tj_steps.Progress, now: datetime) -> list[str]:
    """The 流程页面 as lines, in the seed's order (also /status)."""
    lines = [module_line(form, status)[1] for form, status, _action in _modules(found)]
    lines.append(_verification_line(found.verification))
    lines.append(_confirmation_line(found))
    lines.append(tj_identity.identity_line(found.identity))
    lines.append(_payment_line(found))
    lines.append(tj_identity.upload_line(found.upload_review))
    lines.append(_form_line(found, now))
    return lines


def _buttons(found: tj_steps.Progress, now: datetime) -> InlineKeyboardBuilder:
    """A button for every step that can be taken now."""
    builder = InlineKeyboardBuilder()
    Step = tj_steps.Step
    if not found.paid:
        for form, status, action in _modules(found):
            mark, _line = module_line(form, status)
            builder.button(text=f"{mark} {_(form.title)}", callback_data=PledgeCb(action=action))
    offered = [
        (Step.VERIFY, not found.verified and not found.paid, _("Verify 学籍/学历 (验证学籍/学历)"), "verify"),
        (Step.CONFIRM, found.confirmed_at is None, _("Finish (完成报名)"), "finish"),
        (Step.PAY, not found.paid, _("Pay the fee (去支付)"), "pay"),
        (Step.FORM, True, _("Download the registration form (下载报名表)"), "form"),
    ]
    for step, wanted, label, action in offered:
        if wanted and found.blocker(step, now) is None:
            builder.button(text=label, callback_data=StepCb(action=action))
    if found.blocker(Step.IDENTITY, now) is None:
        tj_identity.identity_button(builder)
    if found.blocker(Step.REVIEW, now) is None:
        tj_identity.upload_button(builder)
    builder.adjust(1)
    return builder


async def show_module(turn: Turn, note: str | None = None) -> None:
    """The 流程页面: every step of 天津高职升本 in the seed's order, each with its state, and a button
    for what can be done now."""
    found = await progress_of(turn)
    if found is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return
    now = turn.clock.now()
    lines = [*([note] if note else []), *step_lines(found, now)]
    await turn.say("\n".join(lines), _buttons(found, now).as_markup())


async def progress_of(turn: Turn) -> tj_steps.Progress | None:
    account = await account_of(turn.uow, turn.user_id, TJ)
    if account is None or account.id is None:
        return None
    return await tj_steps.progress(turn.uow, account, turn.clock)


_NEXT = {
    tj_steps.Step.BASIC: N_("Next: fill in your basic information (基本信息)."),
    tj_steps.Step.CHOICES: N_("Next: your choices (志愿)."),
    tj_steps.Step.VERIFY: N_("Next: verify your 学籍/学历 (验证学籍/学历)."),
    tj_steps.Step.CONFIRM: N_("Next: finish and confirm your information (完成报名, 信息确认)."),
    tj_steps.Step.PAY: N_("Next: pay the fee (网上支付)."),
    tj_steps.Step.REVIEW: N_("Next: wait for the upload review (上传审核); you will be told here."),
    tj_steps.Step.FORM: N_("Next: download your registration form (下载报名表)."),
}


async def status_lines(turn: Turn) -> list[str]:
    """/status: the checklist, the next step and the registration deadline in Beijing time."""
    found = await progress_of(turn)
    if found is None:
        return []
    now = turn.clock.now()
    lines = ["    " + line for line in step_lines(found, now)]
    step = found.next_step()
    if step == tj_steps.Step.IDENTITY:
        lines += [line for line in [tj_identity.next_step(found.identity)] if line]
    else:
        lines.append(_(_NEXT[step]))
    window = found.window
    if window is not None and not found.paid and window.contains(now):
        lines.append(_("Registration closes {time}.").format(time=render.beijing_time(window.end)))
    refusal = found.blocker(step, now)
    if refusal is not None and step in (tj_steps.Step.CONFIRM, tj_steps.Step.PAY):
        lines.append(render.problem(refusal))
    return lines


async def _locked(turn: Turn) -> bool:
    """Once the fee is paid, 基本信息 and 志愿 stay as they were paid for (domain/tj_steps.py)."""
    found = await progress_of(turn)
    refusal = found.blocker(tj_steps.Step.BASIC, turn.clock.now()) if found else None
    if refusal is not None:
        await show_module(turn, render.problem(refusal))
    return refusal is not None


async def _pledge_accepted(turn: Turn) -> bool:
    return await profiles.saved_answers(turn.uow, turn.user_id, TJ, PLEDGE.section) is not None


async def _open_basic(turn: Turn, known: Known) -> None:
    await forms.open_form(turn, BASIC, known)


def get_router() -> Router:
    router = Router(name="tj-profile")

    @router.callback_query(PledgeCb.filter(F.action == "open"))
    async def on_open(query: CallbackQuery, turn: Turn) -> None:
        known = await known_of(turn, TJ)
        if not known:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        if await _locked(turn):
            return
        if await _pledge_accepted(turn):
            await _open_basic(turn, known)
            return
        builder = InlineKeyboardBuilder()
        builder.button(text=_("I agree (我遵守)"), callback_data=PledgeCb(action="agree"))
        builder.button(text=_("I do not agree"), callback_data=PledgeCb(action="disagree"))
        await turn.say(_pledge_text(), builder.as_markup())

    @router.callback_query(PledgeCb.filter(F.action == "choices"))
    async def on_choices(query: CallbackQuery, turn: Turn) -> None:
        known = await known_of(turn, TJ)
        if not known:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        if await _locked(turn):
            return
        statuses = await profiles.status(turn.uow, turn.clock, turn.user_id, TJ, [BASIC.module])
        if isinstance(statuses, profiles.NoAccount) or not statuses[0].complete:
            await show_module(turn, _("Fill in your basic information first: the choices come after it."))
            return
        await forms.open_form(turn, CHOICES, known)

    @router.callback_query(PledgeCb.filter(F.action == "agree"))
    async def on_agree(query: CallbackQuery, turn: Turn) -> None:
        known = await known_of(turn, TJ)
        if not known:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        accepted: Answers = {"accepted_at": turn.clock.now().isoformat()}
        await profiles.save(turn.uow, turn.clock, turn.user_id, TJ, PLEDGE, accepted)
        await _open_basic(turn, known)

    @router.callback_query(PledgeCb.filter(F.action == "disagree"))
    async def on_disagree(query: CallbackQuery, turn: Turn) -> None:
        await query.answer()
        await turn.say(
            _(
                "Without the pledge the system does not let you fill in your information, so I stop here. "
                "Nothing is lost: /start whenever you are ready."
            )
        )

    return router
