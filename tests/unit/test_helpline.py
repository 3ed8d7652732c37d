"""The help line's rules and use cases (domain/helpline.py): staff hours in Beijing time, questions
logged masked with their outcome, threads that belong to one applicant, staff-written entries."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import helpline
from domain.faq import Entry, KnowledgeBase
from domain.helpline import Answered, StaffHours, Unanswered, parse_hours
from domain.model import (
    HelplineThread,
    QuestionOutcome,
    Role,
    StaffMember,
    ThreadMessageKind,
    ThreadState,
)
from domain.problems import Problem
from tests.fakes import DuplicateKey, FakeUnitOfWork, FixedClock

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 4, 16, 9, 0, tzinfo=BEIJING)  # a Friday
GD = "gd-residency"
TJ = "tj-upgrade"
ID_NUMBER = "110101199003071233"
GROUP = -1001000000001


def beijing(day: int, hour: int, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=BEIJING)


# --- Staff hours ------------------------------------------------------------------------------------


def hours(text: str = helpline.DEFAULT_HOURS) -> StaffHours:
    parsed = parse_hours(text)
    assert isinstance(parsed, StaffHours), parsed
    return parsed


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (beijing(16, 8, 29), False),
        (beijing(16, 8, 30), True),
        (beijing(16, 11, 59), True),
        (beijing(16, 12, 0), False),  # lunch
        (beijing(16, 14, 30), True),
        (beijing(16, 17, 30), False),
        (beijing(17, 10, 0), False),  # Saturday
    ],
)
def test_the_default_hours_are_office_hours_on_weekdays_with_a_lunch_break(moment, open_):
    assert hours().is_open(moment) is open_


def test_hours_are_beijing_time_whatever_the_zone_of_the_moment():
    utc_morning = datetime(2027, 4, 16, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Beijing
    assert hours().is_open(utc_morning)


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (beijing(16, 9, 0), beijing(16, 9, 0)),  # open now
        (beijing(16, 7, 0), beijing(16, 8, 30)),
        (beijing(16, 12, 30), beijing(16, 14, 30)),
        (beijing(16, 18, 0), beijing(19, 8, 30)),  # Friday evening: Monday morning
        (beijing(18, 23, 0), beijing(19, 8, 30)),  # Sunday night
    ],
)
def test_the_next_opening_is_the_next_start_of_an_interval(moment, opening):
    assert hours().next_opening(moment) == opening


def test_several_groups_day_lists_and_ranges_over_the_week_end():
    parsed = hours("Mon,Wed 09:00-12:00; Fri-Mon 20:00-24:00")
    assert parsed.is_open(beijing(19, 10, 0))  # Monday
    assert not parsed.is_open(beijing(20, 10, 0))  # Tuesday
    assert parsed.is_open(beijing(18, 23, 59))  # Sunday, until midnight
    assert parsed.intervals[0] == (0, time(9), time(12))


def test_empty_hours_mean_nobody_answers_in_chat():
    assert hours("").next_opening(NOW) is None


@pytest.mark.parametrize(
    "text", ["Mon-Fri", "Monday 09:00-12:00", "Mon-Fri 9-12", "Mon 12:00-09:00", "Mon 25:00-26:00"]
)
def test_malformed_hours_are_refused_with_the_value(text):
    refused = parse_hours(text)
    assert isinstance(refused, Problem)
    assert refused.params == {"hours": text}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def entry(entry_id: str, programme: str | None, question: str, answer: str, locale: str = "zh_Hans") -> Entry:
    return Entry(entry_id, programme, locale, question, answer, "《指南》一", ())


KB = KnowledgeBase(
    [
        entry("gd-batch", GD, "广东住培每个批次什么时候报名？", "第一批次4月15日至4月22日。"),
        entry(
            "gd-batch",
            GD,
            "When is each batch of the Guangdong residency open?",
            "Batch 1: 15–22 April.",
            "en",
        ),
        entry("tj-fee", TJ, "天津高职升本报名费多少钱？", "报名费按物价部门核定的标准缴纳。"),
        entry("tj-fee", TJ, "How much is the Tianjin registration fee?", "As set by the price office.", "en"),
    ]
)


# --- Asking -----------------------------------------------------------------------------------------


async def test_an_answered_question_is_logged_with_its_entry_and_score(uow, clock):
    result = await helpline.ask(uow, clock, KB, 7, "住培每个批次什么时候报名", programme=GD, locale="zh_Hans")

    assert isinstance(result, Answered)
    assert result.match.entry.id == "gd-batch"
    [logged] = uow.stored_questions()
    assert (logged.id, logged.user_id, logged.outcome, logged.entry_id) == (
        result.question_id,
        7,
        QuestionOutcome.ANSWERED,
        "gd-batch",
    )
    assert logged.score == pytest.approx(result.match.score, abs=1e-4)


async def test_an_unanswered_question_is_logged_masked_without_an_entry(uow, clock):
    text = f"我的身份证号{ID_NUMBER}，手机13812345678，为什么登录不了？"

    result = await helpline.ask(uow, clock, KB, 7, text, programme=None, locale="zh_Hans")

    assert isinstance(result, Unanswered)
    [logged] = uow.stored_questions()
    assert logged.outcome == QuestionOutcome.UNANSWERED and logged.entry_id is None and logged.score is None
    assert ID_NUMBER not in logged.text and "13812345678" not in logged.text
    assert "1101**********1233" in logged.text and "138****5678" in logged.text


async def test_a_text_typed_in_a_form_is_logged_only_when_answered(uow, clock):
    assert (
        await helpline.ask(uow, clock, KB, 7, "张三", programme=GD, locale="zh_Hans", log_unanswered=False)
        is None
    )
    assert uow.stored_questions() == []

    answered = await helpline.ask(
        uow, clock, KB, 7, "住培每个批次什么时候报名？", programme=GD, locale="zh_Hans", log_unanswered=False
    )
    assert isinstance(answered, Answered)
    assert len(uow.stored_questions()) == 1


async def test_the_applicants_programme_decides_what_the_faq_may_answer(uow, clock):
    in_tj = await helpline.ask(uow, clock, KB, 7, "住培每个批次什么时候报名", programme=TJ, locale="zh_Hans")
    assert isinstance(in_tj, Unanswered)
    assert uow.stored_questions()[0].programme == TJ


async def test_the_statistics_count_outcomes_and_list_the_most_asked_unanswered(uow, clock):
    for text in ["怎么退费", "怎么退费", "能开发票吗", "住培每个批次什么时候报名"]:
        await helpline.ask(uow, clock, KB, 7, text, programme=GD, locale="zh_Hans")
    opened = await helpline.hand_off(
        uow, clock, 7, 7, question_id=uow.stored_questions()[2].id, text=None, programme=GD, locale="zh_Hans"
    )
    assert opened.new

    stats = await helpline.question_stats(uow)

    assert stats.counts == {"answered": 1, "unanswered": 2, "handed_off": 1, "suggested": 0}
    assert stats.unanswered == [("怎么退费", 2), ("能开发票吗", 1)]
    assert (await helpline.question_stats(uow, limit=1)).unanswered == [("怎么退费", 2)]


async def test_an_unsure_question_comes_with_suggestions_and_picking_one_logs_it(uow, clock):
    unsure = await helpline.ask(uow, clock, KB, 7, "第一批是哪天", programme=GD, locale="zh_Hans")
    assert isinstance(unsure, Unanswered)
    assert [m.entry.id for m in unsure.suggestions] == ["gd-batch"]

    await helpline.pick_suggestion(uow, 8, unsure.question_id, "gd-batch")  # someone else's button
    assert uow.stored_questions()[0].outcome == QuestionOutcome.UNANSWERED

    await helpline.pick_suggestion(uow, 7, unsure.question_id, "gd-batch")
    [logged] = uow.stored_questions()
    assert (logged.outcome, logged.entry_id) == (QuestionOutcome.SUGGESTED, "gd-batch")
    assert (await helpline.question_stats(uow)).unanswered == []


async def test_a_suggestion_picked_after_a_hand_off_leaves_it_handed_off(uow, clock):
    unsure = await helpline.ask(uow, clock, KB, 7, "第一批是哪天", programme=GD, locale="zh_Hans")
    assert isinstance(unsure, Unanswered)
    await helpline.hand_off(
        uow, clock, 7, 7, question_id=unsure.question_id, text=None, programme=GD, locale="zh_Hans"
    )

    await helpline.pick_suggestion(uow, 7, unsure.question_id, "gd-batch")

    assert uow.stored_questions()[0].outcome == QuestionOutcome.HANDED_OFF


# --- Threads ----------------------------------------------------------------------------------------


async def test_handing_off_a_question_opens_a_thread_with_it_and_marks_it(uow, clock):
    asked = await helpline.ask(uow, clock, KB, 7, "能开发票吗？", programme=TJ, locale="en")
    assert isinstance(asked, Unanswered)

    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=asked.question_id, text=None, programme=GD, locale="en"
    )

    assert opened.new and opened.question == "能开发票吗？"
    thread = opened.thread
    # The programme the question was asked in, not the one of the moment.
    assert (thread.user_id, thread.chat_id, thread.programme, thread.locale) == (7, 70, TJ, "en")
    assert thread.state == ThreadState.OPEN and thread.opened_at == NOW
    assert uow.stored_questions()[0].outcome == QuestionOutcome.HANDED_OFF
    assert await helpline.open_thread_of(uow, 7) is not None


async def test_another_applicants_question_is_never_handed_off_in_their_name(uow, clock):
    theirs = await helpline.ask(
        uow, clock, KB, 8, f"我的身份证{ID_NUMBER}为什么被占用", programme=GD, locale="en"
    )
    assert isinstance(theirs, Unanswered)

    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=theirs.question_id, text=None, programme=None, locale="en"
    )

    assert opened.question == "" and opened.thread.user_id == 7
    assert uow.stored_questions()[0].outcome == QuestionOutcome.UNANSWERED


async def test_a_second_hand_off_joins_the_open_thread(uow, clock):
    first = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="第一问", programme=GD, locale="en"
    )
    second = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text=f"第二问 {ID_NUMBER}", programme=GD, locale="en"
    )

    assert not second.new and second.thread.id == first.thread.id
    assert second.question == "第二问 1101**********1233"
    other = await helpline.hand_off(
        uow, clock, 8, 80, question_id=None, text="别人", programme=GD, locale="en"
    )
    assert other.new and other.thread.id != first.thread.id


async def test_group_messages_map_to_their_thread_masked_when_they_are_the_applicants(uow, clock):
    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="问", programme=GD, locale="en"
    )
    thread_id = opened.thread.id
    assert thread_id is not None
    await helpline.record_message(
        uow, clock, thread_id, GROUP, 100, ThreadMessageKind.FOLLOW_UP, f"手机 13812345678 {ID_NUMBER}"
    )
    await helpline.record_message(
        uow, clock, thread_id, GROUP, 101, ThreadMessageKind.STAFF, "请拨打 13800000000 咨询", "4242"
    )

    follow_up = await helpline.thread_at(uow, GROUP, 100)
    staff = await helpline.thread_at(uow, GROUP, 101)

    assert follow_up is not None and follow_up.thread.id == thread_id
    assert follow_up.message.text == "手机 138****5678 1101**********1233"
    assert (
        staff is not None
        and staff.message.text == "请拨打 13800000000 咨询"
        and staff.message.author == "4242"
    )
    assert await helpline.thread_at(uow, GROUP, 102) is None
    assert await helpline.thread_at(uow, GROUP - 1, 100) is None  # another chat's message 100


async def test_faq_add_takes_the_staff_answer_replied_to_or_the_threads_latest_one(uow, clock):
    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="问", programme=GD, locale="en"
    )
    other = await helpline.hand_off(uow, clock, 8, 80, question_id=None, text="问", programme=GD, locale="en")
    thread_id, other_id = opened.thread.id, other.thread.id
    assert thread_id is not None and other_id is not None
    await helpline.record_message(uow, clock, thread_id, GROUP, 100, ThreadMessageKind.QUESTION, "问")
    assert await helpline.staff_answer_at(uow, GROUP, 100) is None  # no staff answer yet
    await helpline.record_message(uow, clock, thread_id, GROUP, 101, ThreadMessageKind.STAFF, "答一", "1")
    await helpline.record_message(uow, clock, thread_id, GROUP, 102, ThreadMessageKind.STAFF, "答二", "1")
    await helpline.record_message(uow, clock, other_id, GROUP, 103, ThreadMessageKind.STAFF, "别的答", "1")
    await helpline.record_message(uow, clock, thread_id, GROUP, 104, ThreadMessageKind.NOTICE, "已发送")

    replied = await helpline.staff_answer_at(uow, GROUP, 101)
    confirmation = await helpline.staff_answer_at(uow, GROUP, 104)

    assert replied is not None and replied.message.text == "答一"
    assert confirmation is not None and confirmation.message.text == "答二"
    assert confirmation.thread.id == thread_id
    assert await helpline.staff_answer_at(uow, GROUP, 999) is None


async def test_a_group_message_belongs_to_one_thread_only(uow, clock):
    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="问", programme=GD, locale="en"
    )
    assert opened.thread.id is not None
    await helpline.record_message(uow, clock, opened.thread.id, GROUP, 100, ThreadMessageKind.QUESTION, "问")

    with pytest.raises(DuplicateKey):
        await helpline.record_message(
            uow, clock, opened.thread.id, GROUP, 100, ThreadMessageKind.NOTICE, "又"
        )


async def test_closing_a_thread_says_who_and_when_and_closing_again_changes_nothing(uow, clock):
    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="问", programme=GD, locale="en"
    )
    assert opened.thread.id is not None
    clock.advance(timedelta(minutes=5))

    closed = await helpline.close_thread(uow, clock, opened.thread.id, "4242")
    again = await helpline.close_thread(uow, clock, opened.thread.id, "applicant")

    assert closed is not None and closed.was_open
    assert (closed.thread.state, closed.thread.closed_by) == (ThreadState.CLOSED, "4242")
    assert closed.thread.closed_at == NOW + timedelta(minutes=5)
    assert again is not None and not again.was_open and again.thread.closed_by == "4242"
    assert await helpline.open_thread_of(uow, 7) is None
    assert await helpline.close_thread(uow, clock, 999, "4242") is None
    reopened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="再问", programme=GD, locale="en"
    )
    assert reopened.new and reopened.thread.id != opened.thread.id


def staff(role: Role, programme: str) -> StaffMember:
    return StaffMember("telegram", "4242", role, programme, None, NOW)


def test_help_line_staff_answer_threads_of_their_programme_only():
    assert helpline.may_answer([staff(Role.HELPLINE, GD)], GD)
    assert helpline.may_answer([staff(Role.ADMIN, GD)], GD)
    assert not helpline.may_answer([staff(Role.HELPLINE, TJ)], GD)
    assert not helpline.may_answer([staff(Role.REVIEWER, GD)], GD)
    assert not helpline.may_answer([], GD)


def test_a_thread_in_no_programme_may_be_answered_by_any_help_line_staff():
    assert helpline.may_answer([staff(Role.HELPLINE, TJ)], None)
    assert helpline.may_answer([staff(Role.ADMIN, GD)], None)
    assert not helpline.may_answer([staff(Role.REVIEWER, GD)], None)
    assert not helpline.may_answer([], None)


# --- Staff-written entries --------------------------------------------------------------------------


async def test_a_staff_answer_becomes_an_entry_of_the_threads_programme_that_the_kb_then_finds(uow, clock):
    opened = await helpline.hand_off(
        uow, clock, 7, 70, question_id=None, text="天津升本报名可以开发票吗？", programme=TJ, locale="zh_Hans"
    )
    before = await helpline.ask(
        uow, clock, KB, 8, "天津升本报名可以开发票吗？", programme=TJ, locale="zh_Hans"
    )
    assert isinstance(before, Unanswered)

    added = await helpline.add_staff_entry(
        uow,
        clock,
        opened.thread,
        question=opened.question,
        answer="  可以，缴费后在系统中下载电子发票。 ",
        locale="zh_Hans",
        source="咨询热线人工答复（2027-04-16）",
        added_by="4242",
    )

    assert added.id.startswith(helpline.STAFF_ENTRY_PREFIX) and added.staff_written
    assert (added.programme, added.locale, added.answer) == (
        TJ,
        "zh_Hans",
        "可以，缴费后在系统中下载电子发票。",
    )
    assert await helpline.staff_entries(uow) == [added]
    learned = KB.with_entries(await helpline.staff_entries(uow))
    match = learned.ask("天津升本报名可以开发票吗？", programme=TJ, locale="zh_Hans")
    assert match is not None and match.entry.id == added.id
    assert (
        learned.ask("升本报名能开发票吗", programme=GD, locale="zh_Hans") is None
    )  # not another programme's


async def test_a_staff_entry_never_stores_an_applicants_id_number_in_its_question(uow, clock):
    thread = HelplineThread(7, 70, None, "en", "q", NOW, id=1)

    added = await helpline.add_staff_entry(
        uow,
        clock,
        thread,
        question=f"{ID_NUMBER} 已被注册怎么办",
        answer="找客服",
        locale="zh_Hans",
        source="s",
        added_by="1",
    )

    assert ID_NUMBER not in added.question and added.programme is None


@pytest.mark.parametrize("text", ["hello?", "Hi!", "你好！", "在吗？", "谢谢", "Thank you.", " 好的 "])
def test_greetings_and_thanks_are_small_talk_not_questions(text):
    assert helpline.is_small_talk(text)


@pytest.mark.parametrize("text", ["hello, how do I register?", "谢谢，照片要多大？", "???", ""])
def test_a_greeting_with_a_question_is_a_question(text):
    assert not helpline.is_small_talk(text)


def test_the_settings_refuse_malformed_hours(monkeypatch, tmp_path):
    from bot.config import ConfigError, load_settings

    monkeypatch.chdir(tmp_path)  # no .env of the working copy
    with pytest.raises(ConfigError, match="HELPLINE_HOURS"):
        load_settings(helpline_hours="weekdays 9 to 5")
    settings = load_settings(helpline_chat_id=-100123)
    assert settings.helpline_chat_id == -100123
    assert settings.staff_hours.is_open(NOW)
