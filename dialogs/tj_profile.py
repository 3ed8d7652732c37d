"""天津高职升本 填写基本信息 (seed 002 §2.6): the 考试承诺书 first, accepted with 我遵守, then the form.

The seed's web page shows the pledge, a checkbox and 我遵守; refusing leaves the applicant where they
were. The pledge's official wording is on the system's page and not in the seed: the text shown here
states the commitments such pledges make and says so. The form's fields are the usual required ones
(the seed shows the page only as screenshots).
"""

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import forms, tj_identity
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
from domain import profiles, tj_choices
from domain.registration import account_of
from domain.text import N_
from domain.tj_reviews import TJ

PLEDGE = profiles.Module("pledge")


class PledgeCb(CallbackData, prefix="tp"):
    action: str  # open (the basic information, after the pledge), agree, disagree, choices


CANDIDATE_TYPES = {"current": N_("Graduating this year (应届)"), "former": N_("Graduated before (往届)")}

BASIC = forms.register(
    Form(
        TJ,
        profiles.Module("basic"),
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
        profiles.Module("choices", tj_choices.check_choices),
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


async def show_module(turn: Turn, note: str | None = None) -> None:
    """The steps of 天津高职升本 in the seed's order, each with its state and a button."""
    statuses = await profiles.status(turn.uow, turn.clock, turn.user_id, TJ, [BASIC.module, CHOICES.module])
    if isinstance(statuses, profiles.NoAccount):
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return
    builder = InlineKeyboardBuilder()
    lines = [*([note] if note else [])]
    for form, status, action in zip((BASIC, CHOICES), statuses, ("open", "choices"), strict=True):
        mark, line = module_line(form, status)
        lines.append(line)
        builder.button(text=f"{mark} {_(form.title)}", callback_data=PledgeCb(action=action))
    account = await account_of(turn.uow, turn.user_id, TJ)
    if account is not None and account.id is not None:
        lines += tj_identity.menu_lines(*await tj_identity.reviews(turn, account.id))
        tj_identity.menu_buttons(builder)
    builder.adjust(1)
    await turn.say("\n".join(lines), builder.as_markup())


async def next_step(turn: Turn) -> str | None:
    """/status: the first thing of 天津高职升本 still to do (choices and payment come later)."""
    statuses = await profiles.status(turn.uow, turn.clock, turn.user_id, TJ, [BASIC.module])
    if isinstance(statuses, profiles.NoAccount):
        return None
    if not statuses[0].complete:
        return _("Next: fill in your basic information (基本信息).")
    choices = await profiles.status(turn.uow, turn.clock, turn.user_id, TJ, [CHOICES.module])
    if not isinstance(choices, profiles.NoAccount) and not choices[0].complete:
        return _("Next: your choices (志愿).")
    account = await account_of(turn.uow, turn.user_id, TJ)
    if account is None or account.id is None:
        return None
    identity, _review = await tj_identity.reviews(turn, account.id)
    return tj_identity.next_step(identity)


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
