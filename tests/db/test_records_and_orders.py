"""天津高职升本 学籍/学历 records, verifications, orders and payments in the database: the round trips,
the unique keys, a charge recorded once and an order paid once under concurrent deliveries, and
the migration up and down."""

import asyncio
from collections.abc import Coroutine
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.migrate import alembic_config
from bot.db.uow import SqlUnitOfWork
from domain import payments
from domain.model import EducationRecord, Order, OrderState, Payment, RecordKind, VerificationStatus
from domain.payments import PaymentRecorded, check_checkout, open_order, payload_of, record_payment
from domain.problems import Problem
from domain.programmes import Fee
from domain.tj_verification import (
    ImportedRecordsVerifier,
    import_records,
    record_counts,
    verification_of,
    verify,
)
from tests.unit.test_tj_verification import BASIC, LATER, NOW, WANG_WU, row, tj_account

TJ = "tj-upgrade"
FEE = Fee(4000, "CNY")


async def test_records_are_imported_replaced_and_counted(uow: SqlUnitOfWork) -> None:
    await import_records(uow, [row(2), row(3, kind="学历", graduation="202007")], NOW)

    report = await import_records(uow, [row(2, graduation="202306")], LATER)

    assert (report.added, report.replaced) == (0, 1)
    assert await record_counts(uow) == {RecordKind.STUDENT: 1, RecordKind.DIPLOMA: 1}
    async with uow:
        [student] = await uow.education_records.of_id_number(WANG_WU, RecordKind.STUDENT)
    assert (student.graduation, student.imported_at, student.school) == ("202306", LATER, "天津职业大学")


async def test_the_database_refuses_a_second_record_of_the_same_key(uow: SqlUnitOfWork) -> None:
    await import_records(uow, [row(2)], NOW)

    with pytest.raises(IntegrityError):
        async with uow:
            await uow.education_records.add(
                EducationRecord(WANG_WU, "王五", "student", "天津职业大学", "护理", "202307", NOW)
            )


async def test_a_verification_is_stored_replaced_and_judged_against_the_answers_now(
    uow: SqlUnitOfWork,
) -> None:
    await import_records(uow, [row(2, school="天津医学高等专科学校")], NOW)
    account = await tj_account(uow)
    await verify(uow, account, BASIC, ImportedRecordsVerifier(), NOW)

    stored = await verification_of(uow, account.id or 0, BASIC)
    assert stored is not None and stored.outcome is VerificationStatus.MISMATCH
    assert stored.mismatched == ("school",) and stored.on_record["school"] == "天津医学高等专科学校"

    corrected = {**BASIC, "school": "天津医学高等专科学校"}
    await verify(uow, account, corrected, ImportedRecordsVerifier(), LATER)

    now_verified = await verification_of(uow, account.id or 0, corrected)
    assert now_verified is not None and now_verified.verified and now_verified.checked_at == LATER
    assert now_verified.mismatched == () and now_verified.on_record == {}
    stale = await verification_of(uow, account.id or 0, BASIC)
    assert stale is not None and not stale.current


async def test_one_order_per_account_programme_and_year(uow: SqlUnitOfWork) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order)

    with pytest.raises(IntegrityError):
        async with uow:
            await uow.orders.add(Order(account.id or 0, TJ, 2023, 4000, "CNY", NOW))


async def test_a_paid_order_survives_and_its_charge_is_refused_a_second_time(uow: SqlUnitOfWork) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order)
    first = await record_payment(uow, payload_of(order), "CNY", 4000, "c1", "p1", NOW)
    assert isinstance(first, PaymentRecorded) and first.first

    async with uow:
        added = await uow.payments.add(Payment("c1", order.id or 0, 4000, "CNY", "p1", LATER))
        stored = await uow.orders.get(order.id or 0)
    assert stored is not None and (stored.state, stored.paid_at, stored.telegram_charge_id) == (
        OrderState.PAID,
        NOW,
        "c1",
    )
    assert added is False  # the primary key held, and the unit of work is usable again

    again = await record_payment(uow, payload_of(order), "CNY", 4000, "c1", "p1", LATER)
    assert isinstance(again, PaymentRecorded) and not again.first and not again.duplicate


class _MeetBeforePaying(SqlUnitOfWork):
    """A unit of work whose orders wait for each other just before marking the order paid, so that
    both have read it OPEN: the database alone decides."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], barrier: asyncio.Barrier) -> None:
        super().__init__(session_factory)
        self._barrier = barrier

    async def __aenter__(self) -> "_MeetBeforePaying":
        await super().__aenter__()
        orders, barrier = self.orders, self._barrier

        class Waiting:
            def __getattr__(self, name: str) -> object:
                return getattr(orders, name)

            async def mark_paid(self, order: Order, at: datetime, charge: str, provider: str) -> bool:
                await barrier.wait()
                return await orders.mark_paid(order, at, charge, provider)

            async def hold_checkout(self, order: Order, now: datetime, until: datetime) -> bool:
                await barrier.wait()
                return await orders.hold_checkout(order, now, until)

        self.orders = Waiting()  # type: ignore[assignment]
        return self


async def test_two_different_charges_at_once_pay_the_order_once_and_keep_one_duplicate(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order)
    barrier = asyncio.Barrier(2)
    payload = payload_of(order)

    outcomes = await asyncio.gather(
        record_payment(_MeetBeforePaying(session_factory, barrier), payload, "CNY", 4000, "c1", "p1", NOW),
        record_payment(_MeetBeforePaying(session_factory, barrier), payload, "CNY", 4000, "c2", "p2", NOW),
    )

    assert all(isinstance(o, PaymentRecorded) and o.first for o in outcomes)
    assert sorted(o.duplicate for o in outcomes if isinstance(o, PaymentRecorded)) == [False, True]
    [winner] = [o for o in outcomes if isinstance(o, PaymentRecorded) and not o.duplicate]
    async with uow:
        stored = await uow.orders.get(order.id or 0)
        charges = await uow.payments.of_order(order.id or 0)
        duplicates = await uow.payments.duplicates()
    assert stored is not None and stored.state == OrderState.PAID
    assert stored.telegram_charge_id == winner.payment.telegram_charge_id
    assert sorted(p.telegram_charge_id for p in charges) == ["c1", "c2"]
    loser = ({"c1", "c2"} - {winner.payment.telegram_charge_id}).pop()
    assert [p.telegram_charge_id for p in duplicates] == [loser]


async def test_two_pre_checkouts_of_one_order_at_once_approve_one_payment(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order) and account.id is not None
    barrier = asyncio.Barrier(2)

    def pre_checkout() -> Coroutine[None, None, Problem | None]:
        meeting = _MeetBeforePaying(session_factory, barrier)
        return check_checkout(meeting, payload_of(order), {account.id or 0}, "CNY", 4000, NOW, None)

    outcomes = await asyncio.gather(pre_checkout(), pre_checkout())

    assert outcomes.count(None) == 1  # one payment approved: the applicant is charged once
    [refusal] = [o for o in outcomes if o is not None]
    assert refusal.message == payments._IN_PROGRESS


async def test_the_same_charge_delivered_twice_at_once_is_recorded_once(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order)
    barrier = asyncio.Barrier(2)
    payload = payload_of(order)

    outcomes = await asyncio.gather(
        record_payment(_MeetBeforePaying(session_factory, barrier), payload, "CNY", 4000, "c1", "p1", NOW),
        record_payment(
            _MeetBeforePaying(session_factory, barrier),
            payload,
            "CNY",
            4000,
            "c1",
            "p1",
            NOW + timedelta(seconds=1),
        ),
    )

    recorded = [o for o in outcomes if isinstance(o, PaymentRecorded)]
    assert sorted(o.first for o in recorded) == [False, True]
    assert not any(o.duplicate for o in recorded)
    async with uow:
        charges = await uow.payments.of_order(order.id or 0)
        stored = await uow.orders.get(order.id or 0)
    assert [(p.telegram_charge_id, p.duplicate) for p in charges] == [("c1", False)]
    assert stored is not None and stored.state == OrderState.PAID


async def test_an_account_with_a_recorded_payment_cannot_be_deleted(uow: SqlUnitOfWork) -> None:
    account = await tj_account(uow)
    order = await open_order(uow, account, TJ, 2023, FEE, NOW)
    assert isinstance(order, Order)
    await record_payment(uow, payload_of(order), "CNY", 4000, "c1", "p1", NOW)

    with pytest.raises(IntegrityError):
        async with uow:
            stored = await uow.accounts.get(account.id or 0)
            assert stored is not None
            await uow.accounts.remove(stored)


# ----- the migration


def _downgrade_to_0010(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0010")
    return [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]


def _upgrade_to_head(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def test_the_migration_goes_down_to_0010_and_up_again(engine: AsyncEngine, db_url: str) -> None:
    async with engine.begin() as connection:
        tables = await connection.run_sync(_downgrade_to_0010, db_url)
    assert not {"education_records", "verifications", "orders", "payments"} & set(tables)
    assert "degree_applications" in tables

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_to_head, db_url)
        rows = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = {row[0] for row in rows}
    assert {"education_records", "verifications", "orders", "payments"} <= names


def test_the_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0010:0011", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE payments" in sql
    assert "duplicate BOOLEAN NOT NULL" in sql
    assert "CONSTRAINT uq_orders_account_id_programme_year UNIQUE (account_id, programme, year)" in sql
