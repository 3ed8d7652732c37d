"""Seed 003's accounts and e-mail challenges in the database: what the clean-up selects, what deleting
an account takes with it, and the use cases of domain/email_accounts.py over SQLite."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.tables import account_events, accounts, chat_users, email_challenges
from bot.db.uow import SqlUnitOfWork
from domain import email_accounts as ea
from domain import sms
from domain.audit import record
from domain.fields import IdType
from domain.identity import make_resident_id
from domain.model import Account, AccountEvent, Channel, ChatUser, EmailChallenge, EmailPurpose
from tests.fakes import FixedClock

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 4, 16, 9, 0, tzinfo=BEIJING)
DEGREE = "degree-equiv"
GD = "gd-residency"

DRAFT = ea.DegreeDraft(
    username="ZhangSan1990",
    password_hash="$argon2id$hash",
    email="zhangsan1990@163.com",
    mobile="13812345678",
    real_name="张三",
    region="CN",
    id_type=IdType.RESIDENT_ID.value,
    id_number=make_resident_id("110101", date(1990, 3, 7), 123),
    address="北京市海淀区清华园1号",
    postcode="100084",
    day_phone="010-62781234",
    evening_phone="13812345678",
)

_serial = iter(range(1, 10_000))


def account(
    created_at: datetime = NOW, *, programme: str = DEGREE, activated_at: datetime | None = None
) -> Account:
    n = next(_serial)
    return Account(
        programme=programme,
        username=f"user{n}",
        password_hash="argon2-hash",
        real_name="张三",
        id_number=make_resident_id("110101", date(1990, 3, 7), n % 1000),
        mobile="13812345678",
        created_at=created_at,
        activated_at=activated_at,
        email=f"user{n}@163.com",
    )


def challenge(
    account_id: int,
    token: str,
    sent_at: datetime = NOW,
    purpose: EmailPurpose = EmailPurpose.ACTIVATE,
    user_id: int | None = None,
) -> EmailChallenge:
    return EmailChallenge(
        account_id=account_id,
        purpose=purpose,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        code_hash=hashlib.sha256(b"123456").hexdigest(),
        sent_at=sent_at,
        expires_at=sent_at + timedelta(hours=24),
        user_id=user_id,
    )


async def new_user(uow: SqlUnitOfWork, external_id: str) -> int:
    async with uow:
        user = await uow.users.add(
            ChatUser(channel=Channel.TELEGRAM, external_id=external_id, created_at=NOW)
        )
        await uow.commit()
    assert user.id is not None
    return user.id


async def stored(uow: SqlUnitOfWork, *entities: Account) -> None:
    async with uow:
        for entity in entities:
            await uow.accounts.add(entity)
        await uow.commit()


async def count(session_factory: async_sessionmaker[AsyncSession], table: Table, account_id: int) -> int:
    async with session_factory() as session:
        query = select(func.count()).select_from(table).where(table.c.account_id == account_id)
        return int((await session.execute(query)).scalar_one())


# SqlAccountRepository.unactivated and remove


async def test_unactivated_accounts_are_of_the_programme_never_activated_created_before_oldest_first(
    uow: SqlUnitOfWork,
) -> None:
    cutoff = NOW - timedelta(days=2)
    three_days, five_days = account(NOW - timedelta(days=3)), account(NOW - timedelta(days=5))
    await stored(
        uow,
        three_days,
        account(NOW - timedelta(days=6), activated_at=NOW - timedelta(days=6)),
        account(NOW - timedelta(days=6), programme=GD),
        account(NOW - timedelta(hours=1)),
        account(cutoff),  # not strictly before
        five_days,
    )

    async with uow:
        # The same moment written in UTC: compared as instants, not as wall-clock text.
        found = await uow.accounts.unactivated(DEGREE, cutoff.astimezone(UTC))

    assert [a.id for a in found] == [five_days.id, three_days.id]


async def test_removing_an_account_takes_its_events_and_email_challenges_with_it(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    doomed, kept = account(), account()
    await stored(uow, doomed, kept)
    clock = FixedClock(NOW)
    async with uow:
        for one, token in ((doomed, "doomed-token"), (kept, "kept-token")):
            await record(uow, clock, one.id or 0, AccountEvent.CREATED)
            await uow.email_challenges.add(challenge(one.id or 0, token))
        await uow.commit()

    async with uow:
        loaded = await uow.accounts.get(doomed.id or 0)
        assert loaded is not None
        await uow.accounts.remove(loaded)
        await uow.commit()

    async with uow:
        assert await uow.accounts.get(doomed.id or 0) is None
        assert await uow.email_challenges.by_token_hash(hashlib.sha256(b"doomed-token").hexdigest()) is None
        assert await uow.email_challenges.by_token_hash(hashlib.sha256(b"kept-token").hexdigest()) is not None
    assert await count(session_factory, account_events, doomed.id or 0) == 0
    assert await count(session_factory, email_challenges, doomed.id or 0) == 0
    assert await count(session_factory, account_events, kept.id or 0) == 1
    assert await count(session_factory, email_challenges, kept.id or 0) == 1


# SqlEmailChallengeRepository


async def test_two_challenges_cannot_share_a_token_hash(uow: SqlUnitOfWork) -> None:
    first, second = account(), account()
    await stored(uow, first, second)
    async with uow:
        await uow.email_challenges.add(challenge(first.id or 0, "same-token"))
        await uow.commit()

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.email_challenges.add(challenge(second.id or 0, "same-token"))


async def test_a_challenge_for_no_account_is_refused(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(IntegrityError):
            await uow.email_challenges.add(challenge(999_999, "orphan"))


async def test_challenges_are_found_by_token_hash_id_latest_and_sent_since(uow: SqlUnitOfWork) -> None:
    holder = account()
    await stored(uow, holder)
    account_id = holder.id or 0
    async with uow:
        later = await uow.email_challenges.add(challenge(account_id, "later", NOW + timedelta(hours=2)))
        earlier = await uow.email_challenges.add(challenge(account_id, "earlier", NOW))
        recovery = await uow.email_challenges.add(
            challenge(account_id, "recovery", NOW + timedelta(hours=3), EmailPurpose.RECOVER)
        )
        await uow.commit()

    async with uow:
        by_token = await uow.email_challenges.by_token_hash(hashlib.sha256(b"earlier").hexdigest())
        by_id = await uow.email_challenges.get(later.id or 0)
        latest = await uow.email_challenges.latest(account_id, EmailPurpose.ACTIVATE)
        latest_recovery = await uow.email_challenges.latest(account_id, EmailPurpose.RECOVER)
        since = await uow.email_challenges.sent_since(
            account_id, EmailPurpose.ACTIVATE, NOW + timedelta(hours=2)
        )
        since_all = await uow.email_challenges.sent_since(account_id, EmailPurpose.ACTIVATE, NOW)

    assert by_token is not None and by_token.id == earlier.id
    assert by_id is not None and by_id.sent_at == NOW + timedelta(hours=2)
    assert latest is not None and latest.id == later.id
    assert latest_recovery is not None and latest_recovery.id == recovery.id
    assert [c.id for c in since] == [later.id]  # from ``since`` on, inclusive
    assert {c.id for c in since_all} == {earlier.id, later.id}


async def test_deleting_the_chat_that_asked_keeps_the_challenge(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await new_user(uow, "1001")
    holder = account()
    await stored(uow, holder)
    async with uow:
        stored_challenge = await uow.email_challenges.add(challenge(holder.id or 0, "token", user_id=user_id))
        await uow.commit()

    async with session_factory.begin() as session:
        await session.execute(delete(chat_users).where(chat_users.c.id == user_id))

    async with uow:
        kept = await uow.email_challenges.get(stored_challenge.id or 0)
    assert kept is not None and kept.user_id is None


# The columns of migration 0005


async def test_details_email_and_moments_come_back_as_stored(uow: SqlUnitOfWork) -> None:
    entity = account(activated_at=NOW + timedelta(hours=5))
    entity.purge_warned_at = NOW + timedelta(days=6)
    entity.details = {"region": "HK", "address": "香港特别行政区中环皇后大道中1号", "postcode": "999077"}
    await stored(uow, entity)

    async with uow:
        loaded = await uow.accounts.get(entity.id or 0)

    assert loaded is not None
    assert loaded.details == {
        "region": "HK",
        "address": "香港特别行政区中环皇后大道中1号",
        "postcode": "999077",
    }
    assert loaded.email == entity.email
    assert loaded.activated_at == NOW + timedelta(hours=5)
    assert loaded.activated_at is not None and loaded.activated_at.utcoffset() == timedelta(0)
    assert loaded.purge_warned_at == NOW + timedelta(days=6)
    assert loaded.is_active


async def test_an_account_stored_without_details_reads_back_empty_and_not_active(uow: SqlUnitOfWork) -> None:
    entity = account()
    await stored(uow, entity)

    async with uow:
        loaded = await uow.accounts.get(entity.id or 0)

    assert loaded is not None
    assert loaded.details == {} and loaded.activated_at is None and loaded.purge_warned_at is None
    assert not loaded.is_active


def _downgrade_to_0004_and_insert_an_account(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "0004")
    connection.execute(
        accounts.insert().values(
            programme=GD,
            username="zhangsan",
            password_hash="argon2-hash",
            real_name="张三",
            id_number="110101199003071233",
            mobile="13812345678",
            created_at=NOW - timedelta(days=400),
        )
    )


async def test_accounts_made_before_migration_0005_are_active_since_their_creation(
    engine: AsyncEngine, db_url: str, uow: SqlUnitOfWork
) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_to_0004_and_insert_an_account, db_url)
    await upgrade_to_head(db_url)

    async with uow:
        old = await uow.accounts.by_username(GD, "zhangsan")
        waiting = await uow.accounts.unactivated(GD, NOW)

    assert old is not None
    assert old.activated_at == NOW - timedelta(days=400)
    assert old.details == {} and old.email is None
    assert waiting == []


# The use cases over SQLite (the durations of the programme catalog, the cascades, the tracking)


async def test_registering_and_activating_by_link_is_stored(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    chat = await new_user(uow, "1001")
    clock = FixedClock(NOW)
    email = await ea.register(uow, clock, chat, DRAFT)
    assert isinstance(email, ea.EmailToSend)
    clock.advance(timedelta(hours=2))

    activated = await ea.activate_with_link(uow, clock, chat, email.token)

    assert isinstance(activated, ea.Activated) and activated.by_holder
    async with uow:
        account_ = await uow.accounts.get(email.account.id or 0)
        [challenge_] = await uow.email_challenges.sent_since(
            email.account.id or 0, EmailPurpose.ACTIVATE, NOW
        )
        kinds = [e.kind for e in await uow.audit.of_account(email.account.id or 0)]
    assert account_ is not None and account_.activated_at == NOW + timedelta(hours=2)
    assert account_.details == DRAFT.details() and account_.email == DRAFT.email
    assert challenge_.used_at == NOW + timedelta(hours=2)
    assert kinds == [AccountEvent.CREATED, AccountEvent.ACTIVATED]
    async with session_factory() as session:
        row = (await session.execute(select(email_challenges))).one()
    assert email.token not in [str(value) for value in row]
    assert email.code not in [str(value) for value in row]


async def test_wrong_activation_codes_are_counted_across_updates(uow: SqlUnitOfWork) -> None:
    chat = await new_user(uow, "1001")
    clock = FixedClock(NOW)
    email = await ea.register(uow, clock, chat, DRAFT)
    assert isinstance(email, ea.EmailToSend)
    wrong = f"{(int(email.code) + 1) % 1_000_000:06d}"

    for _ in range(4):
        await ea.activate_with_code(uow, clock, chat, wrong)
    fifth = await ea.activate_with_code(uow, clock, chat, wrong)

    assert isinstance(fifth, sms.CodeLocked)
    async with uow:
        latest = await uow.email_challenges.latest(email.account.id or 0, EmailPurpose.ACTIVATE)
    assert latest is not None and latest.failed_attempts == 5


async def test_a_recovery_moves_the_account_to_the_chat_that_proved_the_mailbox(uow: SqlUnitOfWork) -> None:
    chat, other_chat = await new_user(uow, "1001"), await new_user(uow, "2002")
    clock = FixedClock(NOW)
    email = await ea.register(uow, clock, chat, DRAFT)
    assert isinstance(email, ea.EmailToSend)
    recovery = await ea.start_recovery(uow, clock, other_chat, "zhangsan1990")
    assert isinstance(recovery, ea.EmailToSend)
    proven = await ea.prove_recovery_code(uow, clock, other_chat, email.account.id or 0, recovery.code)
    assert isinstance(proven, ea.RecoveryProven)

    recovered = await ea.reset_password(uow, clock, other_chat, proven.challenge_id, "new-hash")

    assert isinstance(recovered, ea.Recovered)
    assert recovered.previous is not None and recovered.previous.external_id == "1001"
    async with uow:
        account_ = await uow.accounts.get(email.account.id or 0)
    assert account_ is not None
    assert (account_.user_id, account_.password_hash, account_.activated_at) == (other_chat, "new-hash", NOW)


async def test_housekeeping_deletes_an_account_after_a_week_and_frees_its_id_number(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    chat = await new_user(uow, "1001")
    clock = FixedClock(NOW)
    email = await ea.register(uow, clock, chat, DRAFT)
    assert isinstance(email, ea.EmailToSend)
    account_id = email.account.id or 0
    clock.advance(timedelta(days=6, hours=23, minutes=59))
    assert (await ea.housekeeping(uow, clock)).purged == []
    clock.advance(timedelta(minutes=1))

    purged = await ea.housekeeping(uow, clock)

    assert [(p.account.id, p.holder.id if p.holder else None) for p in purged.purged] == [(account_id, chat)]
    async with uow:
        assert await uow.accounts.get(account_id) is None
    assert await count(session_factory, account_events, account_id) == 0
    assert await count(session_factory, email_challenges, account_id) == 0
    assert isinstance(await ea.register(uow, clock, chat, DRAFT), ea.EmailToSend)
