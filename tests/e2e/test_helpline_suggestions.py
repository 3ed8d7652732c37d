"""The help line's suggestions against the sandbox: what the transcript does not show (forged presses
aimed at another applicant's question, an entry that does not exist, data that does not parse)."""

from bot.db.engine import create_session_factory
from bot.db.uow import SqlUnitOfWork
from bot.sandbox.harness import Sandbox
from bot.sandbox.people import Person
from dialogs.helpline import HelplineCb
from domain.model import QuestionOutcome

# Too colloquial for a sure answer; 怎么退出账号？ (bot-logout) is among the entries offered.
UNSURE = "用我手机帮闺女登过她的账号，现在想把登录退掉"
LOGOUT = "怎么退出账号？"


async def shown(person: Person) -> str:
    return "\n".join(message.text for message in await person.new_messages())


async def offered(person: Person) -> int:
    """Ask the unsure question; the id of the bot's message offering the suggestions."""
    await person.send_text(UNSURE)
    assert "您要问的是下面哪一个吗" in await shown(person)
    return next(m for m in reversed(person.messages) if LOGOUT in m.labels).message_id


async def outcomes(sandbox: Sandbox) -> list[tuple[str, str | None]]:
    assert sandbox.app is not None
    async with SqlUnitOfWork(create_session_factory(sandbox.app.engine)) as uow:
        first = await uow.asked_questions.get_for_user(1, 1)
        second = await uow.asked_questions.get_for_user(2, 2)
    return [(q.outcome, q.entry_id) for q in (first, second) if q is not None]


async def test_a_forged_suggestion_never_touches_another_applicants_question(sandbox):
    first, second = sandbox.person("first"), sandbox.person("second")
    await offered(first)
    message_id = await offered(second)
    assert await outcomes(sandbox) == [(QuestionOutcome.UNANSWERED, None)] * 2

    # The second applicant's client sends the first one's question id: the entry is shown (it is
    # public), but the first applicant's question stays as it was.
    forged = HelplineCb(action="entry", question=1, entry="bot-logout").pack()
    sandbox.emulator.press_forged(second.chat_id, message_id, forged)
    assert "/logout" in await shown(second)
    assert await outcomes(sandbox) == [(QuestionOutcome.UNANSWERED, None)] * 2
    assert await first.new_messages() == []


async def test_a_suggestion_that_does_not_exist_or_parse_is_refused_plainly(sandbox):
    await offered(sandbox.person("first"))
    second = sandbox.person("second")

    missing = HelplineCb(action="entry", question=2, entry="no-such-entry").pack()
    sandbox.emulator.press_forged(second.chat_id, await offered(second), missing)
    assert "这条解答已不再提供" in await shown(second)

    sandbox.emulator.press_forged(second.chat_id, await offered(second), "h:entry:not-a-number:bot-logout")
    await shown(second)
    assert second.callback_answers[-1].text == "此按钮已失效。"
    assert await outcomes(sandbox) == [(QuestionOutcome.UNANSWERED, None)] * 2


async def test_picking_a_suggestion_logs_the_question_as_answered_by_it(sandbox):
    first = sandbox.person("first")
    await offered(first)

    await first.press(LOGOUT)

    assert "/logout" in await shown(first)
    assert (await outcomes(sandbox))[0] == (QuestionOutcome.SUGGESTED, "bot-logout")
