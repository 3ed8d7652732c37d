"""``baoming export profiles`` on a migrated SQLite database: masked by default, audited when not."""

import asyncio
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_to_head
from bot.db.tables import start_mappers
from bot.db.uow import SqlUnitOfWork
from domain.model import Account, AccountEvent
from tests.unit.test_export_profiles import (
    EDUCATION,
    FULL_EMAIL,
    FULL_ID_NUMBER,
    FULL_LANDLINE,
    FULL_MOBILE,
    GD,
    LI_ID,
    LI_MOBILE,
    NOW,
    ZHANG_ID,
    ZHANG_MOBILE,
    li,
    rows,
    zhang,
)


async def _seed(url: str) -> None:
    start_mappers()
    await upgrade_to_head(url)
    engine = create_engine(url)
    uow = SqlUnitOfWork(create_session_factory(engine))
    try:
        async with uow:
            for applicant in (zhang(), li()):
                applicant.account.id = None
                saved = await uow.accounts.add(applicant.account)
                for section in applicant.sections:
                    section.id, section.account_id = None, saved.id or 0
                    await uow.profile_sections.add(section)
            # Another programme's account, with the same person's numbers: never in a gd-residency export.
            await uow.accounts.add(
                Account("tj-upgrade", ZHANG_ID, "hash", "张三", ZHANG_ID, ZHANG_MOBILE, NOW)
            )
            await uow.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no .env of the working copy
    asyncio.run(_seed(url))
    return path


def baoming(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def export(capsys: pytest.CaptureFixture[str], output: Path, *options: str) -> tuple[int, str, str]:
    return baoming(capsys, "export", "profiles", "--programme", GD, "--output", str(output), *options)


def exported_unmasked_events(database: Path) -> list[int]:
    with sqlite3.connect(database) as connection:
        query = "SELECT account_id FROM account_events WHERE kind = ? ORDER BY account_id"
        return [account_id for (account_id,) in connection.execute(query, (AccountEvent.EXPORTED_UNMASKED,))]


def test_the_export_is_masked_by_default_and_says_so(database, tmp_path, capsys):
    output = tmp_path / "profiles.csv"

    code, out, err = export(capsys, output)

    assert (code, out, err) == (0, "", "exported 2 accounts of gd-residency (masked)\n")
    text = output.read_bytes().decode("utf-8-sig")
    for pattern in (FULL_ID_NUMBER, FULL_MOBILE, FULL_EMAIL, FULL_LANDLINE):
        assert not pattern.search(text), pattern.pattern
    [first, second] = rows(output.read_bytes())
    assert (first["username"], first["id_number"], first["mobile"]) == (
        "zhangsan",
        "1101**********1233",
        "138****5678",
    )
    assert second["email"] == "l***@example.com"
    assert exported_unmasked_events(database) == []
    assert output.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only


def test_modules_never_saved_are_empty_cells_and_records_are_json(database, tmp_path, capsys):
    output = tmp_path / "profiles.csv"
    export(capsys, output, "--unmasked")

    [first, second] = rows(output.read_bytes())

    assert second["basic.sex"] == "2"
    assert second["contact.mobile"] == second["education.records"] == ""

    assert json.loads(first["education.records"]) == EDUCATION


def test_unmasked_prints_everything_and_leaves_an_audit_entry_on_every_account(
    database, tmp_path, capsys, caplog
):
    output = tmp_path / "profiles.csv"

    with caplog.at_level(logging.WARNING, logger="bot.export"):
        code, _, err = export(capsys, output, "--unmasked")

    assert (code, err) == (0, "exported 2 accounts of gd-residency (unmasked)\n")
    [first, second] = rows(output.read_bytes())
    assert (first["id_number"], first["mobile"], first["contact.email"]) == (
        ZHANG_ID,
        ZHANG_MOBILE,
        "zhang.san@example.com",
    )
    assert (second["id_number"], second["mobile"]) == (LI_ID, LI_MOBILE)
    assert exported_unmasked_events(database) == [1, 2]  # the tj-upgrade account (3) is not in it
    [warning] = [r for r in caplog.records if r.name == "bot.export"]
    assert warning.levelno == logging.WARNING
    assert "2 accounts" in warning.getMessage() and "OS user" in warning.getMessage()
    assert not FULL_ID_NUMBER.search(warning.getMessage()) and not FULL_MOBILE.search(warning.getMessage())

    code, trail, _ = baoming(capsys, "audit", "--account", "zhangsan", "--programme", GD)
    assert code == 0 and AccountEvent.EXPORTED_UNMASKED in trail and "operator=" in trail


def test_two_exports_of_the_same_data_are_the_same_bytes_on_stdout_and_in_a_file(
    database, tmp_path, capsysbinary
):
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    for output in (first, second):
        assert main(["export", "profiles", "--programme", GD, "--output", str(output)]) == 0
    capsysbinary.readouterr()

    assert main(["export", "profiles", "--programme", GD, "--format", "csv"]) == 0
    stdout = capsysbinary.readouterr().out

    assert first.read_bytes() == second.read_bytes() == stdout
    assert stdout.startswith(b"\xef\xbb\xbfusername,")


def test_an_unknown_programme_is_one_line_and_exit_1_and_writes_nothing(database, tmp_path, capsys):
    output = tmp_path / "profiles.csv"

    code, out, err = baoming(
        capsys, "export", "profiles", "--programme", "gd-residence", "--output", str(output)
    )

    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and "gd-residence" in err and GD in err
    assert not output.exists()


def test_an_existing_file_is_kept_unless_forced(database, tmp_path, capsys):
    output = tmp_path / "profiles.csv"
    output.write_text("keep me")

    code, _, err = export(capsys, output)
    assert (code, output.read_text()) == (1, "keep me")
    assert err.splitlines() == [f"{output}: the file exists; --force overwrites it"]

    code, _, _ = export(capsys, output, "--force")
    assert code == 0 and len(rows(output.read_bytes())) == 2


def test_a_configuration_error_is_exit_2_and_leaves_no_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///no-async-driver.sqlite3")
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "profiles.csv"

    code, out, err = export(capsys, output)

    assert (code, out) == (2, "")
    assert err.startswith("configuration error: DATABASE_URL") and len(err.splitlines()) == 1
    assert not output.exists()
