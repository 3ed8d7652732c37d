"""/review: staff with the reviewer role work through a programme's queue, one item at a time.

Each programme with a review plugs in a ``Queue``: 医师资格考试 materials (single images, approved or
returned with a reason) here, 天津高职升本 identity checks and 上传审核 in dialogs/tj_identity.py. Every
button press checks the presser's role again: a callback query carries no command, and its data may
be forged. The applicant hears of a return (or a decision) in their own language; an approval of a
single material image is never announced (seed 001: no news is ambiguous).
"""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import keyboards, render
from dialogs.staff import StaffOnly
from dialogs.turn import Turn
from domain import materials, windows
from domain.exam_registrations import NMEC
from domain.model import Channel, ChatUser, Role, StaffMember
from domain.problems import Problem
from domain.staff import may, roles_of
from domain.text import N_


class ReviewCb(CallbackData, prefix="rv"):
    """approve / reject (item: what the queue calls an item, an image or an account; part: which of
    the programme's queues, when it has several)."""

    programme: str
    action: str
    item: int
    part: str = ""


class ReviewState(StatesGroup):
    reason = State()  # typing why an item is returned or rejected


@dataclass(frozen=True)
class Decided:
    """What a decision changed: the reviewer's confirmation, and whom to tell what (or nobody)."""

    done: str  # message id, said to the reviewer
    notify: ChatUser | None = None
    message: Callable[[], str] | None = None  # built inside the applicant's locale
    programme: str = ""


@dataclass(frozen=True)
class Queue:
    programme: str
    show_next: Callable[[Turn], Awaitable[bool]]  # False when nothing waits
    approve: Callable[[Turn, int, str], Awaitable[Decided | Problem]]  # item, part
    reject: Callable[[Turn, int, str, str], Awaitable[Decided | Problem]]  # item, part, reason


QUEUES: dict[str, Queue] = {}


def queue(new: Queue) -> Queue:
    QUEUES[new.programme] = new
    return new


def decision_buttons(
    programme: str, item: int, *, part: str = "", reject_label: str = "", can_reject: bool = True
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    approve = ReviewCb(programme=programme, action="approve", item=item, part=part)
    builder.button(text=_("Approve"), callback_data=approve)
    if can_reject:
        reject = ReviewCb(programme=programme, action="reject", item=item, part=part)
        builder.button(text=_(reject_label or N_("Return")), callback_data=reject)
    return builder.as_markup()


async def send_picture(
    turn: Turn, file_key: str, name: str, caption: str, markup: InlineKeyboardMarkup | None
) -> None:
    data = await turn.files.get(file_key)
    await turn.bot.send_document(
        turn.chat_id, BufferedInputFile(data, filename=name), caption=caption, reply_markup=markup
    )


async def _may_review(turn: Turn, programme: str) -> bool:
    members = await roles_of(turn.uow, Channel.TELEGRAM, turn.user.external_id)
    return programme in QUEUES and may(members, Role.REVIEWER, programme)


async def _next(turn: Turn, programme: str, note: str | None = None) -> None:
    if note:
        await turn.say(note)
    if not await QUEUES[programme].show_next(turn):
        await turn.say(_("Nothing is waiting for review."))


async def _tell(turn: Turn, i18n: I18n, decided: Decided) -> None:
    if decided.notify is None or decided.message is None or decided.notify.channel != Channel.TELEGRAM:
        return
    with i18n.use_locale(decided.notify.language(i18n.default_locale)):
        text = decided.message()
        markup = keyboards.open_programme(decided.programme) if decided.programme else None
    # The applicant may have blocked the bot: the decision stands, and /start shows it.
    with suppress(TelegramAPIError):
        await turn.bot.send_message(int(decided.notify.external_id), text, reply_markup=markup)


# ---------------------------------------------------------------------------------------------------
# 医师资格考试 materials: single images


async def _materials_next(turn: Turn) -> bool:
    waiting = await materials.review_queue(turn.uow, turn.clock.now())
    if not waiting:
        return False
    item = waiting[0]
    caption = "\n".join(
        [
            _("Waiting for review: {count}").format(count=len(waiting)),
            f"{item.region_name} · {item.applicant} · {item.registration_number}",
            f"{item.category_name} · {item.width}×{item.height}, {item.size_bytes} bytes",
            *([_("The upload window has closed: it can only be approved now.")] if item.closed else []),
        ]
    )
    extension = "png" if item.content_type == "image/png" else "jpg"
    markup = decision_buttons(NMEC, item.upload_id, can_reject=not item.closed)
    await send_picture(turn, item.file_key, f"{item.upload_id}.{extension}", caption, markup)
    return True


async def _materials_approve(turn: Turn, item: int, part: str) -> Decided | Problem:
    outcome = await materials.approve(turn.uow, item, turn.user.external_id, turn.clock.now())
    return outcome if isinstance(outcome, Problem) else Decided(N_("Approved."))


async def _materials_return(turn: Turn, item: int, part: str, reason: str) -> Decided | Problem:
    outcome = await materials.return_image(turn.uow, item, turn.user.external_id, reason, turn.clock.now())
    if isinstance(outcome, Problem):
        return outcome

    def message() -> str:
        return _(
            "A reviewer returned your image of {category}: {reason}\n"
            "Delete it, upload a new one and submit again before {deadline} (Beijing time)."
        ).format(
            category=outcome.category_name,
            reason=outcome.reason,
            deadline=windows.end_text(outcome.deadline),
        )

    return Decided(N_("Returned; the applicant is told."), outcome.notify, message, NMEC)


queue(Queue(NMEC, _materials_next, _materials_approve, _materials_return))


# ---------------------------------------------------------------------------------------------------


def get_router() -> Router:
    router = Router(name="review")

    @router.message(Command("review"), StaffOnly())
    async def on_review(
        message: Message, command: CommandObject, staff_roles: list[StaffMember], turn: Turn
    ) -> None:
        mine = [m.programme for m in staff_roles if m.role == Role.REVIEWER and m.programme in QUEUES]
        wanted = (command.args or "").split()[:1]
        chosen = (
            wanted[0]
            if wanted and wanted[0] in mine
            else (mine[0] if len(mine) == 1 and not wanted else None)
        )
        if chosen is None:
            await message.answer(
                _("Which queue? {commands}").format(commands=", ".join(f"/review {code}" for code in mine))
                if mine
                else _("You have no reviewer role.")
            )
            return
        await turn.state.set_state(None)
        await _next(turn, chosen)

    @router.callback_query(ReviewCb.filter())
    async def on_decision(query: CallbackQuery, callback_data: ReviewCb, turn: Turn, i18n: I18n) -> None:
        programme = callback_data.programme
        if not await _may_review(turn, programme):
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        if callback_data.action == "reject":
            await turn.state.set_state(ReviewState.reason)
            review = {"programme": programme, "item": callback_data.item, "part": callback_data.part}
            await turn.state.update_data(review=review)
            await turn.say(_("Type the reason (the applicant will read it):"))
            return
        decided = await QUEUES[programme].approve(turn, callback_data.item, callback_data.part)
        if isinstance(decided, Problem):
            await _next(turn, programme, render.problem(decided))
            return
        await _tell(turn, i18n, decided)
        await _next(turn, programme, _(decided.done))

    @router.message(ReviewState.reason, F.text)
    async def on_reason(message: Message, turn: Turn, i18n: I18n) -> None:
        review: dict[str, Any] = (await turn.data()).get("review") or {}
        programme, item = str(review.get("programme", "")), int(review.get("item", 0))
        reason = materials.parse_reason(message.text or "")
        if isinstance(reason, Problem):  # the same item: the reviewer types the reason again
            await turn.say(render.problem(reason))
            return
        await turn.state.set_state(None)
        if not await _may_review(turn, programme):
            return
        decided = await QUEUES[programme].reject(turn, item, str(review.get("part", "")), reason)
        if isinstance(decided, Problem):
            await _next(turn, programme, render.problem(decided))
            return
        await _tell(turn, i18n, decided)
        await _next(turn, programme, _(decided.done))

    return router
