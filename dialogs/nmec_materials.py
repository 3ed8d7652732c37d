"""上传相关材料 of 医师资格考试 (seed 001): the checklist, one category at a time, 提交审核.

The rules live in domain/materials.py; this module shows the checklist of the applicant's exam
region, asks its yes/no questions, receives images through the shared upload step (dialogs/uploads.py:
jpg/jpeg/png of at most 200,000 bytes; a larger one is offered compressed), deletes the unlocked ones
and submits. Every button names a category code or an image id that the domain checks against the
pressing account, so forged callback data reaches nothing of another applicant.
"""

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render, uploads
from dialogs.turn import Turn
from domain import materials, photos, windows
from domain.exam_registrations import NMEC
from domain.materials import CategoryStatus, Checklist
from domain.model import Account, UploadState
from domain.problems import Problem
from domain.registration import account_of
from domain.uploads import Picture


class MaterialCb(CallbackData, prefix="mt"):
    """list; open / add (code: a category); delete (value: an image id); fact (code, value yes|no);
    submit; confirm (提交审核 after the warning)."""

    action: str
    code: str = ""
    value: str = ""


_STATE_MARKS = {
    UploadState.DRAFT: "🔓",
    UploadState.SUBMITTED: "🔒",
    UploadState.APPROVED: "🔒",  # an approval looks like any other lock (seed: no news is ambiguous)
    UploadState.RETURNED: "↩️",
}


async def _account(turn: Turn) -> Account | None:
    return await account_of(turn.uow, turn.user_id, NMEC)


async def _checklist(turn: Turn) -> Checklist | None:
    """The applicant's checklist, or None after saying why there is none."""
    account = await _account(turn)
    if account is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return None
    found = await materials.checklist(turn.uow, account, turn.clock.now())
    if isinstance(found, Problem):
        await turn.say(render.problem(found))
        return None
    return found


def _window_line(checklist: Checklist) -> str:
    context = checklist.context
    return _("{region}: uploads from {start} to {end} (Beijing time).").format(
        region=context.region.official_name,
        start=windows.moment_text(checklist.opens_at),
        end=windows.end_text(checklist.deadline),
    )


def _category_line(status: CategoryStatus) -> str:
    category = status.category
    counted = f"{status.count}/{category.max_count}"
    if status.returned:
        return _("↩️ {category} {count}: returned, replace it").format(category=category.name, count=counted)
    if status.required is None:
        return _("❔ {category} {count}: depends on your answer below").format(
            category=category.name, count=counted
        )
    if status.missing:
        return _("⬜ {category} {count}: {missing} more needed").format(
            category=category.name, count=counted, missing=status.missing
        )
    if not status.required and not status.count:
        return _("▫️ {category}: only if it applies to you").format(category=category.name)
    return _("✅ {category} {count}").format(category=category.name, count=counted)


async def show_checklist(turn: Turn, note: str | None = None) -> None:
    checklist = await _checklist(turn)
    if checklist is None:
        return
    lines = [*([note] if note else []), _("Application materials (上传相关材料)"), _window_line(checklist)]
    lines += [_category_line(status) for status in checklist.categories]
    builder = InlineKeyboardBuilder()
    if checklist.closed:
        lines.append(render.problem(checklist.blockers()[0]))
    elif checklist.locked:
        lines += [_(materials.SUBMITTED_MESSAGE), _(materials.NO_NEWS_NOTE)]
    for status in checklist.categories:
        label = f"{status.category.name} ({status.count}/{status.category.max_count})"
        builder.button(text=label, callback_data=MaterialCb(action="open", code=status.category.code))
    if not checklist.locked and not checklist.closed:
        builder.button(text=_("Submit for review (提交审核)"), callback_data=MaterialCb(action="submit"))
    builder.adjust(1)
    await turn.say("\n".join(lines), builder.as_markup())
    if checklist.unanswered_facts and not checklist.locked:
        await _ask_fact(turn, checklist)


async def _ask_fact(turn: Turn, checklist: Checklist) -> None:
    fact = checklist.unanswered_facts[0]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes"), callback_data=MaterialCb(action="fact", code=fact.code, value="yes"))
    builder.button(text=_("No"), callback_data=MaterialCb(action="fact", code=fact.code, value="no"))
    await turn.say(
        _("Which materials you need depends on your situation. {question}").format(question=fact.question),
        builder.as_markup(),
    )


def _category_view(status: CategoryStatus, checklist: Checklist) -> tuple[str, InlineKeyboardMarkup]:
    category = status.category
    lines = [
        _("{category}: {count} of at most {max} images").format(
            category=category.name, count=status.count, max=category.max_count
        ),
        _("Requirements: {example}").format(example=category.example),
    ]
    builder = InlineKeyboardBuilder()
    can_change = not checklist.locked and not checklist.closed
    for number, image in enumerate(status.images, start=1):
        state = _("locked") if image.locked else _("unlocked")
        line = f"{number}. {_STATE_MARKS[image.state]} {state}"
        if image.original_name:
            line += f" · {image.original_name}"
        if image.reason:
            line += " · " + _("returned: {reason}").format(reason=image.reason)
        lines.append(line)
        if can_change and not image.locked:
            builder.button(
                text=_("− delete {number}").format(number=number),
                callback_data=MaterialCb(action="delete", value=str(image.id)),
            )
    if can_change and not status.full:
        builder.button(text=_("Upload an image"), callback_data=MaterialCb(action="add", code=category.code))
    elif status.full:
        lines.append(_("The maximum is reached: delete an image to upload another."))
    builder.button(text=_("Back to the checklist"), callback_data=MaterialCb(action="list"))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


async def show_category(turn: Turn, code: str, note: str | None = None) -> None:
    checklist = await _checklist(turn)
    if checklist is None:
        return
    status = checklist.category(code)
    if status is None:
        await show_checklist(turn, _("This button is no longer active."))
        return
    text, markup = _category_view(status, checklist)
    await turn.say("\n".join(filter(None, [note, text])), markup)


# ---------------------------------------------------------------------------------------------------
# Receiving an image for a category


def _prompt(context: dict[str, object]) -> str:
    return _(
        "Send an image for {category} as a file (📎 → File): jpg, jpeg or png, at most {max_bytes} bytes "
        "(“200k”), upright, clear and complete. A larger picture can be compressed for you."
    ).format(category=context.get("name", ""), max_bytes=photos.MATERIAL_IMAGE.rules.max_bytes)


async def _accepted(turn: Turn, picture: Picture, context: dict[str, object]) -> None:
    code = str(context.get("code", ""))
    account = await _account(turn)
    if account is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return
    added = await materials.add_image(turn.uow, turn.files, account, code, picture, turn.clock.now())
    note = render.problem(added) if isinstance(added, Problem) else _("Image added.")
    await show_category(turn, code, note)


async def _back(turn: Turn, context: dict[str, object]) -> None:
    await show_category(turn, str(context.get("code", "")))


IMAGE = uploads.target(uploads.Target("material", photos.MATERIAL_IMAGE, _prompt, _accepted, _back))


# ---------------------------------------------------------------------------------------------------
# Buttons


async def _submit(turn: Turn, confirmed: bool) -> None:
    checklist = await _checklist(turn)
    if checklist is None:
        return
    blockers = checklist.blockers()
    if blockers:
        await show_checklist(turn, render.problems(blockers))
        return
    if not confirmed:
        builder = InlineKeyboardBuilder()
        builder.button(text=_("Submit for review (提交审核)"), callback_data=MaterialCb(action="confirm"))
        builder.button(text=_("Back to the checklist"), callback_data=MaterialCb(action="list"))
        builder.adjust(1)
        await turn.say(
            _(
                "Submit {count} images for review? They are then locked: you can change one again only "
                "if a reviewer returns it."
            ).format(count=checklist.image_count),
            builder.as_markup(),
        )
        return
    submitted = await materials.submit(turn.uow, checklist.context.account, turn.clock.now())
    await show_checklist(turn, render.problem(submitted) if isinstance(submitted, Problem) else None)


async def _delete(turn: Turn, upload_id: int) -> None:
    checklist = await _checklist(turn)
    if checklist is None:
        return
    # Only an image of this applicant's checklist; any other id (forged) gets the domain's "not found".
    status = next((s for s in checklist.categories if any(i.id == upload_id for i in s.images)), None)
    deleted = await materials.delete_image(
        turn.uow, turn.files, checklist.context.account, upload_id, turn.clock.now()
    )
    if isinstance(deleted, Problem) or status is None:
        await show_checklist(turn, render.problem(deleted) if isinstance(deleted, Problem) else None)
        return
    await show_category(turn, status.category.code, _("Image deleted."))


async def status_lines(turn: Turn, account: Account) -> list[str]:
    """The materials' lines of /status, indented under the registration's line."""
    found = await materials.checklist(turn.uow, account, turn.clock.now())
    if isinstance(found, Problem):
        return []
    return ["    " + render.problem(line) for line in materials.status_lines(found)]


def get_router() -> Router:
    router = Router(name="nmec-materials")

    @router.callback_query(MaterialCb.filter())
    async def on_button(query: CallbackQuery, callback_data: MaterialCb, turn: Turn) -> None:
        await query.answer()
        action, code = callback_data.action, callback_data.code
        if action == "list":
            await show_checklist(turn)
        elif action == "open":
            await show_category(turn, code)
        elif action == "add":
            checklist = await _checklist(turn)
            status = checklist.category(code) if checklist else None
            if status is None:
                return
            await uploads.request(turn, IMAGE, {"code": code, "name": status.category.name})
        elif action == "delete" and callback_data.value.isdigit():
            await _delete(turn, int(callback_data.value))
        elif action == "fact" and callback_data.value in ("yes", "no"):
            account = await _account(turn)
            if account is None:
                return
            answered = await materials.answer_fact(
                turn.uow, account, code, callback_data.value == "yes", turn.clock.now()
            )
            await show_checklist(turn, render.problem(answered) if isinstance(answered, Problem) else None)
        elif action in ("submit", "confirm"):
            await _submit(turn, confirmed=action == "confirm")
        else:
            await show_checklist(turn, _("This button is no longer active."))

    return router
