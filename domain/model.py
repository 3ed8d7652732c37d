"""The entities the use cases load, change and store.

Plain dataclasses: the database adapter maps them imperatively (bot/db), the unit tests keep them
in dictionaries. ``id`` is None until the entity is stored.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    """Where a person talks to us. Every person is keyed by channel + external id, never by a bare id."""

    TELEGRAM = "telegram"
    WEB = "web"


@dataclass(eq=False)
class ChatUser:
    """One person in one channel (a Telegram user, later a web-chat visitor)."""

    channel: str
    external_id: str
    created_at: datetime
    locale: str | None = None  # chosen with /language; None follows the client's language
    id: int | None = None


@dataclass(eq=False)
class Account:
    """学员账号: an applicant's account in one programme, created by registration."""

    programme: str
    username: str
    password_hash: str
    real_name: str
    id_number: str  # normalised 18-character resident ID number; never logged in full
    mobile: str  # 11-digit mainland mobile number; never logged in full
    created_at: datetime
    user_id: int | None = None  # the chat user bound to the account
    id: int | None = None


class SmsPurpose(StrEnum):
    REGISTER = "register"
    RECOVER = "recover"


@dataclass(eq=False)
class SmsChallenge:
    """One verification code texted to a mobile number, with its tries."""

    user_id: int
    purpose: str
    mobile: str
    code: str  # kept as sent: it lives five minutes and five wrong tries lock it
    sent_at: datetime
    expires_at: datetime
    failed_attempts: int = 0
    locked_until: datetime | None = None
    used_at: datetime | None = None
    id: int | None = None
