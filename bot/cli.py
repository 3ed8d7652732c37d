"""The ``baoming`` command: the main job, the sandbox, operator checks, staff roles and the audit trail."""

import argparse
import asyncio
import gettext
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import LOCALES_DIR, ConfigError, Settings, load_settings, unopenable_database
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
    ):
        sub = kinds.add_parser(kind, help=helptext)
        sub.add_argument("value")
        sub.add_argument(
            "--lang", choices=SUPPORTED_LOCALES, default="zh_Hans", help="language of the reason"
        )
        if kind in ("password", "email"):
            sub.add_argument("--programme", required=True, choices=sorted(catalog()))
        sub.set_defaults(handler=_check, kind=kind)
    _add_photo_commands(commands, kinds)
    add_operator_commands(commands)
    return parser


def _add_photo_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
    checks: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    specs = sorted(photos.SPECS)
    spec_help = (
        "the upload slot's rules: degree-equiv (同等学力申硕, 390×567 JPEG), nmec-materials (医师资格考试 "
        "materials, JPEG/PNG), tj-id-photo / tj-id-card (天津高职升本 证件照 / ID card portrait side)"
    )
    check = checks.add_parser(
        "photo",
        help="a photo or scan file (path): exit 0 when the hard rules hold (warnings alone too), "
        "1 when not, 2 when the file cannot be read",
    )
    check.add_argument("path", metavar="FILE")
    check.add_argument("--spec", choices=specs, default=photos.DEGREE_PHOTO.code, help=spec_help)
    check.add_argument("--lang", choices=SUPPORTED_LOCALES, default="zh_Hans", help="language of the reasons")
    check.set_defaults(handler=_check_photo)

    fix = commands.add_parser("fix", help="fix a file for an upload slot (exit 0 written, 1 cannot, 2 usage)")
    kinds = fix.add_subparsers(required=True, metavar="KIND")
    photo = kinds.add_parser(
        "photo",
        help="turn upright, crop, shrink and save as JPEG under the byte limit; never retouched; "
        "exit 1 with the reason when it cannot (OUT is then not written)",
    )
    photo.add_argument("source", metavar="IN")
    photo.add_argument("target", metavar="OUT")
    photo.add_argument("--spec", choices=specs, required=True, help=spec_help)
    photo.add_argument("--force", action="store_true", help="replace OUT when it exists")
    photo.add_argument("--lang", choices=SUPPORTED_LOCALES, default="zh_Hans", help="language of the reasons")
    photo.set_defaults(handler=_fix_photo)


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


def _translator(lang: str) -> Callable[[Problem], str]:
    # The catalogs build_i18n reads, through the standard library: importing aiogram takes seconds,
    # too long for a one-shot command the help line runs while the applicant waits.
    catalog = gettext.translation("messages", LOCALES_DIR, languages=[lang], fallback=True)

    def say(problem: Problem) -> str:
        return catalog.gettext(problem.message).format(**problem.params)

    return say


def _read(path: str, say: Callable[[Problem], str]) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        print(
            say(Problem(N_("Cannot read {path}: {reason}"), {"path": path, "reason": error.strerror or ""}))
        )
        return None


def _print_report(report: photos.PhotoReport, say: Callable[[Problem], str]) -> None:
    """The measured values, every problem, then every warning: the help line reads them out."""
    size = f"{report.width}×{report.height}" if report.width is not None else None
    shape = " ".join(part for part in (size, report.format, report.mode) if part is not None)
    measured = ", ".join(part for part in (shape, f"{report.size_bytes} bytes") if part)
    print(f"OK: {measured}" if report.ok else f"Refused: {measured}")
    for problem in report.problems:
        print(say(problem))
    if report.face is not None:
        face = report.face
        print(f"Face: {face.width}×{face.height} px at ({face.x}, {face.y})")
    for warning in report.warnings:
        print(say(Problem(N_("Warning: {warning}"), {"warning": say(warning)})))


def _check_photo(args: argparse.Namespace) -> int:
    say = _translator(args.lang)
    data = _read(args.path, say)
    if data is None:
        return 2
    report = photos.check(data, photos.SPECS[args.spec])
    _print_report(report, say)
    return 0 if report.ok else 1


def _fix_photo(args: argparse.Namespace) -> int:
    say = _translator(args.lang)
    target = Path(args.target)
    if target.exists() and not args.force:
        print(say(Problem(N_("{path} exists already: add --force to replace it."), {"path": args.target})))
        return 2
    data = _read(args.source, say)
    if data is None:
        return 2
    fixed = photos.fix(data, photos.SPECS[args.spec])
    if isinstance(fixed, Problem):
        print(say(fixed))
        return 1
    try:
        # "x" refuses a file that appeared since the test above; --force replaces it.
        with target.open("wb" if args.force else "xb") as out:
            out.write(fixed.data)
    except OSError as error:
        reason = error.strerror or ""
        print(say(Problem(N_("Cannot write {path}: {reason}"), {"path": args.target, "reason": reason})))
        return 2
    for change in fixed.changes:
        print(say(change))
    _print_report(fixed.report, say)
    print(say(Problem(N_("Saved the fixed file as {path}."), {"path": args.target})))
    return 0


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
