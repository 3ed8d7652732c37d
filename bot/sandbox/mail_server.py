"""A real SMTP server on loopback (aiosmtpd) for the sandbox and the tests: mail the bot sends through
its real SMTP client arrives here and is shown in the terminal chat."""

import asyncio
import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    to: tuple[str, ...]
    subject: str
    text: str
    message: EmailMessage


@dataclass
class MailInbox:
    """What the loopback server received, in order; listeners hear of each new mail."""

    messages: list[ReceivedMail] = field(default_factory=list)
    listeners: list[Callable[[ReceivedMail], None]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        message = email.message_from_bytes(
            raw if isinstance(raw, bytes) else raw.encode(), policy=email.policy.default
        )
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        mail = ReceivedMail(
            mail_from=str(envelope.mail_from or ""),
            to=tuple(envelope.rcpt_tos),
            subject=str(message.get("Subject", "")),
            text=body.get_content() if body is not None else "",
            message=message,
        )
        self.messages.append(mail)
        for listener in self.listeners:
            listener(mail)
        return "250 Message accepted for delivery"

    def latest(self, to: str | None = None) -> ReceivedMail | None:
        for mail in reversed(self.messages):
            if to is None or to in mail.to:
                return mail
        return None


class LoopbackSmtpServer:
    def __init__(self, inbox: MailInbox | None = None) -> None:
        self.inbox = inbox or MailInbox()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen (loopback only) and return the port."""
        loop = asyncio.get_running_loop()

        def protocol() -> Any:
            return SMTP(self.inbox, hostname="baoming.sandbox", enable_SMTPUTF8=True, loop=loop)

        self._server = await loop.create_server(protocol, host=host, port=port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
