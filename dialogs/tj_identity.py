"""天津高职升本 身份认证 (seed 002, 2.9) and 上传审核 (2.11), and their 确认点 review queue.

The applicant uploads an ID photo and the ID card's portrait side through the shared upload step
(a face must be found in each: domain/photos.py), then 上传认证. The bot has no reliable offline face
comparison, so it says plainly that 确认点 staff compare the pictures by hand (domain/tj_reviews.py).
"""

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render, review, uploads
from dialogs.turn import Turn
from domain import photos, tj_reviews, tj_steps
from domain.model import SubmissionState
from domain.problems import Problem
from domain.registration import account_of
from domain.text import N_
from domain.tj_reviews import ID_CARD, ID_PHOTO, IDENTITY, PHOTO, TJ, UPLOAD_REVIEW, Review
from domain.uploads import Picture


class TjCb(CallbackData, prefix="tv"):
    """kind (identity | upload): show, add (slot), delete (value: picture id), card (value: yes|no),
    submit."""

    kind: str
    action: str
    slot: str = ""
    value: str = ""


_KINDS = {"identity": IDENTITY, "upload": UPLOAD_REVIEW}
_NAMES = {IDENTITY: "identity", UPLOAD_REVIEW: "upload"}


async def _account_id(turn: Turn) -> int | None:
    account = await account_of(turn.uow, turn.user_id, TJ)
    if account is None or account.id is None:
        await turn.say(_("This chat no longer holds the account. Log in again with /start."))
        return None
    return account.id


def _state(found: Review) -> str:
    if found.state == SubmissionState.SUBMITTED:
        return _("waiting for the manual review of the 确认点")
    if found.state == SubmissionState.APPROVED:
        return _("passed (认证成功)") if found.kind == IDENTITY else _("passed (审核通过)")
    if found.state == SubmissionState.REJECTED:
        return _("not passed: {reason}").format(reason=found.reason or "—")
    return _("not submitted yet")


def _result_line(found: Review) -> str:
    line = _("Result: {state}").format(state=_state(found))
    if found.state == SubmissionState.REJECTED:
        line += "\n" + _("Change the pictures and submit again.")
    return line


def next_step(identity: Review) -> str | None:
    if identity.state == SubmissionState.SUBMITTED:
        return _("Next: wait for the manual review of the 确认点; you will be told here.")
    if identity.state in (SubmissionState.DRAFT, SubmissionState.REJECTED):
        return _("Next: the identity check (身份认证).")
    return None


_MARKS = {
    SubmissionState.DRAFT: "⬜",
    SubmissionState.SUBMITTED: "⏳",
    SubmissionState.APPROVED: "✅",
    SubmissionState.REJECTED: "⚠️",
}


def identity_line(identity: Review) -> str:
    return _("{mark} Identity check (身份认证): {state}").format(
        mark=_MARKS[identity.state], state=_state(identity)
    )


def upload_line(upload_review: Review) -> str:
    return _("{mark} Upload review (上传审核), only if your 确认点 asked for it: {state}").format(
        mark=_MARKS[upload_review.state], state=_state(upload_review)
    )


def identity_button(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("Identity check (身份认证)"), callback_data=TjCb(kind="identity", action="show"))


def upload_button(builder: InlineKeyboardBuilder) -> None:
    builder.button(text=_("Upload review (上传审核)"), callback_data=TjCb(kind="upload", action="show"))


def _identity_view(found: Review) -> tuple[str, InlineKeyboardMarkup]:
    photo, card = found.slot(ID_PHOTO), found.slot(ID_CARD)
    lines = [
        _(
            "Identity check (身份认证): the web system compares your ID photo with the photo on your "
            "ID card. Send each as a file; a face must be visible in both."
        ),
        ("✅ " if photo else "⬜ ") + _("1. ID photo (证件照)"),
    ]
    if found.has_id_card is False:
        lines.append("➖ " + _("2. No ID card: the 确认点 verifies you by hand."))
    else:
        lines.append(("✅ " if card else "⬜ ") + _("2. ID card, portrait side"))
    lines.append(_result_line(found))
    builder = InlineKeyboardBuilder()
    if not found.locked:
        builder.button(
            text=_("Upload the ID photo"), callback_data=TjCb(kind="identity", action="add", slot=ID_PHOTO)
        )
        if found.has_id_card is False:
            builder.button(
                text=_("I have an ID card"), callback_data=TjCb(kind="identity", action="card", value="yes")
            )
        else:
            builder.button(
                text=_("Upload the ID card's portrait side"),
                callback_data=TjCb(kind="identity", action="add", slot=ID_CARD),
            )
            builder.button(
                text=_("I have no ID card"), callback_data=TjCb(kind="identity", action="card", value="no")
            )
        builder.button(text=_("Submit (上传认证)"), callback_data=TjCb(kind="identity", action="submit"))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def _upload_view(found: Review) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _(
            "Upload review (上传审核): add the photos your 确认点 asked for ({count} of at most {max})."
        ).format(count=len(found.uploads), max=tj_reviews.MAX_REVIEW_PHOTOS),
    ]
    builder = InlineKeyboardBuilder()
    for number, picture in enumerate(found.uploads, start=1):
        lines.append(f"{number}. {picture.original_name or f'{picture.width}×{picture.height}'}")
        if not found.locked:
            builder.button(
                text=_("− delete {number}").format(number=number),
                callback_data=TjCb(kind="upload", action="delete", value=str(picture.id)),
            )
    lines.append(_result_line(found))
    if not found.locked:
        if len(found.uploads) < tj_reviews.MAX_REVIEW_PHOTOS:
            builder.button(
                text=_("+ Add a photo"), callback_data=TjCb(kind="upload", action="add", slot=PHOTO)
            )
        builder.button(
            text=_("Submit for review (提交审核)"), callback_data=TjCb(kind="upload", action="submit")
        )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


async def show(turn: Turn, kind: str, note: str | None = None) -> None:
    account_id = await _account_id(turn)
    if account_id is None:
        return
    found = await tj_reviews.review_of(turn.uow, account_id, kind)
    text, markup = _identity_view(found) if kind == IDENTITY else _upload_view(found)
    await turn.say("\n".join(filter(None, [note, text])), markup)


# ---------------------------------------------------------------------------------------------------
# Receiving the pictures


def _prompt(context: dict[str, object]) -> str:
    slot = context.get("slot")
    if slot == ID_PHOTO:
        return _(
            "Send your ID photo (证件照) as a file (📎 → File): a recent colour photo, bareheaded, your face "
            "clearly visible; jpg or png."
        )
    if slot == ID_CARD:
        return _(
            "Send the portrait side of your ID card as a file (📎 → File): the whole card, sharp, no glare."
        )
    return _("Send the photo as a file (📎 → File): jpg or png, at most {max_bytes} bytes.").format(
        max_bytes=photos.MATERIAL_IMAGE.rules.max_bytes
    )


async def _accepted(turn: Turn, picture: Picture, context: dict[str, object]) -> None:
    kind, slot = str(context.get("kind", "")), str(context.get("slot", ""))
    account_id = await _account_id(turn)
    if account_id is None:
        return
    added = await tj_reviews.add_picture(
        turn.uow, turn.files, account_id, kind, slot, picture, turn.clock.now()
    )
    await show(turn, kind, render.problem(added) if isinstance(added, Problem) else _("Picture saved."))


async def _back(turn: Turn, context: dict[str, object]) -> None:
    await show(turn, str(context.get("kind", IDENTITY)))


_TARGETS = {
    ID_PHOTO: uploads.target(uploads.Target("tj-id-photo", photos.TJ_ID_PHOTO, _prompt, _accepted, _back)),
    ID_CARD: uploads.target(uploads.Target("tj-id-card", photos.TJ_ID_CARD, _prompt, _accepted, _back)),
    # The seed names no rule for these photos: the 200,000-byte jpg/png of the materials.
    PHOTO: uploads.target(uploads.Target("tj-review", photos.MATERIAL_IMAGE, _prompt, _accepted, _back)),
}


async def _submitted(turn: Turn, kind: str, found: Review) -> None:
    if kind == UPLOAD_REVIEW:
        note = _(
            "Submitted for review: your photos are locked until the 确认点 decides. You will be told here."
        )
    elif found.has_id_card is False:
        note = _(
            "Sent for manual verification by the 确认点, since you have no ID card. "
            "You will be told the result here."
        )
    else:
        note = _(
            "Sent. This bot has no reliable automatic face comparison, so it does not guess: the 确认点 "
            "staff compare your two pictures by hand. You will be told the result here."
        )
    await show(turn, kind, note)


def get_router() -> Router:
    router = Router(name="tj-identity")

    @router.callback_query(TjCb.filter())
    async def on_button(query: CallbackQuery, callback_data: TjCb, turn: Turn) -> None:
        await query.answer()
        kind = _KINDS.get(callback_data.kind)
        account = await account_of(turn.uow, turn.user_id, TJ) if kind else None
        if kind is None or account is None or account.id is None:
            await turn.say(_("This chat no longer holds the account. Log in again with /start."))
            return
        account_id = account.id
        # The seed's order: 信息确认 leads to 身份认证; 上传审核 follows the payment.
        found = await tj_steps.progress(turn.uow, account, turn.clock)
        step = tj_steps.Step.IDENTITY if kind == IDENTITY else tj_steps.Step.REVIEW
        refusal = found.blocker(step, turn.clock.now())
        if refusal is not None:
            await turn.say(render.problem(refusal))
            return
        action = callback_data.action
        if action == "add" and callback_data.slot in _TARGETS:
            await uploads.request(
                turn, _TARGETS[callback_data.slot], {"kind": kind, "slot": callback_data.slot}
            )
        elif action == "delete" and callback_data.value.isdigit():
            deleted = await tj_reviews.delete_picture(
                turn.uow, turn.files, account_id, kind, int(callback_data.value)
            )
            await show(turn, kind, render.problem(deleted) if deleted else _("Picture deleted."))
        elif action == "card" and kind == IDENTITY and callback_data.value in ("yes", "no"):
            changed = await tj_reviews.set_has_id_card(turn.uow, account_id, callback_data.value == "yes")
            await show(turn, kind, render.problem(changed) if isinstance(changed, Problem) else None)
        elif action == "submit":
            submitted = await tj_reviews.submit(turn.uow, account_id, kind, turn.clock.now())
            if isinstance(submitted, Problem):
                await show(turn, kind, render.problem(submitted))
            else:
                await _submitted(turn, kind, submitted)
        else:
            await show(turn, kind)

    return router


# ---------------------------------------------------------------------------------------------------
# The 确认点 reviewers' queue (/review tj-upgrade): identity checks first, then 上传审核


async def _next(turn: Turn) -> bool:
    for kind in (IDENTITY, UPLOAD_REVIEW):
        waiting = await tj_reviews.queue(turn.uow, kind)
        if not waiting:
            continue
        entry = waiting[0]
        for number, picture in enumerate(entry.review.uploads, start=1):
            extension = "png" if picture.content_type == "image/png" else "jpg"
            await review.send_picture(
                turn, picture.file_key, f"{picture.slot}-{number}.{extension}", picture.slot, None
            )
        title = _("Identity check (身份认证)") if kind == IDENTITY else _("Upload review (上传审核)")
        lines = [
            _("Waiting for review: {count}").format(count=len(waiting)),
            f"{title} · {entry.applicant} · {entry.id_number}",
        ]
        if kind == IDENTITY:
            lines.append(
                _("No ID card: verify the person by the ID photo and their documents.")
                if entry.review.has_id_card is False
                else _("Compare the face on the ID photo with the face on the ID card.")
            )
        markup = review.decision_buttons(
            TJ, entry.account_id, part=_NAMES[kind], reject_label=N_("Not passed")
        )
        await turn.say("\n".join(lines), markup)
        return True
    return False


async def _decide(
    turn: Turn, account_id: int, part: str, passed: bool, reason: str | None
) -> review.Decided | Problem:
    kind = _KINDS.get(part)
    if kind is None:
        return Problem(N_("This submission is no longer waiting for review."))
    decision = await tj_reviews.decide(
        turn.uow,
        account_id,
        kind,
        passed=passed,
        reviewer_id=turn.user.external_id,
        reason=reason,
        now=turn.clock.now(),
    )
    if isinstance(decision, Problem):
        return decision

    def message() -> str:
        title = _("Identity check (身份认证)") if kind == IDENTITY else _("Upload review (上传审核)")
        if decision.passed:
            state = _("passed (认证成功)") if kind == IDENTITY else _("passed (审核通过)")
            return _("{step}: {state}").format(step=title, state=state)
        state = _("not passed: {reason}").format(reason=decision.reason)
        return (
            _("{step}: {state}").format(step=title, state=state)
            + "\n"
            + _("Change the pictures and submit again.")
        )

    done = N_("Passed; the applicant is told.") if passed else N_("Not passed; the applicant is told.")
    return review.Decided(done, decision.notify, message, TJ)


async def _approve(turn: Turn, item: int, part: str) -> review.Decided | Problem:
    return await _decide(turn, item, part, True, None)


async def _reject(turn: Turn, item: int, part: str, reason: str) -> review.Decided | Problem:
    return await _decide(turn, item, part, False, reason)


review.queue(review.Queue(TJ, _next, _approve, _reject))
