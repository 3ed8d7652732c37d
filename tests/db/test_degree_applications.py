"""同等学力申硕 degree applications in the database: every field survives the round trip, the
partial unique index holds "one live application per account, year, unit and discipline", rows go
with the account, and the migration goes up and down."""

from dataclasses import replace

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import alembic_config
from bot.db.uow import SqlUnitOfWork
from domain import degree_applications as da
from domain.degree_applications import add, applications_of, cancel, delete, edit, form_of, submit
from domain.model import DegreeApplication, DegreeApplicationState
from tests.unit.test_degree_applications import CLINICAL, FORM, LATER, NOW, degree_account, ok, refused


async def test_an_application_goes_through_its_states_in_the_database(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    studying = replace(FORM, studying_at_unit=True, student_number="A2021001", class_name="土木2101班")
    row = ok(await add(uow, account, replace(studying, department="土木工程学院"), NOW))

    ok(await edit(uow, account, row.id, replace(form_of(row.application), tech_rank="senior"), LATER))
    ok(await submit(uow, account, row.id, LATER))
    ok(await cancel(uow, account, row.id, LATER))

    [stored] = await applications_of(uow, account)
    application = stored.application
    assert form_of(application) == replace(studying, department="土木工程学院", tech_rank="senior")
    assert (application.year, application.account_id, application.state) == (
        2023,
        account.id,
        DegreeApplicationState.CANCELLED,
    )
    assert (
        application.created_at,
        application.updated_at,
        application.submitted_at,
        application.cancelled_at,
    ) == (
        NOW,
        LATER,
        LATER,
        LATER,
    )
    assert application.studying_at_unit is True
    assert (stored.unit_name, stored.discipline_name) == ("武汉轻工大学", "土木工程")


async def test_a_saved_application_is_deleted_from_the_database(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    row = ok(await add(uow, account, FORM, NOW))

    ok(await delete(uow, account, row.id))

    assert await applications_of(uow, account) == []


async def test_the_domain_refuses_a_duplicate_and_allows_it_after_cancelling(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    first = ok(await add(uow, account, CLINICAL, NOW))
    refused(await add(uow, account, CLINICAL, NOW), da.DUPLICATE)
    ok(await submit(uow, account, first.id, NOW))
    ok(await cancel(uow, account, first.id, LATER))

    again = ok(await add(uow, account, CLINICAL, LATER))

    assert [r.state for r in await applications_of(uow, account)] == [
        DegreeApplicationState.CANCELLED,
        DegreeApplicationState.SAVED,
    ]
    assert again.warning


def _raw(account_id: int, state: str = DegreeApplicationState.SAVED) -> DegreeApplication:
    return DegreeApplication(
        account_id=account_id,
        year=2023,
        province="42",
        unit="10496",
        degree_type="academic",
        category_code="08",
        discipline_code="0814",
        applicant_category="other_employed",
        application_month="202302",
        work_province="42",
        work_unit="某设计院",
        work_unit_nature="research",
        admin_rank="none",
        tech_rank="intermediate",
        created_at=NOW,
        state=state,
    )


async def test_the_database_refuses_a_second_live_application(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    async with uow:
        await uow.degree_applications.add(_raw(account.id or 0, DegreeApplicationState.SUBMITTED))
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.degree_applications.add(_raw(account.id or 0))


async def test_cancelled_applications_are_not_held_by_the_index(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    async with uow:
        for state in (DegreeApplicationState.CANCELLED, DegreeApplicationState.CANCELLED, "saved"):
            await uow.degree_applications.add(_raw(account.id or 0, state))
        await uow.commit()

    async with uow:
        assert len(await uow.degree_applications.of_account(account.id or 0)) == 3


async def test_applications_go_with_the_account(uow: SqlUnitOfWork) -> None:
    account = await degree_account(uow)
    ok(await add(uow, account, FORM, NOW))

    async with uow:
        stored = await uow.accounts.get(account.id or 0)
        assert stored is not None
        await uow.accounts.remove(stored)
        await uow.commit()

    async with uow:
        assert await uow.degree_applications.of_account(account.id or 0) == []


async def test_the_partial_index_is_created_with_its_condition(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        sql = (
            await connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'uq_degree_applications_live'"
            )
        ).scalar()
    assert sql is not None and "WHERE state <> 'cancelled'" in sql


# ----- the migration


def _downgrade_to_0009(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0009")
    return [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]


def _upgrade_to_head(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def test_the_migration_goes_down_to_0009_and_up_again(engine: AsyncEngine, db_url: str) -> None:
    async with engine.begin() as connection:
        tables = await connection.run_sync(_downgrade_to_0009, db_url)
    assert "degree_applications" not in tables
    assert "offers" in tables

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_to_head, db_url)
        rows = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [row[0] for row in rows]
    assert "degree_applications" in names


def test_the_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0009:0010", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE degree_applications" in sql
    assert "studying_at_unit BOOLEAN NOT NULL" in sql
    assert (
        "CREATE UNIQUE INDEX uq_degree_applications_live ON degree_applications "
        "(account_id, year, unit, discipline_code) WHERE state <> 'cancelled'"
    ) in sql
