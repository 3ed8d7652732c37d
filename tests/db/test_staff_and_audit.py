"""Staff roles and the audit trail in the database, and the operator commands over them."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import Connection, delete, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli import main
from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.tables import accounts
from bot.db.uow import SqlUnitOfWork
from domain.audit import record
from domain.model import Account, AccountEvent, Role, StaffMember
from tests.fakes import FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
ID_NUMBER = "110101199003071233"


def member(role: Role = Role.REVIEWER, base_id: str | None = None) -> StaffMember:
    return StaffMember("telegram", "42", role, GD, base_id, NOW)


async def test_the_same_grant_cannot_be_stored_twice_even_without_a_base(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.staff.add(member())
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.staff.add(member())


async def test_a_grant_without_a_base_reads_back_as_none_and_is_found_as_such(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.staff.add(member())
        await uow.staff.add(member(Role.ADMISSIONS, "B01"))
        await uow.commit()

    async with uow:
        reviewer = await uow.staff.find("telegram", "42", Role.REVIEWER, GD, None)
        officer = await uow.staff.find("telegram", "42", Role.ADMISSIONS, GD, "B01")
        other_base = await uow.staff.find("telegram", "42", Role.ADMISSIONS, GD, "B02")
        mine = await uow.staff.of_person("telegram", "42")

    assert reviewer is not None and reviewer.base_id is None
    assert officer is not None and officer.base_id == "B01"
    assert other_base is None
    assert len(mine) == 2


async def test_a_removed_grant_is_gone(uow: SqlUnitOfWork) -> None:
    async with uow:
        stored = await uow.staff.add(member())
        await uow.commit()

    async with uow:
        await uow.staff.remove(stored)
        await uow.commit()

    async with uow:
        assert await uow.staff.listed() == []


async def test_an_accounts_events_go_with_the_account(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    clock = FixedClock(NOW)
    async with uow:
        account = await uow.accounts.add(
            Account(GD, "zhangsan", "hash", "张三", ID_NUMBER, "13812345678", NOW)
        )
        await record(uow, clock, account.id or 0, AccountEvent.CREATED, detail={"note": f"id {ID_NUMBER}"})
        await uow.commit()

    async with uow:
        [event] = await uow.audit.of_account(account.id or 0)
    assert (event.kind, event.at, event.detail) == (
        AccountEvent.CREATED,
        NOW,
        {"note": "id 1101**********1233"},
    )

    async with session_factory.begin() as session:
        await session.execute(delete(accounts).where(accounts.c.id == account.id))
    async with uow:
        assert await uow.audit.of_account(account.id or 0) == []


def _downgrade_to_0001(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")
    return inspect(connection).get_table_names()


async def test_the_staff_and_audit_migration_can_be_undone_and_done_again(
    engine: AsyncEngine, db_url: str
) -> None:
    async with engine.begin() as connection:
        tables = await connection.run_sync(_downgrade_to_0001, db_url)
    assert "staff_members" not in tables and "account_events" not in tables
    assert "accounts" in tables

    await upgrade_to_head(db_url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert {"staff_members", "account_events"} <= set(tables)


def test_the_staff_and_audit_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0001:0002", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE staff_members" in sql and "CREATE TABLE account_events" in sql
    assert "ON DELETE CASCADE" in sql
    assert "uq_staff_members_channel_external_id_role_programme_base_id" in sql


# The operator commands (README, "Staff roles and the audit trail")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.chdir(tmp_path)  # no .env of the working copy


def baoming(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_granting_the_same_role_twice_from_the_cli_keeps_one_grant(database, capsys) -> None:
    grant = ("staff", "add", "123456", "--role", "reviewer", "--programme", GD)

    first = baoming(capsys, *grant)
    second = baoming(capsys, *grant)
    code, listing, _ = baoming(capsys, "staff", "list")

    assert first[0] == second[0] == 0
    assert first[1].startswith("granted") and second[1].startswith("already granted")
    assert code == 0 and listing.count("123456") == 1 and "reviewer" in listing


def test_removing_a_role_from_the_cli_and_removing_it_again(database, capsys) -> None:
    base = ("--role", "admissions", "--programme", GD, "--base", "B01")
    baoming(capsys, "staff", "add", "123456", *base)

    removed = baoming(capsys, "staff", "remove", "123456", *base)
    again = baoming(capsys, "staff", "remove", "123456", *base)

    assert removed[0] == 0 and removed[1].startswith("removed")
    assert again[0] == 1 and again[1] == "" and "nothing removed" in again[2]
    assert "no staff roles" in baoming(capsys, "staff", "list")[1]


def test_an_admissions_officer_without_a_base_is_refused_by_the_cli(database, capsys) -> None:
    code, out, err = baoming(capsys, "staff", "add", "123456", "--role", "admissions", "--programme", GD)

    assert (code, out) == (1, "")
    assert "training base" in err


def test_the_audit_of_an_unknown_account_exits_1_without_the_full_id_number(database, capsys) -> None:
    code, out, err = baoming(capsys, "audit", "--id-number", ID_NUMBER, "--programme", GD)

    assert (code, out) == (1, "")
    assert "1101**********1233" in err and ID_NUMBER not in err
