"""``baoming faq ask|stats``: the answer the bot would give (exit 1 when it would hand the question
to a person), and what applicants asked."""

from datetime import datetime

import pytest

from bot.faq_files import FaqFileError
from domain import helpline
from domain.clock import BEIJING
from domain.faq import Entry, KnowledgeBase
from domain.model import ChatUser, HelplineThread
from domain.ports import UnitOfWork
from tests.fakes import FixedClock
from tests.unit.test_cli_catalog import baoming, database, on

__all__ = ["database"]  # the fixture, used by name

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=BEIJING)
GD, TJ = "gd-residency", "tj-upgrade"
KB = KnowledgeBase(
    [
        Entry(
            "gd-batch",
            GD,
            "zh_Hans",
            "广东住培每个批次什么时候报名？",
            "第一批次4月15日起。",
            "《操作流程》三、3",
        ),
        Entry(
            "gd-batch", GD, "en", "When is each batch open?", "Batch 1 opens on 15 April.", "Procedure §3.3"
        ),
    ]
)


@pytest.fixture(autouse=True)
def small_kb(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command reads the vetted files through bot.app; these tests give it a small base."""
    monkeypatch.setattr("bot.app.vetted_knowledge_base", lambda: KB)


def test_a_question_the_faq_answers_prints_the_entry_score_source_and_answer(database, capsys):
    code, out, err = baoming(capsys, "faq", "ask", "住培每个批次什么时候报名", "--programme", GD)

    assert (code, err) == (0, "")
    first, source, blank, *answer = out.splitlines()
    assert blank == ""
    assert first.startswith("gd-batch  score 0.") and source == "source: 《操作流程》三、3"
    assert answer == ["第一批次4月15日起。"]


def test_the_answer_is_in_the_asked_locale(database, capsys):
    code, out, _ = baoming(capsys, "faq", "ask", "住培每个批次什么时候报名", "--locale", "en")

    assert code == 0
    assert "Batch 1 opens on 15 April." in out and "source: Procedure §3.3" in out


def test_nothing_close_enough_exits_1_and_names_the_closest_entry(database, capsys):
    code, out, _ = baoming(capsys, "faq", "ask", "今天天气怎么样")

    assert code == 1
    assert out.startswith("no answer: the bot hands this question to a person")


def test_another_programmes_entries_do_not_answer(database, capsys):
    code, _, _ = baoming(capsys, "faq", "ask", "住培每个批次什么时候报名", "--programme", TJ)

    assert code == 1


def test_staff_written_entries_of_the_database_answer_too(database, capsys):
    async def add(uow: UnitOfWork) -> None:
        thread = HelplineThread(1, 1, TJ, "zh_Hans", "q", NOW)  # not stored: no thread_id
        await helpline.add_staff_entry(
            uow,
            FixedClock(NOW),
            thread,
            question="天津升本报名可以开发票吗？",
            answer="可以，缴费后下载电子发票。",
            locale="zh_Hans",
            source="咨询热线人工答复",
            added_by="42",
        )

    on(add)
    code, out, _ = baoming(capsys, "faq", "ask", "天津升本报名可以开发票吗？", "--programme", TJ)

    assert code == 0
    assert out.startswith("staff-1  score ") and "(staff-written)" in out and "电子发票" in out


def test_a_broken_faq_file_is_one_line_and_exit_2(database, capsys, monkeypatch):
    def broken() -> KnowledgeBase:
        raise FaqFileError("locales/en/faq/common.toml: entry 'x': no answer")

    monkeypatch.setattr("bot.app.vetted_knowledge_base", broken)

    code, out, err = baoming(capsys, "faq", "ask", "问题")

    assert (code, out, err) == (2, "", "locales/en/faq/common.toml: entry 'x': no answer\n")


def test_stats_of_an_empty_database_are_zeros(database, capsys):
    code, out, _ = baoming(capsys, "faq", "stats")

    assert code == 0
    assert out == (
        "questions: 0\nanswered: 0\nanswered by a suggestion picked: 0\nhanded off: 0\nunanswered: 0\n"
    )


def test_stats_count_the_outcomes_and_list_the_unanswered_questions_most_asked(database, capsys):
    async def ask_some(uow: UnitOfWork) -> None:
        clock = FixedClock(NOW)
        async with uow:
            user = await uow.users.add(ChatUser("telegram", "1", NOW))
            await uow.commit()
        assert user.id is not None
        for text in ["怎么退费", "怎么退费", "能开发票吗", "住培每个批次什么时候报名"]:
            await helpline.ask(uow, clock, KB, user.id, text, programme=GD, locale="zh_Hans")
        await helpline.hand_off(
            uow, clock, user.id, 1, question_id=None, text="人工", programme=GD, locale="zh_Hans"
        )

    on(ask_some)
    code, out, _ = baoming(capsys, "faq", "stats")

    assert code == 0
    assert out == (
        "questions: 4\nanswered: 1\nanswered by a suggestion picked: 0\nhanded off: 0\nunanswered: 3\n"
        "most asked without an answer:\n    2  怎么退费\n    1  能开发票吗\n"
    )
    assert baoming(capsys, "faq", "stats", "--top", "1")[1].endswith("without an answer:\n    2  怎么退费\n")
