"""学员报名 of 广东住培 (seed 000 三): the five steps, a review, and 提交.

1 选择招收批次 (only an open batch has a button; the others show their dates), 2 选择个人身份 (checked
against the 工作信息 module), 3 确认个人信息 (修改 opens the profile; the 学员报名 entry of the menu comes
back to the draft), 4 补充报名信息 (the notes), 5 填写志愿 (one specialty, then one to three training bases
that take it, in the order pressed), then the review page, where only 提交 makes the application exist.

The application's id lives in the conversation's data, never in callback data: a button can only act
on the pressing applicant's own draft, and the domain checks ownership again.
"""

from typing import Any

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import gd_offers, render
from dialogs.profile_fields import MENUS, module_line
from dialogs.turn import Turn
from domain import gd_applications, gd_catalog
from domain.gd_applications import ApplicationView, IdentityConflict
from domain.gd_profile import APPLICANT_TYPE_LABELS, APPLICANT_TYPE_OFFICIAL_NAMES, ApplicantType
from domain.model import Account
from domain.offers import STATE_LABELS
from domain.problems import Problem
from domain.profiles import NoAccount
from domain.registration import account_of
from domain.windows import WindowPhase, window_text

GD = gd_applications.GD
_DRAFT = "gd_application"  # the conversation's data: {"id": application id, "bases": [chosen base ids]}
STEPS = 5


class ApplyCb(CallbackData, prefix="ga"):
    """batches; select (value: batch number); type (value: applicant type); profile (修改); next
    (value: the step to go to); specialty (value: code); base (value: base id, pressed again to drop
    it); choose (确认并返回); submit (提交)."""

    action: str
    value: str = ""


def _button(builder: InlineKeyboardBuilder, text: str, action: str, value: str = "") -> None:
    builder.button(text=text, callback_data=ApplyCb(action=action, value=value))


def _markup(builder: InlineKeyboardBuilder, columns: int = 1) -> InlineKeyboardMarkup:
    builder.adjust(columns)
    return builder.as_markup()


def _step(number: int, text: str) -> str:
    return f"{render.progress(number, STEPS)} · {text}"


async def _account(turn: Turn) -> Account | None:
    account = await account_of(turn.uow, turn.user_id, GD)
    if account is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
    return account


async def _draft(turn: Turn) -> dict[str, Any]:
    return dict((await turn.data()).get(_DRAFT) or {})


async def _keep(turn: Turn, **changes: Any) -> None:
    await turn.state.update_data({_DRAFT: {**await _draft(turn), **changes}})


# ---------------------------------------------------------------------------------------------------
# The menu's entry


async def menu_line(turn: Turn) -> tuple[str, str]:
    account = await account_of(turn.uow, turn.user_id, GD)
    if account is None:
        return "⬜", ""
    found = await gd_applications.status(turn.uow, account, turn.clock.now())
    if found.accepted is not None:
        mark = "✅"
    elif any(application.submitted for application in found.applications):
        mark = "⏳"
    else:
        mark = "⬜"
    if found.next_step is None:
        return mark, _("{mark} Application (学员报名)").format(mark=mark)
    return mark, _("{mark} Application (学员报名): {next}").format(
        mark=mark, next=render.problem(found.next_step)
    )


async def show_batches(turn: Turn, note: str | None = None) -> None:
    """Step 1: every batch of the year with its dates; a button only for the open one."""
    account = await _account(turn)
    if account is None:
        return
    now = turn.clock.now()
    batches = gd_applications.batches_for(await gd_catalog.calendar(turn.uow), now)
    if not batches:
        await turn.say(_("No batches of 广东住培 are published."))
        return
    phases = {
        WindowPhase.OPEN: _("open now"),
        WindowPhase.UPCOMING: _("not open yet"),
        WindowPhase.CLOSED: _("closed"),
    }
    lines = [
        *([note] if note else []),
        _step(1, _("Choose the batch (选择招收批次) of {year}:").format(year=batches[0].year)),
    ]
    builder = InlineKeyboardBuilder()
    for batch in batches:
        lines.append(
            _("Batch {batch}: applications {dates} (Beijing time), {phase}").format(
                batch=batch.number, dates=window_text(batch.application), phase=phases[batch.phase]
            )
        )
        if batch.selectable:
            _button(
                builder, _("Choose batch {batch}").format(batch=batch.number), "select", str(batch.number)
            )
    applications = await gd_applications.applications_of(turn.uow, account, now)
    for application in applications:
        lines.append(_view_lines(application)[0])
        label = _("Batch {batch}: your application").format(batch=application.batch.number)
        _button(builder, label, "view", str(application.id))
    if any(offer.can_accept or offer.can_decline for a in applications for offer in a.offers):
        _button(builder, _("Answer the offers (接受 / 放弃)"), "offers")
    await turn.say("\n".join(lines), _markup(builder))


# ---------------------------------------------------------------------------------------------------
# Steps 2 to 5


async def _ask_type(turn: Turn, note: str | None = None) -> None:
    builder = InlineKeyboardBuilder()
    for applicant_type in ApplicantType:
        label = (
            f"{APPLICANT_TYPE_OFFICIAL_NAMES[applicant_type]} · {_(APPLICANT_TYPE_LABELS[applicant_type])}"
        )
        _button(builder, label, "type", applicant_type.value)
    text = _step(2, _("Your applicant type (选择个人身份):"))
    await turn.say("\n".join(filter(None, [note, text])), _markup(builder))


async def _ask_confirm(turn: Turn, note: str | None = None) -> None:
    menu = MENUS[GD]
    statuses = await menu.statuses(turn)
    lines = [_step(3, _("Confirm your profile (确认个人信息):"))]
    if not isinstance(statuses, NoAccount):
        lines += [module_line(form, status)[1] for form, status in zip(menu.forms, statuses, strict=True)]
    builder = InlineKeyboardBuilder()
    _button(builder, _("Edit (修改)"), "profile")
    _button(builder, _("Next (下一步)"), "next", "notes")
    await turn.say("\n".join(filter(None, [note, *lines])), _markup(builder, 2))


async def _ask_notes(turn: Turn) -> None:
    builder = InlineKeyboardBuilder()
    _button(builder, _("Next (下一步)"), "next", "specialty")
    await turn.say(
        _step(
            4,
            _(
                "Supplementary notes (补充报名信息). After 提交 the training bases you choose review your "
                "application; then come the theory exam, the skills test and interview, the medical "
                "check, the base's decision and its public notice (公示). The bases tell you the dates; "
                "offers are answered here, inside the confirmation window."
            ),
        ),
        _markup(builder),
    )


async def _current_catalog(turn: Turn) -> tuple[int | None, gd_catalog.YearCatalog | None]:
    year = gd_applications.current_year(await gd_catalog.calendar(turn.uow), turn.clock.now())
    return year, await gd_catalog.catalog_of(turn.uow, year) if year is not None else None


async def _ask_specialty(turn: Turn, note: str | None = None) -> None:
    year, catalog = await _current_catalog(turn)
    if catalog is None:
        await turn.say(
            _("The specialties and training bases of {year} are not published yet.").format(year=year)
        )
        return
    builder = InlineKeyboardBuilder()
    for specialty in catalog.offered_specialties():
        _button(builder, specialty.name, "specialty", specialty.code)
    text = _step(5, _("Choose one specialty (专业):"))
    await turn.say("\n".join(filter(None, [note, text])), _markup(builder, 3))


async def _ask_bases(turn: Turn, note: str | None = None) -> None:
    draft = await _draft(turn)
    catalog = (await _current_catalog(turn))[1]
    specialty = catalog.specialty(str(draft.get("specialty", ""))) if catalog else None
    if catalog is None or specialty is None:
        await _ask_specialty(turn, note)
        return
    chosen: list[str] = list(draft.get("bases", []))
    lines = [
        _step(
            5,
            _(
                "{specialty}: choose up to {max} training bases (平行志愿), in your order of preference; "
                "press one again to drop it."
            ).format(specialty=specialty.name, max=gd_applications.MAX_CHOICES),
        )
    ]
    builder = InlineKeyboardBuilder()
    for base in catalog.bases_offering(specialty.code):
        mark = f"{chosen.index(base.base_id) + 1}. " if base.base_id in chosen else ""
        _button(builder, f"{mark}{base.name}（{base.city}）", "base", base.base_id)
    if chosen:
        _button(builder, _("Confirm and return (确认并返回)"), "choose")
    _button(builder, _("Another specialty"), "next", "specialty")
    await turn.say("\n".join(filter(None, [note, *lines])), _markup(builder))


def _view_lines(view: ApplicationView) -> list[str]:
    state = _("submitted") if view.submitted else _("not submitted yet")
    lines = [
        _("Batch {batch} of {year}: {state}").format(batch=view.batch.number, year=view.year, state=state)
    ]
    if view.applicant_type is not None:
        lines.append(
            _("Applicant type: {type}").format(type=APPLICANT_TYPE_OFFICIAL_NAMES[view.applicant_type])
        )
    if view.specialty is not None:
        lines.append(_("Specialty: {specialty}").format(specialty=view.specialty.name))
    for base in view.bases:
        lines.append(
            _("Choice {rank}: {base}（{city}）").format(rank=base.rank, base=base.name, city=base.city)
        )
    for offer in view.offers:
        lines.append(
            "    " + _("{base}: {state}").format(base=offer.base_name, state=_(STATE_LABELS[offer.state]))
        )
    return lines


async def _show_review(turn: Turn, view: ApplicationView, note: str | None = None) -> None:
    lines = [_("Review your application:"), *_view_lines(view)]
    builder = InlineKeyboardBuilder()
    if view.missing:
        lines += [_("Not complete yet:"), render.problems(list(view.missing))]
    if any(offer.can_accept or offer.can_decline for offer in view.offers):
        _button(builder, _("Answer the offers (接受 / 放弃)"), "offers")
    if view.editable:
        lines.append(_("The application exists only after 提交; before it you can still change it."))
        if view.ready:
            _button(builder, _("Submit (提交)"), "submit")
        _button(builder, _("Change the choices"), "next", "specialty")
    await turn.say("\n".join(filter(None, [note, *lines])), _markup(builder))


async def _after_start(turn: Turn, view: ApplicationView) -> None:
    """Resume a draft where it stands: the first step still missing, or the review page."""
    await _keep(turn, id=view.id, bases=list(b.base_id for b in view.bases))
    if not view.editable:
        await _show_review(turn, view)
    elif view.applicant_type is None:
        await _ask_type(turn)
    else:
        await _ask_confirm(turn)


# ---------------------------------------------------------------------------------------------------


def get_router() -> Router:
    router = Router(name="gd-application")

    @router.callback_query(ApplyCb.filter())
    async def on_button(query: CallbackQuery, callback_data: ApplyCb, turn: Turn) -> None:
        await query.answer()
        account = await _account(turn)
        if account is None:
            return
        action, value, now = callback_data.action, callback_data.value, turn.clock.now()
        application_id = int((await _draft(turn)).get("id", 0))
        if action == "batches":
            await show_batches(turn)
        elif action == "offers":
            await gd_offers.show_offers(turn)
        elif action == "view" and value.isdigit():
            # Only the applicant's own: another id is "no such application".
            viewed = await gd_applications.application_view(turn.uow, account, int(value), now)
            if isinstance(viewed, Problem):
                await show_batches(turn, render.problem(viewed))
            else:
                await _show_review(turn, viewed)
        elif action == "select" and value.isdigit():
            started = await gd_applications.start(turn.uow, account, int(value), now)
            if isinstance(started, Problem):
                await show_batches(turn, render.problem(started))
            else:
                await _after_start(turn, started)
        elif not application_id:
            await show_batches(turn, _("This button is no longer active."))
        elif action == "type":
            typed = await gd_applications.set_identity(turn.uow, account, application_id, value, now)
            if isinstance(typed, IdentityConflict):
                conflict = [render.problem(typed.message), render.problems(list(typed.problems))]
                await _ask_type(turn, "\n".join(conflict))
            elif isinstance(typed, Problem):
                await _ask_type(turn, render.problem(typed))
            else:
                await _ask_confirm(turn)
        elif action == "profile":
            await MENUS[GD].show(turn, _("Change what is needed, then open 学员报名 again."))
        elif action == "next" and value == "notes":
            await _ask_notes(turn)
        elif action == "next" and value == "specialty":
            await _keep(turn, specialty=None, bases=[])
            await _ask_specialty(turn)
        elif action == "specialty":
            await _keep(turn, specialty=value, bases=[])
            await _ask_bases(turn)
        elif action == "base":
            # Pressed once: chosen, in order; pressed again: dropped. choose() checks every id.
            bases, note = list((await _draft(turn)).get("bases", [])), None
            if value in bases:
                bases.remove(value)
            elif len(bases) < gd_applications.MAX_CHOICES:
                bases.append(value)
            else:
                note = _("At most {max} training bases.").format(max=gd_applications.MAX_CHOICES)
            await _keep(turn, bases=bases)
            await _ask_bases(turn, note)
        elif action == "choose":
            draft = await _draft(turn)
            chosen_view = await gd_applications.choose(
                turn.uow,
                account,
                application_id,
                str(draft.get("specialty", "")),
                list(draft.get("bases", [])),
                now,
            )
            if isinstance(chosen_view, Problem):
                await _ask_bases(turn, render.problem(chosen_view))
            else:
                await _show_review(turn, chosen_view)
        elif action == "submit":
            submitted = await gd_applications.submit(turn.uow, account, application_id, now)
            if isinstance(submitted, Problem):
                await turn.say(render.problem(submitted))
            else:
                await turn.state.update_data({_DRAFT: None})
                await _show_review(
                    turn,
                    submitted,
                    _("Submitted: your application of batch {batch} now exists.").format(
                        batch=submitted.batch.number
                    ),
                )
        else:
            await show_batches(turn, _("This button is no longer active."))

    return router
