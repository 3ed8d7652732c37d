"""The in-process client of the emulator: tests, transcripts and the terminal chat act as users here.

A Person sees its private chat as a Telegram app shows it: the bot's messages with their current
text, buttons and files. It can only press buttons that are shown (the emulator refuses others).
An invoice shows its title and description as text and a Pay button (the bot's own first button, or
"Pay <total>" that the app adds); `Person.pay` taps it and confirms, and returns what became of it.

A Group is a group chat (the help-line's staff group) as its members see it: the bot's messages
there. A member writes in it with `Person.send_in`, replies to a message with `Person.reply_in` and
taps a button shown there with `Person.press_in`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from bot.sandbox.emulator import CallbackAnswer, Emulator, PayOutcome, StoredMessage, User


@dataclass(frozen=True)
class ShownDocument:
    file_name: str | None
    mime_type: str | None
    data: bytes


@dataclass(frozen=True)
class ShownInvoice:
    title: str
    description: str
    currency: str
    total_amount: int  # in the smallest units of the currency
    pay_label: str  # the label of its Pay button


@dataclass(frozen=True)
class ShownMessage:
    """A bot message as the user sees it now. `text` is the text, the caption of a file, or an
    invoice's title and description (line by line)."""

    message_id: int
    date: int
    text: str
    buttons: list[list[str]]
    button_data: list[list[str | None]]  # callback data beside each label (None: a URL button)
    edited: bool
    deleted: bool
    document: ShownDocument | None
    photo: bytes | None  # the largest size
    invoice: ShownInvoice | None = None
    reply_to_message_id: int | None = None  # the message this one replies to (same chat)

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label in row]

    def data_of(self, label: str) -> str | None:
        for labels, data in zip(self.buttons, self.button_data, strict=True):
            if label in labels:
                return data[labels.index(label)]
        raise LookupError(f"no button {label!r} on message {self.message_id}; offered: {self.labels}")

    @classmethod
    def of(cls, message: StoredMessage) -> ShownMessage:
        rows = message.inline_buttons()
        document = message.document
        text = message.text if message.text is not None else (message.caption or "")
        invoice = None
        if message.invoice is not None:
            # Without a keyboard of the bot's, the app draws the Pay button itself.
            if not rows:
                rows = [[{"text": f"Pay {message.invoice.formatted_total()}", "pay": True}]]
            invoice = ShownInvoice(
                message.invoice.title,
                message.invoice.description,
                message.invoice.currency,
                message.invoice.total_amount,
                pay_label=str(rows[0][0].get("text", "")),
            )
            text = f"{message.invoice.title}\n{message.invoice.description}"
        return cls(
            message_id=message.message_id,
            date=message.date,
            text=text,
            buttons=[[str(button.get("text", "")) for button in row] for row in rows],
            button_data=[[button.get("callback_data") for button in row] for row in rows],
            edited=message.edited,
            deleted=message.deleted,
            document=ShownDocument(document.file_name, document.mime_type, document.data)
            if document
            else None,
            photo=message.photo[-1].data if message.photo else None,
            invoice=invoice,
            reply_to_message_id=message.reply_to_message_id,
        )


class ChatLog:
    """One chat with the bot as a person sees it: the bot's messages, and what changed since the
    last look. A private chat (`Person`) or a group (`Group`)."""

    def __init__(self, emulator: Emulator, chat_id: int) -> None:
        self.emulator = emulator
        self.chat_id = chat_id
        self._seen_revision = emulator.revision

    @property
    def messages(self) -> list[ShownMessage]:
        """The bot's messages in this chat, in chat order, current state (deleted ones marked)."""
        return [ShownMessage.of(m) for m in self.emulator.chat_messages(self.chat_id) if m.from_bot]

    async def new_messages(
        self,
        quiet: float = 0.3,
        timeout: float = 10.0,  # noqa: ASYNC109 (a deadline with its own error, as in wait_idle)
    ) -> list[ShownMessage]:
        """Wait until the bot has answered, then the bot messages sent, edited or deleted since the
        last call, in chat order."""
        await self.emulator.wait_idle(self.chat_id, quiet=quiet, timeout=timeout)
        seen, self._seen_revision = self._seen_revision, self.emulator.revision
        return [
            ShownMessage.of(m)
            for m in self.emulator.chat_messages(self.chat_id)
            if m.from_bot and m.revision > seen
        ]

    @property
    def own_deleted_ids(self) -> list[int]:
        """Ids of people's own messages here that the bot deleted (e.g. one carrying a password)."""
        return [
            m.message_id for m in self.emulator.chat_messages(self.chat_id) if not m.from_bot and m.deleted
        ]

    def newest_bot_message(self, pattern: str | re.Pattern[str]) -> ShownMessage | None:
        """The newest bot message shown here whose text (or caption) matches `pattern` (re.search)."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        return next(
            (m for m in reversed(self.messages) if not m.deleted and compiled.search(m.text)),
            None,
        )


class Group(ChatLog):
    """A group chat with the bot in it, as its members see it (every member sees the same log)."""

    def __init__(self, emulator: Emulator, chat_id: int, title: str) -> None:
        emulator.add_group(chat_id, title)
        super().__init__(emulator, chat_id)
        self.title = title

    def add(self, *people: Person) -> None:
        """Make these people members: they may then write and press buttons here."""
        for person in people:
            self.emulator.add_member(self.chat_id, person.user_id)

    @property
    def member_ids(self) -> set[int]:
        return set(self.emulator.group_member_ids(self.chat_id))


class Person(ChatLog):
    """One user in their private chat with the bot (chat id == user id), and in the groups they are
    a member of (`send_in`, `reply_in`, `press_in`)."""

    def __init__(self, emulator: Emulator, user: User) -> None:
        super().__init__(emulator, user.id)
        self.user = user

    @property
    def user_id(self) -> int:
        return self.user.id

    async def send_text(self, text: str, *, reply_to: int | None = None) -> int:
        """Send a text (commands get their bot_command entity), optionally replying to the message
        `reply_to` of this chat; returns its message id."""
        message = self.emulator.user_sends_text(self.user_id, text, reply_to_message_id=reply_to)
        await asyncio.sleep(0)
        return message.message_id

    async def send_in(self, group: Group, text: str, *, reply_to: int | None = None) -> int:
        """Write in a group this person is a member of; returns the message id. A command may name the
        bot, ``/close@baoming_sandbox_bot``, as apps write it in groups."""
        message = self.emulator.user_sends_text(
            self.user_id, text, chat_id=group.chat_id, reply_to_message_id=reply_to
        )
        await asyncio.sleep(0)
        return message.message_id

    async def reply_in(self, group: Group, to: int | str | re.Pattern[str], text: str) -> int:
        """Reply in a group to a message: its id, or the newest bot message there whose text matches
        the pattern (LookupError if none does); returns the reply's message id."""
        if isinstance(to, int):
            target_id = to
        else:
            target = group.newest_bot_message(to)
            if target is None:
                pattern = to if isinstance(to, str) else to.pattern
                raise LookupError(f"no bot message in group {group.title!r} matches /{pattern}/")
            target_id = target.message_id
        return await self.send_in(group, text, reply_to=target_id)

    async def press_in(self, group: Group, label: str) -> None:
        """Tap a button shown on a bot message in a group, as `press` does in the private chat."""
        await self._press(group, label)

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, *, caption: str | None = None
    ) -> int:
        message = self.emulator.user_sends_document(self.user_id, data, file_name, mime_type, caption=caption)
        await asyncio.sleep(0)
        return message.message_id

    async def send_photo(self, data: bytes, *, caption: str | None = None) -> int:
        """Send an image the way apps send a "photo": Telegram re-encodes it into several sizes."""
        message = self.emulator.user_sends_photo(self.user_id, data, caption=caption)
        await asyncio.sleep(0)
        return message.message_id

    async def press(self, label: str) -> None:
        """Tap the button with this label on the newest bot message offering it.

        An exact label wins; otherwise a label containing `label` is taken if it is the only one on
        the newest message that has such labels. Raises LookupError listing what is offered.
        """
        await self._press(self, label)

    async def _press(self, chat: ChatLog, label: str) -> None:
        shown = [m for m in reversed(chat.messages) if not m.deleted and m.buttons]
        target = next(((m, label) for m in shown if label in m.labels), None)
        if target is None:
            needle = label.casefold()
            for message in shown:
                matches = [text for text in message.labels if needle in text.casefold()]
                if len(matches) > 1:
                    raise LookupError(f"{label!r} matches several buttons: {matches}")
                if matches:
                    target = (message, matches[0])
                    break
        if target is None:
            offered = [text for message in shown for text in message.labels]
            raise LookupError(f"no button {label!r} is shown; offered: {offered}")
        message, exact_label = target
        data = message.data_of(exact_label)
        if message.invoice is not None and exact_label == message.invoice.pay_label:
            raise LookupError(f"{exact_label!r} is the Pay button of an invoice: use Person.pay")
        if data is None:
            raise LookupError(f"button {exact_label!r} opens a link; it sends no callback")
        self.emulator.press(chat.chat_id, message.message_id, data, user_id=self.user_id)
        await asyncio.sleep(0)

    async def pay(self, invoice: str | int | None = None) -> PayOutcome:
        """Tap Pay on an invoice and confirm, then wait for the bot's pre-checkout answer (or for its
        time, `Limits.pre_checkout_timeout`, to run out) and return the outcome: paid (the bot then
        receives `successful_payment`), declined with the bot's error message, or expired.

        `invoice` picks the invoice: None, the newest one shown; a message id; or text found in the
        Pay button's label or the invoice's title (the newest such). Paying the same invoice again
        is a new charge, as on Telegram.
        """
        invoices = [m for m in reversed(self.messages) if m.invoice is not None and not m.deleted]
        if isinstance(invoice, int):
            chosen = next((m for m in invoices if m.message_id == invoice), None)
        elif invoice is None:
            chosen = next(iter(invoices), None)
        else:
            needle = invoice.casefold()
            chosen = next(
                (
                    m
                    for m in invoices
                    if m.invoice is not None
                    and (needle in m.invoice.pay_label.casefold() or needle in m.invoice.title.casefold())
                ),
                None,
            )
        if chosen is None:
            shown = [m.invoice.title for m in invoices if m.invoice is not None]
            raise LookupError(f"no invoice {invoice!r} is shown; invoices shown: {shown}")
        query_id = self.emulator.user_pays(self.user_id, chosen.message_id)
        return await self.emulator.wait_pay_outcome(query_id)

    @property
    def own_deleted_ids(self) -> list[int]:
        """Ids of this person's own messages that the bot deleted (e.g. one carrying a password)."""
        return [
            m.message_id
            for m in self.emulator.chat_messages(self.chat_id)
            if m.sender_id == self.user_id and m.deleted
        ]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.emulator.callback_answers(self.chat_id)

    def block_bot(self, blocked: bool = True) -> None:
        """Block (or unblock) the bot: its sends to this person then fail with 403."""
        self.emulator.set_blocked(self.user_id, blocked)
