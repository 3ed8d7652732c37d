"""E-mail as the use cases see it: a message to send and a port that sends it.

Seed 003 activates accounts and recovers passwords by e-mail; bot/mail.py sends through a real SMTP
server, the sandbox through one on loopback.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str  # plain text only: activation mails must read well in every mail client


class EmailDeliveryError(Exception):
    """The message could not be handed to the mail server; the use case decides what the applicant hears."""


class EmailSender(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Hand the message to the mail server or raise EmailDeliveryError."""
        ...
