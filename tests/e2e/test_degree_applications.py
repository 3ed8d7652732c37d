"""提交学位申请 against the sandbox: what the transcript does not show (the discipline list after the
门类 changes, 删除 with its confirmation, forged presses aimed at another account's application)."""

from pathlib import Path

from bot.db.engine import create_session_factory
from bot.db.uow import SqlUnitOfWork
from bot.sandbox import transcript
from bot.sandbox.harness import Sandbox
from bot.sandbox.people import Person
from dialogs.degree_applications import ApplicationCb
from domain.model import DegreeApplicationState

CONVERSATIONS = Path(__file__).parents[1] / "conversations"
# Registration and activation of one 同等学力申硕 account, as the degree transcripts write it.
REGISTRATION = """
clock 2027-03-01 09:00
{actor}> /start
{actor}> [同等学力人员申请硕士学位]
{actor}> [注册新账号]
{actor}> [我遵守]
{actor}> {username}
{actor}> abc12345
{actor}> abc12345
{actor}> {username}@163.com
{actor}> {username}@163.com
{actor}> {mobile}
{actor}> {name}
{actor}> [中华人民共和国]
{actor}> [居民身份证]
{actor}> {id_number}
{actor}> {id_number}
{actor}> 北京市海淀区中关村大街1号
{actor}> 100080
{actor}> {mobile}
{actor}> {mobile}
{actor}> [提交]
bot? 发送激活邮件
{actor}> {{mail-code}}
bot? 已激活
"""
PEOPLE = {
    "first": {
        "username": "zhangsan",
        "mobile": "13812345678",
        "name": "张三",
        "id_number": "110101199003071233",
    },
    "second": {
        "username": "lisi",
        "mobile": "13712345678",
        "name": "李四",
        "id_number": "11010119800101103X",
    },
}


async def shown(person: Person) -> str:
    return "\n".join(message.text for message in await person.new_messages())


async def say(person: Person, text: str) -> str:
    await person.send_text(text)
    return await shown(person)


async def tap(person: Person, label: str) -> str:
    await person.press(label)
    return await shown(person)


def newest_labels(person: Person) -> list[str]:
    """The buttons of the bot's newest message that has any."""
    return next((m.labels for m in reversed(person.messages) if m.labels), [])


async def at_the_table(sandbox: Sandbox, actor: str) -> Person:
    """An activated 同等学力申硕 account looking at 已申报学科信息."""
    text = REGISTRATION.format(actor=actor, **PEOPLE[actor])
    await transcript.play(sandbox, transcript.parse(text, CONVERSATIONS / f"{actor}.chat"))
    person = sandbox.person(actor)
    await shown(person)
    await say(person, "/start")
    await tap(person, "同等学力人员申请硕士学位")
    assert "没有申报的学科!" in await tap(person, "提交学位申请")
    return person


async def to_discipline(person: Person, category: str = "工学", degree_type: str = "学术型学位") -> str:
    await tap(person, "新增申请")
    await tap(person, "湖北省")
    await tap(person, "武汉理工大学")
    await tap(person, degree_type)
    return await tap(person, category)


async def finish(person: Person) -> str:
    """From 申请人类别 to the review page, and 保存."""
    for label in ("其他在职人员", "使用 202703", "否", "跳过", "使用 湖北省"):
        await tap(person, label)
    await say(person, "武汉理工大学设计研究院")
    for label in ("国有企业", "无", "中级"):
        await tap(person, label)
    return await tap(person, "💾 保存")


async def test_a_unit_of_another_province_is_refused_and_the_province_offers_only_its_own(
    sandbox: Sandbox,
) -> None:
    first = await at_the_table(sandbox, "first")
    await tap(first, "新增申请")
    await tap(first, "广东省")
    units = newest_labels(first)
    assert "中山大学" in units and "武汉大学" not in units
    answer = await say(first, "武汉大学")
    assert "武汉大学不在广东省" in answer and "第 2/15 步" not in answer
    assert "第 3/15 步" in await tap(first, "中山大学")  # nothing entered was lost


async def test_the_disciplines_follow_the_category_and_a_changed_category_asks_again(
    sandbox: Sandbox,
) -> None:
    first = await at_the_table(sandbox, "first")
    await to_discipline(first, "工学")
    disciplines = newest_labels(first)
    assert "土木工程" in disciplines and "临床医学" not in disciplines
    refused = await say(first, "基础医学")  # a discipline of another 门类, typed
    assert "基础医学（1001）不属于工学" in refused
    await tap(first, "土木工程")
    review = await finish(first)
    assert "已保存：武汉理工大学土木工程" in review
    await tap(first, "修改 #1")
    await tap(first, "✏️ 申请学位学科门类")
    answer = await tap(first, "理学")
    assert "请选择申请学位学科名称" in answer  # 土木工程 is not a 理学 discipline: asked again
    disciplines = newest_labels(first)
    assert "数学" in disciplines and "土木工程" not in disciplines
    review = await tap(first, "数学")
    assert "申请学位学科门类：理学" in review and "申请学位学科名称：数学" in review
    assert "已保存：武汉理工大学数学" in await tap(first, "💾 保存")


async def test_the_professional_warning_comes_with_the_choice_and_on_the_review(sandbox: Sandbox) -> None:
    first = await at_the_table(sandbox, "first")
    await to_discipline(first, "医学", "专业学位")
    assert "2016年起" in await tap(first, "口腔医学")
    review = await finish(first)
    assert "已保存：武汉理工大学口腔医学" in review and "2016年起" in review


async def test_delete_asks_first_and_forged_ids_reach_no_other_account(sandbox: Sandbox) -> None:
    first = await at_the_table(sandbox, "first")
    await to_discipline(first)
    await tap(first, "土木工程")
    await finish(first)
    second = await at_the_table(sandbox, "second")

    # The first account's application 1, pressed from the second chat with forged data.
    forged = [
        ApplicationCb(action=action, id=1, confirmed=confirmed).pack()
        for action, confirmed in (("delete", True), ("submit", True), ("edit", False), ("nonsense", False))
    ]
    answers = []
    for data in forged:
        # Each on the newest message: a message's buttons work once (dialogs/buttons.py).
        newest = next(message for message in reversed(second.messages) if not message.deleted)
        sandbox.emulator.press_forged(second.chat_id, newest.message_id, data)
        answers.append(await shown(second))
    assert all("没有这份报名" in answer for answer in answers[:3]), answers
    assert "此按钮已失效" in answers[3] and not any("土木工程" in answer for answer in answers)
    assert sandbox.app is not None
    async with SqlUnitOfWork(create_session_factory(sandbox.app.engine)) as uow:
        untouched = await uow.degree_applications.get(1)
    assert untouched is not None and untouched.state == DegreeApplicationState.SAVED

    # The first account's own 删除: asked first; "no" keeps it, "yes" deletes it.
    assert "确定删除武汉理工大学土木工程的学位申请吗" in await tap(first, "删除 #1")
    assert "1. 2027 · 工学 · 土木工程 · 武汉理工大学 · 已保存" in await tap(first, "不，返回已申报学科信息")
    await tap(first, "删除 #1")
    answer = await tap(first, "确定删除")
    assert "已删除：武汉理工大学土木工程的学位申请。" in answer and "没有申报的学科!" in answer
    async with SqlUnitOfWork(create_session_factory(sandbox.app.engine)) as uow:
        assert await uow.degree_applications.get(1) is None
