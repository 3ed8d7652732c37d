"""Staff commands and the audit trail against the sandbox (the real bot polling the emulator).

A staff command from someone not allowed to run it must be indistinguishable from a command that
does not exist; an operator's audit of an account shows what registration and recovery did.
"""

import asyncio

import pytest

from bot.cli import main
from bot.db.engine import create_session_factory
from bot.db.uow import SqlUnitOfWork
from bot.sandbox.harness import Sandbox
from bot.sandbox.people import Person
from domain.model import Channel
from domain.staff import Grant, add_staff, parse_grant, remove_staff

GD = "gd-residency"
TJ = "tj-upgrade"
ID_NUMBER = "110101199003071233"
MOBILE = "13812345678"


async def say(person: Person, text: str) -> str:
    await person.send_text(text)
    return "\n".join(message.text for message in await person.new_messages())


async def tap(person: Person, label: str) -> str:
    await person.press(label)
    return "\n".join(message.text for message in await person.new_messages())


async def send_all(person: Person, *texts: str) -> str:
    for text in texts:
        await person.send_text(text)
    return "\n".join(message.text for message in await person.new_messages())


def latest_code(sandbox: Sandbox) -> str:
    sms = sandbox.sms.latest(MOBILE)
    assert sms is not None
    return sms.code


async def make_staff(
    sandbox: Sandbox, person: Person, role: str, programme: str, base: str | None = None
) -> None:
    """What ``baoming staff add`` does, on the sandbox's database."""
    assert sandbox.app is not None
    grant = parse_grant(role, programme, base)
    assert isinstance(grant, Grant)
    uow = SqlUnitOfWork(create_session_factory(sandbox.app.engine))
    await add_staff(uow, sandbox.clock, Channel.TELEGRAM, str(person.user.id), grant)


async def test_a_staff_command_from_an_applicant_gets_the_answer_to_an_unknown_command(
    sandbox: Sandbox,
) -> None:
    applicant = sandbox.person("applicant")
    unknown = await say(applicant, "/no_such_command")

    assert unknown  # the fallback answered something
    assert await say(applicant, "/staff") == unknown
    assert await say(applicant, f"/staff {GD}") == unknown


async def test_staff_of_another_programme_are_refused_as_if_the_command_did_not_exist(
    sandbox: Sandbox,
) -> None:
    officer = sandbox.person("officer", language_code="en")
    await make_staff(sandbox, officer, "reviewer", TJ)
    unknown = await say(officer, "/no_such_command")

    assert await say(officer, f"/staff {GD}") == unknown
    assert "天津高职升本报名: reviewer" in await say(officer, f"/staff {TJ}")


async def test_an_admin_of_the_programme_passes_the_filter(sandbox: Sandbox) -> None:
    admin = sandbox.person("admin", language_code="en")
    await make_staff(sandbox, admin, "admin", GD)

    answer = await say(admin, f"/staff {GD}")

    assert answer == "Your staff roles:\n• 广东省住院医师规范化培训: administrator"


async def test_a_removed_role_no_longer_opens_the_staff_command(sandbox: Sandbox) -> None:
    helper = sandbox.person("helper", language_code="en")
    await make_staff(sandbox, helper, "helpline", GD)
    assert "help line" in await say(helper, "/staff")
    assert sandbox.app is not None
    grant = parse_grant("helpline", GD)
    assert isinstance(grant, Grant)
    uow = SqlUnitOfWork(create_session_factory(sandbox.app.engine))
    assert await remove_staff(uow, Channel.TELEGRAM, str(helper.user.id), grant)

    assert await say(helper, "/staff") == await say(helper, "/no_such_command")


async def test_the_audit_lists_the_registration_and_the_recovery_without_the_full_id_number(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = sandbox.person("first")
    await say(first, "/start")
    await tap(first, "广东")
    await tap(first, "注册新账号")
    # Sent at once, as a quick typist would: the bot takes one person's messages in order.
    await send_all(first, "张三", ID_NUMBER, "zhangsan", "abc12345", "abc12345", MOBILE)
    assert "注册成功" in await say(first, latest_code(sandbox))

    second = sandbox.person("second")  # a new phone: the applicant recovers the account there
    await say(second, "/start")
    await tap(second, "广东")
    await tap(second, "忘记密码")
    await send_all(second, ID_NUMBER)
    assert "密码修改成功" in await send_all(second, latest_code(sandbox), "xyz98765", "xyz98765")

    monkeypatch.setenv("DATABASE_URL", sandbox.settings.database_url)
    exit_code = await asyncio.to_thread(main, ["audit", "--id-number", ID_NUMBER, "--programme", GD])
    output = capsys.readouterr().out

    assert exit_code == 0, output
    lines = output.splitlines()
    assert lines[0] == "account zhangsan of gd-residency, ID number 1101**********1233"
    events = [line.split()[3] for line in lines[1:]]
    assert events == ["created", "recovered", "taken_over"]
    assert f"telegram {first.user.id}" in lines[1] and f"telegram {second.user.id}" in lines[2]
    assert ID_NUMBER not in output and MOBILE not in output
