"""SMS verification codes (短信验证码): sending, resending, checking, locking.

Seed 000 §一 step 2 asks for a code texted to the mobile; the seed gives no numbers, so these are
ours and live here once: 6 digits, valid 5 minutes, a new one after 60 seconds, five wrong tries lock
the step for 15 minutes. Two more limits hold per mobile, whichever chats ask: at most ten codes in
24 hours (anyone can name an account, and its owner must not be flooded with texts) and at most ten
wrong tries in 15 minutes (so that many chats together cannot guess a code).
"""

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeAlias, TypeVar

from domain.model import SmsChallenge

CODE_LENGTH = 6
CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_WRONG_TRIES = 5
LOCK_DURATION = timedelta(minutes=15)
MAX_CODES_PER_MOBILE = 10
MOBILE_WINDOW = timedelta(hours=24)
MAX_WRONG_TRIES_PER_MOBILE = 10


@dataclass(frozen=True)
class MobileLimitReached:
    """Too many codes went to this mobile in 24 hours; the next may go at ``until``."""

    until: datetime


@dataclass(frozen=True)
class ResendTooSoon:
    wait_seconds: int


@dataclass(frozen=True)
class CodeLocked:
    until: datetime


@dataclass(frozen=True)
class WrongCode:
    tries_left: int


@dataclass(frozen=True)
class CodeExpired:
    pass


@dataclass(frozen=True)
class NoCodeSent:
    pass


# Why no code was sent, and why an entered code was not accepted.
SendRefusal: TypeAlias = ResendTooSoon | CodeLocked | MobileLimitReached
CheckRefusal: TypeAlias = WrongCode | CodeExpired | CodeLocked | NoCodeSent


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def refuse_sending(latest: SmsChallenge | None, now: datetime) -> ResendTooSoon | CodeLocked | None:
    """Why no new code may be sent now, or None when one may."""
    if latest is None:
        return None
    if latest.locked_until is not None and now < latest.locked_until:
        return CodeLocked(latest.locked_until)
    wait = latest.sent_at + RESEND_AFTER - now
    if latest.used_at is None and wait > timedelta(0):
        return ResendTooSoon(max(1, int(wait.total_seconds() + 0.999)))
    return None


def refuse_for_mobile(sent_to_mobile: Sequence[SmsChallenge], now: datetime) -> MobileLimitReached | None:
    """``sent_to_mobile``: the codes sent to one mobile in the last MOBILE_WINDOW, by any chat."""
    sent = sorted(c.sent_at for c in sent_to_mobile if now - c.sent_at < MOBILE_WINDOW)
    if len(sent) < MAX_CODES_PER_MOBILE:
        return None
    return MobileLimitReached(sent[-MAX_CODES_PER_MOBILE] + MOBILE_WINDOW)


def mobile_locked(sent_to_mobile: Sequence[SmsChallenge], now: datetime) -> CodeLocked | None:
    """Locked when the codes sent to one mobile in the last LOCK_DURATION drew too many wrong tries."""
    recent = [c for c in sent_to_mobile if now - c.sent_at < LOCK_DURATION]
    if sum(c.failed_attempts for c in recent) < MAX_WRONG_TRIES_PER_MOBILE:
        return None
    return CodeLocked(max(c.sent_at for c in recent) + LOCK_DURATION)


def issue(user_id: int, purpose: str, mobile: str, now: datetime, code: str) -> SmsChallenge:
    return SmsChallenge(
        user_id=user_id,
        purpose=purpose,
        mobile=mobile,
        code=code,
        sent_at=now,
        expires_at=now + CODE_TTL,
    )


def normalise_code(raw: str) -> str:
    return "".join(unicodedata.normalize("NFKC", raw).split())


class Attempts(Protocol):
    """What a one-time code's record keeps of its tries: SMS codes here, e-mailed codes elsewhere."""

    expires_at: datetime
    failed_attempts: int
    locked_until: datetime | None
    used_at: datetime | None


AttemptsT = TypeVar("AttemptsT", bound=Attempts)


def count_attempt(
    challenge: AttemptsT | None, correct: bool, now: datetime, *, spend: bool = True
) -> AttemptsT | WrongCode | CodeExpired | CodeLocked | NoCodeSent:
    """Count one try of a code; on success mark the challenge used (unless not ``spend``) and return it.

    A wrong try counts even after expiry would be pointless, so expiry is checked first; a lock
    outlives the code so that asking for a new code does not reset the count (see refuse_sending).
    """
    if challenge is None or challenge.used_at is not None:
        return NoCodeSent()
    if challenge.locked_until is not None and now < challenge.locked_until:
        return CodeLocked(challenge.locked_until)
    if now >= challenge.expires_at:
        return CodeExpired()
    if not correct:
        challenge.failed_attempts += 1
        if challenge.failed_attempts >= MAX_WRONG_TRIES:
            challenge.locked_until = now + LOCK_DURATION
            return CodeLocked(challenge.locked_until)
        return WrongCode(MAX_WRONG_TRIES - challenge.failed_attempts)
    if spend:
        challenge.used_at = now
    return challenge


def check(
    challenge: SmsChallenge | None, entered: str, now: datetime
) -> SmsChallenge | WrongCode | CodeExpired | CodeLocked | NoCodeSent:
    correct = challenge is not None and secrets.compare_digest(normalise_code(entered), challenge.code)
    return count_attempt(challenge, correct, now)
