"""Local Telegram Bot API emulator: the core (Bot API state and rules), without any transport.

The real aiogram bot talks to it through a front: `http_api.py` serves it over HTTP the way
api.telegram.org does; `people.py` lets tests and the terminal chat act as users. A browser web-chat
gateway will be one more front, so nothing here knows about HTTP, and callback data is accepted only
from buttons currently shown in the chat (`press`); anything else must go through the explicitly
named `inject_raw_update`.

Payments follow Telegram Payments: the bot's `sendInvoice` shows an invoice with a Pay button; a
person paying it (`user_pays`) sends the bot a `pre_checkout_query` that it must answer with
`answerPreCheckoutQuery` within `Limits.pre_checkout_timeout`; only `ok=True` charges, and the charge
reaches the bot as the person's `successful_payment` message and `Emulator.payments`. Every attempt's
outcome (paid, declined with the bot's error message, expired) is kept (`pay_outcome`).

Group chats (`add_group`) are supergroups the bot belongs to with privacy mode off: every message a
member sends there reaches the bot, and a reply carries the replied message in `reply_to_message` as
Telegram does. The bot may reply too (`reply_parameters`, or the older `reply_to_message_id`).

Limits and error texts follow the Bot API (see AIOGRAM-NOTES.md §3).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import mimetypes
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

if TYPE_CHECKING:
    from bot.sandbox.people import Person

JsonDict = dict[str, Any]

BOT_FIRST_NAME = "报名助手 (sandbox)"
BOT_USERNAME = "baoming_sandbox_bot"
_PLACEHOLDER_TOKEN = "123456789:sandbox"  # the id shown before any bot has called
_TOKEN_FORM = re.compile(r"^(\d+):(\S+)$")
# A bot command as Telegram marks it: "/word" or "/word@botname" at a word start.
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?!\S)")
_BOT_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
# Every update type delivered when allowed_updates is unset or empty (Bot API: getUpdates).
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "callback_query",
        "inline_query",
        "my_chat_member",
        "channel_post",
        "shipping_query",
        "pre_checkout_query",
    }
)
# Telegram Payments' currencies (core.telegram.org/bots/payments#supported-currencies) and Stars.
_CURRENCY_CODES = """
AED AFN ALL AMD ARS AUD AZN BAM BDT BGN BND BOB BRL BYN CAD CHF CLP CNY COP CRC CZK DKK DOP DZD
EGP ETB EUR GBP GEL GTQ HKD HNL HRK HUF IDR ILS INR ISK JMD JPY KES KGS KRW KZT LBP LKR MAD MDL
MNT MUR MVR MXN MYR MZN NGN NIO NOK NPR NZD PAB PEN PHP PKR PLN PYG QAR RON RSD RUB SAR SEK SGD
THB TJS TRY TTD TWD TZS UAH UGX USD UYU UZS VND YER ZAR XTR
"""
_CURRENCIES = frozenset(_CURRENCY_CODES.split())
STARS = "XTR"
# Currencies without minor units among those (the "exp" of currencies.json is 0); only for display.
_NO_MINOR_UNITS = frozenset({"CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", STARS})
_MAX_CURRENCY_AMOUNT = 9999_9999_9999  # tdlib's check_currency_amount
# A provider token as @BotFather hands it out: "<digits>:TEST:<text>" (test mode) or ":LIVE:".
_PROVIDER_TOKEN_FORM = re.compile(r"^\d+:(TEST|LIVE):\S+$")
# Telegram's own photo sizes: a 90 px thumbnail, 320 and 800 px, the image itself capped at 1280 px.
_PHOTO_BOXES = (90, 320, 800)
_PHOTO_MAX_SIDE = 1280
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True)
class Limits:
    """Telegram's limits (AIOGRAM-NOTES.md §3); tests may loosen or tighten them."""

    messages_per_second: float = 30.0
    chat_messages_per_second: float = 1.0
    chat_burst: int = 3
    group_messages_per_minute: float = 20.0  # on top of the per-chat pace, in a group
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64
    max_callback_answer_length: int = 200
    max_upload_bytes: int = 50 * 1024 * 1024
    max_photo_upload_bytes: int = 10 * 1024 * 1024
    max_download_bytes: int = 20 * 1024 * 1024
    pre_checkout_timeout: float = 10.0  # seconds the bot has to answer a pre_checkout_query
    max_invoice_title_length: int = 32
    max_invoice_description_length: int = 255
    max_invoice_payload_bytes: int = 128


class ApiError(Exception):
    """A Bot API refusal; a front answers it with `status` and `body()`."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {detail}")


class DroppedConnection(Exception):
    """An injected fault: the front must close the connection without answering."""


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    file_name: str | None
    data: bytes
    mime_type: str | None = None


@dataclass
class User:
    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None

    def to_json(self) -> JsonDict:
        body: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            body["username"] = self.username
        if self.language_code:
            body["language_code"] = self.language_code
        return body


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    chat_id: int | None
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        return len(self.data)

    def document_json(self) -> JsonDict:
        body: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            body["file_name"] = self.file_name
        if self.mime_type:
            body["mime_type"] = self.mime_type
        return body

    def photo_size_json(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.size,
        }


@dataclass
class StoredMessage:
    """One message of a chat log, in its current state (edits overwrite, deletion only marks)."""

    message_id: int
    chat_id: int
    sender_id: int | None  # None: the bot
    date: int
    revision: int
    text: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None  # inline keyboards only, as Telegram returns them
    document: StoredFile | None = None
    photo: list[StoredFile] = field(default_factory=list)
    invoice: Invoice | None = None
    successful_payment: Payment | None = None
    reply_to_message_id: int | None = None  # in the same chat
    edit_date: int | None = None
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return self.sender_id is None

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    def inline_buttons(self) -> list[list[JsonDict]]:
        if self.reply_markup is None:
            return []
        rows: list[list[JsonDict]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    def offers_callback(self, callback_data: str) -> bool:
        return any(
            button.get("callback_data") == callback_data for row in self.inline_buttons() for button in row
        )


@dataclass(frozen=True)
class Invoice:
    """What sendInvoice stored; `to_json` is the part a Message shows (Bot API: Invoice)."""

    title: str
    description: str
    payload: str
    provider_token: str
    currency: str
    prices: tuple[tuple[str, int], ...]  # (label, amount in the smallest units)
    start_parameter: str = ""
    photo_url: str | None = None
    need_name: bool = False
    need_phone_number: bool = False
    need_email: bool = False
    need_shipping_address: bool = False

    @property
    def total_amount(self) -> int:
        return sum(amount for _, amount in self.prices)

    @property
    def is_test(self) -> bool:
        return ":TEST:" in self.provider_token

    def formatted_total(self) -> str:
        """The total as an app shows it on the Pay button, e.g. "50.00 CNY" or "25 XTR"."""
        if self.currency in _NO_MINOR_UNITS:
            return f"{self.total_amount} {self.currency}"
        return f"{self.total_amount / 100:.2f} {self.currency}"

    def to_json(self) -> JsonDict:
        return {
            "title": self.title,
            "description": self.description,
            "start_parameter": self.start_parameter,
            "currency": self.currency,
            "total_amount": self.total_amount,
        }


@dataclass(frozen=True)
class Payment:
    """One completed charge, as the bot receives it in `successful_payment` (and where it came from)."""

    chat_id: int
    user_id: int
    invoice_message_id: int
    currency: str
    total_amount: int
    invoice_payload: str
    telegram_payment_charge_id: str
    provider_payment_charge_id: str

    def to_json(self) -> JsonDict:
        return {
            "currency": self.currency,
            "total_amount": self.total_amount,
            "invoice_payload": self.invoice_payload,
            "telegram_payment_charge_id": self.telegram_payment_charge_id,
            "provider_payment_charge_id": self.provider_payment_charge_id,
        }


class PayStatus(StrEnum):
    PENDING = "pending"  # the pre_checkout_query awaits the bot's answer
    PAID = "paid"  # answered ok=True: charged, successful_payment delivered
    DECLINED = "declined"  # answered ok=False: not charged; the person sees the bot's error_message
    EXPIRED = "expired"  # no answer within Limits.pre_checkout_timeout: not charged


@dataclass(frozen=True)
class PayOutcome:
    """What became of one tap on Pay."""

    query_id: str
    invoice_message_id: int
    status: PayStatus
    error_message: str | None = None
    payment: Payment | None = None

    @property
    def paid(self) -> bool:
        return self.status is PayStatus.PAID


@dataclass
class _PreCheckout:
    id: str
    chat_id: int
    user_id: int
    invoice_message_id: int
    invoice: Invoice
    deadline: float  # monotonic seconds: Telegram's answer limit is real time, not the sandbox clock
    status: PayStatus = PayStatus.PENDING
    error_message: str | None = None
    payment: Payment | None = None

    def outcome(self) -> PayOutcome:
        return PayOutcome(self.id, self.invoice_message_id, self.status, self.error_message, self.payment)


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    user: User | None = None  # the other party of a private chat
    blocked: bool = False  # the user blocked the bot
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    member_ids: set[int] = field(default_factory=set)  # of a group, besides the bot

    @property
    def is_group(self) -> bool:
        return self.type in {"group", "supergroup"}

    def to_json(self) -> JsonDict:
        body: JsonDict = {"id": self.id, "type": self.type}
        if self.title:
            body["title"] = self.title
        if self.user is not None:
            body["first_name"] = self.user.first_name
            if self.user.username:
                body["username"] = self.user.username
        return body


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class _CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    answered: bool = False


@dataclass(frozen=True)
class RequestRecord:
    """One API call as the emulator saw it; `status` 0 means the connection was dropped."""

    method: str
    chat_id: int | None
    at: float
    status: int
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def outcome(self) -> str:
        if self.status == 0:
            return "dropped"
        return "ok" if self.ok else f"{self.status} {self.description}"


@dataclass
class _Fault:
    method: str
    status: int
    remaining: int
    drop: bool
    retry_after: int | None
    take_effect: bool

    def matches(self, method: str) -> bool:
        # "*" spares getUpdates so a wildcard fault hits the bot's next action, not its poller;
        # fault the poller by naming getUpdates.
        return self.method == method or (self.method == "*" and method != "getUpdates")

    def error(self) -> ApiError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = self.retry_after or 1
            return ApiError(
                self.status, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "Error"
        return ApiError(self.status, phrase)


@dataclass
class _QueuedUpdate:
    update_id: int
    payload: JsonDict
    kind: str
    chat_id: int | None


class _TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait_needed(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _Params:
    """Typed access to the parameters of one call (form strings or JSON values) and its uploads."""

    def __init__(self, raw: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self.raw = raw
        self.uploads = uploads

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad_request(f"invalid {name}") from None

    def number(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _bad_request(f"invalid {name}") from None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in {"true", "1"}
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise _bad_request(f"can't parse {name} JSON object") from None
        return value

    def input_file(self, name: str) -> Upload | str | None:
        """An upload (`attach://<part>` or a part named like the field), or a file_id to resend."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.text(name)
        if value is None:
            return None
        if value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad_request(f"wrong file identifier/HTTP URL specified: {name} part not found")
            return upload
        return value


class _HtmlParseError(Exception):
    pass


class _TelegramHtml(HTMLParser):
    """parse_mode=HTML as Telegram understands it: its few tags, entity offsets in UTF-16 units."""

    TAGS: ClassVar[dict[str, str]] = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "code": "code",
        "pre": "pre",
        "a": "text_link",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
        "blockquote": "blockquote",
        "tg-emoji": "custom_emoji",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[JsonDict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in self.TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise _HtmlParseError(f'Unsupported start tag "{tag}"')
        self.open.append((tag, self.length, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _HtmlParseError(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise _HtmlParseError(f'Unexpected end tag "{tag}"')
        _, start, attributes = self.open.pop()
        kind = self.TAGS[tag]
        if self.length == start or (kind == "code" and self.open and self.open[-1][0] == "pre"):
            return
        entity: JsonDict = {"type": kind, "offset": start, "length": self.length - start}
        if kind == "text_link":
            if not attributes.get("href"):
                return
            entity["url"] = attributes["href"]
        if kind == "custom_emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += _utf16_length(data)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_html(text: str) -> tuple[str, list[JsonDict]]:
    # A bare "<" is an error for Telegram (a bot that forgot to escape user input).
    if re.search(r"<(?![A-Za-z/])", text):
        raise _bad_request("can't parse entities: Unexpected end of name token")
    parser = _TelegramHtml()
    try:
        parser.feed(text)
        parser.close()
    except _HtmlParseError as error:
        raise _bad_request(f"can't parse entities: {error}") from None
    if parser.open:
        raise _bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{parser.open[-1][0]}\""
        )
    return "".join(parser.parts), sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


def _command_entities(text: str) -> list[JsonDict]:
    entities = []
    for match in _COMMAND.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": _utf16_length(text[: match.start()]),
                "length": _utf16_length(match.group()),
            }
        )
    return entities


def _photo_renditions(data: bytes) -> list[tuple[bytes, int, int]]:
    """Re-encode as Telegram does for a "photo": JPEG thumbnails plus the (capped) image, largest last."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            image = source.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _bad_request("IMAGE_PROCESS_FAILED") from None
    longest = max(image.size)
    boxes = [
        _PHOTO_BOXES[0],
        *(box for box in _PHOTO_BOXES[1:] if box < longest),
        min(longest, _PHOTO_MAX_SIDE),
    ]
    renditions = []
    for box in boxes:
        copy = image.copy()
        copy.thumbnail((box, box))
        buffer = io.BytesIO()
        copy.save(buffer, format="JPEG", quality=87)
        renditions.append((buffer.getvalue(), copy.width, copy.height))
    return renditions


class Emulator:
    """One bot's view of Telegram: users, chats with their message logs, the update queue, limits.

    `token` is the bot's ("<digits>:<text>"); without it the first well-formed token used is adopted.
    `now` gives message dates (epoch seconds; a sandbox clock may drive it); `rate_clock` drives the
    flood limits (monotonic seconds; tests may freeze it).
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        limits: Limits | None = None,
        now: Callable[[], float] = time.time,
        rate_clock: Callable[[], float] = time.monotonic,
        first_message_id: int = 1,
    ) -> None:
        if token is not None and not _TOKEN_FORM.match(token):
            raise ValueError('a bot token has the form "<digits>:<text>"')
        self.token = token
        self.limits = limits or Limits()
        self._now = now
        self._rate_clock = rate_clock
        # Telegram never reuses a message id in a chat; nor may a sandbox restarted on a kept database.
        self._first_message_id = first_message_id
        self.bot_busy: Callable[[int], bool] | None = None  # set by an in-process bot (the sandbox)
        self._users: dict[int, User] = {}
        self._chats: dict[int, Chat] = {}
        self._files: dict[str, StoredFile] = {}  # by file_id
        self._file_paths: dict[str, StoredFile] = {}
        self._queue: list[_QueuedUpdate] = []
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._release_generation = 0
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._callback_answers: dict[int, list[CallbackAnswer]] = {}
        self._next_callback_id = 1
        self._pre_checkouts: dict[str, _PreCheckout] = {}
        self._next_pre_checkout_number = 1
        self.payments: list[Payment] = []  # completed charges, in order (a test's ledger)
        self._next_file_number = 1
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._faults: list[_Fault] = []
        self._global_bucket = _TokenBucket(
            self.limits.messages_per_second, self.limits.messages_per_second, rate_clock()
        )
        self._chat_buckets: dict[int, _TokenBucket] = {}
        self._group_buckets: dict[int, _TokenBucket] = {}
        self._last_activity: dict[int, float] = {}
        self._revision = 0
        self._changed = asyncio.Event()
        self.requests: list[RequestRecord] = []
        self._methods: dict[str, tuple[str, Callable[[_Params], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "sendInvoice": self._send_invoice,
                "answerPreCheckoutQuery": self._answer_pre_checkout_query,
                "getFile": self._get_file,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setChatMenuButton": lambda params: True,
            }.items()
        }

    # ----- the bot itself

    def authorize(self, token: str) -> bool:
        """Whether a request with this token is the emulator's bot (else the front answers 401).

        Without a token given at construction, the first well-formed token used becomes the bot's.
        """
        if not _TOKEN_FORM.match(token):
            return False
        if self.token is None:
            self.token = token
        return token == self.token

    @property
    def bot_id(self) -> int:
        """The digits before the colon of the token, as on Telegram."""
        return int((self.token or _PLACEHOLDER_TOKEN).split(":", 1)[0])

    def bot_json(self) -> JsonDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}

    # ----- users and chats (used by the fronts that act as people)

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> User:
        """Register a user who has started the bot; their private chat has the same id."""
        user = User(user_id, first_name, language_code, username)
        self._users[user_id] = user
        chat = self._chats.get(user_id)
        if chat is None:
            self._chats[user_id] = Chat(user_id, "private", user=user, next_message_id=self._first_message_id)
        else:
            chat.user = user
        return user

    def person(
        self, user_id: int, first_name: str, *, language_code: str = "zh-hans", username: str | None = None
    ) -> Person:
        """The in-process client acting as this user (see people.py)."""
        from bot.sandbox.people import Person  # the client is a front: the core only hands it out

        return Person(
            self, self.add_user(user_id, first_name, language_code=language_code, username=username)
        )

    def add_group(
        self, chat_id: int, title: str, *, member_ids: Iterable[int] = (), chat_type: str = "supergroup"
    ) -> Chat:
        """A group the bot is a member of, with privacy mode off (it receives every message), and
        these users (created first with `add_user`) as members. Adding it again adds the members."""
        if chat_id >= 0:
            raise ValueError("group and supergroup ids are negative on Telegram")
        if chat_type not in {"group", "supergroup"}:
            raise ValueError(f"{chat_type!r} is not a group chat type")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = Chat(chat_id, chat_type, title=title, next_message_id=self._first_message_id)
            self._chats[chat_id] = chat
        for user_id in member_ids:
            self.add_member(chat_id, user_id)
        return chat

    def add_member(self, chat_id: int, user_id: int) -> None:
        chat = self._chat(chat_id)
        if not chat.is_group:
            raise ValueError(f"chat {chat_id} is not a group")
        if user_id not in self._users:
            raise KeyError(f"no user {user_id}: create them first")
        chat.member_ids.add(user_id)

    def group_member_ids(self, chat_id: int) -> frozenset[int]:
        return frozenset(self._chat(chat_id).member_ids)

    def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them answer 403 like Telegram."""
        self._chat(user_id).blocked = blocked

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        """The chat log in message order, deleted messages included (marked)."""
        return sorted(self._chat(chat_id).messages.values(), key=lambda m: m.message_id)

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self._chat(chat_id).messages.get(message_id)

    def callback_answers(self, chat_id: int) -> list[CallbackAnswer]:
        return list(self._callback_answers.get(chat_id, []))

    def my_commands(self, *, scope: str = "default", language_code: str = "") -> list[JsonDict]:
        return list(self._commands.get((scope, language_code), []))

    @property
    def revision(self) -> int:
        """Grows with every change of any chat log; clients use it to find what is new."""
        return self._revision

    def user_sends_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to_message_id: int | None = None
    ) -> StoredMessage:
        """The user sends text in `chat_id` (default: their private chat with the bot), optionally as a
        reply to a message shown there; the bot's update then holds it in `reply_to_message`."""
        if not text:
            raise ValueError("Telegram clients do not send empty messages")
        message = self._store_user_message(
            user_id,
            chat_id,
            reply_to_message_id,
            text=text,
            entities=_command_entities(text),
        )
        self._queue_message_update(message)
        return message

    def user_sends_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> StoredMessage:
        if len(data) > self.limits.max_upload_bytes:
            raise ValueError(
                "Telegram accepts files up to 2 GB from users, but this exceeds the bot upload limit"
            )
        where = user_id if chat_id is None else chat_id
        document = self._store_file("documents", data, where, file_name=file_name, mime_type=mime_type)
        message = self._store_user_message(user_id, chat_id, None, caption=caption, document=document)
        self._queue_message_update(message)
        return message

    def user_sends_photo(
        self, user_id: int, data: bytes, *, caption: str | None = None, chat_id: int | None = None
    ) -> StoredMessage:
        try:
            sizes = self._store_photo(data, user_id if chat_id is None else chat_id)
        except ApiError as error:
            raise ValueError(f"not an image Telegram could process: {error.description}") from None
        message = self._store_user_message(user_id, chat_id, None, caption=caption, photo=sizes)
        self._queue_message_update(message)
        return message

    def press(self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None = None) -> str:
        """A tap on an inline button: accepted only if it is shown right now; returns the query id."""
        return self._press(chat_id, message_id, callback_data, user_id=user_id, forged=False)

    def press_forged(
        self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None = None
    ) -> str:
        """What a modified client can send: any data from a message the bot sent (the Bot API warns
        that "a bad client can send arbitrary data in this field"); returns the query id."""
        return self._press(chat_id, message_id, callback_data, user_id=user_id, forged=True)

    def _press(
        self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None, forged: bool
    ) -> str:
        chat = self._chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise ValueError(f"message {message_id} is not shown in chat {chat_id}")
        if not forged and not message.offers_callback(callback_data):
            raise ValueError(f"message {message_id} offers no button with callback data {callback_data!r}")
        presser = self._users[user_id] if user_id is not None else chat.user
        if presser is None:
            raise ValueError("say which user pressed the button in a group chat")
        if chat.is_group and presser.id not in chat.member_ids:
            raise ValueError(f"user {presser.id} is not a member of group {chat_id}")
        query_id = str(self._next_callback_id)
        self._next_callback_id += 1
        self._callback_queries[query_id] = _CallbackQuery(query_id, chat_id, message_id)
        payload = {
            "id": query_id,
            "from": presser.to_json(),
            "message": self._message_json(message),
            "chat_instance": str(chat_id),
            "data": callback_data,
        }
        self._enqueue("callback_query", payload, chat_id)
        return query_id

    def user_pays(self, user_id: int, message_id: int, *, chat_id: int | None = None) -> str:
        """The user taps Pay on an invoice and confirms; returns the pre_checkout_query id.

        The bot gets a `pre_checkout_query` and must answer it within `Limits.pre_checkout_timeout`;
        follow the result with `pay_outcome` / `wait_pay_outcome`. The same invoice may be paid again:
        on Telegram each payment is a new charge, so only the bot can refuse a second one.
        `chat_id` defaults to the user's private chat.
        """
        chat = self._chat(user_id if chat_id is None else chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted or message.invoice is None:
            raise ValueError(f"message {message_id} is not an invoice shown in chat {chat.id}")
        user = self._users[user_id]
        query_id = f"{self.bot_id}{self._next_pre_checkout_number:06d}"
        self._next_pre_checkout_number += 1
        invoice = message.invoice
        self._pre_checkouts[query_id] = _PreCheckout(
            query_id,
            chat.id,
            user_id,
            message_id,
            invoice,
            deadline=time.monotonic() + self.limits.pre_checkout_timeout,
        )
        payload = {
            "id": query_id,
            "from": user.to_json(),
            "currency": invoice.currency,
            "total_amount": invoice.total_amount,
            "invoice_payload": invoice.payload,
        }
        self._enqueue("pre_checkout_query", payload, chat.id)
        return query_id

    def pay_outcome(self, query_id: str) -> PayOutcome:
        """Where a payment stands now (an unanswered query past its deadline has expired)."""
        return self._pre_checkout(query_id).outcome()

    def pay_outcomes(self) -> list[PayOutcome]:
        """Every tap on Pay so far, in order, with why it was or was not charged."""
        return [self.pay_outcome(query_id) for query_id in list(self._pre_checkouts)]

    async def wait_pay_outcome(self, query_id: str) -> PayOutcome:
        """Wait until the bot answered the pre_checkout_query or its time ran out."""
        while True:
            pending = self._pre_checkout(query_id)
            if pending.status is not PayStatus.PENDING:
                return pending.outcome()
            # A little past the deadline, so that the next look finds it expired.
            await self._wait_change(max(0.0, pending.deadline - time.monotonic()) + 0.01)

    def inject_raw_update(self, update: Mapping[str, Any]) -> int:
        """Deliver anything, e.g. forged callback data or a malformed update, as a broken client could.

        The update_id is (re)assigned so the queue stays ordered; returns it.
        """
        body = {key: value for key, value in update.items() if key != "update_id"}
        kind = next(iter(body), "unknown")
        return self._enqueue(kind, body.get(kind), _chat_of_payload(body.get(kind)))

    # ----- faults and the request log (for tests)

    def inject_fault(
        self, method: str, *, status: int = 500, times: int = 1, drop: bool = False, take_effect: bool = False
    ) -> None:
        """The next `times` calls of `method` ("*" = any but getUpdates) fail with `status`, or are
        dropped without an answer (`drop`). With `take_effect` the call is carried out first and only
        its answer is lost, as when a response never reaches the bot."""
        self._faults.append(_Fault(self._canonical(method), status, times, drop, None, take_effect))

    def throttle_next(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        """The next call(s) of `method` answer 429 with `retry_after`."""
        fault = _Fault(
            self._canonical(method), HTTPStatus.TOO_MANY_REQUESTS, times, False, retry_after, False
        )
        self._faults.append(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def calls(
        self, method: str | None = None, *, chat_id: int | None = None, ok: bool | None = None
    ) -> list[RequestRecord]:
        """The request log, filtered: `len(emulator.calls("sendMessage", chat_id=7, ok=True))`."""
        wanted = self._canonical(method) if method else None
        return [
            record
            for record in self.requests
            if (wanted is None or record.method == wanted)
            and (chat_id is None or record.chat_id == chat_id)
            and (ok is None or record.ok == ok)
        ]

    async def wait_idle(
        self,
        chat_id: int,
        quiet: float = 0.3,
        timeout: float = 10.0,  # noqa: ASYNC109 (a deadline with its own error, part of the contract)
    ) -> None:
        """Return once the bot confirmed every update of this chat and made no call about it for `quiet` s.

        A bot running in the same process may also say it is still handling the chat (`bot_busy`): a
        handler hashing a password makes no API call for a while, and silence alone would look idle.
        """
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            # Unconfirmed, not merely delivered: a bot that died holding an update gets it again.
            pending = any(u.chat_id == chat_id for u in self._queue)
            busy = self.bot_busy is not None and self.bot_busy(chat_id)
            quiet_left = self._last_activity.get(chat_id, -math.inf) + quiet - now
            if not pending and not busy and quiet_left <= 0:
                return
            if now >= deadline:
                what = "has not fetched its updates" if pending else "keeps working"
                raise TimeoutError(f"chat {chat_id}: the bot {what} after {timeout} s")
            wait = deadline - now
            if busy:  # nothing in the emulator changes when a handler ends: look again soon
                wait = min(0.05, wait)
            elif not pending:
                wait = min(quiet_left, wait)
            await self._wait_change(wait)

    def release_pollers(self) -> None:
        """Make every waiting getUpdates answer now (a front shutting down)."""
        self._release_generation += 1
        self._touch()

    # ----- the Bot API, for the bot-facing front

    async def call(
        self, method: str, params: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None
    ) -> Any:
        """Carry out one Bot API call; returns its `result` or raises ApiError / DroppedConnection."""
        request = _Params(params, uploads or {})
        if method.lower() == "getupdates":
            return await self._guarded("getUpdates", None, lambda: self._get_updates(request))
        entry = self._methods.get(method.lower())
        if entry is None:
            self._record(method, None, HTTPStatus.NOT_FOUND, "Not Found")
            raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
        name, handler = entry

        async def run() -> Any:
            return handler(request)

        return await self._guarded(name, self._chat_of_call(name, request), run)

    async def download(self, file_path: str) -> StoredFile:
        """The file behind a getFile path (GET /file/bot<token>/<file_path>)."""
        stored = self._file_paths.get(file_path)

        async def find() -> StoredFile:
            if stored is None:
                raise ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            return stored

        found: StoredFile = await self._guarded("download", stored.chat_id if stored else None, find)
        return found

    async def _guarded(self, name: str, chat_id: int | None, run: Callable[[], Awaitable[Any]]) -> Any:
        """Faults first, then the call itself; every outcome goes to the request log."""
        self._mark_activity(chat_id)
        fault = next((f for f in self._faults if f.matches(name)), None)
        if fault is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            if fault.take_effect:
                with contextlib.suppress(ApiError):
                    await run()
            error = fault.error()
            self._record(
                name, chat_id, 0 if fault.drop else error.status, None if fault.drop else error.description
            )
            if fault.drop:
                raise DroppedConnection(name)
            raise error
        try:
            result = await run()
        except ApiError as error:
            self._record(name, chat_id, error.status, error.description)
            if error.retry_after is not None and chat_id is not None:
                # The bot was told to come back later: it has not answered yet (for wait_idle).
                self._last_activity[chat_id] = time.monotonic() + error.retry_after
            raise
        self._record(name, chat_id, HTTPStatus.OK, None)
        self._mark_activity(chat_id)
        return result

    # ----- Bot API methods

    def _get_me(self, params: _Params) -> JsonDict:
        return {
            **self.bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,  # privacy mode off: groups deliver every message
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: _Params) -> list[JsonDict]:
        offset = params.integer("offset")
        limit = max(1, min(100, params.integer("limit") or 100))
        timeout = max(0.0, params.number("timeout") or 0.0)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) if allowed else None
        if offset is not None:
            if offset >= 0:
                self._queue = [u for u in self._queue if u.update_id >= offset]
            else:
                self._queue = self._queue[offset:]
        # A newer getUpdates ends an older one with 409, as on Telegram (two pollers on one token).
        self._poll_generation += 1
        generation, released = self._poll_generation, self._release_generation
        deadline = time.monotonic() + timeout
        while True:
            self._discard_unwanted_updates()
            ready = self._queue[:limit]
            if generation != self._poll_generation:
                raise ApiError(
                    HTTPStatus.CONFLICT,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or released != self._release_generation:
                break
            await self._wait_change(remaining)
        for update in ready:
            self._mark_activity(update.chat_id)
        self._touch()
        return [{"update_id": u.update_id, u.kind: u.payload} for u in ready]

    def _send_message(self, params: _Params) -> JsonDict:
        chat = self._target_chat(params)
        text, entities = self._message_text(
            params, "text", "parse_mode", "entities", self.limits.max_text_length
        )
        markup = self._inline_markup(params)
        reply_to = self._reply_target(params, chat)
        self._take_send_slot(chat.id)
        message = self._store_bot_message(
            chat, text=text, entities=entities, reply_markup=markup, reply_to_message_id=reply_to
        )
        return self._message_json(message)

    def _edit_message_text(self, params: _Params) -> JsonDict:
        message = self._editable_message(params)
        if message.text is None:
            raise _bad_request("there is no text in the message to edit")
        text, entities = self._message_text(
            params, "text", "parse_mode", "entities", self.limits.max_text_length
        )
        markup = self._inline_markup(params)  # Telegram drops the keyboard unless it is sent again
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise _bad_request(_NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup
        self._mark_edited(message)
        return self._message_json(message)

    def _edit_message_reply_markup(self, params: _Params) -> JsonDict:
        message = self._editable_message(params)
        markup = self._inline_markup(params)
        if markup == message.reply_markup:
            raise _bad_request(_NOT_MODIFIED)
        message.reply_markup = markup
        self._mark_edited(message)
        return self._message_json(message)

    def _delete_message(self, params: _Params) -> bool:
        chat = self._known_chat(params)
        message = chat.messages.get(self._required_int(params, "message_id"))
        if message is None or message.deleted:
            raise _bad_request("message to delete not found")
        self._mark_deleted(message)
        return True

    def _delete_messages(self, params: _Params) -> bool:
        chat = self._known_chat(params)
        ids = params.json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad_request("message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            message = chat.messages.get(int(message_id))
            if message is not None and not message.deleted:
                self._mark_deleted(message)
        return True

    def _answer_callback_query(self, params: _Params) -> bool:
        query = self._callback_queries.get(params.text("callback_query_id") or "")
        if query is None or query.answered:
            raise _bad_request(_QUERY_INVALID)
        text = params.text("text")
        if text is not None and len(text) > self.limits.max_callback_answer_length:
            raise _bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        answer = CallbackAnswer(query.id, text, params.flag("show_alert"), params.text("url"))
        self._callback_answers.setdefault(query.chat_id, []).append(answer)
        return True

    def _send_document(self, params: _Params) -> JsonDict:
        chat = self._target_chat(params)
        source = params.input_file("document")
        if source is None:
            raise _bad_request("there is no document in the request")
        if isinstance(source, str):
            document = self._known_file(source)
        else:
            self._check_upload_size(source, self.limits.max_upload_bytes)
            guessed = mimetypes.guess_type(source.file_name or "")[0]
            document = self._store_file(
                "documents",
                source.data,
                chat.id,
                file_name=source.file_name or "document",
                mime_type=guessed or source.mime_type or "application/octet-stream",
            )
        caption, entities = self._caption(params)
        markup = self._inline_markup(params)
        reply_to = self._reply_target(params, chat)
        self._take_send_slot(chat.id)
        message = self._store_bot_message(
            chat,
            caption=caption,
            caption_entities=entities,
            reply_markup=markup,
            document=document,
            reply_to_message_id=reply_to,
        )
        return self._message_json(message)

    def _send_photo(self, params: _Params) -> JsonDict:
        chat = self._target_chat(params)
        source = params.input_file("photo")
        if source is None:
            raise _bad_request("there is no photo in the request")
        if isinstance(source, str):
            largest = self._known_file(source)
            sizes = [f for f in self._files.values() if f.file_unique_id == largest.file_unique_id] or [
                largest
            ]
        else:
            self._check_upload_size(source, self.limits.max_photo_upload_bytes)
            sizes = self._store_photo(source.data, chat.id)
        caption, entities = self._caption(params)
        markup = self._inline_markup(params)
        reply_to = self._reply_target(params, chat)
        self._take_send_slot(chat.id)
        message = self._store_bot_message(
            chat,
            caption=caption,
            caption_entities=entities,
            reply_markup=markup,
            photo=sizes,
            reply_to_message_id=reply_to,
        )
        return self._message_json(message)

    def _send_chat_action(self, params: _Params) -> bool:
        self._target_chat(params)
        return True

    def _send_invoice(self, params: _Params) -> JsonDict:
        # The invoice is checked before the chat, as the Bot API server does.
        invoice = self._invoice(params)
        chat = self._target_chat(params)
        markup = self._inline_markup(params)
        if markup is not None:
            first_row = markup["inline_keyboard"][0] if markup["inline_keyboard"] else []
            if not first_row or first_row[0].get("pay") is not True:
                raise _bad_request("REPLY_MARKUP_BUY_EMPTY")  # the first button must be the Pay button
        reply_to = self._reply_target(params, chat)
        self._take_send_slot(chat.id)
        message = self._store_bot_message(
            chat, invoice=invoice, reply_markup=markup, reply_to_message_id=reply_to
        )
        return self._message_json(message)

    def _answer_pre_checkout_query(self, params: _Params) -> bool:
        query_id = params.text("pre_checkout_query_id") or ""
        pending = self._pre_checkouts.get(query_id)
        ok = params.flag("ok")
        error_message = params.text("error_message") or ""
        if not ok and not error_message:
            raise _bad_request('parameter "error_message" is required')
        if pending is None or self._pre_checkout(query_id).status is not PayStatus.PENDING:
            raise _bad_request(_QUERY_INVALID)
        if not ok:
            pending.status, pending.error_message = PayStatus.DECLINED, error_message
            self._touch()
            return True
        invoice = pending.invoice
        payment = Payment(
            chat_id=pending.chat_id,
            user_id=pending.user_id,
            invoice_message_id=pending.invoice_message_id,
            currency=invoice.currency,
            total_amount=invoice.total_amount,
            invoice_payload=invoice.payload,
            # Unique across restarts too: a bot may keep charge ids under a unique constraint.
            telegram_payment_charge_id=f"sandbox-{uuid.uuid4().hex}",
            provider_payment_charge_id="" if invoice.currency == STARS else f"provider-{uuid.uuid4().hex}",
        )
        pending.status, pending.payment = PayStatus.PAID, payment
        self.payments.append(payment)
        message = self._new_message(self._chat(pending.chat_id), pending.user_id, successful_payment=payment)
        self._queue_message_update(message)
        return True

    def _get_file(self, params: _Params) -> JsonDict:
        stored = self._known_file(params.text("file_id") or "")
        if stored.size > self.limits.max_download_bytes:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _set_my_commands(self, params: _Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_NAME.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _delete_my_commands(self, params: _Params) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _get_my_commands(self, params: _Params) -> list[JsonDict]:
        return self.my_commands(
            scope=self._commands_key(params)[0], language_code=self._commands_key(params)[1]
        )

    def _delete_webhook(self, params: _Params) -> bool:
        if params.flag("drop_pending_updates"):
            self._queue.clear()
            self._touch()
        return True

    def _get_webhook_info(self, params: _Params) -> JsonDict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._queue)}

    # ----- helpers of the methods

    def _canonical(self, method: str) -> str:
        if method in {"*", "download"} or method.lower() == "getupdates":
            return "getUpdates" if method.lower() == "getupdates" else method
        entry = self._methods.get(method.lower())
        return entry[0] if entry else method

    def _chat(self, chat_id: int) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}: create the user first")
        return chat

    def _required_int(self, params: _Params, name: str) -> int:
        value = params.integer(name)
        if value is None:
            raise _bad_request(f"{name} is empty")
        return value

    def _known_chat(self, params: _Params) -> Chat:
        if params.text("chat_id") is None:
            raise _bad_request("chat_id is empty")
        try:
            chat_id = int(params.text("chat_id") or "")
        except ValueError:
            raise _bad_request("chat not found") from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _bad_request("chat not found")
        return chat

    def _target_chat(self, params: _Params) -> Chat:
        chat = self._known_chat(params)
        if chat.blocked:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
        return chat

    def _editable_message(self, params: _Params) -> StoredMessage:
        if params.text("inline_message_id"):
            raise _bad_request("the sandbox has no inline messages")
        chat = self._known_chat(params)
        message = chat.messages.get(self._required_int(params, "message_id"))
        if message is None or message.deleted:
            raise _bad_request("message to edit not found")
        if not message.from_bot:
            raise _bad_request("message can't be edited")
        return message

    def _message_text(
        self, params: _Params, name: str, mode_name: str, entities_name: str, max_length: int
    ) -> tuple[str, list[JsonDict]]:
        raw = params.text(name) or ""
        text, entities = self._formatted(raw, params.text(mode_name), params.json(entities_name))
        if not text.strip():
            raise _bad_request("message text is empty")
        if len(text) > max_length:
            raise _bad_request("message is too long")
        return text, entities

    def _caption(self, params: _Params) -> tuple[str | None, list[JsonDict]]:
        raw = params.text("caption")
        if not raw:
            return None, []
        caption, entities = self._formatted(raw, params.text("parse_mode"), params.json("caption_entities"))
        if len(caption) > self.limits.max_caption_length:
            raise _bad_request("message caption is too long")
        return caption, entities

    @staticmethod
    def _formatted(raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JsonDict]]:
        if isinstance(entities, list):
            return raw, entities
        if parse_mode and parse_mode.lower() == "html":
            return _parse_html(raw)
        # Markdown modes are passed through unparsed: this project formats with HTML.
        return raw, []

    def _inline_markup(self, params: _Params) -> JsonDict | None:
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                return None  # reply keyboards are not part of the message Telegram returns
            raise _bad_request("can't parse reply keyboard markup JSON object")
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if (
                    data is not None
                    and not 1 <= len(str(data).encode()) <= self.limits.max_callback_data_bytes
                ):
                    raise _bad_request("BUTTON_DATA_INVALID")
        return {"inline_keyboard": [[dict(button) for button in row] for row in rows]}

    def _reply_target(self, params: _Params, chat: Chat) -> int | None:
        """The message a send replies to: `reply_parameters` (Bot API 7.0) or the older
        `reply_to_message_id` with `allow_sending_without_reply`. A missing or deleted message is
        refused unless sending without the reply is allowed (then it is sent as a plain message)."""
        reply_parameters = params.json("reply_parameters")
        if reply_parameters is not None:
            if not isinstance(reply_parameters, dict):
                raise _bad_request("can't parse reply parameters JSON object")
            try:
                message_id = int(reply_parameters["message_id"])
            except (KeyError, TypeError, ValueError):
                raise _bad_request("can't parse reply parameters JSON object") from None
            other_chat = reply_parameters.get("chat_id")
            if other_chat is not None and str(other_chat) != str(chat.id):
                # Telegram shows such a reply as `external_reply`; nothing here needs it yet.
                raise _bad_request("the sandbox supports replies within the same chat only")
            allowed_without = bool(reply_parameters.get("allow_sending_without_reply"))
        else:
            found = params.integer("reply_to_message_id")
            if found is None:
                return None
            message_id, allowed_without = found, params.flag("allow_sending_without_reply")
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if allowed_without:
                return None
            raise _bad_request("message to be replied not found")
        return message_id

    def _invoice(self, params: _Params) -> Invoice:
        """sendInvoice's parameters checked in the order and words of the Bot API server, tdlib and
        Telegram (INVOICE_PAYLOAD_INVALID, CURRENCY_INVALID, PAYMENT_PROVIDER_INVALID); the words for
        a too long title or description are the sandbox's own."""
        for name in ("title", "description", "payload", "currency", "prices"):
            if not params.text(name):
                raise _bad_request(f'parameter "{name}" is required')
        title, description = params.text("title") or "", params.text("description") or ""
        payload, currency = params.text("payload") or "", params.text("currency") or ""
        try:
            raw_prices = json.loads(params.text("prices") or "")
        except json.JSONDecodeError:
            raise _bad_request("can't parse prices JSON object") from None
        prices = self._labeled_prices(raw_prices)
        total = sum(amount for _, amount in prices)
        if total <= 0:  # a part may be negative (a discount), the total may not
            raise _bad_request("total price must be positive")
        if total > _MAX_CURRENCY_AMOUNT:
            raise _bad_request("total price is too big")
        max_tip = params.integer("max_tip_amount") or 0
        if not 0 <= max_tip <= _MAX_CURRENCY_AMOUNT:
            raise _bad_request("invalid max_tip_amount of the currency specified")
        if len(title) > self.limits.max_invoice_title_length:
            raise _bad_request("invoice title is too long")
        if len(description) > self.limits.max_invoice_description_length:
            raise _bad_request("invoice description is too long")
        if len(payload.encode()) > self.limits.max_invoice_payload_bytes:
            raise _bad_request("INVOICE_PAYLOAD_INVALID")
        if currency not in _CURRENCIES:
            raise _bad_request("CURRENCY_INVALID")
        provider_token = params.text("provider_token") or ""
        if currency == STARS:
            if provider_token:  # Stars need no provider
                raise _bad_request("PAYMENT_PROVIDER_INVALID")
            if len(prices) != 1:
                raise _bad_request("STARS_INVOICE_INVALID")
        elif not _PROVIDER_TOKEN_FORM.match(provider_token):
            raise _bad_request("PAYMENT_PROVIDER_INVALID")
        return Invoice(
            title=title,
            description=description,
            payload=payload,
            provider_token=provider_token,
            currency=currency,
            prices=prices,
            start_parameter=params.text("start_parameter") or "",
            photo_url=params.text("photo_url") or None,
            need_name=params.flag("need_name"),
            need_phone_number=(
                params.flag("need_phone_number") or params.flag("send_phone_number_to_provider")
            ),
            need_email=params.flag("need_email") or params.flag("send_email_to_provider"),
            need_shipping_address=params.flag("need_shipping_address") or params.flag("is_flexible"),
        )

    @staticmethod
    def _labeled_prices(raw: Any) -> tuple[tuple[str, int], ...]:
        if not isinstance(raw, list):
            raise _bad_request("expected an Array of labeled prices")
        prices = []
        for price in raw:
            if not isinstance(price, dict):
                raise _bad_request("can't parse labeled price: LabeledPrice must be an Object")
            label, amount = price.get("label"), price.get("amount")
            if not isinstance(label, str) or not label:
                raise _bad_request("can't parse labeled price: LabeledPrice label must be non-empty")
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise _bad_request('can\'t parse labeled price: Field "amount" must be of type Number')
            if abs(amount) > _MAX_CURRENCY_AMOUNT:
                raise _bad_request("too big amount of the currency specified")
            prices.append((label, amount))
        if not prices:
            raise _bad_request("there must be at least one price")
        return tuple(prices)

    def _pre_checkout(self, query_id: str) -> _PreCheckout:
        """A pay attempt, expired first if the bot let its time run out."""
        pending = self._pre_checkouts.get(query_id)
        if pending is None:
            raise KeyError(f"no pre_checkout_query {query_id}")
        if pending.status is PayStatus.PENDING and time.monotonic() >= pending.deadline:
            pending.status = PayStatus.EXPIRED
            self._touch()
        return pending

    def _check_upload_size(self, upload: Upload, limit: int) -> None:
        if len(upload.data) > limit:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")

    def _known_file(self, file_id: str) -> StoredFile:
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        return stored

    def _take_send_slot(self, chat_id: int) -> None:
        """Per-chat and global flood limits; a refused send answers 429 with retry_after."""
        now = self._rate_clock()
        bucket = self._chat_buckets.get(chat_id)
        if bucket is None:
            bucket = _TokenBucket(self.limits.chat_messages_per_second, self.limits.chat_burst, now)
            self._chat_buckets[chat_id] = bucket
        buckets = [bucket, self._global_bucket]
        if self._chat(chat_id).is_group:  # Telegram: about 20 messages a minute in one group
            group_bucket = self._group_buckets.get(chat_id)
            if group_bucket is None:
                per_minute = self.limits.group_messages_per_minute
                group_bucket = _TokenBucket(per_minute / 60, per_minute, now)
                self._group_buckets[chat_id] = group_bucket
            buckets.append(group_bucket)
        wait = max(b.wait_needed(now) for b in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        for taken in buckets:
            taken.take()

    def _commands_key(self, params: _Params) -> tuple[str, str]:
        scope = params.json("scope")
        scope_name = "default"
        if isinstance(scope, dict):
            scope_name = str(scope.get("type", "default"))
            if "chat_id" in scope:
                scope_name += f":{scope['chat_id']}"
        return scope_name, params.text("language_code") or ""

    def _chat_of_call(self, name: str, params: _Params) -> int | None:
        if name == "answerCallbackQuery":
            query = self._callback_queries.get(params.text("callback_query_id") or "")
            return query.chat_id if query else None
        if name == "getFile":
            stored = self._files.get(params.text("file_id") or "")
            return stored.chat_id if stored else None
        if name == "answerPreCheckoutQuery":
            pending = self._pre_checkouts.get(params.text("pre_checkout_query_id") or "")
            return pending.chat_id if pending else None
        try:
            return params.integer("chat_id")
        except ApiError:
            return None

    # ----- state changes

    def _store_file(
        self,
        folder: str,
        data: bytes,
        chat_id: int | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        number = self._next_file_number
        self._next_file_number += 1
        extension = (mimetypes.guess_extension(mime_type) if mime_type else None) or ".bin"
        stored = StoredFile(
            file_id=f"sandbox-{folder[:-1]}-{number}",
            file_unique_id=f"u{number}",
            file_path=f"{folder}/file_{number}{extension}",
            data=data,
            chat_id=chat_id,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _store_photo(self, data: bytes, chat_id: int) -> list[StoredFile]:
        return [
            self._store_file("photos", jpeg, chat_id, mime_type="image/jpeg", width=width, height=height)
            for jpeg, width, height in _photo_renditions(data)
        ]

    def _new_message(self, chat: Chat, sender_id: int | None, **content: Any) -> StoredMessage:
        self._revision += 1
        message = StoredMessage(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            sender_id=sender_id,
            date=int(self._now()),
            revision=self._revision,
            **content,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self._touch()
        return message

    def _store_bot_message(self, chat: Chat, **content: Any) -> StoredMessage:
        return self._new_message(chat, None, **content)

    def _store_user_message(
        self, user_id: int, chat_id: int | None, reply_to_message_id: int | None, **content: Any
    ) -> StoredMessage:
        """A user's message in their private chat (`chat_id` None) or in a group they are a member of;
        an app only lets them reply to a message shown in that chat."""
        if user_id not in self._users:
            raise KeyError(f"no user {user_id}: create them first")
        chat = self._chat(user_id if chat_id is None else chat_id)
        if chat.is_group and user_id not in chat.member_ids:
            raise ValueError(f"user {user_id} is not a member of group {chat.id}")
        if chat.type == "private" and chat.id != user_id:
            raise ValueError(f"user {user_id} cannot write in the private chat of user {chat.id}")
        if reply_to_message_id is not None:
            replied = chat.messages.get(reply_to_message_id)
            if replied is None or replied.deleted:
                raise ValueError(f"message {reply_to_message_id} is not shown in chat {chat.id}")
        return self._new_message(chat, user_id, reply_to_message_id=reply_to_message_id, **content)

    def _mark_edited(self, message: StoredMessage) -> None:
        self._revision += 1
        message.revision = self._revision
        message.edit_date = int(self._now())
        self._touch()

    def _mark_deleted(self, message: StoredMessage) -> None:
        self._revision += 1
        message.revision = self._revision
        message.deleted = True
        self._touch()

    def _queue_message_update(self, message: StoredMessage) -> None:
        self._enqueue("message", self._message_json(message), message.chat_id)

    def _enqueue(self, kind: str, payload: Any, chat_id: int | None) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._queue.append(_QueuedUpdate(update_id, payload, kind, chat_id))
        self._touch()
        return update_id

    def _discard_unwanted_updates(self) -> None:
        """Updates of types the bot did not ask for are dropped, as Telegram does."""
        allowed = self._allowed_updates or _DEFAULT_UPDATE_TYPES
        if any(u.kind not in allowed for u in self._queue):
            self._queue = [u for u in self._queue if u.kind in allowed]
            self._touch()

    def _message_json(self, message: StoredMessage, *, with_reply: bool = True) -> JsonDict:
        chat = self._chat(message.chat_id)
        sender = self.bot_json() if message.sender_id is None else self._users[message.sender_id].to_json()
        body: JsonDict = {
            "message_id": message.message_id,
            "from": sender,
            "chat": chat.to_json(),
            "date": message.date,
        }
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.text is not None:
            body["text"] = message.text
            if message.entities:
                body["entities"] = message.entities
        if message.document is not None:
            body["document"] = message.document.document_json()
        if message.photo:
            body["photo"] = [size.photo_size_json() for size in message.photo]
        if message.caption is not None:
            body["caption"] = message.caption
            if message.caption_entities:
                body["caption_entities"] = message.caption_entities
        if message.invoice is not None:
            body["invoice"] = message.invoice.to_json()
        if message.successful_payment is not None:
            body["successful_payment"] = message.successful_payment.to_json()
        if message.reply_markup is not None:
            body["reply_markup"] = message.reply_markup
        replied = chat.messages.get(message.reply_to_message_id) if message.reply_to_message_id else None
        if with_reply and replied is not None and not replied.deleted:
            # Bot API: the replied message "will not contain further reply_to_message fields".
            body["reply_to_message"] = self._message_json(replied, with_reply=False)
        return body

    def _record(self, method: str, chat_id: int | None, status: int, description: str | None) -> None:
        self.requests.append(RequestRecord(method, chat_id, time.monotonic(), int(status), description))

    def _mark_activity(self, chat_id: int | None) -> None:
        if chat_id is not None:
            self._last_activity[chat_id] = time.monotonic()
            self._touch()

    def _touch(self) -> None:
        """Wake every waiter (long polls, wait_idle); they re-check their own condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, seconds: float) -> None:
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), seconds)


def _chat_of_payload(payload: Any) -> int | None:
    """Best effort: the chat a raw update concerns, so wait_idle can follow it."""
    if not isinstance(payload, dict):
        return None
    for holder in (payload, payload.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            chat_id = holder["chat"].get("id")
            return chat_id if isinstance(chat_id, int) else None
    sender = payload.get("from")
    if isinstance(sender, dict) and isinstance(sender.get("id"), int):
        user_id: int = sender["id"]
        return user_id
    return None
