"""Mail goes through the real SMTP client (aiosmtplib) to a real SMTP server on loopback (aiosmtpd)."""

import logging
from collections.abc import AsyncIterator

import pytest

from bot.mail import SmtpEmailSender, UnconfiguredEmailSender
from bot.sandbox.mail_server import LoopbackSmtpServer
from domain.emails import EmailDeliveryError, OutgoingEmail

ADDRESS = "zhang.san@example.com"
ACTIVATION = OutgoingEmail(
    to=ADDRESS,
    subject="同等学力申硕：请激活您的账号",
    text="请在24小时内激活：https://t.me/baoming_sandbox_bot?start=act_3f9a\n激活码：482913\n",
)


@pytest.fixture
async def server() -> AsyncIterator[LoopbackSmtpServer]:
    running = LoopbackSmtpServer()
    await running.start()
    yield running
    await running.stop()


def sender_to(server: LoopbackSmtpServer) -> SmtpEmailSender:
    return SmtpEmailSender("127.0.0.1", server.port, "noreply@baoming.test", security="none")


async def test_a_chinese_mail_arrives_whole_with_its_link_and_code(server: LoopbackSmtpServer) -> None:
    await sender_to(server).send(ACTIVATION)

    mail = server.inbox.latest(ADDRESS)
    assert mail is not None
    assert mail.subject == "同等学力申硕：请激活您的账号"
    assert "start=act_3f9a" in mail.text and "482913" in mail.text
    assert mail.mail_from == "noreply@baoming.test"
    assert "报名助手" in str(mail.message["From"])
    assert mail.message["Message-ID"]


async def test_each_mail_reaches_only_its_recipient(server: LoopbackSmtpServer) -> None:
    sender = sender_to(server)
    await sender.send(ACTIVATION)
    await sender.send(OutgoingEmail("li.si@example.com", "另一封", "给李四"))

    assert [mail.to for mail in server.inbox.messages] == [(ADDRESS,), ("li.si@example.com",)]
    latest = server.inbox.latest("li.si@example.com")
    assert latest is not None and latest.text.strip() == "给李四"


async def test_an_unreachable_server_is_a_delivery_error_logged_without_the_address(
    server: LoopbackSmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    sender = sender_to(server)
    await server.stop()
    caplog.set_level(logging.INFO)

    with pytest.raises(EmailDeliveryError):
        await sender.send(ACTIVATION)

    assert ADDRESS not in caplog.text
    assert "z***@example.com" in caplog.text


async def test_without_an_smtp_server_configured_sending_is_refused() -> None:
    with pytest.raises(EmailDeliveryError):
        await UnconfiguredEmailSender().send(ACTIVATION)
