"""The ``baoming`` command: the main job, the sandbox, operator checks, staff roles and the audit trail."""

import argparse
import asyncio
import gettext
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.config import LOCALES_DIR, ConfigError, Settings, load_settings, unopenable_database
from bot.logs import setup_logging
from bot.operator import add_operator_commands
from domain import credentials, fields, identity, phones, photos
from domain.accounts import SUPPORTED_LOCALES
from domain.clock import BEIJING, Clock, SystemClock
from domain.masking import mask_email, mask_id_number, mask_phone
from domain.ports import SmsSender
from domain.problems import Problem
from domain.programmes import catalog, programme
from domain.text import N_
from domain.windows import window_text

if TYPE_CHECKING:
    from bot.app import App
    from bot.registration_files import FileError
    from domain.model import YearCatalog
    from domain.ports import UnitOfWork


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
    _add_gd_commands(commands)
    _add_form_commands(commands)
    _add_records_and_payments_commands(commands)
    _add_faq_commands(commands)
    notify = commands.add_parser("notify", help="the outbox of reminders and notices").add_subparsers(
        required=True, metavar="ACTION"
    )
    notify.add_parser(
        "status", help="queued / sending / sent / failed / cancelled / blocked messages per kind"
    ).set_defaults(handler=_notify_status)
    broadcast = notify.add_parser(
        "broadcast",
        help="queue an announcement for everyone holding an account of the programme (sent at the "
        "sender's rate; respects each person's /settings; the same text twice queues nothing more)",
    )
    broadcast.add_argument("--programme", required=True, choices=sorted(catalog()))
    broadcast.add_argument("--text-file", required=True, type=Path, help="UTF-8 text, sent as written")
    broadcast.set_defaults(handler=_notify_broadcast)
    return parser


def _add_gd_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``baoming catalog import|list`` and ``baoming offers import|list`` (广东住培, seed 000 三/四)."""
    catalog_parser = commands.add_parser(
        "catalog", help="广东住培 specialties and training bases per year (import a TOML file, list)"
    ).add_subparsers(required=True, metavar="ACTION")
    importing = catalog_parser.add_parser(
        "import", help="load one year from a TOML file: checked whole, then stored (or nothing is)"
    )
    importing.add_argument("file", metavar="FILE", type=Path)
    importing.set_defaults(handler=_catalog_import)
    listing = catalog_parser.add_parser("list", help="the stored years, or one year's specialties and bases")
    listing.add_argument("--year", type=int, metavar="YEAR")
    listing.set_defaults(handler=_catalog_list)

    offers = commands.add_parser(
        "offers", help="广东住培 admission decisions of a training base (import a CSV file, list)"
    ).add_subparsers(required=True, metavar="ACTION")
    importing = offers.add_parser(
        "import",
        help="record 录取 / 不录取 from a CSV file (身份证号 or 报名号, 结果): every row or none, "
        "only inside the batch's admission window",
    )
    importing.add_argument("file", metavar="FILE.csv", type=Path)
    importing.add_argument("--base", required=True, metavar="ID", help="the training base, like B01")
    importing.set_defaults(handler=_offers_import)
    listing = offers.add_parser("list", help="the applicants who chose a base, with their offers")
    listing.add_argument("--base", required=True, metavar="ID", help="the training base, like B01")
    listing.add_argument("--year", type=int, metavar="YEAR")
    listing.set_defaults(handler=_offers_list)


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


# ----- 广东住培: catalog and offers


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot read the file: {error.strerror}", file=sys.stderr)
        return None


def _count(count: int, noun: str) -> str:
    plural = noun + ("es" if noun.endswith(("ch", "s")) else "s")
    return f"{count} {noun if count == 1 else plural}"


def _catalog_import(args: argparse.Namespace) -> int:
    from bot.catalog_files import read_catalog
    from bot.operator import on_database
    from domain.gd_catalog import CatalogRefused, import_catalog

    name = str(args.file)
    data = _read_file(args.file)
    if data is None:
        return 1
    catalog = read_catalog(data)
    if isinstance(catalog, list):
        for error in catalog:
            print(f"{name}: {error.key}: {error.reason}", file=sys.stderr)
        print(f"nothing imported: {_count(len(catalog), 'error')}", file=sys.stderr)
        return 1

    async def work(uow: "UnitOfWork") -> int:
        outcome = await import_catalog(uow, catalog, SystemClock().now())
        if isinstance(outcome, CatalogRefused):
            print(
                f"{name}: year: the {outcome.year} catalog was not replaced: applications were made "
                "in what this file drops:",
                file=sys.stderr,
            )
            for dropped in outcome.dropped:
                numbers = ", ".join(str(n) for n in dropped.applications)
                print(f"  batch {dropped.number}: applications {numbers}", file=sys.stderr)
            for removed in outcome.removed:
                what = f"specialty {removed.specialty_code}"
                if removed.base_id is not None:
                    what = f"training base {removed.base_id} for specialty {removed.specialty_code}"
                numbers = ", ".join(str(n) for n in removed.applications)
                print(f"  {what}: applications {numbers}", file=sys.stderr)
            return 1
        verb = "replaced" if outcome.replaced else "imported"
        specialties = f"{outcome.specialties} specialt" + ("y" if outcome.specialties == 1 else "ies")
        print(
            f"{verb} the {outcome.year} catalog: {_count(outcome.batches, 'batch')}, {specialties}, "
            f"{_count(outcome.bases, 'base')}, {_count(outcome.offerings, 'offering')}"
        )
        for number in outcome.moved:
            print(f"batch {number}: its windows changed")
        if outcome.moved:
            print(
                f"{_count(outcome.reminders_cancelled, 'queued reminder')} for the old windows cancelled; "
                "the housekeeper plans them for the new windows on its next run"
            )
        return 0

    return on_database(work)


def _catalog_list(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.gd_catalog import catalog_of, catalog_years

    async def work(uow: "UnitOfWork") -> int:
        if args.year is None:
            years = await catalog_years(uow)
            if not years:
                print("no catalog imported")
            for year in years:
                catalog = await catalog_of(uow, year)
                if catalog is not None:
                    print(_catalog_line(catalog))
            return 0
        catalog = await catalog_of(uow, args.year)
        if catalog is None:
            print(f"no catalog of {args.year}", file=sys.stderr)
            return 1
        print(_catalog_line(catalog))
        print("batches (Beijing time): application, admission, confirmation")
        for batch in catalog.batches:
            windows = "; ".join(
                window_text(w) for w in (batch.application, batch.admission, batch.confirmation)
            )
            print(f"  {batch.number}  {windows}")
        print("specialties:")
        for specialty in catalog.specialties:
            bases = ", ".join(b.base_id for b in catalog.bases_offering(specialty.code)) or "none"
            print(f"  {specialty.code}  {specialty.name}  bases: {bases}")
        print("bases:")
        for base in catalog.bases:
            quotas = ", ".join(f"{code}×{quota}" for code, quota in base.quotas.items())
            print(f"  {base.base_id}  {base.name}  {base.city}  {quotas}")
        return 0

    return on_database(work)


def _catalog_line(catalog: "YearCatalog") -> str:
    imported = (
        catalog.imported_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if catalog.imported_at else "?"
    )
    offerings = sum(len(b.quotas) for b in catalog.bases)
    return (
        f"{catalog.year}: {_count(len(catalog.batches), 'batch')}, {len(catalog.specialties)} specialties, "
        f"{len(catalog.bases)} bases, {offerings} offerings; imported {imported} (Beijing)"
    )


class _RowError(Protocol):
    """A refused row of an import (DecisionError, RecordError)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def problem(self) -> Problem: ...


def _refuse_file(name: str, problems: "Sequence[FileError]", outcome: str) -> int:
    """A file whose shape is wrong (header, fields): every problem as FILE:LINE: reason; exit 1."""
    from domain.audit import scrub

    for problem in problems:
        print(scrub(f"{name}:{problem.line}: {problem.reason}"), file=sys.stderr)
    print(f"{outcome}: {_count(len(problems), 'error')}", file=sys.stderr)
    return 1


def _refuse_rows(name: str, headers: Mapping[str, str], errors: Sequence[_RowError], outcome: str) -> int:
    """Rows the domain refused: FILE:LINE: column (as the file heads it): reason; exit 1."""
    from domain.audit import scrub

    say = _translator("en")
    for error in errors:
        column = headers.get(error.column, error.column)
        # Reasons never quote an ID number; scrub() makes sure of it.
        print(scrub(f"{name}:{error.line}: {column}: {say(error.problem)}"), file=sys.stderr)
    print(f"{outcome}: {_count(len(errors), 'error')}", file=sys.stderr)
    return 1


def _offers_import(args: argparse.Namespace) -> int:
    from bot.catalog_files import read_decisions
    from bot.operator import on_database
    from domain.offers import import_decisions

    name = str(args.file)
    data = _read_file(args.file)
    if data is None:
        return 1
    parsed = read_decisions(data)
    if isinstance(parsed, list):
        return _refuse_file(name, parsed, "nothing recorded")
    decisions = parsed
    base_id = args.base.strip()

    async def work(uow: "UnitOfWork") -> int:
        report = await import_decisions(uow, base_id, decisions.rows, SystemClock().now(), args.file.name)
        if report.errors:
            return _refuse_rows(name, decisions.headers, report.errors, "nothing recorded")
        print(f"recorded {report.changed}, unchanged {report.unchanged} (training base {base_id})")
        return 0

    return on_database(work)


def _offers_list(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.offers import STATE_OFFICIAL_NAMES, applicants_of_base

    base_id = args.base.strip()

    async def work(uow: "UnitOfWork") -> int:
        listed = await applicants_of_base(uow, base_id, SystemClock().now(), args.year)
        if not listed:
            print(
                f"no applicant chose the training base {base_id}" + (f" in {args.year}" if args.year else "")
            )
        for item in listed:
            window = "admission open" if item.admission_open else "admission closed"
            print(
                f"{item.year} batch {item.batch}  报名号 {item.application_id}  {item.real_name}  "
                f"{item.id_number}  {item.specialty_code} {item.specialty_name}  choice {item.rank}  "
                f"{STATE_OFFICIAL_NAMES[item.state]} ({item.state.value})  {window}"
            )
        return 0

    return on_database(work)


# ----- 天津高职升本: the registration form


def _add_form_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``baoming form sample``: the 天津高职升本 报名表 PDF an applicant gets, with made-up data."""
    form = commands.add_parser("form", help="天津高职升本 registration form (报名表) PDF").add_subparsers(
        required=True, metavar="ACTION"
    )
    sample = form.add_parser(
        "sample",
        help="write a sample form with made-up data, to see what applicants get "
        "(exit 0 written, 1 cannot, 2 usage)",
    )
    sample.add_argument("target", metavar="OUT.pdf", type=Path)
    sample.add_argument("--name", default="张三", help="the applicant's name to print (default 张三)")
    sample.add_argument(
        "--photo", metavar="FILE", type=Path, help="an ID photo (JPEG or PNG) for the photo box"
    )
    sample.add_argument("--force", action="store_true", help="replace OUT.pdf when it exists")
    sample.set_defaults(handler=_form_sample)


def _form_sample(args: argparse.Namespace) -> int:
    from bot.registration_form import PLACEHOLDER, FontMissing, render, sample_form
    from domain.registration_form import form_photo

    target: Path = args.target
    if target.exists() and not args.force:
        print(f"{target} exists already: add --force to replace it.", file=sys.stderr)
        return 2
    photo = None
    if args.photo is not None:
        try:
            photo = form_photo(args.photo.read_bytes())
        except OSError as error:
            print(f"{args.photo}: cannot read the file: {error.strerror}", file=sys.stderr)
            return 1
        except ValueError as error:
            print(f"{args.photo}: {error}", file=sys.stderr)
            return 1
    try:
        rendered = render(sample_form(SystemClock().now(), name=args.name, photo=photo))
    except FontMissing as error:
        print(error, file=sys.stderr)
        return 1
    try:
        with target.open("wb" if args.force else "xb") as out:
            out.write(rendered.pdf)
    except OSError as error:
        print(f"{target}: cannot write the file: {error.strerror}", file=sys.stderr)
        return 1
    if rendered.missing_glyphs:
        lacking = ", ".join(f"{char} (U+{ord(char):04X})" for char in rendered.missing_glyphs)
        print(f"the form's font has no glyph for {lacking}: printed as {PLACEHOLDER}")
    print(f"wrote {target} ({len(rendered.pdf)} bytes)")
    return 0


# ----- 天津高职升本: 学籍/学历 records and payments


def _add_records_and_payments_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    """``baoming records import|list`` and ``baoming payments list`` (天津高职升本, seed 002 2.7, 2.10)."""
    records = commands.add_parser(
        "records",
        help="学籍 / 学历 records the 天津高职升本 verification checks against (import a CSV, list)",
    ).add_subparsers(required=True, metavar="ACTION")
    importing = records.add_parser(
        "import",
        help="load records from a CSV file (证件号码, 姓名, 类别 学籍|学历, 院校, 专业, 毕业年月): every row "
        "or none; a stored record of the same ID number, kind, school and major is replaced",
    )
    importing.add_argument("file", metavar="FILE.csv", type=Path)
    importing.set_defaults(handler=_records_import)
    listing = records.add_parser("list", help="how many records of each kind; --all lists them (masked)")
    listing.add_argument("--all", action="store_true", help="every record, ID numbers and names masked")
    listing.set_defaults(handler=_records_list)

    payments = commands.add_parser(
        "payments", help="天津高职升本 payment orders and duplicate charges to refund"
    ).add_subparsers(required=True, metavar="ACTION")
    listing = payments.add_parser("list", help="every order, then every duplicate charge (masked)")
    listing.set_defaults(handler=_payments_list)


def _records_import(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from bot.records_files import read_records
    from domain.tj_verification import import_records

    name = str(args.file)
    data = _read_file(args.file)
    if data is None:
        return 1
    parsed = read_records(data)
    if isinstance(parsed, list):
        return _refuse_file(name, parsed, "nothing imported")
    records_file = parsed

    async def work(uow: "UnitOfWork") -> int:
        report = await import_records(uow, records_file.rows, SystemClock().now())
        if report.errors:
            return _refuse_rows(name, records_file.headers, report.errors, "nothing imported")
        print(f"imported {report.added}, replaced {report.replaced}")
        return 0

    return on_database(work)


def _records_list(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.model import RecordKind
    from domain.tj_verification import listed_records, record_counts

    names = {RecordKind.STUDENT: "学籍 (student)", RecordKind.DIPLOMA: "学历 (diploma)"}

    async def work(uow: "UnitOfWork") -> int:
        counts = await record_counts(uow)
        print(", ".join(f"{names[kind]}: {count}" for kind, count in counts.items()))
        if args.all:
            for record in await listed_records(uow):
                imported = record.imported_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
                print(
                    f"{record.id_number}  {record.name}  {names[record.kind]}  {record.school}  "
                    f"{record.major}  {record.graduation}  imported {imported} (Beijing)"
                )
        return 0

    return on_database(work)


def _notify_status(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.model import OutboxState

    states = list(OutboxState)

    async def work(uow: "UnitOfWork") -> int:
        async with uow:
            counts = await uow.outbox.counts()
        kinds = sorted({kind for kind, _state in counts})
        if not kinds:
            print("no messages")
            return 0
        width = max([len("kind"), *map(len, kinds)])
        print("  ".join(["kind".ljust(width), *(f"{state.value:>9}" for state in states)]))
        for kind in kinds:
            cells = (f"{counts.get((kind, state.value), 0):>9}" for state in states)
            print("  ".join([kind.ljust(width), *cells]))
        return 0

    return on_database(work)


def _notify_broadcast(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.announcements import broadcast

    try:
        text = args.text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.text_file}: cannot read it as UTF-8 text: {error}", file=sys.stderr)
        return 1

    async def work(uow: "UnitOfWork") -> int:
        done = await broadcast(uow, args.programme, text, SystemClock().now())
        if isinstance(done, Problem):
            print(f"{args.text_file}: {_translator('en')(done)} Nothing queued.", file=sys.stderr)
            return 1
        again = done.recipients - done.queued
        print(
            f"announcement queued for {done.queued} of {done.recipients} people of {args.programme}"
            + (f" ({again} had it queued or sent before)" if again else "")
        )
        return 0

    return on_database(work)


def _payments_list(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.payments import amount_text, duplicates, listed_orders

    def moment(value: datetime | None) -> str:
        return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if value else "-"

    async def work(uow: "UnitOfWork") -> int:
        orders = await listed_orders(uow)
        if not orders:
            print("no orders")
        for item in orders:
            order = item.order
            paid = (
                f"paid {moment(order.paid_at)} charge {order.telegram_charge_id}" if order.paid_at else "open"
            )
            print(
                f"order {order.id}  {order.programme} {order.year}  {item.applicant}  {item.id_number}  "
                f"{amount_text(order.amount, order.currency)}  {paid}"
            )
        charges = await duplicates(uow)
        print(f"duplicate charges to refund by hand: {len(charges)}")
        for charge in charges:
            payment = charge.payment
            print(
                f"  charge {payment.telegram_charge_id}  provider {payment.provider_charge_id}  "
                f"{amount_text(payment.amount, payment.currency)}  received {moment(payment.received_at)}  "
                f"order {charge.order.id}  {charge.applicant}  {charge.id_number}"
            )
        return 0

    return on_database(work)


def _add_faq_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``baoming faq ask|stats``: the help line's knowledge base and what applicants asked (issue 8)."""
    faq = commands.add_parser("faq", help="the help line's FAQ: ask it, and its statistics").add_subparsers(
        required=True, metavar="ACTION"
    )
    asking = faq.add_parser(
        "ask",
        help="the answer the bot gives, its entry id, source and score (exit 1: none, a person answers)",
    )
    asking.add_argument("question", metavar="QUESTION")
    asking.add_argument("--programme", metavar="CODE", choices=sorted(catalog()), help="the applicant's")
    asking.add_argument("--locale", choices=SUPPORTED_LOCALES, default="zh_Hans", help="the applicant's")
    asking.set_defaults(handler=_faq_ask)
    stats = faq.add_parser(
        "stats", help="questions answered, handed off and unanswered; the most asked unanswered"
    )
    stats.add_argument(
        "--top", type=int, default=10, metavar="N", help="how many unanswered questions to list"
    )
    stats.set_defaults(handler=_faq_stats)


def _faq_ask(args: argparse.Namespace) -> int:
    from bot.app import vetted_knowledge_base
    from bot.faq_files import FaqFileError
    from bot.operator import on_database
    from domain.helpline import staff_entries

    try:
        vetted = vetted_knowledge_base()
    except FaqFileError as error:
        print(error, file=sys.stderr)
        return 2

    async def work(uow: "UnitOfWork") -> int:
        kb = vetted.with_entries(await staff_entries(uow))
        match = kb.ask(args.question, programme=args.programme, locale=args.locale)
        if match is None:
            closest = kb.search(args.question, programme=args.programme, locale=args.locale, limit=1)
            best = f"; closest: {closest[0].entry.id} (score {closest[0].score:.3f})" if closest else ""
            print(f"no answer: the bot hands this question to a person{best}")
            return 1
        entry = match.entry
        written = "  (staff-written)" if entry.staff_written else ""
        print(f"{entry.id}  score {match.score:.3f}{written}\nsource: {entry.source}\n\n{entry.answer}")
        return 0

    return on_database(work)


def _faq_stats(args: argparse.Namespace) -> int:
    from bot.operator import on_database
    from domain.helpline import question_stats
    from domain.model import QuestionOutcome

    async def work(uow: "UnitOfWork") -> int:
        stats = await question_stats(uow, max(args.top, 0))
        total = sum(stats.counts.values())
        print(f"questions: {total}")
        for outcome, label in (
            (QuestionOutcome.ANSWERED, "answered"),
            (QuestionOutcome.SUGGESTED, "answered by a suggestion picked"),
            (QuestionOutcome.HANDED_OFF, "handed off"),
            (QuestionOutcome.UNANSWERED, "unanswered"),
        ):
            print(f"{label}: {stats.counts[outcome]}")
        if stats.unanswered:
            print("most asked without an answer:")
            for text, count in stats.unanswered:
                print(f"{count:>5}  {text}")
        return 0

    return on_database(work)


if __name__ == "__main__":
    sys.exit(main())
