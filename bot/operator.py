"""Operator commands on the database of DATABASE_URL: staff roles, the audit trail, exam registrations."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.config import load_settings, unopenable_database
from domain import identity, staff
from domain.clock import BEIJING, SystemClock
from domain.masking import mask_id_number, mask_mobile
from domain.model import Channel
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import catalog
from domain.registration import login_name


def add_operator_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """``baoming staff add|list|remove`` and ``baoming audit``: operator commands on DATABASE_URL."""
    from domain.model import Role

    programmes = sorted(catalog())
    staff_parser = commands.add_parser("staff", help="staff roles (help line, reviewer, admissions, admin)")
    actions = staff_parser.add_subparsers(required=True, metavar="ACTION")
    for action, helptext in (("add", "grant a role"), ("remove", "withdraw a role")):
        sub = actions.add_parser(action, help=helptext)
        sub.add_argument("telegram_id", metavar="TELEGRAM_ID", type=_telegram_id)
        sub.add_argument("--role", required=True, choices=[role.value for role in Role])
        sub.add_argument("--programme", required=True, choices=programmes)
        sub.add_argument("--base", metavar="ID", help="training base (admissions officers only)")
        sub.set_defaults(handler=_staff_add if action == "add" else _staff_remove)
    listing = actions.add_parser("list", help="list the staff roles")
    listing.add_argument("--programme", choices=programmes)
    listing.set_defaults(handler=_staff_list)

    audit = commands.add_parser("audit", help="the audit trail of an applicant's account")
    which = audit.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", metavar="USERNAME")
    which.add_argument("--id-number", metavar="NUMBER")
    audit.add_argument("--programme", required=True, choices=programmes)
    audit.set_defaults(handler=_audit)

    from domain.exam_registrations import known_regions

    registrations = commands.add_parser(
        "registrations", help="医师资格考试 exam registrations (import from the NMEC export, list)"
    ).add_subparsers(required=True, metavar="ACTION")
    importing = registrations.add_parser("import", help="import a CSV file: every row or none")
    importing.add_argument("file", metavar="FILE.csv", type=Path)
    importing.set_defaults(handler=_registrations_import)
    listing = registrations.add_parser("list", help="list the imported registrations (masked)")
    listing.add_argument("--region", metavar="CODE", choices=sorted(known_regions()))
    listing.set_defaults(handler=_registrations_list)

    export = commands.add_parser(
        "export", help="export applicants' data (masked unless --unmasked)"
    ).add_subparsers(required=True, metavar="WHAT")
    profiles = export.add_parser(
        "profiles", help="every account of a programme with its profile, one row each (CSV, UTF-8 with BOM)"
    )
    # Checked by the handler, not by choices: an unknown programme is one line and exit 1.
    profiles.add_argument(
        "--programme", required=True, metavar="CODE", help="one of " + ", ".join(programmes)
    )
    profiles.add_argument("--format", choices=["csv"], default="csv", help="the file format (csv)")
    profiles.add_argument(
        "--unmasked",
        action="store_true",
        help="full ID numbers, mobiles and e-mail addresses; recorded in every account's audit trail",
    )
    profiles.add_argument("--output", metavar="FILE", type=Path, help="write FILE instead of stdout")
    profiles.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    profiles.set_defaults(handler=_export_profiles)


def _export_profiles(args: argparse.Namespace) -> int:
    from bot.export import export_profiles_command

    return export_profiles_command(args)


def _telegram_id(value: str) -> str:
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a numeric Telegram user id, got {value!r}")
    return str(int(value))


T = TypeVar("T")


def on_database(work: "Callable[[UnitOfWork], Awaitable[T]]") -> T:
    """Migrate the database of DATABASE_URL, then run ``work`` with a unit of work on it."""

    async def run() -> T:
        from sqlalchemy.exc import OperationalError

        from bot.db.engine import create_engine, create_session_factory
        from bot.db.migrate import upgrade_to_head
        from bot.db.tables import start_mappers
        from bot.db.uow import SqlUnitOfWork

        url = load_settings().database_url
        try:
            await upgrade_to_head(url)
        except (OperationalError, OSError) as error:
            raise unopenable_database(error) from None
        start_mappers()
        engine = create_engine(url)
        try:
            return await work(SqlUnitOfWork(create_session_factory(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _grant_from(args: argparse.Namespace) -> "staff.Grant | None":
    grant = staff.parse_grant(args.role, args.programme, args.base)
    if isinstance(grant, Problem):
        print(_english(grant), file=sys.stderr)
        return None
    return grant


def _english(problem: Problem) -> str:
    from bot.app import build_i18n

    return build_i18n().gettext(problem.message, locale="en").format(**problem.params)


def _describe_grant(telegram_id: str, grant: "staff.Grant") -> str:
    base = f" of the training base {grant.base_id}" if grant.base_id else ""
    return f"telegram {telegram_id}: {grant.role} of {grant.programme}{base}"


def _staff_add(args: argparse.Namespace) -> int:
    grant = _grant_from(args)
    if grant is None:
        return 1

    async def work(uow: "UnitOfWork") -> int:
        granted = await staff.add_staff(uow, SystemClock(), Channel.TELEGRAM, args.telegram_id, grant)
        verb = "granted" if granted.new else "already granted, nothing changed"
        print(f"{verb}: {_describe_grant(args.telegram_id, grant)}")
        return 0

    return on_database(work)


def _staff_remove(args: argparse.Namespace) -> int:
    grant = _grant_from(args)
    if grant is None:
        return 1

    async def work(uow: "UnitOfWork") -> int:
        if not await staff.remove_staff(uow, Channel.TELEGRAM, args.telegram_id, grant):
            print(
                f"no such role, nothing removed: {_describe_grant(args.telegram_id, grant)}", file=sys.stderr
            )
            return 1
        print(f"removed: {_describe_grant(args.telegram_id, grant)}")
        return 0

    return on_database(work)


def _staff_list(args: argparse.Namespace) -> int:
    async def work(uow: "UnitOfWork") -> int:
        members = await staff.list_staff(uow, args.programme)
        if not members:
            print("no staff roles" + (f" in {args.programme}" if args.programme else ""))
        for member in members:
            since = member.added_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
            base = f" base={member.base_id}" if member.base_id else ""
            person = f"{member.channel} {member.external_id}"
            print(f"{member.programme}  {person}  {member.role}{base}  since {since}")
        return 0

    return on_database(work)


def _audit(args: argparse.Namespace) -> int:
    from domain import audit

    async def work(uow: "UnitOfWork") -> int:
        found = await audit.account_history(
            uow, args.programme, username=args.account, id_number=args.id_number
        )
        if found is None:
            which = (
                f"username {args.account}"
                if args.account is not None
                else f"ID number {mask_id_number(identity.normalise_id_number(args.id_number))}"
            )
            print(f"no account of {args.programme} with the {which}", file=sys.stderr)
            return 1
        account = found.account
        masked = mask_id_number(account.id_number)
        print(f"account {login_name(account)} of {account.programme}, ID number {masked}")
        if not found.entries:
            print("no events recorded")
        for entry in found.entries:
            at = entry.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
            person = found.people.get(entry.user_id) if entry.user_id is not None else None
            if person is not None:
                who = f"chat user {entry.user_id} ({person.channel} {person.external_id})"
            else:
                who = "no chat user" if entry.user_id is None else f"chat user {entry.user_id}"
            detail = "".join(f"  {key}={value}" for key, value in sorted(entry.detail.items()))
            print(f"{at} (Beijing)  {entry.kind:<10}  {who}{detail}")
        return 0

    return on_database(work)


def _registrations_import(args: argparse.Namespace) -> int:
    from bot.registration_files import read
    from domain.audit import scrub
    from domain.exam_registrations import import_registrations

    name = str(args.file)
    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"{name}: cannot read the file: {error.strerror}", file=sys.stderr)
        return 1
    parsed = read(data)
    if isinstance(parsed, list):
        for problem in parsed:
            print(scrub(f"{name}:{problem.line}: {problem.reason}"), file=sys.stderr)
        print(f"nothing imported: {_errors(len(parsed))}", file=sys.stderr)
        return 1
    registration_file = parsed

    async def work(uow: "UnitOfWork") -> int:
        report = await import_registrations(uow, SystemClock(), registration_file.rows)
        if report.errors:
            translate = _english_translator()
            for error in report.errors:
                column = registration_file.headers.get(error.column, error.column)
                # The reasons never quote an ID number or mobile; scrub() makes sure of it.
                print(scrub(f"{name}:{error.line}: {column}: {translate(error.problem)}"), file=sys.stderr)
            print(f"nothing imported: {_errors(len(report.errors))}", file=sys.stderr)
            return 1
        print(f"imported {report.imported}, unchanged {report.unchanged}")
        return 0

    return on_database(work)


def _errors(count: int) -> str:
    return f"{count} error" + ("" if count == 1 else "s")


def _english_translator() -> Callable[[Problem], str]:
    from bot.app import build_i18n

    i18n = build_i18n()
    return lambda problem: i18n.gettext(problem.message, locale="en").format(**problem.params)


def _registrations_list(args: argparse.Namespace) -> int:
    from domain.exam_registrations import list_registrations, region_name

    async def work(uow: "UnitOfWork") -> int:
        listed = await list_registrations(uow, args.region)
        if not listed:
            print("no registrations" + (f" in {args.region}" if args.region else ""))
        for item in listed:
            r = item.registration
            linked = "linked" if item.linked else "not linked"
            print(
                f"{r.registration_number}  {r.real_name}  {mask_id_number(r.id_number)}  "
                f"{mask_mobile(r.mobile)}  {r.exam_region} ({region_name(r.exam_region)})  "
                f"{r.exam_site}  {r.category}  {linked}"
            )
        return 0

    return on_database(work)
