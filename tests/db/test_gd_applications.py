"""广东住培 catalog, applications and offers in the database: the SQL repositories behave like the
fakes, the migration goes up and down, and the database itself holds "one accepted offer per
account and year", also between two units of work pressing at the same time."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.migrate import alembic_config
from bot.db.uow import SqlUnitOfWork
from domain import offers
from domain.gd_applications import applications_of, choose, set_identity, start, submit
from domain.gd_catalog import CatalogImported, CatalogRefused, catalog_of, import_catalog
from domain.gd_profile import ApplicantType
from domain.model import (
    Account,
    ApplicationState,
    ChatUser,
    GdApplication,
    Offer,
    OfferState,
    OutboxMessage,
    OutboxState,
)
from domain.offers import Answered, DecisionRecorded, answer, applicants_of_base, record_decision
from domain.reminders import ReminderKind
from domain.windows import Window
from tests.unit.test_gd_applications import IN_BATCH1, SOCIAL, applicant, beijing, ok, submitted, with_catalog
from tests.unit.test_gd_catalog import sample_catalog

DECIDING = beijing(5, 20)
ANSWERING = beijing(5, 25, 10)
TABLES = (
    "gd_catalog_years",
    "gd_batches",
    "gd_specialties",
    "gd_training_bases",
    "gd_base_specialties",
    "gd_applications",
    "offers",
)


async def admitted_everywhere(uow: SqlUnitOfWork) -> tuple[Account, list[int]]:
    account = await applicant(uow)
    view = await submitted(uow, account)
    for offer in view.offers:
        recorded = await record_decision(uow, offer.base_id, view.id, True, DECIDING)
        assert isinstance(recorded, DecisionRecorded)
    return account, [offer.id for offer in view.offers]


# ----- the catalog


async def test_a_catalog_is_stored_and_read_back_in_the_files_order(uow: SqlUnitOfWork) -> None:
    catalog = sample_catalog()

    assert isinstance(await import_catalog(uow, catalog, IN_BATCH1), CatalogImported)

    stored = await catalog_of(uow, 2021)
    assert stored is not None
    assert stored.imported_at == IN_BATCH1
    assert stored.specialties == catalog.specialties
    assert stored.batches == catalog.batches
    assert [(b.base_id, b.name, b.city, list(b.quotas.items())) for b in stored.bases] == [
        (b.base_id, b.name, b.city, list(b.quotas.items())) for b in catalog.bases
    ]


async def test_importing_a_year_again_replaces_only_that_year(uow: SqlUnitOfWork) -> None:
    await import_catalog(uow, sample_catalog(), IN_BATCH1)
    whole = sample_catalog()
    smaller = replace(whole, bases=whole.bases[:2])

    await import_catalog(uow, smaller, DECIDING)

    stored = await catalog_of(uow, 2021)
    assert stored is not None and [b.base_id for b in stored.bases] == ["B01", "B02"]
    assert stored.imported_at == DECIDING
    async with uow:
        assert await uow.gd_catalog.years() == [2021]
        assert await uow.gd_catalog.get(2020) is None


async def test_a_re_import_that_drops_a_submitted_choice_is_refused_and_changes_nothing(
    uow: SqlUnitOfWork,
) -> None:
    await with_catalog(uow)
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B03",))
    whole = sample_catalog()

    without_b03 = tuple(b for b in whole.bases if b.base_id != "B03")

    outcome = await import_catalog(uow, replace(whole, bases=without_b03), DECIDING)

    assert isinstance(outcome, CatalogRefused)
    removed = [(r.base_id, r.specialty_code, r.applications) for r in outcome.removed]
    assert removed == [("B03", "0100", (view.id,))]
    stored = await catalog_of(uow, 2021)
    assert stored is not None and stored.base("B03") is not None


async def test_a_moved_window_cancels_the_queued_reminders_about_it_in_the_database(
    uow: SqlUnitOfWork,
) -> None:
    await with_catalog(uow)
    whole = sample_catalog()
    first = whole.batches[0]
    async with uow:
        user = await uow.users.add(ChatUser("telegram", "700001", IN_BATCH1))
        queued = [
            OutboxMessage(user.id or 0, kind, key, "text", IN_BATCH1, IN_BATCH1, deadline_at=deadline)
            for kind, key, deadline in (
                (ReminderKind.BATCH_CLOSES, "batch-closes:1:2021b1:24h", first.application.end),
                (ReminderKind.OFFER_CLOSES, "offer-closes:1:o1:24h", first.confirmation.end),
            )
        ]
        for message in queued:
            await uow.outbox.add(message)
        await uow.commit()
    later = replace(
        first, application=Window(first.application.start, first.application.end + timedelta(days=3))
    )

    outcome = await import_catalog(uow, replace(whole, batches=(later, *whole.batches[1:])), DECIDING)

    assert isinstance(outcome, CatalogImported) and outcome.reminders_cancelled == 1
    async with uow:
        closes = await uow.outbox.get(queued[0].id or 0)
        offer = await uow.outbox.get(queued[1].id or 0)
        calendar = await uow.gd_catalog.calendar()
    assert closes is not None and (closes.state, closes.last_error) == (OutboxState.CANCELLED, "window moved")
    assert offer is not None and offer.state == OutboxState.QUEUED
    assert calendar[2021][0].application.end == beijing(4, 26)


# ----- applications and offers through the SQL repositories


async def test_an_application_goes_through_every_step_in_the_database(uow: SqlUnitOfWork) -> None:
    await with_catalog(uow)
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await set_identity(uow, account, draft.id, SOCIAL, IN_BATCH1))
    ok(await choose(uow, account, draft.id, "0100", ["B03", "B01"], IN_BATCH1))

    view = ok(await submit(uow, account, draft.id, IN_BATCH1))

    listed = await applications_of(uow, account, IN_BATCH1)
    assert [(a.id, a.state, a.specialty_code) for a in listed] == [
        (view.id, ApplicationState.SUBMITTED, "0100")
    ]
    assert [(b.rank, b.base_id) for b in listed[0].bases] == [(1, "B03"), (2, "B01")]
    assert [(o.rank, o.base_id, o.state) for o in listed[0].offers] == [
        (1, "B03", OfferState.PENDING),
        (2, "B01", OfferState.PENDING),
    ]


async def test_a_new_applicant_type_is_written_into_the_stored_work_module(uow: SqlUnitOfWork) -> None:
    await with_catalog(uow)
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    ok(await set_identity(uow, account, draft.id, ApplicantType.POSTGRADUATE, IN_BATCH1))

    async with uow:
        work = await uow.profile_sections.get(account.id or 0, "work")
        application = await uow.gd_applications.get(draft.id)
    assert work is not None and work.answers["applicant_type"] == "graduate"
    assert application is not None and application.applicant_type == "graduate"


async def test_one_application_per_account_year_and_batch(uow: SqlUnitOfWork) -> None:
    account = await applicant(uow)

    async with uow:
        await uow.gd_applications.add(GdApplication(account.id or 0, 2021, 1, IN_BATCH1))
        with pytest.raises(IntegrityError):
            await uow.gd_applications.add(GdApplication(account.id or 0, 2021, 1, IN_BATCH1))


async def test_a_base_is_chosen_once_per_application(uow: SqlUnitOfWork) -> None:
    account = await applicant(uow)
    async with uow:
        application = await uow.gd_applications.add(GdApplication(account.id or 0, 2021, 1, IN_BATCH1))
        await uow.offers.add(Offer(application.id or 0, account.id or 0, 2021, 1, "B01", "0100", 1))
        with pytest.raises(IntegrityError):
            await uow.offers.add(Offer(application.id or 0, account.id or 0, 2021, 1, "B01", "0100", 2))


async def test_a_base_officer_lists_the_applicants_and_records_decisions(uow: SqlUnitOfWork) -> None:
    await with_catalog(uow)
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B02", "B01"))

    recorded = await record_decision(uow, "B01", view.id, True, DECIDING, decided_by="900001")

    assert isinstance(recorded, DecisionRecorded) and recorded.notify is not None
    assert recorded.notify.external_id.startswith("70000")
    listed = await applicants_of_base(uow, "B01", DECIDING)
    assert [(a.application_id, a.rank, a.state) for a in listed] == [(view.id, 2, OfferState.ADMITTED)]
    notices = await offers.undelivered(uow, DECIDING)
    assert [n.offer.base_id for n in notices] == ["B01"]
    await offers.mark_notified(uow, notices[0].offer.id, DECIDING)
    assert await offers.undelivered(uow, DECIDING) == []


async def test_applications_and_offers_go_with_the_account(uow: SqlUnitOfWork) -> None:
    await with_catalog(uow)
    account = await applicant(uow)
    await submitted(uow, account)

    async with uow:
        stored = await uow.accounts.get(account.id or 0)
        assert stored is not None
        await uow.accounts.remove(stored)
        await uow.commit()

    async with uow:
        assert await uow.gd_applications.of_account(account.id or 0) == []
        assert await uow.offers.of_account(account.id or 0) == []


# ----- one accepted offer per account and year, held by the database


async def test_the_database_refuses_a_second_accepted_offer_in_a_year(uow: SqlUnitOfWork) -> None:
    await with_catalog(uow)
    _, (first, second, _third) = await admitted_everywhere(uow)

    async with uow:
        for offer_id in (first, second):
            offer = await uow.offers.get(offer_id)
            assert offer is not None
            offer.state = OfferState.ACCEPTED  # past the domain, straight to the table
        with pytest.raises(IntegrityError):
            await uow.commit()


async def test_admitted_declined_and_other_years_offers_are_not_held_by_the_index(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    account = await applicant(uow)
    async with session_factory() as session:
        application = GdApplication(account.id or 0, 2021, 1, IN_BATCH1, state=ApplicationState.SUBMITTED)
        later = GdApplication(account.id or 0, 2022, 1, IN_BATCH1, state=ApplicationState.SUBMITTED)
        session.add_all([application, later])
        await session.flush()
        this_year, next_year, person = application.id or 0, later.id or 0, account.id or 0
        session.add_all(
            [
                Offer(this_year, person, 2021, 1, "B01", "0100", 1, state=OfferState.ACCEPTED),
                Offer(this_year, person, 2021, 1, "B02", "0100", 2, state=OfferState.ADMITTED),
                Offer(this_year, person, 2021, 1, "B03", "0100", 3, state=OfferState.DECLINED),
                Offer(next_year, person, 2022, 1, "B01", "0100", 1, state=OfferState.ACCEPTED),
            ]
        )
        await session.commit()  # no IntegrityError


async def test_the_partial_index_is_created_with_its_condition(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        sql = (
            await connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'uq_offers_account_id_year_accepted'"
            )
        ).scalar()

    assert sql is not None and "UNIQUE INDEX" in sql and "WHERE state = 'accepted'" in sql


async def test_of_two_units_of_work_accepting_at_once_the_second_to_write_loses(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    await with_catalog(uow)
    _, (first, second, _third) = await admitted_everywhere(uow)
    one, two = SqlUnitOfWork(session_factory), SqlUnitOfWork(session_factory)

    async with one, two:
        # Both read before either writes: neither sees an accepted offer.
        mine, theirs = await one.offers.get(first), await two.offers.get(second)
        assert mine is not None and theirs is not None
        account_id = theirs.account_id
        assert OfferState.ACCEPTED not in [o.state for o in await two.offers.of_account(account_id)]
        assert await one.offers.accept(mine, ANSWERING) is True
        await one.commit()
        assert await two.offers.accept(theirs, ANSWERING) is False

    async with uow:
        states = [o.state for o in await uow.offers.of_account(account_id)]
    assert states == [OfferState.ACCEPTED, OfferState.ADMITTED, OfferState.ADMITTED]


class _MeetBeforeWriting(SqlUnitOfWork):
    """A unit of work whose accept waits until the other one has read and checked too: the two
    presses then really race, and only the database's unique index can tell them apart."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], barrier: asyncio.Barrier) -> None:
        super().__init__(factory)
        self._barrier = barrier
        self.accepted: list[bool] = []

    async def __aenter__(self) -> "_MeetBeforeWriting":
        await super().__aenter__()
        offers_repository, barrier, accepted = self.offers, self._barrier, self.accepted

        class Waiting:
            def __getattr__(self, name: str) -> object:
                return getattr(offers_repository, name)

            async def accept(self, offer: Offer, at: datetime) -> bool:
                await barrier.wait()
                won = await offers_repository.accept(offer, at)
                accepted.append(won)
                return won

        self.offers = Waiting()  # type: ignore[assignment]
        return self


async def test_two_concurrent_accepts_of_one_applicant_exactly_one_wins(
    session_factory: async_sessionmaker[AsyncSession], uow: SqlUnitOfWork
) -> None:
    await with_catalog(uow)
    account, (first, second, _third) = await admitted_everywhere(uow)
    barrier = asyncio.Barrier(2)
    one, two = _MeetBeforeWriting(session_factory, barrier), _MeetBeforeWriting(session_factory, barrier)

    outcomes = await asyncio.gather(
        answer(one, account, first, True, ANSWERING),
        answer(two, account, second, True, ANSWERING),
    )

    assert sorted(one.accepted + two.accepted) == [False, True]  # both got past the domain's check

    winners = [o for o in outcomes if isinstance(o, Answered)]
    losers = [o for o in outcomes if not isinstance(o, Answered)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].message == offers._ONE_ACCEPTED
    async with uow:
        stored = await uow.offers.of_account(account.id or 0)
    accepted = [o.id for o in stored if o.state == OfferState.ACCEPTED]
    assert accepted == [winners[0].offer.id]


# ----- the migration


def _downgrade_to_0008(connection: Connection, url: str) -> list[str]:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0008")
    return [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]


def _upgrade_to_head(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _downgrade_to(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_an_imported_2021_keeps_its_windows_through_migration_0014(
    uow: SqlUnitOfWork, engine: AsyncEngine, db_url: str
) -> None:
    await with_catalog(uow)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_to, db_url, "0013")
        await connection.run_sync(_upgrade_to_head, db_url)

    async with uow:
        calendar = await uow.gd_catalog.calendar()
    assert calendar == {2021: sample_catalog().batches}


async def test_the_migration_goes_down_to_0008_and_up_again(engine: AsyncEngine, db_url: str) -> None:
    async with engine.begin() as connection:
        tables = await connection.run_sync(_downgrade_to_0008, db_url)
    assert not set(TABLES) & set(tables)
    assert "uploads" in tables

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_to_head, db_url)
        rows = await connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [row[0] for row in rows]
    assert set(TABLES) <= set(names)


def test_the_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0008:0009", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE gd_applications" in sql and "CREATE TABLE offers" in sql
    assert (
        "CREATE UNIQUE INDEX uq_offers_account_id_year_accepted ON offers (account_id, year) "
        "WHERE state = 'accepted'"
    ) in sql
