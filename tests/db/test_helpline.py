"""The help line over SQLite: questions per person and their statistics, threads, the unique group
message → thread mapping, staff-written entries, deleting a person, the migration down and up."""

from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.tables import chat_users
from bot.db.uow import SqlUnitOfWork
from domain import helpline
from domain.clock import BEIJING
from domain.faq import Entry, KnowledgeBase
from domain.model import AskedQuestion, ChatUser, QuestionOutcome, ThreadMessageKind, ThreadState
from tests.fakes import FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=BEIJING)
GROUP = -1001000000001
GD = "gd-residency"
KB = KnowledgeBase(
    [Entry("gd-batch", GD, "zh_Hans", "广东住培每个批次什么时候报名？", "4月15日起。", "《指南》")]
)


async def add_user(uow: SqlUnitOfWork, external_id: str) -> int:
    async with uow:
        user = await uow.users.add(ChatUser("telegram", external_id, NOW))
        await uow.commit()
    assert user.id is not None
    return user.id


def question(user_id: int, text: str, outcome: QuestionOutcome, minutes: int = 0) -> AskedQuestion:
    entry_id = "gd-batch" if outcome == QuestionOutcome.ANSWERED else None
    return AskedQuestion(user_id, GD, "zh_Hans", text, outcome, NOW + timedelta(minutes=minutes), entry_id)


async def test_questions_are_found_only_for_the_person_who_asked_and_counted(uow: SqlUnitOfWork) -> None:
    alice, bob = await add_user(uow, "1"), await add_user(uow, "2")
    async with uow:
        first = await uow.asked_questions.add(question(alice, "怎么退费", QuestionOutcome.UNANSWERED))
        await uow.asked_questions.add(question(bob, "怎么退费", QuestionOutcome.HANDED_OFF, 1))
        await uow.asked_questions.add(question(alice, "能开发票吗", QuestionOutcome.UNANSWERED, 2))
        await uow.asked_questions.add(question(alice, "住培什么时候报名", QuestionOutcome.ANSWERED, 3))
        await uow.commit()
    assert first.id is not None

    async with uow:
        assert await uow.asked_questions.get_for_user(first.id, bob) is None
        mine = await uow.asked_questions.get_for_user(first.id, alice)
        latest = await uow.asked_questions.latest_of(alice)
        counts = await uow.asked_questions.counts()
        most = await uow.asked_questions.most_asked_unanswered(10)

    assert mine is not None and mine.text == "怎么退费"
    assert latest is not None and latest.text == "住培什么时候报名"
    assert counts == {"unanswered": 2, "handed_off": 1, "answered": 1}
    assert most == [("怎么退费", 2), ("能开发票吗", 1)]


async def test_the_use_cases_log_hand_off_and_map_group_messages(uow: SqlUnitOfWork) -> None:
    clock = FixedClock(NOW)
    alice = await add_user(uow, "1")
    asked = await helpline.ask(
        uow, clock, KB, alice, "为什么收不到激活邮件？", programme=GD, locale="zh_Hans"
    )
    assert isinstance(asked, helpline.Unanswered)

    opened = await helpline.hand_off(
        uow, clock, alice, 1, question_id=asked.question_id, text=None, programme=GD, locale="zh_Hans"
    )
    assert opened.new and opened.thread.id is not None
    await helpline.record_message(uow, clock, opened.thread.id, GROUP, 500, ThreadMessageKind.QUESTION, "#1")

    posted = await helpline.thread_at(uow, GROUP, 500)
    assert posted is not None and posted.thread.user_id == alice and posted.thread.state == ThreadState.OPEN
    assert (await helpline.question_stats(uow)).counts["handed_off"] == 1
    assert (await helpline.open_thread_of(uow, alice)) is not None

    closed = await helpline.close_thread(uow, clock, opened.thread.id, "4242")
    assert closed is not None and closed.was_open
    assert await helpline.open_thread_of(uow, alice) is None


async def test_a_group_message_maps_to_one_thread_only(uow: SqlUnitOfWork) -> None:
    clock = FixedClock(NOW)
    alice = await add_user(uow, "1")
    opened = await helpline.hand_off(
        uow, clock, alice, 1, question_id=None, text="问", programme=None, locale="en"
    )
    assert opened.thread.id is not None
    await helpline.record_message(uow, clock, opened.thread.id, GROUP, 500, ThreadMessageKind.QUESTION, "问")

    with pytest.raises(IntegrityError):
        await helpline.record_message(
            uow, clock, opened.thread.id, GROUP, 500, ThreadMessageKind.NOTICE, "又"
        )
    # The same message id in another chat is another message.
    await helpline.record_message(
        uow, clock, opened.thread.id, GROUP - 1, 500, ThreadMessageKind.NOTICE, "别处"
    )


async def test_staff_entries_outlive_the_person_and_the_thread_they_came_from(
    uow: SqlUnitOfWork, engine: AsyncEngine
) -> None:
    clock = FixedClock(NOW)
    alice = await add_user(uow, "1")
    opened = await helpline.hand_off(
        uow, clock, alice, 1, question_id=None, text="问", programme=GD, locale="en"
    )
    assert opened.thread.id is not None
    await helpline.record_message(
        uow, clock, opened.thread.id, GROUP, 500, ThreadMessageKind.STAFF, "答", "42"
    )
    added = await helpline.add_staff_entry(
        uow,
        clock,
        opened.thread,
        question="能开发票吗",
        answer="可以",
        locale="zh_Hans",
        source="s",
        added_by="42",
    )

    async with engine.begin() as connection:  # the person asks to be forgotten
        await connection.execute(delete(chat_users).where(chat_users.c.id == alice))

    assert await helpline.staff_entries(uow) == [added]
    assert await helpline.thread_at(uow, GROUP, 500) is None
    async with uow:
        [stored] = await uow.staff_faq.listed()
    assert stored.thread_id is None and stored.programme == GD


async def test_the_migration_goes_down_and_up_again(engine: AsyncEngine, db_url: str) -> None:
    config = alembic_config(db_url)

    def down(connection: object) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")

    async with engine.begin() as connection:
        await connection.run_sync(down)
        tables = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        names = {row[0] for row in tables}
    assert not names & {"faq_questions", "helpline_threads", "helpline_messages", "faq_staff_entries"}
    await engine.dispose()

    await upgrade_to_head(db_url)

    async with engine.begin() as connection:
        tables = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        names = {row[0] for row in tables}
    assert {"faq_questions", "helpline_threads", "helpline_messages", "faq_staff_entries"} <= names
