"""``baoming export profiles``: every applicant's profile in a programme, as CSV (domain/exports.py).

Masked unless ``--unmasked``; an unmasked export is recorded on every account it holds and logged
with the operator's OS user. The audit entries are committed before a byte is written, and the
output file is opened before that, so a file that cannot be written costs no audit entry and an
export is never written without its audit entries.
"""

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import BinaryIO

from bot.logs import setup_logging
from bot.operator import on_database
from domain import exports
from domain.clock import SystemClock
from domain.ports import UnitOfWork
from domain.programmes import catalog

logger = logging.getLogger(__name__)


def export_profiles_command(args: argparse.Namespace) -> int:
    """The handler of ``baoming export profiles`` (wired in bot/operator.py)."""
    programmes = sorted(catalog())
    if args.programme not in programmes:
        print(f"no programme {args.programme}; the programmes are {', '.join(programmes)}", file=sys.stderr)
        return 1
    existed = args.output is not None and args.output.exists()
    output = _open_output(args.output, force=args.force) if args.output is not None else sys.stdout.buffer
    if isinstance(output, str):
        print(output, file=sys.stderr)
        return 1
    mode = "unmasked" if args.unmasked else "masked"
    operator = _os_user()

    async def work(uow: UnitOfWork) -> exports.Table:
        return await exports.export_profiles(
            uow, SystemClock(), args.programme, unmasked=args.unmasked, operator=operator
        )

    try:
        table = on_database(work)
    except BaseException:
        if output is not sys.stdout.buffer:
            output.close()
            if not existed:
                args.output.unlink(missing_ok=True)  # the empty file this command made
        raise
    count = len(table.rows)
    if args.unmasked:
        _warn("unmasked export of %s of %s by OS user %s", _accounts(count), args.programme, operator)
    data = exports.to_csv(table)
    if output is sys.stdout.buffer:
        sys.stdout.flush()  # whatever was printed as text goes first
        output.write(data)
        output.flush()
    else:
        with output:
            output.truncate(0)  # --force opened the file without truncating it, in case of a failure
            output.write(data)
    print(f"exported {_accounts(count)} of {args.programme} ({mode})", file=sys.stderr)
    return 0


def _open_output(path: Path, *, force: bool) -> BinaryIO | str:
    """The file opened for writing, or why not. Readable by its owner only: it holds personal data."""
    flags = os.O_WRONLY | os.O_CREAT | (0 if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        return f"{path}: the file exists; --force overwrites it"
    except OSError as error:
        return f"{path}: cannot write the file: {error.strerror}"
    return os.fdopen(descriptor, "wb")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and none for the uid
        return f"uid {os.getuid()}"


def _warn(message: str, *args: object) -> None:
    # Operator commands set up no logging; a process that did (tests, a wrapper) keeps its own.
    if not logging.getLogger().handlers:
        setup_logging("WARNING")
    logger.warning(message, *args)


def _accounts(count: int) -> str:
    return f"{count} account" + ("" if count == 1 else "s")
