"""The help line (issue 8): questions answered from the FAQ, the rest handed to the staff group.

An applicant's free text is asked of the knowledge base (domain/faq.py). Every question is logged,
masked, with what became of it (answered by an entry, unanswered, handed off), for
``baoming faq stats``. A hand-off opens a thread: the bot posts it into the staff group and records
each of its messages there, so that a staff member's reply to any of them reaches that thread's one
applicant and nobody else. Staff may turn a reply into an FAQ entry (``/faq add``), stored here and
merged into the running knowledge base.

Staff hours (``HELPLINE_HOURS``) are Beijing time: outside them the applicant is told when someone
will answer.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.clock import BEIJING, Clock
from domain.faq import Entry, KnowledgeBase, Match
from domain.masking import mask_personal_data
from domain.model import (
    AskedQuestion,
    HelplineThread,
    QuestionOutcome,
    Role,
    StaffFaqEntry,
    StaffMember,
    ThreadMessage,
    ThreadMessageKind,
    ThreadState,
)
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.staff import may
from domain.text import N_

__all__ = [
    "DEFAULT_HOURS",
    "STAFF_ENTRY_PREFIX",
    "Answered",
    "Closed",
    "Posted",
    "QuestionStats",
    "StaffHours",
    "ThreadOpened",
    "Unanswered",
    "add_staff_entry",
    "ask",
    "close_thread",
    "entry_of",
    "hand_off",
    "is_small_talk",
    "may_answer",
    "open_thread_of",
    "parse_hours",
    "pick_suggestion",
    "question_stats",
    "record_message",
    "staff_answer_at",
    "staff_entries",
    "thread_at",
]

# 广东住培's help line works office hours; the seeds name no hours, so these are the usual ones of
# a Guangdong provincial office (lunch break included) until the operator sets HELPLINE_HOURS.
DEFAULT_HOURS = "Mon-Fri 08:30-12:00,14:30-17:30"
STAFF_ENTRY_PREFIX = "staff-"
MAX_STORED_TEXT = 1000  # a question longer than this is stored cut: the log is for counting

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- Staff hours ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffHours:
    """When someone is in the staff group: per weekday (0 = Monday), intervals in Beijing time."""

    intervals: tuple[tuple[int, time, time], ...]  # (weekday, start, end), sorted
    text: str  # as configured, for messages

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(BEIJING)
        now = local.time()
        return any(day == local.weekday() and start <= now < end for day, start, end in self.intervals)

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next moment someone is there: ``moment`` itself within hours; None if never."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(BEIJING)
        for offset in range(8):
            day: date = local.date() + timedelta(days=offset)
            for weekday, start, _end in self.intervals:
                if weekday != day.weekday():
                    continue
                opening = datetime.combine(day, start, tzinfo=BEIJING)
                if opening > local:
                    return opening
        return None


_TIME = r"([01]?\d|2[0-3]):([0-5]\d)"
_INTERVAL = re.compile(rf"{_TIME}-({_TIME}|24:00)")


def parse_hours(text: str) -> StaffHours | Problem:
    """``Mon-Fri 08:30-12:00,14:30-17:30; Sat 09:00-12:00``: groups separated by ``;``, each days
    (one, a range ``Mon-Fri`` or a list ``Mon,Wed``) then intervals. Empty: nobody ever (every
    hand-off is told that no one answers in chat)."""
    intervals: list[tuple[int, time, time]] = []
    for group in filter(None, (part.strip() for part in text.split(";"))):
        days_text, _, times_text = group.partition(" ")
        days = _parse_days(days_text)
        spans = [_parse_interval(span.strip()) for span in times_text.split(",")]
        if days is None or not times_text.strip() or any(span is None for span in spans):
            return Problem(
                N_("Staff hours {hours} are not like Mon-Fri 08:30-12:00,14:30-17:30."), {"hours": text}
            )
        intervals += [(day, span[0], span[1]) for day in days for span in spans if span is not None]
    return StaffHours(tuple(sorted(intervals)), text.strip())


def _parse_days(text: str) -> list[int] | None:
    days: list[int] = []
    for part in text.lower().split(","):
        first, dash, last = part.partition("-")
        if first not in _DAYS or (dash and last not in _DAYS):
            return None
        start, end = _DAYS.index(first), _DAYS.index(last if dash else first)
        days += [day % 7 for day in range(start, end + 1 if end >= start else end + 8)]
    return days


def _parse_interval(text: str) -> tuple[time, time] | None:
    match = _INTERVAL.fullmatch(text)
    if match is None:
        return None
    start = time(int(match[1]), int(match[2]))
    end = time.max if match[3] == "24:00" else time(int(match[4]), int(match[5]))
    return (start, end) if start < end else None


# --- Asking the FAQ ---------------------------------------------------------------------------------

# Greetings and thanks: not questions for the FAQ (nor for its statistics); the chat's usual pointer
# to /start answers them better than "I have no sure answer".
_SMALL_TALK = frozenset(
    {
        *("hello", "hi", "hey", "ok", "okay", "thanks", "thank you", "thx", "bye", "good morning"),
        *("你好", "您好", "在吗", "在不在", "有人吗", "哈喽", "嗨", "谢谢", "谢谢你", "谢谢您", "多谢"),
        *("感谢", "好的", "好", "嗯", "再见", "早上好", "晚上好", "收到"),
    }
)
_NOT_WORDS = re.compile(r"[\W_]+")


def is_small_talk(text: str) -> bool:
    """``hello?``, ``你好！``, ``谢谢``: a greeting or thanks alone, whatever the punctuation."""
    return " ".join(_NOT_WORDS.sub(" ", text.casefold()).split()) in _SMALL_TALK


@dataclass(frozen=True)
class Answered:
    match: Match
    question_id: int  # the logged question, for the hand-off button


@dataclass(frozen=True)
class Unanswered:
    question_id: int
    suggestions: tuple[Match, ...] = ()  # entries to offer instead ("did you mean"), best first


def _stored(text: str) -> str:
    return mask_personal_data(" ".join(text.split()))[:MAX_STORED_TEXT]


async def ask(
    uow: UnitOfWork,
    clock: Clock,
    kb: KnowledgeBase,
    user_id: int,
    text: str,
    *,
    programme: str | None,
    locale: str,
    log_unanswered: bool = True,
) -> Answered | Unanswered | None:
    """Ask the knowledge base and log the question (masked) with its outcome.

    ``log_unanswered`` False (a text typed in the middle of a form, which may be a wrong answer
    rather than a question): nothing is logged unless it is answered, and None is returned.
    """
    match = kb.ask(text, programme=programme, locale=locale)
    if match is None and not log_unanswered:
        return None
    question = AskedQuestion(
        user_id=user_id,
        programme=programme,
        locale=locale,
        text=_stored(text),
        outcome=QuestionOutcome.ANSWERED if match else QuestionOutcome.UNANSWERED,
        asked_at=clock.now(),
        entry_id=match.entry.id if match else None,
        score=round(match.score, 4) if match else None,
    )
    async with uow:
        await uow.asked_questions.add(question)
        await uow.commit()
    assert question.id is not None
    if match is not None:
        return Answered(match, question.id)
    return Unanswered(question.id, tuple(kb.suggest(text, programme=programme, locale=locale)))


async def pick_suggestion(uow: UnitOfWork, user_id: int, question_id: int, entry_id: str) -> None:
    """The applicant picked an entry offered for their question: it is logged as answered by
    suggestion. A question of someone else's (a forged button) is left alone."""
    async with uow:
        asked = await uow.asked_questions.get_for_user(question_id, user_id)
        if asked is None or asked.outcome != QuestionOutcome.UNANSWERED:
            return
        asked.outcome = QuestionOutcome.SUGGESTED
        asked.entry_id = entry_id
        await uow.commit()


@dataclass(frozen=True)
class QuestionStats:
    counts: dict[str, int]  # per QuestionOutcome value, every outcome present
    unanswered: list[tuple[str, int]]  # the texts without an answer, most asked first


async def question_stats(uow: UnitOfWork, limit: int = 10) -> QuestionStats:
    async with uow:
        counts = await uow.asked_questions.counts()
        unanswered = await uow.asked_questions.most_asked_unanswered(limit)
    return QuestionStats({outcome.value: counts.get(outcome, 0) for outcome in QuestionOutcome}, unanswered)


# --- Threads with the staff group -------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadOpened:
    thread: HelplineThread
    new: bool  # False: the applicant's thread was open already; the question joins it
    question: str  # masked: what to post into the group


async def hand_off(
    uow: UnitOfWork,
    clock: Clock,
    user_id: int,
    chat_id: int,
    *,
    question_id: int | None,
    text: str | None,
    programme: str | None,
    locale: str,
) -> ThreadOpened:
    """The applicant asks for a person: about a logged question (the button under an answer; only
    their own), or about ``text`` (/human TEXT), or about nothing in particular. Opens their thread,
    or adds to the one already open."""
    async with uow:
        asked = await uow.asked_questions.get_for_user(question_id, user_id) if question_id else None
        if asked is not None:
            asked.outcome = QuestionOutcome.HANDED_OFF
        question = asked.text if asked is not None else _stored(text or "")
        thread = await uow.helpline_threads.open_of(user_id)
        new = thread is None
        if thread is None:
            thread = await uow.helpline_threads.add(
                HelplineThread(
                    user_id=user_id,
                    chat_id=chat_id,
                    programme=asked.programme if asked is not None else programme,
                    locale=locale,
                    question=question,
                    opened_at=clock.now(),
                )
            )
        await uow.commit()
        return ThreadOpened(thread, new, question)


async def open_thread_of(uow: UnitOfWork, user_id: int) -> HelplineThread | None:
    async with uow:
        return await uow.helpline_threads.open_of(user_id)


@dataclass(frozen=True)
class Posted:
    thread: HelplineThread
    message: ThreadMessage


async def record_message(
    uow: UnitOfWork,
    clock: Clock,
    thread_id: int,
    chat_id: int,
    message_id: int,
    kind: ThreadMessageKind,
    text: str,
    author: str | None = None,
) -> ThreadMessage:
    """Remember that this group message belongs to the thread (the bot's posts: so that a reply
    finds it; staff's replies: so that ``/faq add`` finds the answer)."""
    masked = text if kind is ThreadMessageKind.STAFF else mask_personal_data(text)
    message = ThreadMessage(thread_id, chat_id, message_id, kind, masked, clock.now(), author)
    async with uow:
        await uow.helpline_threads.add_message(message)
        await uow.commit()
    return message


async def thread_at(uow: UnitOfWork, chat_id: int, message_id: int) -> Posted | None:
    """The thread a group message belongs to, if any."""
    async with uow:
        message = await uow.helpline_threads.message_at(chat_id, message_id)
        thread = await uow.helpline_threads.get(message.thread_id) if message else None
    return Posted(thread, message) if thread is not None and message is not None else None


async def staff_answer_at(uow: UnitOfWork, chat_id: int, message_id: int) -> Posted | None:
    """``/faq add`` replies to a staff answer (that answer), or to another message of a thread (the
    thread's latest staff answer: the bot's "sent" confirmation is the one usually at hand)."""
    async with uow:
        message = await uow.helpline_threads.message_at(chat_id, message_id)
        if message is not None and message.kind != ThreadMessageKind.STAFF:
            message = await uow.helpline_threads.latest_message(message.thread_id, ThreadMessageKind.STAFF)
        thread = await uow.helpline_threads.get(message.thread_id) if message else None
    return Posted(thread, message) if thread is not None and message is not None else None


@dataclass(frozen=True)
class Closed:
    thread: HelplineThread
    was_open: bool


async def close_thread(uow: UnitOfWork, clock: Clock, thread_id: int, by: str) -> Closed | None:
    """End a thread (``by``: "applicant" or a staff member's external id); closing it again is fine."""
    async with uow:
        thread = await uow.helpline_threads.get(thread_id)
        if thread is None:
            return None
        if thread.state == ThreadState.CLOSED:
            return Closed(thread, was_open=False)
        thread.state, thread.closed_at, thread.closed_by = ThreadState.CLOSED, clock.now(), by
        await uow.commit()
        return Closed(thread, was_open=True)


def may_answer(members: Sequence[StaffMember], programme: str | None) -> bool:
    """Help-line staff (or an admin) of the thread's programme; a thread of an applicant in no
    programme yet may be answered by help-line staff of any programme."""
    if programme is not None:
        return may(members, Role.HELPLINE, programme)
    return any(member.role in (Role.HELPLINE, Role.ADMIN) for member in members)


# --- Staff-written FAQ entries ----------------------------------------------------------------------


def entry_of(stored: StaffFaqEntry) -> Entry:
    return Entry(
        id=f"{STAFF_ENTRY_PREFIX}{stored.id}",
        programme=stored.programme,
        locale=stored.locale,
        question=stored.question,
        answer=stored.answer,
        source=stored.source,
        staff_written=True,
    )


async def staff_entries(uow: UnitOfWork) -> list[Entry]:
    """Every staff-written entry, to merge into the knowledge base at start-up."""
    async with uow:
        return [entry_of(stored) for stored in await uow.staff_faq.listed()]


async def add_staff_entry(
    uow: UnitOfWork,
    clock: Clock,
    thread: HelplineThread,
    *,
    question: str,
    answer: str,
    locale: str,
    source: str,
    added_by: str,
) -> Entry:
    """``/faq add``: a thread's question and a staff answer become an entry of the thread's programme
    (common when the applicant was in none), in the staff member's language."""
    stored = StaffFaqEntry(
        programme=thread.programme,
        locale=locale,
        question=mask_personal_data(" ".join(question.split())),
        answer=answer.strip(),
        source=source,
        added_by=added_by,
        added_at=clock.now(),
        thread_id=thread.id,
    )
    async with uow:
        await uow.staff_faq.add(stored)
        await uow.commit()
    return entry_of(stored)
