"""The help line (issue 8): answers from the FAQ, hand-off to the staff group, and staff tools there.

In a private chat, free text that no form or step takes is a question (dialogs/fallback.py asks
``Helpline.on_free_text``); a text that fails a form field's check but reads as a question is
answered there too (dialogs/forms.py asks ``Helpline.answer_aside``). The answer comes with a
"Not solved? Talk to a person" button; nothing close enough in the FAQ gets a plain "I do not know",
never a guess, with the entries that come closest offered as buttons and the same way to a person.

The hand-off posts the question, the applicant's programme and progress (masked) and a thread number
into the staff group (HELPLINE_CHAT_ID). A help-line staff member's reply to any of the bot's
messages of that thread reaches that thread's applicant, sent at once (not through the reminders'
queue); the applicant's later messages join the thread; ``/close`` ends it. The group message →
thread mapping lives in the database, so nothing of one applicant is shown to another. In the group,
``/faq add`` (a reply to a staff answer) makes the thread's question and that answer an FAQ entry of
the running knowledge base, and ``/faq search TEXT`` lists the best entries.

The group's own messages are in the bot's default language (staff are one team); a message to an
applicant is in the applicant's language, whoever caused it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from dialogs import commands, render
from dialogs.prompts import Step
from dialogs.turn import Turn
from domain import helpline as use_cases
from domain.clock import BEIJING, Clock
from domain.faq import Entry, KnowledgeBase, looks_like_question
from domain.helpline import StaffHours
from domain.masking import mask_personal_data
from domain.model import Channel, HelplineThread, ThreadMessageKind, ThreadState
from domain.ports import UnitOfWork
from domain.programmes import available_programmes, catalog
from domain.registration import account_of
from domain.staff import roles_of
from domain.text import N_

SUGGESTION_CHARS = 40  # a suggested entry's question on its button, cut to stay one line on a phone
APPLICANT = "applicant"  # who closed a thread, when it was not staff
RECENT_QUESTION = timedelta(hours=1)  # /human without text hands off the question asked this recently
STAFF_SOURCE = N_("Help-line staff answer of {date}")
SEARCH_LIMIT = 5
_STAFF_MARK = {True: " ✍", False: ""}  # /faq search marks staff-written entries


@dataclass
class Helpline:
    """The running help line, in the dispatcher's workflow data as ``helpline``: the knowledge base
    (replaced, never changed, when staff add an entry), the staff group and its hours."""

    kb: KnowledgeBase
    chat_id: int | None  # None: no staff group configured, no hand-off in chat
    hours: StaffHours

    def learn(self, entry: Entry) -> None:
        self.kb = self.kb.with_entries([entry])

    async def on_free_text(self, turn: Turn, text: str, step: Step | None) -> bool:
        """Free text no form or step took. True when handled here: it went to the applicant's open
        thread, or it was answered (or, outside any step, said to be unanswerable). In a step, only
        a confidently answered question is handled; anything else is the step's business."""
        thread = await use_cases.open_thread_of(turn.uow, turn.user_id)
        if thread is not None and self.chat_id is not None:
            await self._follow_up(turn, thread, text)
            return True
        if step is not None:
            return await self.answer_aside(turn, text)
        result = await use_cases.ask(
            turn.uow,
            turn.clock,
            self.kb,
            turn.user_id,
            text,
            programme=await applicant_programme(turn),
            locale=_locale(),
        )
        if isinstance(result, use_cases.Answered):
            await turn.say(*self.answer(result.match.entry, result.question_id))
        elif result is not None:
            await turn.say(*self.no_answer(result))
        return True

    async def answer_aside(self, turn: Turn, text: str) -> bool:
        """A question typed where a form expects an answer: answered when the FAQ is sure (True);
        else nothing is said or logged (False), and the caller treats it as an answer."""
        if not looks_like_question(text):
            return False
        result = await use_cases.ask(
            turn.uow,
            turn.clock,
            self.kb,
            turn.user_id,
            text,
            programme=await applicant_programme(turn),
            locale=_locale(),
            log_unanswered=False,
        )
        if not isinstance(result, use_cases.Answered):
            return False
        await turn.say(*self.answer(result.match.entry, result.question_id))
        return True

    def answer(self, entry: Entry, question_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
        text = f"{entry.answer}\n\n" + _("Source: {source}").format(source=entry.source)
        return text, self._buttons(question_id)

    def no_answer(self, result: use_cases.Unanswered) -> tuple[str, InlineKeyboardMarkup | None]:
        """No sure answer: the entries that come closest, if any, offered as buttons (the applicant
        judges whether one is their question), then the way to a person."""
        if result.suggestions and self.chat_id is None:
            text = _(
                "I have no sure answer to that. Is your question one of these? "
                "If not, /help lists the help line's phone numbers."
            )
        elif result.suggestions:
            text = _(
                "I have no sure answer to that. Is your question one of these? "
                "If not, a person of the help line can answer it."
            )
        elif self.chat_id is None:
            text = _("I have no sure answer to that. /help lists the help line's phone numbers.")
        else:
            text = _(
                "I have no sure answer to that, and I would rather not guess. "
                "A person of the help line can answer it."
            )
        return text, self._buttons(result.question_id, [m.entry for m in result.suggestions])

    def _buttons(self, question_id: int, suggestions: Sequence[Entry] = ()) -> InlineKeyboardMarkup | None:
        builder = InlineKeyboardBuilder()
        for entry in suggestions:
            builder.button(
                text=_button_text(entry.question),
                callback_data=HelplineCb(action="entry", question=question_id, entry=entry.id),
            )
        if self.chat_id is not None:
            builder.button(
                text=_("Not solved? Talk to a person"),
                callback_data=HelplineCb(action="human", question=question_id),
            )
        builder.adjust(1)
        return builder.as_markup() if builder.buttons else None

    async def hand_off(self, turn: Turn, question_id: int | None, text: str | None) -> None:
        if self.chat_id is None:
            await turn.say(_("The help line cannot be reached in this chat. /help lists its phone numbers."))
            return
        opened = await use_cases.hand_off(
            turn.uow,
            turn.clock,
            turn.user_id,
            turn.chat_id,
            question_id=question_id,
            text=text,
            programme=await applicant_programme(turn),
            locale=_locale(),
        )
        thread = opened.thread
        assert thread.id is not None
        if not opened.new:
            if opened.question:
                with _group_language():
                    post = _follow_up_text(thread, opened.question)
                await self.post(turn, thread, ThreadMessageKind.FOLLOW_UP, post)
            await turn.say(
                _("This goes to your open conversation with the help line (#{number}).").format(
                    number=thread.id
                )
            )
            return
        with _group_language():
            post = await _hand_off_text(turn, thread)
        await self.post(turn, thread, ThreadMessageKind.QUESTION, post)
        await turn.say(self._handed_off_text(thread, turn.clock))

    def _handed_off_text(self, thread: HelplineThread, clock: Clock) -> str:
        text = _(
            "I passed your question to the help line (#{number}). A person will answer here; "
            "anything you write now goes to them too."
        ).format(number=thread.id)
        now = clock.now()
        opening = self.hours.next_opening(now)
        if opening is None:
            return (
                text
                + "\n"
                + _("Nobody answers in this chat at the moment: /help lists the help line's phone numbers.")
            )
        if opening > now:
            text += "\n" + _("Staff are not at work now: someone will answer from {time}.").format(
                time=render.beijing_time(opening)
            )
        return text

    async def _follow_up(self, turn: Turn, thread: HelplineThread, text: str) -> None:
        with _group_language():
            post = _follow_up_text(thread, mask_personal_data(text))
        await self.post(turn, thread, ThreadMessageKind.FOLLOW_UP, post)
        await turn.say(_("Sent to the help line (#{number}).").format(number=thread.id))

    async def post(self, turn: Turn, thread: HelplineThread, kind: ThreadMessageKind, text: str) -> None:
        assert self.chat_id is not None and thread.id is not None
        sent = await turn.bot.send_message(self.chat_id, text)
        await use_cases.record_message(
            turn.uow, turn.clock, thread.id, self.chat_id, sent.message_id, kind, text
        )


class HelplineCb(CallbackData, prefix="h"):
    """human: hand the logged question ``question`` (the asker's own only) to a person; entry: show
    the FAQ entry ``entry``, offered for that question."""

    action: str
    question: int = 0
    entry: str = ""


def _button_text(question: str) -> str:
    # Not textwrap.shorten: it cuts at spaces, and a Chinese question has none.
    return question if len(question) <= SUGGESTION_CHARS else question[: SUGGESTION_CHARS - 1] + "…"


def _locale() -> str:
    return str(get_i18n().current_locale)


def _group_language() -> Any:
    """Messages to the staff group are in the bot's default language."""
    i18n = get_i18n()
    return i18n.use_locale(i18n.default_locale)


def _applicant_language(thread: HelplineThread) -> Any:
    return get_i18n().use_locale(thread.locale)


async def applicant_programme(turn: Turn) -> str | None:
    """The programme of the applicant's current conversation, else of their newest account; None:
    not in any programme yet (the FAQ then searches every programme)."""
    code = (await turn.data()).get("programme")
    if isinstance(code, str) and code in catalog():
        return code
    newest = None
    for item in available_programmes():
        account = await account_of(turn.uow, turn.user_id, item.code)
        if account is not None and (newest is None or account.created_at > newest.created_at):
            newest = account
    return newest.programme if newest is not None else None


async def _hand_off_text(turn: Turn, thread: HelplineThread) -> str:
    item = catalog().get(thread.programme or "")
    programme = item.official_name if item is not None else _("no programme yet")
    question = thread.question or _("(no question: the applicant asks for a person)")
    progress_lines = await commands.progress_lines(turn, started_only=True)
    progress = mask_personal_data("\n".join(progress_lines or [_("No account in any programme yet.")]))
    return "\n".join(
        [
            _("Help line #{number} · {programme}").format(number=thread.id, programme=programme),
            _("Question: {question}").format(question=question),
            "",
            progress,
            "",
            _("Reply to this message to answer the applicant; reply /close to end the thread."),
        ]
    )


def _follow_up_text(thread: HelplineThread, text: str) -> str:
    return _("Help line #{number}, the applicant adds:\n{text}").format(number=thread.id, text=text)


class InStaffGroup(Filter):
    """Only in the configured staff group; everything there stops at this router (the other
    routers are for applicants in private chats)."""

    async def __call__(self, message: Message, helpline: Helpline | None = None) -> bool:
        return helpline is not None and helpline.chat_id is not None and message.chat.id == helpline.chat_id


async def _staff_may(uow: UnitOfWork, message: Message, programme: str | None) -> bool:
    sender = message.from_user
    if sender is None or sender.is_bot:
        return False
    members = await roles_of(uow, Channel.TELEGRAM, str(sender.id))
    return use_cases.may_answer(members, programme)


async def _refused(uow: UnitOfWork, message: Message, programme: str | None) -> bool:
    """Tells a sender without the help-line role of the thread's programme so; True then."""
    if await _staff_may(uow, message, programme):
        return False
    await message.reply(_("Only help-line staff of this programme may answer or close this thread."))
    return True


async def _thread_replied_to(
    message: Message, uow: UnitOfWork, helpline: Helpline
) -> use_cases.Posted | None:
    replied = message.reply_to_message
    if replied is None or helpline.chat_id is None:
        return None
    return await use_cases.thread_at(uow, helpline.chat_id, replied.message_id)


def get_router() -> Router:
    router = Router(name="helpline")
    private = F.chat.type == "private"

    @router.callback_query(HelplineCb.filter(F.action == "human"))
    async def on_human_button(
        query: CallbackQuery, callback_data: HelplineCb, turn: Turn, helpline: Helpline
    ) -> None:
        await query.answer()
        await helpline.hand_off(turn, callback_data.question, None)

    @router.callback_query(HelplineCb.filter(F.action == "entry"))
    async def on_suggestion(
        query: CallbackQuery, callback_data: HelplineCb, turn: Turn, helpline: Helpline
    ) -> None:
        await query.answer()
        entry = helpline.kb.get(callback_data.entry, _locale())
        if entry is None:  # removed since it was offered, or forged
            await turn.say(_("That answer is no longer available. Please ask your question again."))
            return
        await use_cases.pick_suggestion(turn.uow, turn.user_id, callback_data.question, entry.id)
        await turn.say(*helpline.answer(entry, callback_data.question))

    @router.message(Command("human"), private)
    async def on_human(message: Message, command: CommandObject, turn: Turn, helpline: Helpline) -> None:
        if command.args:
            await helpline.hand_off(turn, None, command.args)
            return
        latest = await _latest_question(turn)
        await helpline.hand_off(turn, latest, None)

    @router.message(Command("close"), private)
    async def on_close_by_applicant(message: Message, turn: Turn, helpline: Helpline, bot: Bot) -> None:
        thread = await use_cases.open_thread_of(turn.uow, turn.user_id)
        if thread is None or thread.id is None:
            await message.answer(_("No conversation with the help line is open."))
            return
        await use_cases.close_thread(turn.uow, turn.clock, thread.id, APPLICANT)
        await message.answer(
            _("You closed your conversation with the help line (#{number}).").format(number=thread.id)
        )
        if helpline.chat_id is not None:
            with _group_language():
                notice = _("Help line #{number}: the applicant closed the thread.").format(number=thread.id)
            await helpline.post(turn, thread, ThreadMessageKind.NOTICE, notice)

    return router


def get_group_router() -> Router:
    """Everything in the staff group, and only there; first of all routers, so that no applicant's
    handler (/start, /help, a form) ever answers in the group."""
    group = Router(name="helpline-group")
    group.message.filter(InStaffGroup())

    @group.message(Command("close"))
    async def on_close(message: Message, uow: UnitOfWork, clock: Clock, bot: Bot, helpline: Helpline) -> None:
        posted = await _thread_replied_to(message, uow, helpline)
        if posted is None:
            await message.reply(_("Reply /close to a message of the thread you want to close."))
            return
        thread = posted.thread
        if await _refused(uow, message, thread.programme):
            return
        assert thread.id is not None and message.from_user is not None
        closed = await use_cases.close_thread(uow, clock, thread.id, str(message.from_user.id))
        if closed is None or not closed.was_open:
            await message.reply(_("Help line #{number} is closed already.").format(number=thread.id))
            return
        with _applicant_language(thread):
            farewell = _(
                "The help line closed this conversation (#{number}). Ask me anything any time."
            ).format(number=thread.id)
        await _deliver(bot, message, thread, farewell)
        await _notice(message, uow, clock, thread, _("Help line #{number} closed.").format(number=thread.id))

    @group.message(Command("faq"))
    async def on_faq(
        message: Message, command: CommandObject, uow: UnitOfWork, clock: Clock, helpline: Helpline
    ) -> None:
        action, _space, rest = (command.args or "").strip().partition(" ")
        if action == "search" and rest.strip():
            await _faq_search(message, uow, helpline, rest.strip())
        elif action == "add":
            await _faq_add(message, uow, clock, helpline, rest.strip())
        else:
            await message.reply(
                _(
                    "/faq search TEXT: the best FAQ entries for TEXT.\n"
                    "/faq add, as a reply to a staff answer in a thread: "
                    "its question and that answer become an FAQ entry."
                )
            )

    @group.message(F.reply_to_message)
    async def on_reply(message: Message, uow: UnitOfWork, clock: Clock, bot: Bot, helpline: Helpline) -> None:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or not replied.from_user.is_bot:
            return  # staff talking among themselves
        posted = await _thread_replied_to(message, uow, helpline)
        if posted is None or posted.message.kind == ThreadMessageKind.STAFF:
            await message.reply(
                _(
                    "This message belongs to no help-line thread: "
                    "reply to a message of a thread (Help line #…) to answer its applicant."
                )
            )
            return
        thread = posted.thread
        if await _refused(uow, message, thread.programme):
            return
        if thread.state == ThreadState.CLOSED:
            await message.reply(
                _("Help line #{number} is closed: the applicant can ask again.").format(number=thread.id)
            )
            return
        if not message.text:
            await message.reply(_("Only text reaches the applicant: write the answer as a text message."))
            return
        assert thread.id is not None and message.from_user is not None
        await use_cases.record_message(
            uow,
            clock,
            thread.id,
            message.chat.id,
            message.message_id,
            ThreadMessageKind.STAFF,
            message.text,
            str(message.from_user.id),
        )
        with _applicant_language(thread):
            text = _("Help line (#{number}):\n{text}").format(number=thread.id, text=message.text)
        if await _deliver(bot, message, thread, text):
            await _notice(
                message, uow, clock, thread, _("Sent to the applicant of #{number}.").format(number=thread.id)
            )

    @group.message()
    async def on_group_chatter(message: Message) -> None:
        """Staff talking in the group: not for the bot, and not for the applicants' routers."""

    return group


async def _latest_question(turn: Turn) -> int | None:
    async with turn.uow:
        latest = await turn.uow.asked_questions.latest_of(turn.user_id)
    if latest is None or turn.clock.now() - latest.asked_at > RECENT_QUESTION:
        return None
    return latest.id


async def _deliver(bot: Bot, message: Message, thread: HelplineThread, text: str) -> bool:
    """Straight to the applicant, not through the outbox: staff are waiting to see it arrive."""
    try:
        await bot.send_message(thread.chat_id, text)
    except TelegramAPIError as error:
        await message.reply(
            _("Could not reach the applicant of #{number}: {reason}").format(
                number=thread.id, reason=error.message
            )
        )
        return False
    return True


async def _notice(message: Message, uow: UnitOfWork, clock: Clock, thread: HelplineThread, text: str) -> None:
    """A bot message of the thread in the group, as a reply (replying to it reaches the thread too)."""
    assert thread.id is not None
    sent = await message.reply(text)
    await use_cases.record_message(
        uow, clock, thread.id, sent.chat.id, sent.message_id, ThreadMessageKind.NOTICE, text
    )


async def _faq_search(message: Message, uow: UnitOfWork, helpline: Helpline, text: str) -> None:
    if not await _staff_may(uow, message, None):
        await message.reply(_("Only help-line staff may do this."))
        return
    matches = helpline.kb.search(text, programme=None, locale=_locale(), limit=SEARCH_LIMIT)
    if not matches:
        await message.reply(_("No FAQ entry comes close."))
        return
    lines = [
        f"{number}. {match.entry.id} ({match.score:.2f}){_STAFF_MARK[match.entry.staff_written]} "
        f"{match.entry.question}"
        for number, match in enumerate(matches, start=1)
    ]
    await message.reply("\n".join(lines))


async def _faq_add(
    message: Message, uow: UnitOfWork, clock: Clock, helpline: Helpline, question: str
) -> None:
    replied = message.reply_to_message
    posted = None
    if replied is not None and helpline.chat_id is not None:
        posted = await use_cases.staff_answer_at(uow, helpline.chat_id, replied.message_id)
    if posted is None:
        await message.reply(
            _(
                "Reply /faq add to a staff answer in a thread: "
                "its question and that answer become an FAQ entry."
            )
        )
        return
    thread = posted.thread
    if await _refused(uow, message, thread.programme):
        return
    question = question or thread.question
    if not question:
        await message.reply(_("This thread has no question: write it after the command, /faq add QUESTION."))
        return
    assert message.from_user is not None
    entry = await use_cases.add_staff_entry(
        uow,
        clock,
        thread,
        question=question,
        answer=posted.message.text,
        locale=_locale(),
        source=_(STAFF_SOURCE).format(date=clock.now().astimezone(BEIJING).strftime("%Y-%m-%d")),
        added_by=str(message.from_user.id),
    )
    helpline.learn(entry)
    await message.reply(
        _("Added to the FAQ as {id}: the next applicant who asks this gets that answer.").format(id=entry.id)
    )
