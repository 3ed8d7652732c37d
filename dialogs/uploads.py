"""Receiving a picture in chat, for every upload step (degree photo, materials, identity check).

Telegram re-compresses a picture sent as a "photo" (at most 1280 px, lossy JPEG), so the original
bytes arrive only when it is sent as a file. A photo is still read (its largest rendition) so the
applicant can be told what Telegram left of it and, when that is good enough, be offered the fix.
The size is checked before downloading: bots may fetch at most 20 MB (getFile).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import render
from dialogs.prompts import Question, Step, ask
from dialogs.turn import Turn
from domain import photos
from domain.problems import Problem
from domain.text import N_
from domain.uploads import Picture

log = logging.getLogger(__name__)

# Bot API: "the maximum file size to download is 20 MB".
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Received:
    data: bytes
    as_photo: bool  # sent as a compressed photo, not as a file
    original_name: str | None


CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def send_as_file_howto() -> str:
    return _(
        "Telegram compressed this picture because it was sent as a photo, so it is no longer the "
        "original. Send it as a file instead:\n"
        "• Phone: 📎 → File → choose the picture (iPhone: 📎 → File → Photo or Video Library).\n"
        '• Computer: drag the picture into the chat and untick "Compress the image".'
    )


async def receive(message: Message, turn: Turn) -> Received | None:
    """The picture's bytes, or None after telling the applicant why it could not be fetched."""
    if message.document is not None:
        file_id = message.document.file_id
        size = message.document.file_size
        name: str | None = (message.document.file_name or "")[:255] or None
        as_photo = False
    elif message.photo:
        largest = message.photo[-1]
        file_id, size, name, as_photo = largest.file_id, largest.file_size, None, True
    else:
        return None
    if size is not None and size > MAX_DOWNLOAD_BYTES:
        await turn.say(
            _(
                "This file is {size} MB; Telegram lets bots receive files of at most {limit} MB. "
                "Send a smaller file (a photo of 1–2 MB is plenty)."
            ).format(size=f"{size / _MB:.1f}", limit=MAX_DOWNLOAD_BYTES // _MB)
        )
        return None
    data = await download(turn, file_id)
    return None if data is None else Received(data, as_photo, name)


async def download(turn: Turn, file_id: str) -> bytes | None:
    """The file's bytes, or None after telling the applicant that Telegram did not give them."""
    try:
        buffer = await turn.bot.download(file_id, destination=BytesIO())
    except (TelegramAPIError, TelegramNetworkError, TimeoutError, OSError) as error:
        log.warning("could not download a file of user %s: %s", turn.user_id, type(error).__name__)
        await turn.say(_("I could not fetch this file from Telegram. Please send it again."))
        return None
    return buffer.getvalue() if isinstance(buffer, BytesIO) else None


# ---------------------------------------------------------------------------------------------------
# One upload step, shared by every picture the bot asks for


class UploadState(StatesGroup):
    waiting = State()  # for a picture, sent as a file


class UploadCb(CallbackData, prefix="u"):
    """use: take the pending picture (the fixed one, or the applicant's despite warnings); back."""

    action: str


@dataclass(frozen=True)
class Target:
    """What a picture is for: the rules it must meet, and what happens once one is accepted."""

    key: str
    spec: photos.PhotoSpec
    prompt: Callable[[dict[str, Any]], str]  # the request, from the step's context (translated)
    accept: Callable[[Turn, Picture, dict[str, Any]], Awaitable[None]]  # store it and move on
    back: Callable[[Turn, dict[str, Any]], Awaitable[None]]  # leave without a picture


TARGETS: dict[str, Target] = {}
_UPLOAD = "upload"  # the step's data in the conversation: target, context, pending file id


def target(new: Target) -> Target:
    TARGETS[new.key] = new
    return new


def _question(data: dict[str, Any]) -> Question:
    step = data.get(_UPLOAD) or {}
    chosen = TARGETS.get(step.get("target", ""))
    text = chosen.prompt(step.get("context", {})) if chosen else _("Send the picture as a file.")
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Back"), callback_data=UploadCb(action="back"))
    return Question(text, builder.as_markup())


STEP = Step(UploadState.waiting, 1, 1, _question, N_("Upload"))


def step(state_name: str | None) -> Step | None:
    return STEP if state_name == STEP.state.state else None


async def request(turn: Turn, chosen: Target, context: dict[str, Any], note: str | None = None) -> None:
    """Ask for a picture for ``chosen``; ``context`` (JSON values) says which one (a category)."""
    await turn.state.update_data({_UPLOAD: {"target": chosen.key, "context": context, "pending": None}})
    await ask(turn.bot, turn.state, STEP, note)


def describe(report: photos.PhotoReport) -> str:
    """What was measured, then every problem, then every warning."""
    if report.width is not None and report.height is not None:
        measured = _("Your picture: {format}, {width}×{height} pixels, {mode}, {size} bytes.").format(
            format=report.format,
            width=report.width,
            height=report.height,
            mode=report.mode,
            size=report.size_bytes,
        )
    else:
        measured = _("Your picture: {format}, {size} bytes.").format(
            format=report.format or "?", size=report.size_bytes
        )
    lines = [measured]
    if report.problems:
        lines += [_("It does not meet the rules:"), render.problems(report.problems)]
    if report.warnings:
        lines += [_("Please check:"), render.problems(report.warnings)]
    return "\n".join(lines)


def _offer(*, use: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=use, callback_data=UploadCb(action="use"))
    builder.button(text=_("Send another"), callback_data=UploadCb(action="again"))
    builder.adjust(1)
    return builder.as_markup()


async def _offer_fixed(turn: Turn, chosen: Target, fixed: photos.FixedPhoto, intro: str) -> None:
    """Send the fixed file back as a document; it is used only when the applicant accepts it."""
    lines = [intro, _("I fixed it (only size, rotation and file size; nothing retouched):")]
    lines.append(render.problems(fixed.changes))
    if fixed.report.warnings:
        lines += [_("Please check:"), render.problems(fixed.report.warnings)]
    await turn.say("\n".join(lines))
    sent = await turn.bot.send_document(
        turn.chat_id,
        BufferedInputFile(fixed.data, filename=f"{chosen.key}.jpg"),
        caption=_("The fixed picture. Use it?"),
        reply_markup=_offer(use=_("Use the fixed picture")),
    )
    await _keep_pending(turn, sent.document.file_id if sent.document else None)


async def _keep_pending(turn: Turn, file_id: str | None) -> None:
    step = (await turn.data()).get(_UPLOAD) or {}
    await turn.state.update_data({_UPLOAD: {**step, "pending": file_id}})


async def _current(turn: Turn) -> tuple[Target, dict[str, Any]] | None:
    step = (await turn.data()).get(_UPLOAD) or {}
    chosen = TARGETS.get(step.get("target", ""))
    return None if chosen is None else (chosen, step)


async def _accept(
    turn: Turn, chosen: Target, picture: Received, report: photos.PhotoReport, step: dict[str, Any]
) -> None:
    await turn.state.update_data({_UPLOAD: None})
    await turn.state.set_state(None)
    accepted = Picture(
        picture.data,
        CONTENT_TYPES.get(report.format or "", "image/jpeg"),
        report.width or 0,
        report.height or 0,
        picture.original_name,
    )
    await chosen.accept(turn, accepted, step.get("context", {}))


def get_router() -> Router:
    router = Router(name="uploads")

    @router.message(UploadState.waiting, F.photo | F.document)
    async def on_picture(message: Message, turn: Turn) -> None:
        current = await _current(turn)
        if current is None:
            await turn.state.set_state(None)
            return
        chosen, step = current
        picture = await receive(message, turn)
        if picture is None:
            return
        report = await asyncio.to_thread(photos.check, picture.data, chosen.spec)
        if not picture.as_photo and report.ok and not report.warnings:
            await _accept(turn, chosen, picture, report, step)
            return
        if not picture.as_photo and report.ok:
            await turn.say(describe(report), _offer(use=_("Use it anyway")))
            await _keep_pending(turn, message.document.file_id if message.document else None)
            return
        fixed = await asyncio.to_thread(photos.fix, picture.data, chosen.spec)
        intro = send_as_file_howto() if picture.as_photo else describe(report)
        if isinstance(fixed, photos.FixedPhoto) and fixed.report.ok:
            await _offer_fixed(turn, chosen, fixed, intro)
            return
        reason = render.problem(fixed) if isinstance(fixed, Problem) else ""
        await ask(turn.bot, turn.state, STEP, "\n".join(filter(None, [intro, reason])))

    @router.message(UploadState.waiting)
    async def on_other(message: Message, turn: Turn) -> None:
        await ask(turn.bot, turn.state, STEP, _("Please send a picture, as a file (📎 → File)."))

    @router.callback_query(UploadCb.filter())
    async def on_button(query: CallbackQuery, callback_data: UploadCb, turn: Turn) -> None:
        current = await _current(turn)
        if current is None or await turn.state.get_state() != UploadState.waiting.state:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        chosen, step = current
        if callback_data.action == "back":
            await turn.state.update_data({_UPLOAD: None})
            await turn.state.set_state(None)
            await chosen.back(turn, step.get("context", {}))
            return
        pending = step.get("pending")
        if callback_data.action != "use" or not pending:
            await ask(turn.bot, turn.state, STEP)
            return
        data = await download(turn, pending)
        if data is None:
            return
        report = await asyncio.to_thread(photos.check, data, chosen.spec)
        if not report.ok:  # the pending file id does not lead to an acceptable picture any more
            await ask(turn.bot, turn.state, STEP, describe(report))
            return
        await _accept(turn, chosen, Received(data, as_photo=False, original_name=None), report, step)

    return router
