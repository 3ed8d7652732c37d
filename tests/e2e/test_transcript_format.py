"""The transcript format: what each line means, how a bad line is reported, and the player
catching a bot that does not say what the transcript expects."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiogram import F
from aiogram.filters import Command
from aiogram.types import Message

from bot.sandbox.harness import HELPLINE_CHAT_ID, Sandbox
from bot.sandbox.transcript import (
    DeclareActor,
    DeclareGroup,
    ExpectButton,
    ExpectDeleted,
    ExpectMessage,
    ExpectNothing,
    ExpectSms,
    Fault,
    Mismatch,
    Press,
    Restart,
    SendFile,
    SendText,
    SetClock,
    TranscriptSyntaxError,
    parse,
    play,
    wrong_code,
)
from bot.sms import Sms
from domain.emails import OutgoingEmail

HERE = Path("/transcripts/gd.chat")
SHORT_WAIT = 1.5  # seconds; a mismatch is only reported after the wait, so tests keep it short


def steps_of(text: str) -> list[object]:
    return list(parse(text, HERE).steps)


def test_the_first_comment_is_the_title_and_other_comments_are_ignored() -> None:
    transcript = parse("# gd-residency: happy path\n\n# a note\napplicant> /start\n", HERE)
    assert transcript.title == "gd-residency: happy path"
    assert [type(step) for step in transcript.steps] == [SendText]


def test_an_actor_line_sends_text_presses_buttons_or_sends_files() -> None:
    steps = steps_of(
        "applicant> /start\n"
        "applicant> [Register]\n"
        "applicant> [[注册新账号]]\n"
        "staff> /file photos/me.jpg\n"
        "staff> /photo ../me.png\n"
        "applicant> {sms}\n"
    )
    assert steps[0] == SendText(1, "applicant> /start", "applicant", "/start")
    assert steps[1] == Press(2, "applicant> [Register]", "applicant", "Register", 1)
    assert isinstance(steps[2], Press) and steps[2].times == 2 and steps[2].label == "注册新账号"
    assert isinstance(steps[3], SendFile) and not steps[3].as_photo
    assert steps[3].path == Path("/transcripts/photos/me.jpg") and steps[3].actor == "staff"
    assert isinstance(steps[4], SendFile) and steps[4].as_photo and steps[4].path == Path("/me.png")
    assert isinstance(steps[5], SendText) and steps[5].text == "{sms}"


def test_bot_lines_state_what_the_bot_must_have_done() -> None:
    steps = steps_of(
        "applicant> hi\n"
        "bot? 第 3/12 项\n"
        "bot~ ^步骤 \\d/7\n"
        "bot+ [忘记密码]\n"
        "bot- [注册新账号]\n"
        "bot! deleted\n"
        "bot.\n"
        "sms? 138****5678\n"
        "bot@staff? 新的咨询\n"
    )
    assert steps[1] == ExpectMessage(2, "bot? 第 3/12 项", None, "第 3/12 项", regex=False)
    assert isinstance(steps[2], ExpectMessage) and steps[2].regex and steps[2].needle == "^步骤 \\d/7"
    assert steps[3] == ExpectButton(4, "bot+ [忘记密码]", "忘记密码", offered=True)
    assert steps[4] == ExpectButton(5, "bot- [注册新账号]", "注册新账号", offered=False)
    assert isinstance(steps[5], ExpectDeleted)
    assert isinstance(steps[6], ExpectNothing) and steps[6].actor is None
    assert steps[7] == ExpectSms(8, "sms? 138****5678", "138****5678")
    assert isinstance(steps[8], ExpectMessage) and steps[8].actor == "staff"


def test_clock_lines_set_beijing_time_or_move_it_forward() -> None:
    steps = steps_of(
        "clock 2027-04-16 09:00\nclock 2027-04-16 09:00 Asia/Shanghai\n"
        "clock +6m\nclock +2h\nclock +1d\nclock +90s\nclock +1h30m\n"
    )
    moments = [step.moment for step in steps if isinstance(step, SetClock)]
    assert moments[:2] == [datetime(2027, 4, 16, 9, 0)] * 2
    deltas = [step.delta for step in steps if isinstance(step, SetClock)][2:]
    assert deltas == [
        timedelta(minutes=6),
        timedelta(hours=2),
        timedelta(days=1),
        timedelta(seconds=90),
        timedelta(hours=1, minutes=30),
    ]


def test_fault_restart_and_actor_lines() -> None:
    steps = steps_of(
        "actor officer lang=en\n"
        "fault sendMessage 429\nfault editMessageText 500 x2\nfault * drop\nrestart\napplicant> hi\n"
    )
    assert steps[0] == DeclareActor(1, "actor officer lang=en", "officer", "en")
    assert steps[1] == Fault(2, "fault sendMessage 429", "sendMessage", 429, 1, drop=False)
    assert steps[2] == Fault(3, "fault editMessageText 500 x2", "editMessageText", 500, 2, drop=False)
    assert steps[3] == Fault(4, "fault * drop", "*", 0, 1, drop=True)
    assert isinstance(steps[4], Restart)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("applicant> hi\nbot? \n", 2, "needs the text"),
        ("applicant> hi\nmail?\n", 2, "needs the text the e-mail must contain"),
        ("applicant> hi\n\nbot~ [unclosed\n", 3, "regular expression"),
        ("applicant> hi\nbot+ 忘记密码\n", 2, "bot+ [button label]"),
        ("clock tomorrow\n", 1, "clock YYYY-MM-DD HH:MM"),
        ("fault sendMessage often\n", 1, "a fault is an HTTP status"),
        ("bot? 欢迎\n", 1, "needs an actor"),
        ("applicant> hi\nactor applicant lang=en\n", 2, "must come before"),
        ("bot> hello\n", 1, "keyword"),
        ("applicant says hi\n", 1, "not a transcript line"),
    ],
)
def test_a_malformed_line_is_reported_with_its_number(text: str, line: int, reason: str) -> None:
    with pytest.raises(TranscriptSyntaxError) as caught:
        parse(text, HERE)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{HERE}:{line}: ")


def test_group_lines_declare_members_who_write_reply_and_press_there() -> None:
    steps = steps_of(
        "actor staffB lang=en\n"
        "group helpline: staffA staffB\n"
        "staffA@helpline> 今天谁值班？\n"
        "staffB@helpline> reply /咨询 #\\d+ .*照片/ 390×567 像素\n"
        "staffA@helpline> [[结束]]\n"
        "bot@helpline? 已转给申请人\n"
        "bot@helpline~ ^咨询 #1\n"
        "bot+ [结束]\n"
        "bot@helpline.\n"
        "staffA> /start\n"
    )
    assert steps[1] == DeclareGroup(2, "group helpline: staffA staffB", "helpline", ("staffA", "staffB"))
    assert steps[2] == SendText(
        3, "staffA@helpline> 今天谁值班？", "staffA", "今天谁值班？", group="helpline"
    )
    assert isinstance(steps[3], SendText) and steps[3].group == "helpline"
    assert (steps[3].reply_to, steps[3].text) == ("咨询 #\\d+ .*照片", "390×567 像素")
    assert steps[4] == Press(5, "staffA@helpline> [[结束]]", "staffA", "结束", 2, group="helpline")
    assert steps[5] == ExpectMessage(6, "bot@helpline? 已转给申请人", "helpline", "已转给申请人", regex=False)
    assert isinstance(steps[6], ExpectMessage) and steps[6].regex and steps[6].actor == "helpline"
    assert isinstance(steps[8], ExpectNothing) and steps[8].actor == "helpline"
    assert steps[9] == SendText(10, "staffA> /start", "staffA", "/start")  # the private chat


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("staffA@helpline> hi\n", 1, "declare it first"),
        ("group helpline: staffA\nstaffB@helpline> hi\n", 2, "not a member of helpline"),
        ("group helpline\n", 1, "group NAME: MEMBER"),
        ("group helpline: staffA\nstaffA@helpline> reply 好的\n", 2, "reply /pattern/ text"),
        ("group helpline: staffA\nstaffA@helpline> reply /咨询/\n", 2, "needs the text"),
        ("group helpline: staffA\nstaffA@helpline> reply /咨询(/ 好\n", 2, "regular expression"),
        ("group helpline: staffA\nstaffA@helpline> /file a.pdf\n", 2, "not /file"),
        ("group helpline: staffA\nhelpline> hi\n", 2, "is a group"),
        ("applicant> hi\ngroup applicant: staffA\n", 2, "is an actor"),
        ("group helpline: staffA\nactor staffA lang=en\n", 2, "must come before"),
        ("group bot: staffA\n", 1, "keyword"),
    ],
)
def test_a_malformed_group_line_is_reported_with_its_number(text: str, line: int, reason: str) -> None:
    with pytest.raises(TranscriptSyntaxError) as caught:
        parse(text, HERE)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_a_wrong_sms_code_differs_from_the_code_and_has_its_length() -> None:
    for code in ("123456", "999999", "000000"):
        wrong = wrong_code(code)
        assert wrong != code and len(wrong) == 6 and wrong.isdigit()


# ----- the player, against the real bot in the sandbox


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(tmp_path) as running:
        yield running


async def test_a_transcript_the_bot_follows_passes(sandbox: Sandbox) -> None:
    text = "# start\napplicant> /start\nbot? 报名助手\nbot+ [广东省住培招录]\nbot- [注册新账号]\nbot.\n"
    await play(sandbox, parse(text, HERE), wait=SHORT_WAIT)


async def test_a_mismatch_shows_the_line_the_expectation_and_what_the_bot_said(sandbox: Sandbox) -> None:
    text = "# start\napplicant> /start\nbot? 欢迎来到月球\n"
    with pytest.raises(Mismatch) as caught:
        await play(sandbox, parse(text, HERE), wait=SHORT_WAIT)
    report = caught.value.report()
    assert f"FAIL {HERE}:3" in report
    assert "containing '欢迎来到月球'" in report
    assert "报名助手" in report  # the welcome message the bot did send ...
    assert "[广东省住培招录]" in report  # ... with its button


async def test_a_missing_button_and_a_leftover_message_are_mismatches(sandbox: Sandbox) -> None:
    with pytest.raises(Mismatch, match="does not offer"):
        await play(sandbox, parse("applicant> /start\nbot? 报名助手\nbot- [广东省住培招录]\n", HERE))
    with pytest.raises(Mismatch, match="no further message") as caught:
        await play(sandbox, parse("applicant> /help\nbot.\n", HERE), wait=SHORT_WAIT)
    assert "/status" in caught.value.report()  # the unread help text is shown


async def test_pressing_a_button_that_is_not_offered_lists_the_offered_ones(sandbox: Sandbox) -> None:
    with pytest.raises(Mismatch) as caught:
        await play(sandbox, parse("applicant> /start\napplicant> [上海]\n", HERE), wait=SHORT_WAIT)
    assert "广东省住培招录" in caught.value.report()


async def test_sms_placeholders_are_filled_from_the_inbox(sandbox: Sandbox) -> None:
    sandbox.sms.messages.append(Sms("13812345678", "246810", "register", sandbox.clock.now()))
    await play(
        sandbox, parse("sms? to 138****5678: 246810\napplicant> {sms}\napplicant> {wrong-sms}\n", HERE)
    )
    sent = [
        m.text for m in sandbox.emulator.chat_messages(sandbox.person("applicant").chat_id) if not m.from_bot
    ]
    assert sent == ["246810", wrong_code("246810")]


async def test_mail_expectations_and_placeholders_read_the_loopback_mailbox(sandbox: Sandbox) -> None:
    assert sandbox.email_sender is not None
    text = (
        "激活您的账号\n\n请打开以下链接：\nhttps://t.me/baoming_sandbox_bot?start=act_Ab-9_x123456z\n\n"
        "或输入激活码：654321\n北京时间 2027-03-02 09:00\n"
    )
    await sandbox.email_sender.send(OutgoingEmail("zhangsan1990@163.com", "激活", text))
    await play(
        sandbox,
        parse(
            "mail? to z***@163.com: 激活\nmail? 654321\n"
            "applicant> {mail-code}\napplicant> {wrong-mail-code}\napplicant> {mail-link}\n",
            HERE,
        ),
    )
    sent = [
        m.text for m in sandbox.emulator.chat_messages(sandbox.person("applicant").chat_id) if not m.from_bot
    ]
    assert sent == ["654321", wrong_code("654321"), "/start act_Ab-9_x123456z"]
    with pytest.raises(Mismatch, match="the latest e-mail contains"):
        await play(sandbox, parse("applicant> /help\nmail? 密码\n", HERE), wait=SHORT_WAIT)


async def test_a_double_tap_presses_twice_before_the_bot_answers(sandbox: Sandbox) -> None:
    text = "applicant> /start\nbot? 报名助手\napplicant> [[广东省住培招录]]\nbot? 广东省住院医师规范化培训\n"
    await play(sandbox, parse(text, HERE))
    await sandbox.person("applicant").new_messages()
    assert len(sandbox.emulator.calls("answerCallbackQuery")) == 2


async def test_faults_and_restarts_are_played(sandbox: Sandbox) -> None:
    text = "fault sendMessage 429\napplicant> /start\nbot? 报名助手\n"
    text += "restart\napplicant> /help\nbot? /status\n"
    await play(sandbox, parse(text, HERE))
    refused = sandbox.emulator.calls("sendMessage", ok=False)
    assert [record.status for record in refused] == [429]


async def test_a_staff_group_transcript_plays_with_replies_and_commands(sandbox: Sandbox) -> None:
    """A minimal staff-group handler stands in for the help-line: it posts a thread, forwards a reply
    to a thread message and closes on /close@<bot>."""
    assert sandbox.app is not None
    bot = sandbox.app.bot

    async def close(message: Message) -> None:
        await message.reply("已结束")

    async def in_group(message: Message) -> None:
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.is_bot:
            await message.reply(f"已转给申请人：{message.text}")
        else:
            await bot.send_message(HELPLINE_CHAT_ID, f"新的咨询 #{message.message_id % 1000}：{message.text}")

    # The dispatcher's own handlers come before its routers: the real bot's never see these.
    here = F.chat.id == HELPLINE_CHAT_ID
    sandbox.app.dispatcher.message.register(close, here, Command("close"))
    sandbox.app.dispatcher.message.register(in_group, here)
    text = (
        "group helpline: staffA staffB\n"
        "staffA@helpline> 照片要求是什么？\n"
        "bot? 新的咨询\n"
        "staffB@helpline> reply /照片要求/ 390×567 像素\n"
        "bot@helpline? 已转给申请人：390×567 像素\n"
        "staffA@helpline> /close@baoming_sandbox_bot\n"
        "bot? 已结束\n"
        "bot.\n"
        "applicant> /help\n"
        "bot? /status\n"
    )
    await play(sandbox, parse(text, HERE))

    log = sandbox.emulator.chat_messages(HELPLINE_CHAT_ID)
    by_text = {m.text: m for m in log}
    thread = next(m for m in log if m.from_bot and (m.text or "").startswith("新的咨询"))
    answer = by_text["390×567 像素"]
    assert answer.sender_id == sandbox.person("staffB").user_id
    assert answer.reply_to_message_id == thread.message_id
    assert by_text["已转给申请人：390×567 像素"].reply_to_message_id == answer.message_id
    assert by_text["已结束"].reply_to_message_id == by_text["/close@baoming_sandbox_bot"].message_id
    assert sandbox.helpline.member_ids == {sandbox.person(n).user_id for n in ("staffA", "staffB")}


async def test_replying_to_a_message_the_bot_never_sent_is_a_mismatch(sandbox: Sandbox) -> None:
    text = "group helpline: staffA\nstaffA@helpline> reply /咨询 #9/ 好的\n"
    with pytest.raises(Mismatch) as caught:
        await play(sandbox, parse(text, HERE), wait=SHORT_WAIT)
    assert "a bot message in helpline matching /咨询 #9/ to reply to" in caught.value.report()
