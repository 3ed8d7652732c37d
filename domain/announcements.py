"""Operator announcements (issue 7 §6, ``baoming notify broadcast``): one message to every person
holding an account of a programme, through the outbox's bulk queue like reminders.

The operator's text is a parameter of a translated frame, never a msgid of its own: it is sent as
written, whatever braces it holds, in every locale. Its dedupe key names the programme, a digest of
the text and the person, so running the same broadcast again queues nothing twice.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from domain import outbox
from domain.model import OutboxMessage
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import programme
from domain.text import N_

ANNOUNCEMENT = "announcement"
FRAME = N_("Announcement about {programme}:\n\n{text}")
# Telegram's 4096 characters, less the frame and the longest programme name.
MAX_TEXT = 3900

_EMPTY = N_("The announcement is empty.")
_TOO_LONG = N_("The announcement has {length} characters; at most {limit} fit in one message.")


@dataclass(frozen=True)
class Broadcast:
    recipients: int  # distinct people holding an account of the programme
    queued: int  # new outbox rows: fewer when this text was broadcast before


def check_text(raw: str) -> str | Problem:
    text = raw.strip()
    if not text:
        return Problem(_EMPTY)
    if len(text) > MAX_TEXT:
        return Problem(_TOO_LONG, {"length": len(text), "limit": MAX_TEXT})
    return text


async def broadcast(uow: UnitOfWork, programme_code: str, raw: str, now: datetime) -> Broadcast | Problem:
    """Queue the text for every person holding an account of the programme (raises KeyError for an
    unknown programme). Bulk: it respects each person's /settings (reminders off, quiet hours)."""
    name = programme(programme_code).official_name
    text = check_text(raw)
    if isinstance(text, Problem):
        return text
    digest = hashlib.sha256(f"{programme_code}\n{text}".encode()).hexdigest()[:16]
    async with uow:
        people = {a.user_id for a in await uow.accounts.of_programme(programme_code) if a.user_id is not None}
        queued = 0
        for user_id in sorted(people):
            queued += await outbox.enqueue(
                uow,
                OutboxMessage(
                    user_id=user_id,
                    kind=ANNOUNCEMENT,
                    dedupe_key=f"{ANNOUNCEMENT}:{programme_code}:{digest}:{user_id}",
                    text_id=FRAME,
                    due_at=now,
                    created_at=now,
                    params={"programme": name, "text": text},
                ),
            )
        await uow.commit()
    return Broadcast(len(people), queued)
