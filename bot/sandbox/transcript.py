"""Conversation transcripts (``*.chat``): a flow written as text, played against the sandbox.

The format is documented in the README ("Conversation transcripts"). ``parse`` turns a file into
steps and reports a malformed line with its number; ``play`` runs the steps against a running
``Sandbox`` and raises ``Mismatch`` on the first expectation the bot does not meet. Both stay free of
pytest so that ``baoming sandbox play`` and the pytest collector (tests/conftest.py) share them.
"""

from __future__ import annotations

import asyncio
import io
import mimetypes
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from domain.masking import mask_email, mask_mobile
from domain.problems import Problem
from domain.staff import Grant, parse_grant

if TYPE_CHECKING:
    from bot.sandbox.emulator import PayOutcome
    from bot.sandbox.harness import Sandbox
    from bot.sandbox.mail_server import ReceivedMail
    from bot.sandbox.people import ChatLog, Group, Person, ShownMessage
    from bot.sms import Sms

DEFAULT_WAIT = 10.0  # seconds an expectation waits for the bot (DESIGN.md: "waits up to 10 s")
DEFAULT_LANGUAGE = "zh-hans"
POLL_INTERVAL = 0.05  # seconds between looks while waiting for something the bot has not done yet
# "bot." and a press need the bot idle (nothing more on its way); waiting for a message only needs
# a short lull, and a later look takes in whatever follows.
IDLE_QUIET = 0.3
NEWS_QUIET = 0.05

# ----- the steps of a transcript


@dataclass(frozen=True)
class Step:
    line: int
    source: str  # the line as written, for the diff


@dataclass(frozen=True)
class SetClock(Step):
    moment: datetime | None  # an absolute moment (Beijing time when no zone is given) ...
    delta: timedelta | None  # ... or a move forward


@dataclass(frozen=True)
class DeclareActor(Step):
    actor: str
    language_code: str


@dataclass(frozen=True)
class DeclareGroup(Step):
    group: str  # "helpline": the sandbox's help-line staff group; another name: a group of its own
    members: tuple[str, ...]


@dataclass(frozen=True)
class SendText(Step):
    actor: str
    text: str  # may hold the {sms} / {wrong-sms} placeholders, filled in when played
    group: str | None = None  # None: the actor's private chat
    reply_to: str | None = None  # a regex: reply to the newest bot message in the group matching it


@dataclass(frozen=True)
class Press(Step):
    actor: str
    label: str
    times: int  # 2: a double tap, the second press sent without waiting for the bot
    group: str | None = None  # None: the actor's private chat


@dataclass(frozen=True)
class SendFile(Step):
    actor: str
    path: Path  # resolved against the transcript's folder
    as_photo: bool


@dataclass(frozen=True)
class ExpectMessage(Step):
    actor: str | None  # None: the last actor
    needle: str
    regex: bool


@dataclass(frozen=True)
class Pay(Step):
    actor: str
    invoice: str | None  # text of the invoice's title; None: the newest invoice shown


@dataclass(frozen=True)
class ExpectPayment(Step):
    status: str  # paid, declined or expired: what became of the last actor's last tap on Pay
    needle: str  # with declined: text the bot's error message contains


@dataclass(frozen=True)
class ExpectPdfText(Step):
    needle: str


@dataclass(frozen=True)
class ExpectButton(Step):
    label: str
    offered: bool


@dataclass(frozen=True)
class ExpectDeleted(Step):
    pass


@dataclass(frozen=True)
class ExpectNothing(Step):
    actor: str | None


@dataclass(frozen=True)
class ExpectSms(Step):
    needle: str


@dataclass(frozen=True)
class ExpectMail(Step):
    needle: str


@dataclass(frozen=True)
class Restart(Step):
    pass


@dataclass(frozen=True)
class GrantStaff(Step):
    actor: str
    grant: Grant  # checked when parsed, by the rule the CLI uses


@dataclass(frozen=True)
class ImportFile(Step):
    # "registrations" (医师资格考试, CSV), "catalog" (广东住培 specialties and bases, TOML) or "records"
    # (天津高职升本 学籍/学历, CSV)
    what: str
    path: Path  # resolved against the transcript's folder


@dataclass(frozen=True)
class Fault(Step):
    method: str
    status: int  # 0 with drop
    times: int
    drop: bool


@dataclass(frozen=True)
class Transcript:
    path: Path
    title: str
    steps: list[Step]


class TranscriptSyntaxError(ValueError):
    def __init__(self, path: Path, line: int, reason: str, source: str) -> None:
        super().__init__(f"{_shown_path(path)}:{line}: {reason}\n    {source}")
        self.path, self.line, self.reason, self.source = path, line, reason, source


# ----- parsing

# "@" joins an actor to a group (staffA@helpline>) and ":" ends a group's name in its declaration.
_ACTOR_NAME = r"[^\s>?~+\-!.#\[\]{}@:]+"
_ACTOR_LINE = re.compile(rf"^(?P<actor>{_ACTOR_NAME})>\s?(?P<payload>.*)$")
_GROUP_ACTOR_LINE = re.compile(rf"^(?P<actor>{_ACTOR_NAME})@(?P<group>{_ACTOR_NAME})>\s?(?P<payload>.*)$")
_GROUP = re.compile(rf"^group\s+(?P<group>{_ACTOR_NAME})\s*:?(?P<members>(?:\s+{_ACTOR_NAME})+)$")
_REPLY = re.compile(r"^reply\s+/(?P<pattern>(?:\\.|[^/\\])+)/(?:\s+(?P<text>.*))?$")
_BOT_LINE = re.compile(rf"^bot(?:@(?P<actor>{_ACTOR_NAME}))?(?P<kind>[?~+\-!.])\s*(?P<rest>.*)$")
_DECLARE = re.compile(rf"^actor\s+(?P<actor>{_ACTOR_NAME})(?:\s+lang=(?P<lang>[A-Za-z_-]+))?$")
_STAFF = re.compile(
    rf"^staff\s+(?P<actor>{_ACTOR_NAME})\s+(?P<role>\S+)\s+(?P<programme>\S+)(?:\s+(?P<base>\S+))?$"
)
_BUTTON = re.compile(r"^\[(?P<label>[^\[\]].*?)\]$")
_DOUBLE_BUTTON = re.compile(r"^\[\[(?P<label>.+?)\]\]$")
_DELTA_PART = re.compile(r"(\d+)\s*([dhms])")
_DELTA = re.compile(r"^\+\s*(?:\d+\s*[dhms]\s*)+$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_RESERVED_ACTORS = {
    "bot",
    "sms",
    "mail",
    "pay",
    "pdf",
    "clock",
    "restart",
    "fault",
    "actor",
    "import",
    "group",
}
# In the latest e-mail: the bot's deep link, and a 6-digit code standing on its own.
_MAIL_LINK = re.compile(r"https://t\.me/\w+\?start=(?P<payload>[\w-]+)")
_MAIL_CODE = re.compile(r"(?<![\w-])\d{6}(?![\w-])")
_IMPORT = re.compile(r"^import\s+(?P<what>registrations|catalog|records)\s+(?P<path>\S.*)$")
_PAY_STATUSES = ("paid", "declined", "expired")
_PLACEHOLDERS = ("{sms}", "{wrong-sms}", "{mail-code}", "{wrong-mail-code}", "{mail-link}")


def parse_file(path: Path) -> Transcript:
    return parse(path.read_text(encoding="utf-8"), path)


def parse(text: str, path: Path) -> Transcript:
    """The steps of a transcript; raises TranscriptSyntaxError on the first malformed line."""
    title = ""
    steps: list[Step] = []
    actors: set[str] = set()  # those who have acted so far
    groups: dict[str, set[str]] = {}  # declared groups and their members
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            title = title or line.lstrip("#").strip()
            continue
        try:
            step = _parse_line(line, number, path.parent)
            _check_order(step, actors, groups)
        except ValueError as error:
            raise TranscriptSyntaxError(path, number, str(error), line) from None
        steps.append(step)
    return Transcript(path, title or path.stem, steps)


def _parse_line(line: str, number: int, folder: Path) -> Step:
    if line == "restart":
        return Restart(number, line)
    if line.startswith("clock ") or line == "clock":
        return _parse_clock(line, number)
    if line.startswith("fault ") or line == "fault":
        return _parse_fault(line, number)
    if line.startswith("import ") and (match := _IMPORT.match(line)) is None:
        raise ValueError(
            "expected 'import registrations FILE.csv', 'import catalog FILE.toml' "
            "or 'import records FILE.csv'"
        )
    if match := _IMPORT.match(line):
        return ImportFile(number, line, match["what"], (folder / match["path"].strip()).resolve())
    if line.startswith("sms?"):
        needle = line.removeprefix("sms?").strip()
        if not needle:
            raise ValueError("sms? needs the text the SMS must contain")
        return ExpectSms(number, line, needle)
    if line.startswith("mail?"):
        needle = line.removeprefix("mail?").strip()
        if not needle:
            raise ValueError("mail? needs the text the e-mail must contain")
        return ExpectMail(number, line, needle)
    if line.startswith("pay?"):
        return _parse_payment(line, number)
    if line.startswith("pdf?"):
        needle = line.removeprefix("pdf?").strip()
        if not needle:
            raise ValueError("pdf? needs the text the PDF must contain")
        return ExpectPdfText(number, line, needle)
    if line.startswith("staff ") and (match := _STAFF.match(line)) is None:
        raise ValueError("expected 'staff NAME ROLE PROGRAMME [BASE]'")
    if match := _STAFF.match(line):
        grant = parse_grant(match["role"], match["programme"], match["base"])
        if isinstance(grant, Problem):
            raise ValueError(grant.message.format(**grant.params))
        return GrantStaff(number, line, _actor_name(match["actor"]), grant)
    if match := _DECLARE.match(line):
        actor = _actor_name(match["actor"])
        return DeclareActor(number, line, actor, match["lang"] or DEFAULT_LANGUAGE)
    if line.startswith("group ") and (match := _GROUP.match(line)) is None:
        raise ValueError("expected 'group NAME: MEMBER [MEMBER...]'")
    if match := _GROUP.match(line):
        members = tuple(_actor_name(member) for member in match["members"].split())
        return DeclareGroup(number, line, _actor_name(match["group"]), members)
    if match := _BOT_LINE.match(line):
        return _parse_bot(match, number, line)
    if match := _GROUP_ACTOR_LINE.match(line):
        actor, group = _actor_name(match["actor"]), _actor_name(match["group"])
        return _parse_group_action(actor, group, match["payload"].strip(), number, line)
    if match := _ACTOR_LINE.match(line):
        return _parse_action(_actor_name(match["actor"]), match["payload"].strip(), number, line, folder)
    raise ValueError(
        "not a transcript line: expected 'NAME> ...', 'NAME@GROUP> ...', 'bot? ...', 'bot~ ...', "
        "'bot+ [...]', 'bot- [...]', 'bot! deleted', 'bot.', 'sms? ...', 'mail? ...', 'pay? ...', "
        "'pdf? ...', 'clock ...', 'restart', 'fault ...', "
        "'actor NAME lang=..', 'group NAME: MEMBER...', 'staff NAME ROLE PROGRAMME [BASE]', "
        "'import registrations|catalog|records FILE' "
        "or a # comment"
    )


def _check_order(step: Step, actors: set[str], groups: dict[str, set[str]]) -> None:
    """Lines that only make sense after others: caught before anything is played."""
    if isinstance(step, DeclareActor) and step.actor in groups:
        raise ValueError(f"{step.actor!r} is a group, not an actor")
    if isinstance(step, DeclareActor) and step.actor in actors:
        raise ValueError(f"'actor {step.actor}' must come before {step.actor}'s first line")
    if isinstance(step, DeclareGroup):
        if step.group in actors:
            raise ValueError(f"{step.group!r} is an actor; a group needs a name of its own")
        if clash := next((m for m in step.members if m in groups or m == step.group), None):
            raise ValueError(f"{clash!r} is a group, not an actor")
        groups.setdefault(step.group, set()).update(step.members)
        actors.update(step.members)  # their first line: 'actor NAME lang=..' must come before it
        return
    if isinstance(step, SendText | Press | SendFile | GrantStaff) and step.actor in groups:
        raise ValueError(f"{step.actor!r} is a group: a member writes there with 'NAME@{step.actor}> ...'")
    if isinstance(step, SendText | Press) and step.group is not None:
        if step.group not in groups:
            raise ValueError(f"no group {step.group!r} yet: declare it first, 'group {step.group}: NAME...'")
        if step.actor not in groups[step.group]:
            raise ValueError(
                f"{step.actor} is not a member of {step.group}: add them to its line, "
                f"'group {step.group}: {step.actor} ...'"
            )
    if isinstance(step, SendText | Press | SendFile | GrantStaff):
        actors.add(step.actor)
    elif isinstance(step, ExpectMessage | ExpectNothing | ExpectDeleted) and not actors:  # noqa: SIM102
        if getattr(step, "actor", None) is None:  # bot@NAME may watch someone who has not acted
            raise ValueError("an expectation of the bot needs an actor who has sent something before it")


def _actor_name(name: str) -> str:
    if name in _RESERVED_ACTORS:
        raise ValueError(f"{name!r} is a keyword, not an actor name")
    return name


def _parse_action(actor: str, payload: str, number: int, line: str, folder: Path) -> Step:
    if not payload:
        raise ValueError("nothing to send")
    if match := _DOUBLE_BUTTON.match(payload):
        return Press(number, line, actor, match["label"].strip(), times=2)
    if match := _BUTTON.match(payload):
        return Press(number, line, actor, match["label"].strip(), times=1)
    if payload == "/pay" or payload.startswith("/pay "):
        return Pay(number, line, actor, payload.removeprefix("/pay").strip() or None)
    for command, as_photo in (("/file", False), ("/photo", True)):
        if payload == command or payload.startswith(command + " "):
            relative = payload.removeprefix(command).strip()
            if not relative:
                raise ValueError(f"{command} needs a path (relative to the transcript)")
            return SendFile(number, line, actor, (folder / relative).resolve(), as_photo)
    return SendText(number, line, actor, payload)


def _parse_group_action(actor: str, group: str, payload: str, number: int, line: str) -> Step:
    """``NAME@GROUP> text``, ``NAME@GROUP> reply /pattern/ text`` or ``NAME@GROUP> [label]``."""
    if not payload:
        raise ValueError("nothing to send")
    if match := _DOUBLE_BUTTON.match(payload):
        return Press(number, line, actor, match["label"].strip(), times=2, group=group)
    if match := _BUTTON.match(payload):
        return Press(number, line, actor, match["label"].strip(), times=1, group=group)
    if payload == "reply" or payload.startswith("reply "):
        reply = _REPLY.match(payload)
        if reply is None:
            raise ValueError("expected 'NAME@GROUP> reply /pattern/ text'")
        if not (reply["text"] or "").strip():
            raise ValueError("a reply needs the text to send after its /pattern/")
        try:
            re.compile(reply["pattern"])
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from None
        return SendText(number, line, actor, reply["text"].strip(), group=group, reply_to=reply["pattern"])
    if (command := payload.split(maxsplit=1)[0]) in {"/file", "/photo", "/pay"}:
        raise ValueError(f"in a group an actor sends text, replies or presses buttons; not {command}")
    return SendText(number, line, actor, payload, group=group)


def _parse_bot(match: re.Match[str], number: int, line: str) -> Step:
    kind, rest = match["kind"], match["rest"].strip()
    actor = _actor_name(match["actor"]) if match["actor"] else None
    if kind in "?~":
        if not rest:
            raise ValueError(f"bot{kind} needs the text to look for")
        if kind == "~":
            try:
                re.compile(rest)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from None
        return ExpectMessage(number, line, actor, rest, regex=kind == "~")
    if kind == ".":
        if rest:
            raise ValueError("'bot.' takes nothing after it")
        return ExpectNothing(number, line, actor)
    if actor is not None:
        raise ValueError(f"bot{kind} always refers to the last matched message; drop @{actor}")
    if kind == "!":
        if rest != "deleted":
            raise ValueError("expected 'bot! deleted'")
        return ExpectDeleted(number, line)
    button = _BUTTON.match(rest)
    if button is None:
        raise ValueError(f"expected 'bot{kind} [button label]'")
    return ExpectButton(number, line, button["label"].strip(), offered=kind == "+")


def _parse_payment(line: str, number: int) -> ExpectPayment:
    status, _, needle = line.removeprefix("pay?").strip().partition(" ")
    if status not in _PAY_STATUSES:
        raise ValueError("expected 'pay? paid', 'pay? declined TEXT' or 'pay? expired'")
    if needle and status != "declined":
        raise ValueError(f"'pay? {status}' takes nothing after it")
    return ExpectPayment(number, line, status, needle.strip())


def _parse_clock(line: str, number: int) -> SetClock:
    moved = parse_clock(line.removeprefix("clock"))
    if isinstance(moved, timedelta):
        return SetClock(number, line, None, moved)
    return SetClock(number, line, moved, None)


def parse_clock(value: str) -> datetime | timedelta:
    """``2027-04-16 09:00`` (Beijing time) → a moment; ``+6m`` / ``+2h`` / ``+1d`` / ``+90s`` → a move."""
    value = value.strip()
    if _DELTA.match(value):
        delta = timedelta()
        for amount, unit in _DELTA_PART.findall(value):
            delta += timedelta(**{_UNITS[unit]: int(amount)})
        return delta
    # The zone name, when written, can only be Beijing time: the sandbox clock has no other.
    value = value.removesuffix("Asia/Shanghai").strip().replace("T", " ")
    for layout in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    raise ValueError(
        "expected 'clock YYYY-MM-DD HH:MM' (Beijing time) or 'clock +6m' / '+2h' / '+1d' / '+90s'"
    )


def _parse_fault(line: str, number: int) -> Fault:
    words = line.split()[1:]
    times = 1
    if words and re.fullmatch(r"x\d+", words[-1]):
        times = int(words.pop()[1:])
    if len(words) != 2 or times < 1:
        raise ValueError("expected 'fault METHOD 429|500|drop [xN]' (METHOD may be *)")
    method, kind = words
    if kind == "drop":
        return Fault(number, line, method, 0, times, drop=True)
    if not re.fullmatch(r"[45]\d\d", kind):
        raise ValueError("a fault is an HTTP status 4xx/5xx (429 carries retry_after 1) or 'drop'")
    return Fault(number, line, method, int(kind), times, drop=False)


# ----- playing


class Mismatch(AssertionError):
    """The bot did not do what a line of a transcript expects; ``report()`` is the readable diff."""

    def __init__(
        self,
        path: Path,
        step: Step,
        expectation: str,
        *,
        actor: str | None = None,
        unread: Sequence[ShownMessage] = (),
        last_read: ShownMessage | None = None,
        note: str | None = None,
    ) -> None:
        self.path, self.line, self.source = path, step.line, step.source
        self.expectation, self.actor, self.note = expectation, actor, note
        self.unread, self.last_read = list(unread), last_read
        super().__init__(self.report())

    def report(self) -> str:
        lines = [
            f"FAIL {_shown_path(self.path)}:{self.line}",
            f"  line:     {self.source}",
            f"  expected: {self.expectation}",
        ]
        if self.note:
            lines.append(f"  but:      {self.note}")
        if self.actor is not None:
            if self.unread:
                lines.append(f"  unread messages of {self.actor}:")
                lines.extend(describe(message) for message in self.unread)
            else:
                lines.append(f"  unread messages of {self.actor}: none")
                if self.last_read is not None:
                    lines.append("  the last message read:")
                    lines.append(describe(self.last_read))
        return "\n".join(lines)


def _shown_path(path: Path) -> str:
    """Relative to the working directory when inside it: shorter, and clickable in most terminals."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def shown_text(message: ShownMessage) -> str:
    """The text as matched and shown: a file reads "[file NAME] caption", a photo "[photo] caption"."""
    if message.document is not None:
        return f"[file {message.document.file_name or 'unnamed'}] {message.text}"
    if message.photo is not None:
        return f"[photo] {message.text}"
    return message.text


def describe(message: ShownMessage, indent: str = "    ") -> str:
    """A bot message as text: id, marks, text (or file), then its buttons row by row."""
    marks = " (edited)" if message.edited else ""
    marks += " (deleted)" if message.deleted else ""
    text = shown_text(message)
    first, *rest = text.splitlines() or [""]
    lines = [f"{indent}#{message.message_id}{marks} {first}"]
    lines.extend(f"{indent}    {part}" for part in rest)
    lines.extend(f"{indent}    " + "  ".join(f"[{label}]" for label in row) for row in message.buttons)
    return "\n".join(lines)


def render_sms(sms: Sms) -> str:
    """How an SMS reads in transcripts and in the terminal chat (the mobile masked, RULES.md §5)."""
    return f"to {mask_mobile(sms.mobile)}: {sms.code} ({sms.purpose})"


def render_mail(mail: ReceivedMail) -> str:
    """How an e-mail reads in transcripts: the recipient masked, the subject, the body."""
    recipients = ", ".join(mask_email(address) for address in mail.to)
    return f"to {recipients}: {mail.subject}\n{mail.text}"


def start_command(mail: ReceivedMail) -> str | None:
    """What Telegram sends when the e-mail's deep link is tapped: ``/start PAYLOAD``."""
    link = _MAIL_LINK.search(mail.text)
    return None if link is None else f"/start {link['payload']}"


def wrong_code(code: str) -> str:
    """A code of the same length that is certainly not ``code``."""
    digits = len(code) or 6
    return f"{(int(code) + 1) % 10**digits if code.isdigit() else 0:0{digits}d}"


class _Reader:
    """What has been read of one chat (an actor's private chat, or a group): unread bot messages in
    order, and the last one read."""

    def __init__(self, chat: ChatLog) -> None:
        self.chat = chat
        self.unread: list[ShownMessage] = []
        self.last_read: ShownMessage | None = None
        self.texts: dict[
            int, str
        ] = {}  # message id → text as last seen, to tell a new text from a keyboard edit
        self.last_sent_id: int | None = None

    async def pull(self, timeout: float, *, quiet: float = IDLE_QUIET) -> None:  # noqa: ASYNC109
        """Wait until the bot has been quiet in this chat for ``quiet`` s (at most ``timeout`` s) and
        take in what changed. When nothing changed, pause briefly so that waiting callers do not spin.
        """
        try:
            changes = await self.chat.new_messages(quiet=quiet, timeout=max(timeout, POLL_INTERVAL))
        except TimeoutError:  # the bot is still busy; the caller's deadline decides
            changes = []
        for message in changes:
            self._take(message)
        if not changes:
            await asyncio.sleep(min(POLL_INTERVAL, max(timeout, 0)))

    def _take(self, message: ShownMessage) -> None:
        position = next((i for i, m in enumerate(self.unread) if m.message_id == message.message_id), None)
        if message.deleted:
            if position is not None:
                del self.unread[position]
            return
        if position is not None:  # not read yet: the user sees only its newest form
            self.unread[position] = message
        elif message.message_id not in self.texts or self.texts[message.message_id] != message.text:
            self.unread.append(message)  # a new message, or a read one whose text changed
        self.texts[message.message_id] = message.text

    def consume_through(self, index: int) -> ShownMessage:
        matched = self.unread[index]
        del self.unread[: index + 1]
        self.last_read = matched
        return matched


class Player:
    """Plays one transcript against a running sandbox; each actor is created on first use.

    Readers are kept per chat: an actor's private chat under the actor's name, a group under the
    group's name (parse() keeps the two apart). `last_chat` is where the last actor acted, so that a
    bare ``bot?`` after ``staffA@helpline> ...`` looks at the group.
    """

    def __init__(self, sandbox: Sandbox, transcript: Transcript, *, wait: float = DEFAULT_WAIT) -> None:
        self.sandbox = sandbox
        self.transcript = transcript
        self.wait = wait
        self.readers: dict[str, _Reader] = {}
        self.people: dict[str, Person] = {}
        self.groups: dict[str, Group] = {}
        self.languages: dict[str, str] = {}
        self.last_actor: str | None = None
        self.last_chat: str | None = None
        self.last_matched: ShownMessage | None = None
        self.last_payment: PayOutcome | None = None

    async def play(self) -> None:
        for step in self.transcript.steps:
            await self._play_step(step)

    def _mismatch(
        self, step: Step, expectation: str, actor: str | None = None, note: str | None = None
    ) -> Mismatch:
        reader = self.readers.get(actor) if actor else None
        return Mismatch(
            self.transcript.path,
            step,
            expectation,
            actor=actor,
            unread=reader.unread if reader else (),
            last_read=reader.last_read if reader else None,
            note=note,
        )

    def _reader(self, name: str) -> _Reader:
        """The reader of a group, or of an actor's private chat (the actor created on first use)."""
        if name not in self.readers:
            self._person(name)
        return self.readers[name]

    def _person(self, actor: str) -> Person:
        if actor not in self.people:
            language = self.languages.get(actor, DEFAULT_LANGUAGE)
            self.people[actor] = self.sandbox.person(actor, language_code=language)
            self.readers[actor] = _Reader(self.people[actor])
        return self.people[actor]

    def _acted(self, actor: str, group: str | None) -> _Reader:
        """Note who acted where; the reader of that chat."""
        self.last_actor, self.last_chat = actor, group or actor
        return self._reader(self.last_chat)

    def _target(self, step: Step, name: str | None) -> str:
        target = name or self.last_chat
        if target is None:
            raise self._mismatch(step, "an actor to look at", note="no actor has sent anything yet")
        return target

    def _declare_group(self, step: DeclareGroup) -> None:
        group = self.groups.get(step.group) or self.sandbox.group(step.group)
        self.groups[step.group] = group
        self.readers.setdefault(step.group, _Reader(group))
        group.add(*(self._person(member) for member in step.members))

    async def _play_step(self, step: Step) -> None:
        if isinstance(step, DeclareActor):
            if step.actor in self.readers:
                raise self._mismatch(
                    step, "'actor' before the actor's first line", note="the actor already acted"
                )
            self.languages[step.actor] = step.language_code
        elif isinstance(step, SetClock):
            if step.moment is not None:
                self.sandbox.clock.set(step.moment)
            elif step.delta is not None:
                self.sandbox.clock.advance(step.delta)
            await self.sandbox.clock_moved()
        elif isinstance(step, DeclareGroup):
            self._declare_group(step)
        elif isinstance(step, SendText):
            await self._send_text(step)
        elif isinstance(step, Press):
            await self._press(step)
        elif isinstance(step, Pay):
            await self._pay(step)
        elif isinstance(step, ExpectPayment):
            self._expect_payment(step)
        elif isinstance(step, ExpectPdfText):
            self._expect_pdf_text(step)
        elif isinstance(step, SendFile):
            await self._send_file(step)
        elif isinstance(step, ExpectMessage):
            await self._expect_message(step)
        elif isinstance(step, ExpectButton):
            self._expect_button(step)
        elif isinstance(step, ExpectDeleted):
            await self._expect_deleted(step)
        elif isinstance(step, ExpectNothing):
            actor = self._target(step, step.actor)
            reader = self._reader(actor)
            await reader.pull(self.wait)
            if reader.unread:
                raise self._mismatch(step, f"no further message {self._to(actor)}", actor)
        elif isinstance(step, ExpectSms):
            await self._expect_sms(step)
        elif isinstance(step, ExpectMail):
            await self._expect_mail(step)
        elif isinstance(step, Restart):
            await self.sandbox.restart_bot()
        elif isinstance(step, GrantStaff):
            await self._grant_staff(step)
        elif isinstance(step, Fault):
            self._inject(step)
        elif isinstance(step, ImportFile):
            await self._import_file(step)
        else:  # pragma: no cover - parse() makes only the kinds above
            raise TypeError(f"unknown step {step!r}")

    def _fill_placeholders(self, step: Step, text: str) -> str:
        if not any(placeholder in text for placeholder in _PLACEHOLDERS):
            return text
        if "{sms}" in text or "{wrong-sms}" in text:
            latest = self.sandbox.sms.latest()
            if latest is None:
                raise self._mismatch(step, "an SMS code in the inbox for {sms}", note="no SMS has been sent")
            text = text.replace("{wrong-sms}", wrong_code(latest.code)).replace("{sms}", latest.code)
        if "mail-" in text:
            mail = self.sandbox.mail.latest()
            command = start_command(mail) if mail else None
            code = _MAIL_CODE.search(_MAIL_LINK.sub("", mail.text)) if mail else None
            if command is None or code is None:
                raise self._mismatch(
                    step,
                    "an e-mail with a link and a code for {mail-...}",
                    note="no such e-mail has been sent",
                )
            text = text.replace("{mail-link}", command)
            text = text.replace("{wrong-mail-code}", wrong_code(code[0])).replace("{mail-code}", code[0])
        return text

    def _to(self, name: str) -> str:
        return f"in {name}" if name in self.groups else f"to {name}"

    async def _send_text(self, step: SendText) -> None:
        person = self._person(step.actor)
        text = self._fill_placeholders(step, step.text)
        reader = self._acted(step.actor, step.group)
        if step.group is None:
            reader.last_sent_id = await person.send_text(text)
            return
        group = self.groups[step.group]
        reply_to = None if step.reply_to is None else await self._reply_target(step, step.reply_to, reader)
        reader.last_sent_id = await person.send_in(group, text, reply_to=reply_to)

    async def _reply_target(self, step: SendText, pattern_text: str, reader: _Reader) -> int:
        """The newest bot message in the group matching the pattern, waiting for it as a person waits
        for the message they mean to answer."""
        pattern = re.compile(pattern_text)
        deadline = time.monotonic() + self.wait
        await reader.pull(self.wait, quiet=NEWS_QUIET)
        while True:
            shown = reversed(reader.chat.messages)
            target = next((m for m in shown if not m.deleted and pattern.search(shown_text(m))), None)
            if target is not None:
                return target.message_id
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                expectation = f"a bot message in {step.group} matching /{pattern_text}/ to reply to"
                note = f"none came within {self.wait:g} s"
                raise self._mismatch(step, expectation, step.group, note)
            await reader.pull(remaining, quiet=NEWS_QUIET)

    async def _press(self, step: Press) -> None:
        person = self._person(step.actor)
        reader = self._acted(step.actor, step.group)
        where = step.group or step.actor
        group = self.groups[step.group] if step.group is not None else None

        async def tap() -> None:
            await (person.press(step.label) if group is None else person.press_in(group, step.label))

        deadline = time.monotonic() + self.wait
        # A person taps what is on the screen once the bot has answered what they sent before: the
        # same label on an earlier question must not take the tap meant for the next one.
        await reader.pull(self.wait, quiet=NEWS_QUIET)
        while True:  # the message offering the button may still be on its way
            try:
                await tap()
                break
            except (LookupError, ValueError) as error:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._mismatch(step, f"a button [{step.label}]", where, str(error)) from None
                await reader.pull(remaining, quiet=NEWS_QUIET)
        for _ in range(step.times - 1):  # a double tap: again at once, before the bot answers
            try:
                await tap()
            except (LookupError, ValueError) as error:
                expectation = f"a second tap on [{step.label}]"
                raise self._mismatch(step, expectation, where, str(error)) from None

    async def _pay(self, step: Pay) -> None:
        """Tap Pay and confirm, as a person does; the bot's pre-checkout answer decides the outcome."""
        person = self._person(step.actor)
        reader = self._acted(step.actor, None)
        deadline = time.monotonic() + self.wait
        await reader.pull(self.wait, quiet=NEWS_QUIET)
        while True:  # the invoice may still be on its way
            try:
                self.last_payment = await person.pay(step.invoice)
                return
            except LookupError as error:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._mismatch(step, "an invoice to pay", step.actor, str(error)) from None
                await reader.pull(remaining, quiet=NEWS_QUIET)

    def _expect_payment(self, step: ExpectPayment) -> None:
        outcome = self.last_payment
        expectation = f"the last payment {step.status}" + (f" with {step.needle!r}" if step.needle else "")
        if outcome is None:
            raise self._mismatch(step, expectation, note="nobody has tapped Pay yet (NAME> /pay)")
        if outcome.status != step.status or step.needle not in (outcome.error_message or ""):
            said = f": {outcome.error_message}" if outcome.error_message else ""
            note = f"it was {outcome.status}{said}"
            raise self._mismatch(step, expectation, self.last_actor, note)

    def _expect_pdf_text(self, step: ExpectPdfText) -> None:
        message = self.last_matched
        expectation = f"the file matched last is a PDF whose text contains {step.needle!r}"
        if message is None or message.document is None:
            raise self._mismatch(step, expectation, note="match the file first: bot? [file NAME]")
        text = pdf_text(message.document.data)
        if text is None:
            raise self._mismatch(step, expectation, note="it is not a readable PDF")
        if step.needle not in text:
            raise self._mismatch(step, expectation, note=f"its text is:\n{text}")

    async def _send_file(self, step: SendFile) -> None:
        person = self._person(step.actor)
        reader = self._acted(step.actor, None)
        try:
            data = step.path.read_bytes()
        except OSError as error:
            raise self._mismatch(step, f"a readable file {step.path}", note=str(error)) from None
        if step.as_photo:
            reader.last_sent_id = await person.send_photo(data)
        else:
            mime_type = mimetypes.guess_type(step.path.name)[0] or "application/octet-stream"
            reader.last_sent_id = await person.send_document(data, step.path.name, mime_type)

    async def _expect_message(self, step: ExpectMessage) -> None:
        actor = self._target(step, step.actor)
        reader = self._reader(actor)
        if step.regex:
            pattern = re.compile(step.needle)
            what = f"a message {self._to(actor)} matching /{step.needle}/"
        else:
            pattern = re.compile(re.escape(step.needle))
            what = f"a message {self._to(actor)} containing {step.needle!r}"
        deadline = time.monotonic() + self.wait
        while True:
            index = next((i for i, m in enumerate(reader.unread) if pattern.search(shown_text(m))), None)
            if index is not None:
                self.last_matched = reader.consume_through(index)
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._mismatch(step, what, actor, f"none came within {self.wait:g} s")
            await reader.pull(remaining, quiet=NEWS_QUIET)

    def _expect_button(self, step: ExpectButton) -> None:
        message = self.last_matched
        verb = "offers" if step.offered else "does not offer"
        expectation = f"the last matched message {verb} [{step.label}]"
        if message is None:
            raise self._mismatch(step, expectation, note="no message has been matched yet (use bot? first)")
        if (step.label in message.labels) != step.offered:
            raise self._mismatch(step, expectation, note="the message was:\n" + describe(message))

    async def _expect_deleted(self, step: ExpectDeleted) -> None:
        actor = self._target(step, None)
        reader = self._reader(actor)
        expectation = f"the bot deleted the last message {actor} sent"
        if reader.last_sent_id is None:
            raise self._mismatch(step, expectation, note=f"{actor} has sent no message")
        deadline = time.monotonic() + self.wait
        while reader.last_sent_id not in reader.chat.own_deleted_ids:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._mismatch(step, expectation, actor, f"it is still there after {self.wait:g} s")
            await reader.pull(remaining, quiet=NEWS_QUIET)

    async def _expect_sms(self, step: ExpectSms) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            latest = self.sandbox.sms.latest()
            if latest is not None and step.needle in render_sms(latest):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.last_chat is None:
                note = f"it reads {render_sms(latest)!r}" if latest else "no SMS has been sent"
                raise self._mismatch(step, f"the latest SMS contains {step.needle!r}", note=note)
            await self._reader(self.last_chat).pull(remaining, quiet=NEWS_QUIET)

    async def _expect_mail(self, step: ExpectMail) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            latest = self.sandbox.mail.latest()
            if latest is not None and step.needle in render_mail(latest):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.last_chat is None:
                note = f"it reads {render_mail(latest)!r}" if latest else "no e-mail has been sent"
                raise self._mismatch(step, f"the latest e-mail contains {step.needle!r}", note=note)
            await self._reader(self.last_chat).pull(remaining, quiet=NEWS_QUIET)

    async def _grant_staff(self, step: GrantStaff) -> None:
        """The actor gets the role through the use case of ``baoming staff add``, on the bot's database."""
        from bot.db.engine import create_session_factory
        from bot.db.uow import SqlUnitOfWork
        from domain.model import Channel
        from domain.staff import add_staff

        if self.sandbox.app is None:
            raise self._mismatch(step, "a running bot to grant the role on", note="the bot is stopped")
        person = self._person(step.actor)
        uow = SqlUnitOfWork(create_session_factory(self.sandbox.app.engine))
        await add_staff(uow, self.sandbox.clock, Channel.TELEGRAM, str(person.user.id), step.grant)

    async def _import_file(self, step: ImportFile) -> None:
        """The use case of ``baoming registrations import`` or ``baoming catalog import``, on the bot's
        database."""
        from bot.catalog_files import read_catalog
        from bot.db.engine import create_session_factory
        from bot.db.uow import SqlUnitOfWork
        from bot.records_files import read_records
        from bot.registration_files import read
        from domain.exam_registrations import import_registrations
        from domain.gd_catalog import CatalogRefused, import_catalog
        from domain.tj_verification import import_records

        expectation = f"{step.path.name} imported"
        if self.sandbox.app is None:
            raise self._mismatch(step, expectation, note="the bot is stopped")
        try:
            data = step.path.read_bytes()
        except OSError as error:
            raise self._mismatch(step, expectation, note=str(error)) from None
        uow = SqlUnitOfWork(create_session_factory(self.sandbox.app.engine))
        if step.what == "catalog":
            catalog = read_catalog(data)
            if isinstance(catalog, list):
                raise self._mismatch(
                    step, expectation, note="; ".join(f"{e.key}: {e.reason}" for e in catalog)
                )
            if isinstance(await import_catalog(uow, catalog, self.sandbox.clock.now()), CatalogRefused):
                raise self._mismatch(step, expectation, note="it would strand submitted choices")
            return
        if step.what == "records":
            records = read_records(data)
            if isinstance(records, list):
                raise self._mismatch(
                    step, expectation, note="; ".join(f"{e.line}: {e.reason}" for e in records)
                )
            imported = await import_records(uow, records.rows, self.sandbox.clock.now())
            if imported.errors:
                note = "; ".join(f"{e.line}: {e.column}: {e.problem.message}" for e in imported.errors)
                raise self._mismatch(step, expectation, note=note)
            return
        parsed = read(data)
        if isinstance(parsed, list):
            raise self._mismatch(step, expectation, note="; ".join(f"{e.line}: {e.reason}" for e in parsed))
        report = await import_registrations(uow, self.sandbox.clock, parsed.rows)
        if report.errors:
            note = "; ".join(f"{e.line}: {e.column}: {e.problem.message}" for e in report.errors)
            raise self._mismatch(step, expectation, note=note)

    def _inject(self, step: Fault) -> None:
        emulator = self.sandbox.emulator
        if step.drop:
            emulator.inject_fault(step.method, drop=True, times=step.times)
        elif step.status == 429:
            emulator.throttle_next(step.method, retry_after=1, times=step.times)
        else:
            emulator.inject_fault(step.method, status=step.status, times=step.times)


def pdf_text(data: bytes) -> str | None:
    """The text of every page, as a viewer extracts it (pypdf, a development dependency)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    except (PdfReadError, ValueError):
        return None


async def play(sandbox: Sandbox, transcript: Transcript, *, wait: float = DEFAULT_WAIT) -> None:
    """Play ``transcript`` against a started sandbox; raises Mismatch on the first unmet expectation."""
    await Player(sandbox, transcript, wait=wait).play()
