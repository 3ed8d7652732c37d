"""The terminal chat: a person talks to the sandboxed bot on stdin/stdout (DESIGN.md, "The main job
without Telegram").

Lines go to the bot as the current actor's messages; a bare number presses that button of the
newest message offering buttons. Lines starting with a sandbox command (/file, /photo, /as, /clock,
/sms, /restart, /quit, /sandbox) act on the sandbox instead. Bot messages are printed as they
arrive, from a watcher task, so reminders and staff replies show up without typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.sandbox.people import Person, ShownMessage
from bot.sandbox.transcript import parse_clock, render_sms, start_command

if TYPE_CHECKING:
    from bot.sandbox.harness import Sandbox

DEFAULT_ACTOR = "applicant"
INTERRUPT = "\x03"  # Ctrl-C, queued like a line so that the session ends between two lines
WATCH_INTERVAL = 0.1  # seconds between looks at the emulator for news
ANSWER_WAIT = 3.0  # seconds the prompt waits for the bot's answer to a line

SANDBOX_HELP = """\
Sandbox commands (everything else goes to the bot, /start /help /status included):
  1, 2, ...          press that button of the newest message offering buttons
  [label]            press the button with this label
  /say TEXT          send TEXT as it is (e.g. a bare number while buttons are shown)
  /file PATH         send a file as a document (mime type from its extension)
  /photo PATH        send an image as a compressed photo
  /as NAME [LANG]    act as NAME from now on (another applicant, a staff member); LANG e.g. en
  /clock             show the sandbox time; /clock 2027-04-16 09:00 sets it (Beijing time),
                     /clock +2h moves it (+90s, +6m, +2h, +1d)
  /sms               the SMS inbox (new SMS are also shown as they arrive)
  /mail              the mailbox of the loopback SMTP server, each mail in full
  /open              open the link of the newest e-mail, as tapping it on a phone would
  /restart           restart the bot on the same database, as a process restart would
  /quit              leave (Ctrl-D and Ctrl-C too)
  /sandbox           this list"""


class TerminalChat:
    """One terminal session over a started sandbox."""

    def __init__(self, sandbox: Sandbox, out: TextIO, *, actor: str = DEFAULT_ACTOR) -> None:
        self.sandbox = sandbox
        self.out = out
        self.people: dict[str, Person] = {}
        self.actor = actor
        self._shown_deleted: dict[str, set[int]] = {}
        self._sms_shown = len(sandbox.sms.messages)
        self._mail_shown = len(sandbox.mail.messages)
        self._shown_texts: dict[tuple[str, int], str] = {}
        self._prompt_shown = False
        self._revision_at_line = 0
        self._answers_at_line = 0
        self._answers_shown: dict[str, int] = {}
        self._echo_input = not sys.stdin.isatty()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._commands: dict[str, Callable[[str], Awaitable[bool]]] = {
            "/sandbox": self._help,
            "/say": self._say,
            "/file": self._send_file,
            "/photo": self._send_photo,
            "/as": self._switch_actor,
            "/clock": self._clock,
            "/sms": self._sms,
            "/mail": self._mail,
            "/open": self._open,
            "/restart": self._restart,
            "/quit": self._quit,
            "/exit": self._quit,
        }

    @property
    def person(self) -> Person:
        return self._person(self.actor)

    def _person(self, name: str, language_code: str | None = None) -> Person:
        if name not in self.people:
            if language_code:
                self.people[name] = self.sandbox.person(name, language_code=language_code)
            else:
                self.people[name] = self.sandbox.person(name)
            self._shown_deleted[name] = set(self.people[name].own_deleted_ids)
            self._answers_shown[name] = len(self.people[name].callback_answers)
        return self.people[name]

    # ----- output

    def say(self, text: str) -> None:
        if self._prompt_shown:  # news while the prompt waits: write over it rather than after it
            self.out.write("\r\x1b[K" if self.out.isatty() else "\n")
            self._prompt_shown = False
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> None:
        if self._prompt_shown:
            return
        self.out.write(f"{self.actor}> ")
        self.out.flush()
        self._prompt_shown = True

    def echo(self, line: str) -> None:
        """Input that a terminal did not echo (piped in): shown after the prompt, as if typed."""
        if self._prompt_shown:
            self.out.write(line + "\n")
            self.out.flush()
            self._prompt_shown = False

    def show(self, name: str, message: ShownMessage) -> None:
        to = "" if name == self.actor else f" → {name}"
        if message.deleted:
            self.say(f"🤖{to} (deleted by the bot) “{_excerpt(message.text)}”")
            return
        key = (name, message.message_id)
        before, self._shown_texts[key] = self._shown_texts.get(key), message.text
        if message.edited and before == message.text and not message.buttons:
            first = _excerpt(message.text)
            self.say(f"🤖{to} (the buttons under “{first}” were removed)")
            return
        mark = " (edited)" if message.edited else ""
        text = message.text
        if message.document is not None:
            name_of_file = message.document.file_name or "file"
            text = f"📎 {name_of_file} ({len(message.document.data)} bytes) {text}".rstrip()
        elif message.photo is not None:
            text = f"🖼 photo ({len(message.photo)} bytes) {text}".rstrip()
        lines = text.splitlines() or [""]
        self.say(f"🤖{to}{mark} {lines[0]}")
        for line in lines[1:]:
            self.say(f"   {line}")
        number = 0
        for row in message.buttons:
            choices = []
            for label in row:
                number += 1
                choices.append(f"[{number}] {label}")
            self.say("   " + "   ".join(choices))

    # ----- the session

    async def run(self) -> None:
        """Until /quit, end of input or Ctrl-C."""
        loop = asyncio.get_running_loop()
        self._read_stdin_in_thread(loop)
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals off the main thread
            loop.add_signal_handler(signal.SIGINT, self._lines.put_nowait, INTERRUPT)
        self.say(
            f"You are {self.actor!r} in a private chat with the bot. /sandbox lists the sandbox commands."
        )
        self._person(self.actor)
        self.prompt()
        watcher = asyncio.create_task(self._watch())
        try:
            while (line := await self._lines.get()) not in (None, INTERRUPT):
                if self._echo_input:
                    self.echo(line.rstrip("\r\n"))
                self._revision_at_line = self.sandbox.emulator.revision
                self._answers_at_line = len(self.person.callback_answers)
                if not await self.handle(line.rstrip("\r\n")):
                    break
                # The bot's answer before the next prompt, so that typed-ahead or piped lines (and
                # button numbers in them) follow what the bot said, as in a real chat.
                if self.sandbox.emulator.revision != self._revision_at_line:  # the bot got something
                    await self._bot_idle()
                await self._show_changes()
                self.prompt()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGINT)
            self.say("\nBye. The sandbox data stays in data/sandbox/ for the next run.")

    def _read_stdin_in_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        """A blocking readline must not stop the loop; a daemon thread never holds up the exit."""

        def read() -> None:
            while True:
                line = sys.stdin.readline()
                try:
                    loop.call_soon_threadsafe(self._lines.put_nowait, line or None)
                except RuntimeError:  # the loop is closed: the session is over
                    return
                if not line:
                    return

        threading.Thread(target=read, name="terminal-input", daemon=True).start()

    async def _bot_idle(self) -> None:
        """Wait for the bot's answer in the current chat: some message from it newer than the
        revision at which the line was handled, then a lull. A line the bot leaves unanswered
        gives the prompt back after ANSWER_WAIT seconds."""
        emulator, chat_id = self.sandbox.emulator, self.person.chat_id
        deadline = time.monotonic() + ANSWER_WAIT
        while True:
            with contextlib.suppress(TimeoutError):
                await emulator.wait_idle(chat_id, quiet=0.2, timeout=max(deadline - time.monotonic(), 0.1))
            answered = len(self.person.callback_answers) > self._answers_at_line or any(
                m.from_bot and m.revision > self._revision_at_line for m in emulator.chat_messages(chat_id)
            )
            if answered or time.monotonic() >= deadline:
                return
            await asyncio.sleep(WATCH_INTERVAL)

    def feed(self, line: str | None) -> None:
        """Give the session a line as if typed (None: end of input); for tests and other fronts."""
        self._lines.put_nowait(line)

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False ends the session."""
        text = line.strip()
        if not text:
            return True
        command, _, rest = text.partition(" ")
        handler = self._commands.get(command.lower())
        try:
            if handler is not None:
                return await handler(rest.strip())
            if text.isdigit() and await self._press_number(int(text)):
                return True
            if text.startswith("[") and text.endswith("]") and len(text) > 2:
                await self.person.press(text[1:-1].strip())
                return True
            await self.person.send_text(text)
        except (LookupError, ValueError, OSError) as error:
            self.say(f"⚠ {error}")
        return True

    async def _press_number(self, number: int) -> bool:
        """Press button ``number`` of the newest message with buttons; False if there is no such button."""
        with_buttons = [m for m in self.person.messages if m.buttons and not m.deleted]
        if not with_buttons:
            return False
        labels = with_buttons[-1].labels
        if not 1 <= number <= len(labels):
            return False
        self.say(f"   (pressing [{labels[number - 1]}])")
        await self.person.press(labels[number - 1])
        return True

    async def _watch(self) -> None:
        """Print what the bot sends, edits or deletes in any actor's chat, and new SMS."""
        revision = -1
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            inbox_news = (
                len(self.sandbox.sms.messages) > self._sms_shown
                or len(self.sandbox.mail.messages) > self._mail_shown
            )
            if inbox_news or self.sandbox.emulator.revision != revision:
                revision = self.sandbox.emulator.revision
                if await self._show_changes():
                    self.prompt()

    async def _show_changes(self) -> bool:
        """Print new SMS and what changed in every actor's chat; True if anything was printed."""
        shown = (
            len(self.sandbox.sms.messages) > self._sms_shown
            or len(self.sandbox.mail.messages) > self._mail_shown
        )
        for sms in self.sandbox.sms.messages[self._sms_shown :]:
            self.say(f"📱 SMS {render_sms(sms)}")
        self._sms_shown = len(self.sandbox.sms.messages)
        for mail in self.sandbox.mail.messages[self._mail_shown :]:
            self.say(f"✉️  mail to {', '.join(mail.to)}: {mail.subject}\n{mail.text.rstrip()}")
        self._mail_shown = len(self.sandbox.mail.messages)
        for name, person in list(self.people.items()):
            try:
                changes = await person.new_messages(quiet=0.2, timeout=5)
            except TimeoutError:
                continue  # the bot is still at it: shown on the next round
            deleted = set(person.own_deleted_ids) - self._shown_deleted[name]
            answers = person.callback_answers[self._answers_shown.get(name, 0) :]
            self._answers_shown[name] = self._answers_shown.get(name, 0) + len(answers)
            for answer in answers:  # what Telegram shows on top of the chat after a button press
                if answer.text:
                    to = "" if name == self.actor else f" → {name}"
                    self.say(f"💬{to} {'(alert) ' if answer.show_alert else ''}{answer.text}")
                    shown = True
            for message in changes:
                self.show(name, message)
            for message_id in sorted(deleted):
                to = "" if name == self.actor else f" ({name})"
                self.say(f"🗑 your message #{message_id}{to} was deleted by the bot")
            self._shown_deleted[name] |= deleted
            shown = shown or bool(changes or deleted)
        return shown

    # ----- sandbox commands; each returns False to end the session

    async def _help(self, _: str) -> bool:
        self.say(SANDBOX_HELP)
        return True

    async def _say(self, text: str) -> bool:
        if text:
            await self.person.send_text(text)
        return True

    async def _send_file(self, path_text: str) -> bool:
        path = self._path(path_text)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        await self.person.send_document(path.read_bytes(), path.name, mime_type)
        return True

    async def _send_photo(self, path_text: str) -> bool:
        await self.person.send_photo(self._path(path_text).read_bytes())
        return True

    @staticmethod
    def _path(text: str) -> Path:
        if not text:
            raise ValueError("give a path, e.g. /file ~/photo.jpg")
        return Path(text).expanduser()

    async def _switch_actor(self, rest: str) -> bool:
        name, _, language = rest.partition(" ")
        if not name:
            self.say(f"You are {self.actor!r}. Actors so far: {', '.join(self.people)}")
            return True
        known = name in self.people
        self._person(name, language.strip() or None)
        self.actor = name
        self.say(f"You are now {name!r}" + ("" if known else " (a new Telegram user)") + ".")
        return True

    async def _clock(self, value: str) -> bool:
        if value:
            moved = parse_clock(value)
            if isinstance(moved, timedelta):
                self.sandbox.clock.advance(moved)
            else:
                self.sandbox.clock.set(moved)
            await self.sandbox.clock_moved()
        self.say(f"🕒 sandbox time: {self.sandbox.clock.now():%Y-%m-%d %H:%M:%S} (Beijing)")
        return True

    async def _sms(self, _: str) -> bool:
        if not self.sandbox.sms.messages:
            self.say("📱 the SMS inbox is empty")
        for sms in self.sandbox.sms.messages:
            self.say(f"📱 {sms.sent_at:%m-%d %H:%M} SMS {render_sms(sms)}")
        return True

    async def _mail(self, _: str) -> bool:
        if not self.sandbox.mail.messages:
            self.say("✉️  the mailbox is empty")
        for mail in self.sandbox.mail.messages:
            self.say(f"✉️  to {', '.join(mail.to)}: {mail.subject}\n{mail.text.rstrip()}")
        return True

    async def _open(self, _: str) -> bool:
        mail = self.sandbox.mail.latest()
        command = start_command(mail) if mail is not None else None
        if command is None:
            self.say("✉️  no e-mail with a link to open")
        else:
            await self.person.send_text(command)
        return True

    async def _restart(self, _: str) -> bool:
        self.say("Restarting the bot...")
        await self.sandbox.restart_bot()
        self.say("The bot is back (same database).")
        return True

    async def _quit(self, _: str) -> bool:
        return False


def _excerpt(text: str, length: int = 24) -> str:
    first = (text.splitlines() or [""])[0]
    return first if len(first) <= length else first[:length] + "…"
