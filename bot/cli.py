"""The ``baoming`` command: the main job, the sandbox, operator checks, staff roles and the audit trail."""

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, load_settings, unopenable_database
from bot.logs import setup_logging
from bot.operator import add_operator_commands
from domain import credentials, fields, identity, phones, photos
from domain.accounts import SUPPORTED_LOCALES
from domain.clock import Clock, SystemClock
from domain.masking import mask_email, mask_id_number, mask_phone
from domain.ports import SmsSender
from domain.problems import Problem
from domain.programmes import catalog, programme
from domain.text import N_

if TYPE_CHECKING:
    from bot.app import App


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baoming", description="报名助手: the application assistant bot")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="serve Telegram with BOT_TOKEN, else the sandbox terminal chat")
    run.set_defaults(handler=_run)

    sandbox = commands.add_parser("sandbox", help="the local sandbox").add_subparsers(
        required=True, metavar="ACTION"
    )
    play = sandbox.add_parser("play", help="play conversation transcripts (*.chat) against the sandbox")
    play.add_argument("files", nargs="+", metavar="FILE")
    play.set_defaults(handler=_play)

    check = commands.add_parser("check", help="check a value as the bot would (exit 0 valid, 1 not)")
    kinds = check.add_subparsers(required=True, metavar="KIND")
    for kind, helptext in (
        ("id-number", "an 18-digit resident ID number"),
        ("mobile", "a mainland mobile number"),
        ("phone", "a mobile or landline number"),
        ("password", "a password, by the rules of a programme"),
        ("email", "an e-mail address, by the rules of a programme"),
        ("postcode", "a 6-digit postcode"),
        (
            "photo",
            "a photo file (path), by the rules of 同等学力申硕: 390×567 JPEG, 24-bit RGB, ≤ 200,000 bytes",
        ),
    ):
        sub = kinds.add_parser(kind, help=helptext)
        sub.add_argument("value")
        sub.add_argument(
            "--lang", choices=SUPPORTED_LOCALES, default="zh_Hans", help="language of the reason"
        )
        if kind in ("password", "email"):
            sub.add_argument("--programme", required=True, choices=sorted(catalog()))
        sub.set_defaults(handler=_check, kind=kind)
    add_operator_commands(commands)
    return parser


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging(settings.log_level)
    try:
        if settings.bot_token is None:
            from bot.sandbox.sandbox_cli import run_terminal

            asyncio.run(run_terminal(settings))
        else:
            asyncio.run(_serve_telegram(settings))
    except KeyboardInterrupt:  # Ctrl-C before the chat or the polling loop took over the signal
        return 130
    return 0


async def _serve_telegram(settings: Settings) -> None:
    # Imported here so that a configuration error is reported without loading aiogram first.
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.sms import load_sender

    clock = SystemClock()
    # Without a provider, codes go to the log: fit for a trial, said loudly in the README.
    sender = load_sender(settings.sms_sender, clock, log_codes=True)
    app = await _start_app(settings, clock, sender)
    try:
        await app.bot.get_me()
    except TelegramUnauthorizedError:
        await app.close()
        raise ConfigError(
            "configuration error: BOT_TOKEN: Telegram refused this token (401 Unauthorized)"
        ) from None
    except TelegramNetworkError as error:
        await app.close()
        raise ConfigError(f"cannot reach the Telegram Bot API: {error.message}") from None
    try:
        await app.dispatcher.start_polling(app.bot)
    finally:
        await app.engine.dispose()


async def _start_app(settings: Settings, clock: Clock, sender: SmsSender) -> "App":
    from sqlalchemy.exc import OperationalError

    from bot.app import build_app

    try:
        return await build_app(settings, clock=clock, sms_sender=sender)
    except (OperationalError, OSError) as error:
        raise unopenable_database(error) from None


def _play(args: argparse.Namespace) -> int:
    from bot.sandbox.sandbox_cli import play

    setup_logging("WARNING")
    return play(args.files)


def _check(args: argparse.Namespace) -> int:
    from bot.app import build_i18n

    i18n = build_i18n()

    def translate(message: str) -> str:
        return i18n.gettext(message, locale=args.lang)

    checkers: dict[str, Callable[[str], str | Problem | list[Problem]]] = {
        "id-number": lambda value: _describe_id(value, translate),
        "mobile": lambda value: _masked(phones.parse_mobile(value)),
        "phone": lambda value: _masked(phones.parse_phone(value)),
        "password": lambda value: (
            credentials.check_password(value, programme(args.programme).password_policy)
            or translate(N_("a valid password"))
        ),
        "email": lambda value: _masked_email(
            fields.parse_email(
                value, refused_providers=programme(args.programme).email_rules.refused_providers
            )
        ),
        "postcode": fields.parse_postcode,
        "photo": _check_photo,
    }
    outcome = checkers[args.kind](args.value)
    problems = [outcome] if isinstance(outcome, Problem) else outcome if isinstance(outcome, list) else []
    if problems:
        for item in problems:
            text = translate(item.message).format(**item.params)
            if item.example:
                text += "\n" + translate("Example: {example}").format(example=translate(item.example))
            print(text)
        return 1
    print(f"OK: {outcome}")
    return 0


def _check_photo(path: str) -> str | list[Problem]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return [Problem(N_("Cannot read {path}: {reason}"), {"path": path, "reason": error.strerror or ""})]
    report = photos.inspect(data, photos.SEED_003)
    if report.problems:
        return report.problems
    return f"{report.width}×{report.height} {report.format} {report.mode}, {report.size_bytes} bytes"


def _describe_id(value: str, translate: Callable[[str], str]) -> str | Problem:
    parsed = identity.parse_resident_id(value, date.today())
    if isinstance(parsed, Problem):
        return parsed
    sex = translate(N_("male") if parsed.sex is identity.Sex.MALE else N_("female"))
    return f"{mask_id_number(parsed.number)}, {parsed.birth_date.isoformat()}, {sex}"


def _masked(outcome: str | Problem) -> str | Problem:
    return outcome if isinstance(outcome, Problem) else mask_phone(outcome)


def _masked_email(outcome: str | Problem) -> str | Problem:
    return outcome if isinstance(outcome, Problem) else mask_email(outcome)


if __name__ == "__main__":
    sys.exit(main())
