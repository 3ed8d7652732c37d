"""Sending e-mail through a real SMTP server with aiosmtplib."""

import logging
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib

from domain.emails import EmailDeliveryError, OutgoingEmail
from domain.masking import mask_email

logger = logging.getLogger(__name__)


class SmtpEmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        sender_name: str = "报名助手",
        username: str | None = None,
        password: str | None = None,
        security: str = "starttls",
        timeout: float = 30,
    ) -> None:
        if security not in {"none", "starttls", "tls"}:
            raise ValueError("security is none, starttls or tls")
        self.host, self.port = host, port
        self.sender, self.sender_name = sender, sender_name
        self.username, self.password = username, password
        self.security = security
        self.timeout = timeout

    def compose(self, email: OutgoingEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((self.sender_name, self.sender))
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = make_msgid(domain=Address(addr_spec=self.sender).domain or None)
        message.set_content(email.text)  # UTF-8, with the transfer encoding chosen by the library
        return message

    async def send(self, email: OutgoingEmail) -> None:
        try:
            await aiosmtplib.send(
                self.compose(email),
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.security == "tls",
                start_tls=self.security == "starttls",
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            logger.warning("mail to %s failed: %s", mask_email(email.to), type(error).__name__)
            raise EmailDeliveryError(type(error).__name__) from error
        logger.info("mail to %s handed to %s:%d", mask_email(email.to), self.host, self.port)


class UnconfiguredEmailSender:
    """Without SMTP_HOST no mail can go out; the flows that need mail say so instead of failing later."""

    async def send(self, email: OutgoingEmail) -> None:
        logger.error("no SMTP server is configured (SMTP_HOST): mail to %s not sent", mask_email(email.to))
        raise EmailDeliveryError("SMTP_HOST is not set")
