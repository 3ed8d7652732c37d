"""The repositories of domain/ports.py over one SQLAlchemy AsyncSession (owned by the unit of work).

Queries filter on the Core columns of bot/db/tables.py: the mapped attributes of the domain
dataclasses are plain types to the type checker.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import (
    account_events,
    accounts,
    chat_users,
    degree_applications,
    education_records,
    email_challenges,
    exam_registrations,
    faq_questions,
    faq_staff_entries,
    gd_applications,
    gd_base_specialties,
    gd_batches,
    gd_catalog_years,
    gd_specialties,
    gd_training_bases,
    helpline_messages,
    helpline_threads,
    offers,
    orders,
    outbox_messages,
    payments,
    profile_sections,
    sms_challenges,
    staff_members,
    submissions,
    uploads,
)
from domain.model import (
    Account,
    AskedQuestion,
    AuditEntry,
    Batch,
    ChatUser,
    DegreeApplication,
    EducationRecord,
    EmailChallenge,
    ExamRegistration,
    GdApplication,
    HelplineThread,
    Offer,
    OfferState,
    Order,
    OrderState,
    OutboxMessage,
    OutboxState,
    Payment,
    ProfileSection,
    QuestionOutcome,
    SmsChallenge,
    Specialty,
    StaffFaqEntry,
    StaffMember,
    StoredVerification,
    Submission,
    ThreadMessage,
    ThreadState,
    TrainingBase,
    Upload,
    YearCatalog,
)
from domain.windows import Window


class SqlChatUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> ChatUser | None:
        return await self._session.get(ChatUser, user_id)

    async def many(self, user_ids: Collection[int]) -> dict[int, ChatUser]:
        found = await self._session.scalars(select(ChatUser).where(chat_users.c.id.in_(user_ids)))
        return {user.id or 0: user for user in found}

    async def find(self, channel: str, external_id: str) -> ChatUser | None:
        query = select(ChatUser).where(
            chat_users.c.channel == channel, chat_users.c.external_id == external_id
        )
        return (await self._session.scalars(query)).one_or_none()

    async def add(self, user: ChatUser) -> ChatUser:
        self._session.add(user)
        await self._session.flush()  # assigns the id; a duplicate raises IntegrityError here
        return user


class SqlAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: int) -> Account | None:
        return await self._session.get(Account, account_id)

    async def by_id_number(self, programme: str, id_number: str) -> Account | None:
        query = select(Account).where(accounts.c.programme == programme, accounts.c.id_number == id_number)
        return (await self._session.scalars(query)).one_or_none()

    async def by_username(self, programme: str, username: str) -> Account | None:
        # The database lowers both sides, so this agrees with the unique constraint it relies on.
        query = select(Account).where(
            accounts.c.programme == programme, accounts.c.username_canonical == func.lower(username)
        )
        return (await self._session.scalars(query)).one_or_none()

    async def of_user(self, user_id: int, programme: str) -> Account | None:
        # Nothing forbids a chat user two accounts in one programme; the newest one is theirs now.
        query = (
            select(Account)
            .where(accounts.c.user_id == user_id, accounts.c.programme == programme)
            .order_by(accounts.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def add(self, account: Account) -> Account:
        self._session.add(account)
        await self._session.flush()
        return account

    async def of_programme(self, programme: str) -> list[Account]:
        query = select(Account).where(accounts.c.programme == programme).order_by(accounts.c.id)
        return list(await self._session.scalars(query))

    async def unactivated(self, programme: str, created_before: datetime) -> list[Account]:
        query = (
            select(Account)
            .where(
                accounts.c.programme == programme,
                accounts.c.activated_at.is_(None),
                accounts.c.created_at < created_before,
            )
            .order_by(accounts.c.created_at, accounts.c.id)
        )
        return list(await self._session.scalars(query))

    async def remove(self, account: Account) -> None:
        # The foreign keys cascade to the audit trail, the e-mail challenges, the profile sections, the
        # uploads and the submissions. The uploads' files stay behind until an orphan sweep
        # (domain/uploads.py) removes them.
        await self._session.delete(account)
        await self._session.flush()


class SqlProfileSectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: int, section: str) -> ProfileSection | None:
        query = select(ProfileSection).where(
            profile_sections.c.account_id == account_id, profile_sections.c.section == section
        )
        return (await self._session.scalars(query)).one_or_none()

    async def of_account(self, account_id: int) -> list[ProfileSection]:
        query = select(ProfileSection).where(profile_sections.c.account_id == account_id)
        return list(await self._session.scalars(query.order_by(profile_sections.c.section)))

    async def add(self, section: ProfileSection) -> ProfileSection:
        self._session.add(section)
        await self._session.flush()
        return section


class SqlEmailChallengeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, challenge_id: int) -> EmailChallenge | None:
        return await self._session.get(EmailChallenge, challenge_id)

    async def by_token_hash(self, token_hash: str) -> EmailChallenge | None:
        query = select(EmailChallenge).where(email_challenges.c.token_hash == token_hash)
        return (await self._session.scalars(query)).one_or_none()

    async def latest(self, account_id: int, purpose: str) -> EmailChallenge | None:
        query = (
            select(EmailChallenge)
            .where(email_challenges.c.account_id == account_id, email_challenges.c.purpose == purpose)
            .order_by(email_challenges.c.sent_at.desc(), email_challenges.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def sent_since(self, account_id: int, purpose: str, since: datetime) -> list[EmailChallenge]:
        query = select(EmailChallenge).where(
            email_challenges.c.account_id == account_id,
            email_challenges.c.purpose == purpose,
            email_challenges.c.sent_at >= since,
        )
        return list(await self._session.scalars(query))

    async def add(self, challenge: EmailChallenge) -> EmailChallenge:
        self._session.add(challenge)
        await self._session.flush()
        return challenge


class SqlSmsChallengeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, user_id: int, purpose: str) -> SmsChallenge | None:
        query = (
            select(SmsChallenge)
            .where(sms_challenges.c.user_id == user_id, sms_challenges.c.purpose == purpose)
            .order_by(sms_challenges.c.sent_at.desc(), sms_challenges.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def sent_to(self, mobile: str, since: datetime) -> list[SmsChallenge]:
        query = select(SmsChallenge).where(
            sms_challenges.c.mobile == mobile, sms_challenges.c.sent_at >= since
        )
        return list(await self._session.scalars(query))

    async def add(self, challenge: SmsChallenge) -> SmsChallenge:
        self._session.add(challenge)
        await self._session.flush()
        return challenge


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_person(self, channel: str, external_id: str) -> list[StaffMember]:
        query = (
            select(StaffMember)
            .where(staff_members.c.channel == channel, staff_members.c.external_id == external_id)
            .order_by(staff_members.c.programme, staff_members.c.role, staff_members.c.base_id)
        )
        return list(await self._session.scalars(query))

    async def find(
        self, channel: str, external_id: str, role: str, programme: str, base_id: str | None
    ) -> StaffMember | None:
        query = select(StaffMember).where(
            staff_members.c.channel == channel,
            staff_members.c.external_id == external_id,
            staff_members.c.role == role,
            staff_members.c.programme == programme,
            # Compared as stored ('' for None): "== None" would render IS NULL and match nothing.
            staff_members.c.base_id == (base_id or ""),
        )
        return (await self._session.scalars(query)).one_or_none()

    async def listed(self, programme: str | None = None) -> list[StaffMember]:
        query = select(StaffMember).order_by(
            staff_members.c.programme,
            staff_members.c.channel,
            staff_members.c.external_id,
            staff_members.c.role,
            staff_members.c.base_id,
        )
        if programme is not None:
            query = query.where(staff_members.c.programme == programme)
        return list(await self._session.scalars(query))

    async def add(self, member: StaffMember) -> StaffMember:
        self._session.add(member)
        await self._session.flush()
        return member

    async def remove(self, member: StaffMember) -> None:
        await self._session.delete(member)
        await self._session.flush()


class SqlAuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> AuditEntry:
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def of_account(self, account_id: int) -> list[AuditEntry]:
        query = (
            select(AuditEntry)
            .where(account_events.c.account_id == account_id)
            .order_by(account_events.c.at, account_events.c.id)
        )
        return list(await self._session.scalars(query))


class SqlExamRegistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_number(self, registration_number: str) -> ExamRegistration | None:
        query = select(ExamRegistration).where(
            exam_registrations.c.registration_number == registration_number
        )
        return (await self._session.scalars(query)).one_or_none()

    async def with_id_number(self, id_number: str) -> list[ExamRegistration]:
        query = (
            select(ExamRegistration)
            .where(exam_registrations.c.id_number == id_number)
            .order_by(exam_registrations.c.registration_number)
        )
        return list(await self._session.scalars(query))

    async def listed(self, exam_region: str | None = None) -> list[ExamRegistration]:
        query = select(ExamRegistration).order_by(exam_registrations.c.registration_number)
        if exam_region is not None:
            query = query.where(exam_registrations.c.exam_region == exam_region)
        return list(await self._session.scalars(query))

    async def add(self, registration: ExamRegistration) -> ExamRegistration:
        self._session.add(registration)
        await self._session.flush()
        return registration


class SqlUploadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, upload_id: int) -> Upload | None:
        return await self._session.get(Upload, upload_id)

    async def of_account(self, account_id: int, kind: str) -> list[Upload]:
        query = (
            select(Upload)
            .where(uploads.c.account_id == account_id, uploads.c.kind == kind)
            .order_by(uploads.c.uploaded_at, uploads.c.id)
        )
        return list(await self._session.scalars(query))

    async def in_state(self, kind: str, state: str) -> list[Upload]:
        query = (
            select(Upload)
            .where(uploads.c.kind == kind, uploads.c.state == state)
            .order_by(uploads.c.uploaded_at, uploads.c.id)
        )
        return list(await self._session.scalars(query))

    async def add(self, upload: Upload) -> Upload:
        self._session.add(upload)
        await self._session.flush()
        return upload

    async def remove(self, upload: Upload) -> None:
        await self._session.delete(upload)
        await self._session.flush()

    async def references(self, file_key: str) -> int:
        query = select(func.count()).select_from(uploads).where(uploads.c.file_key == file_key)
        return (await self._session.scalar(query)) or 0

    async def file_keys(self) -> set[str]:
        return set(await self._session.scalars(select(uploads.c.file_key).distinct()))


class SqlSubmissionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: int, kind: str) -> Submission | None:
        query = select(Submission).where(submissions.c.account_id == account_id, submissions.c.kind == kind)
        return (await self._session.scalars(query)).one_or_none()

    async def add(self, submission: Submission) -> Submission:
        self._session.add(submission)
        await self._session.flush()
        return submission


class SqlGdCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, year: int) -> YearCatalog | None:
        imported_at = await self._session.scalar(
            select(gd_catalog_years.c.imported_at).where(gd_catalog_years.c.year == year)
        )
        if imported_at is None:
            return None
        specialty_rows = await self._session.execute(
            select(gd_specialties.c.code, gd_specialties.c.name)
            .where(gd_specialties.c.year == year)
            .order_by(gd_specialties.c.position)
        )
        quota_rows = await self._session.execute(
            select(
                gd_base_specialties.c.base_id,
                gd_base_specialties.c.specialty_code,
                gd_base_specialties.c.quota,
            )
            .where(gd_base_specialties.c.year == year)
            .order_by(gd_base_specialties.c.base_id, gd_base_specialties.c.position)
        )
        quotas: dict[str, dict[str, int]] = {}
        for base_id, code, quota in quota_rows:
            quotas.setdefault(base_id, {})[code] = quota
        base_rows = await self._session.execute(
            select(gd_training_bases.c.base_id, gd_training_bases.c.name, gd_training_bases.c.city)
            .where(gd_training_bases.c.year == year)
            .order_by(gd_training_bases.c.position)
        )
        return YearCatalog(
            year=year,
            specialties=tuple(Specialty(code, name) for code, name in specialty_rows),
            bases=tuple(
                TrainingBase(base_id, name, city, quotas.get(base_id, {}))
                for base_id, name, city in base_rows
            ),
            batches=(await self._batches(year)).get(year, ()),
            imported_at=imported_at,
        )

    async def calendar(self) -> dict[int, tuple[Batch, ...]]:
        return await self._batches()

    async def _batches(self, year: int | None = None) -> dict[int, tuple[Batch, ...]]:
        query = select(gd_batches).order_by(gd_batches.c.year, gd_batches.c.number)
        if year is not None:
            query = query.where(gd_batches.c.year == year)
        found: dict[int, list[Batch]] = {}
        for row in (await self._session.execute(query)).mappings():
            found.setdefault(row["year"], []).append(
                Batch(
                    number=row["number"],
                    application=Window(row["application_start"], row["application_end"]),
                    admission=Window(row["admission_start"], row["admission_end"]),
                    confirmation=Window(row["confirmation_start"], row["confirmation_end"]),
                )
            )
        return {y: tuple(batches) for y, batches in found.items()}

    async def years(self) -> list[int]:
        return list(
            await self._session.scalars(select(gd_catalog_years.c.year).order_by(gd_catalog_years.c.year))
        )

    async def replace(self, catalog: YearCatalog, imported_at: datetime) -> None:
        year = catalog.year
        # Children first: the foreign keys would cascade on SQLite and PostgreSQL alike, but an
        # explicit order does not depend on the connection's foreign-key setting.
        for table in (gd_base_specialties, gd_training_bases, gd_specialties, gd_batches, gd_catalog_years):
            await self._session.execute(delete(table).where(table.c.year == year))
        await self._session.execute(insert(gd_catalog_years).values(year=year, imported_at=imported_at))
        if catalog.batches:
            await self._session.execute(
                insert(gd_batches),
                [
                    {
                        "year": year,
                        "number": b.number,
                        "application_start": b.application.start,
                        "application_end": b.application.end,
                        "admission_start": b.admission.start,
                        "admission_end": b.admission.end,
                        "confirmation_start": b.confirmation.start,
                        "confirmation_end": b.confirmation.end,
                    }
                    for b in catalog.batches
                ],
            )
        await self._session.execute(
            insert(gd_specialties),
            [
                {"year": year, "position": position, "code": s.code, "name": s.name}
                for position, s in enumerate(catalog.specialties)
            ],
        )
        await self._session.execute(
            insert(gd_training_bases),
            [
                {"year": year, "position": position, "base_id": b.base_id, "name": b.name, "city": b.city}
                for position, b in enumerate(catalog.bases)
            ],
        )
        offerings = [
            {"year": year, "base_id": b.base_id, "specialty_code": code, "position": position, "quota": quota}
            for b in catalog.bases
            for position, (code, quota) in enumerate(b.quotas.items())
        ]
        if offerings:
            await self._session.execute(insert(gd_base_specialties), offerings)


class SqlGdApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, application_id: int) -> GdApplication | None:
        return await self._session.get(GdApplication, application_id)

    async def find(self, account_id: int, year: int, batch: int) -> GdApplication | None:
        query = select(GdApplication).where(
            gd_applications.c.account_id == account_id,
            gd_applications.c.year == year,
            gd_applications.c.batch == batch,
        )
        return (await self._session.scalars(query)).one_or_none()

    async def of_account(self, account_id: int, year: int | None = None) -> list[GdApplication]:
        query = (
            select(GdApplication)
            .where(gd_applications.c.account_id == account_id)
            .order_by(gd_applications.c.year, gd_applications.c.batch)
        )
        if year is not None:
            query = query.where(gd_applications.c.year == year)
        return list(await self._session.scalars(query))

    async def of_year(self, year: int, state: str | None = None) -> list[GdApplication]:
        query = select(GdApplication).where(gd_applications.c.year == year).order_by(gd_applications.c.id)
        if state is not None:
            query = query.where(gd_applications.c.state == state)
        return list(await self._session.scalars(query))

    async def add(self, application: GdApplication) -> GdApplication:
        self._session.add(application)
        await self._session.flush()
        return application


class SqlOfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, offer_id: int) -> Offer | None:
        return await self._session.get(Offer, offer_id)

    async def of_application(self, application_id: int) -> list[Offer]:
        query = select(Offer).where(offers.c.application_id == application_id).order_by(offers.c.rank)
        return list(await self._session.scalars(query))

    async def of_account(self, account_id: int, year: int | None = None) -> list[Offer]:
        query = (
            select(Offer)
            .where(offers.c.account_id == account_id)
            .order_by(offers.c.year, offers.c.batch, offers.c.rank)
        )
        if year is not None:
            query = query.where(offers.c.year == year)
        return list(await self._session.scalars(query))

    async def of_base(self, base_id: str, year: int | None = None) -> list[Offer]:
        query = (
            select(Offer)
            .where(offers.c.base_id == base_id)
            .order_by(offers.c.year, offers.c.batch, offers.c.application_id)
        )
        if year is not None:
            query = query.where(offers.c.year == year)
        return list(await self._session.scalars(query))

    async def undelivered(self) -> list[Offer]:
        query = (
            select(Offer)
            .where(offers.c.decided_at.is_not(None), offers.c.notified_at.is_(None))
            .order_by(offers.c.decided_at, offers.c.id)
        )
        return list(await self._session.scalars(query))

    async def with_notice(self) -> list[Offer]:
        query = select(Offer).where(offers.c.notice_message_id.is_not(None)).order_by(offers.c.id)
        return list(await self._session.scalars(query))

    async def add(self, offer: Offer) -> Offer:
        self._session.add(offer)
        await self._session.flush()
        return offer

    async def accept(self, offer: Offer, at: datetime) -> bool:
        offer.state, offer.answered_at = OfferState.ACCEPTED, at
        try:
            # Written now, not at commit: the partial unique index decides here between this unit of
            # work and any other that accepted an offer of the same account since we read.
            await self._session.flush()
        except IntegrityError:
            await self._session.rollback()
            return False
        return True


class SqlDegreeApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, application_id: int) -> DegreeApplication | None:
        return await self._session.get(DegreeApplication, application_id)

    async def of_account(self, account_id: int) -> list[DegreeApplication]:
        query = (
            select(DegreeApplication)
            .where(degree_applications.c.account_id == account_id)
            .order_by(degree_applications.c.year, degree_applications.c.id)
        )
        return list(await self._session.scalars(query))

    async def add(self, application: DegreeApplication) -> DegreeApplication:
        self._session.add(application)
        await self._session.flush()  # a second live application raises IntegrityError here
        return application

    async def remove(self, application: DegreeApplication) -> None:
        await self._session.delete(application)
        await self._session.flush()


class SqlEducationRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_id_number(self, id_number: str, kind: str | None = None) -> list[EducationRecord]:
        query = (
            select(EducationRecord)
            .where(education_records.c.id_number == id_number)
            .order_by(education_records.c.id)
        )
        if kind is not None:
            query = query.where(education_records.c.kind == kind)
        return list(await self._session.scalars(query))

    async def find(self, id_number: str, kind: str, school: str, major: str) -> EducationRecord | None:
        query = select(EducationRecord).where(
            education_records.c.id_number == id_number,
            education_records.c.kind == kind,
            education_records.c.school == school,
            education_records.c.major == major,
        )
        return (await self._session.scalars(query)).one_or_none()

    async def add(self, record: EducationRecord) -> EducationRecord:
        self._session.add(record)
        await self._session.flush()
        return record

    async def counts(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(education_records.c.kind, func.count()).group_by(education_records.c.kind)
        )
        return {kind: count for kind, count in rows}

    async def listed(self) -> list[EducationRecord]:
        query = select(EducationRecord).order_by(
            education_records.c.kind,
            education_records.c.school,
            education_records.c.major,
            education_records.c.id,
        )
        return list(await self._session.scalars(query))


class SqlVerificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: int) -> StoredVerification | None:
        return await self._session.get(StoredVerification, account_id)

    async def add(self, verification: StoredVerification) -> StoredVerification:
        self._session.add(verification)
        await self._session.flush()
        return verification


class SqlOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, order_id: int) -> Order | None:
        return await self._session.get(Order, order_id)

    async def find(self, account_id: int, programme: str, year: int) -> Order | None:
        query = select(Order).where(
            orders.c.account_id == account_id, orders.c.programme == programme, orders.c.year == year
        )
        return (await self._session.scalars(query)).one_or_none()

    async def add(self, order: Order) -> Order:
        self._session.add(order)
        await self._session.flush()
        return order

    async def mark_paid(
        self, order: Order, at: datetime, telegram_charge_id: str, provider_charge_id: str
    ) -> bool:
        # One conditional UPDATE, written now: the database serialises concurrent writers, and the
        # second finds the order no longer OPEN. Then the entity is read again either way.
        result = await self._session.execute(  # an UPDATE's result is a CursorResult, with a rowcount
            update(orders)
            .where(orders.c.id == order.id, orders.c.state == OrderState.OPEN.value)
            .values(
                state=OrderState.PAID.value,
                paid_at=at,
                telegram_charge_id=telegram_charge_id,
                provider_charge_id=provider_charge_id,
            )
        )
        await self._session.refresh(order)
        return cast("CursorResult[Any]", result).rowcount == 1

    async def hold_checkout(self, order: Order, now: datetime, until: datetime) -> bool:
        # Like mark_paid: one conditional UPDATE, so of two simultaneous pre-checkouts one wins.
        result = await self._session.execute(
            update(orders)
            .where(
                orders.c.id == order.id,
                orders.c.state == OrderState.OPEN.value,
                or_(orders.c.checkout_until.is_(None), orders.c.checkout_until <= now),
            )
            .values(checkout_until=until)
        )
        await self._session.refresh(order)
        return cast("CursorResult[Any]", result).rowcount == 1

    async def listed(self, programme: str | None = None) -> list[Order]:
        query = select(Order).order_by(orders.c.id)
        if programme is not None:
            query = query.where(orders.c.programme == programme)
        return list(await self._session.scalars(query))


class SqlPaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_charge_id: str) -> Payment | None:
        return await self._session.get(Payment, telegram_charge_id)

    async def add(self, payment: Payment) -> bool:
        self._session.add(payment)
        try:
            # Written now, not at commit: the primary key decides here between this unit of work and
            # any other that recorded the same charge since we read.
            await self._session.flush()
        except IntegrityError:
            await self._session.rollback()
            return False
        return True

    async def of_order(self, order_id: int) -> list[Payment]:
        query = (
            select(Payment)
            .where(payments.c.order_id == order_id)
            .order_by(payments.c.received_at, payments.c.telegram_charge_id)
        )
        return list(await self._session.scalars(query))

    async def duplicates(self) -> list[Payment]:
        query = (
            select(Payment)
            .where(payments.c.duplicate.is_(True))
            .order_by(payments.c.received_at, payments.c.telegram_charge_id)
        )
        return list(await self._session.scalars(query))


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, message: OutboxMessage) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING: the unique index decides, also against a concurrent unit of
        # work, and a duplicate leaves the caller's transaction intact (a failed flush would not).
        values = {column.name: getattr(message, column.name) for column in outbox_messages.c}
        del values["id"]
        dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(outbox_messages)
            .values(values)
            .on_conflict_do_nothing(index_elements=[outbox_messages.c.dedupe_key])
            .returning(outbox_messages.c.id)
        )
        new_id = (await self._session.execute(statement)).scalar_one_or_none()
        if new_id is None:
            return False
        message.id = new_id
        return True

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self._session.get(OutboxMessage, message_id, populate_existing=True)

    async def cancel(
        self,
        *,
        keys: Collection[str] = (),
        prefix: str | None = None,
        user_id: int | None = None,
        reason: str | None = None,
    ) -> int:
        if not keys and prefix is None and user_id is None:
            return 0
        conditions = [outbox_messages.c.state == OutboxState.QUEUED.value]
        if keys:
            conditions.append(outbox_messages.c.dedupe_key.in_(list(keys)))
        if prefix is not None:
            conditions.append(outbox_messages.c.dedupe_key.startswith(prefix, autoescape=True))
        if user_id is not None:
            conditions.append(outbox_messages.c.user_id == user_id)
        return await self._update(
            conditions, state=OutboxState.CANCELLED.value, claimed_at=None, last_error=reason
        )

    async def cancel_about(self, kinds: Collection[str], deadline_at: datetime, reason: str) -> int:
        conditions = [
            outbox_messages.c.state == OutboxState.QUEUED.value,
            outbox_messages.c.kind.in_(list(kinds)),
            outbox_messages.c.deadline_at == deadline_at,
        ]
        return await self._update(
            conditions, state=OutboxState.CANCELLED.value, claimed_at=None, last_error=reason
        )

    async def claim(self, now: datetime, limit: int) -> list[OutboxMessage]:
        due = (
            select(outbox_messages.c.id)
            .join(chat_users, chat_users.c.id == outbox_messages.c.user_id)
            .where(
                outbox_messages.c.state == OutboxState.QUEUED.value,
                outbox_messages.c.due_at <= now,
                chat_users.c.blocked_at.is_(None),
            )
            .order_by(outbox_messages.c.bulk, outbox_messages.c.due_at, outbox_messages.c.id)
            .limit(limit)
            # PostgreSQL: concurrent claimers skip each other's rows; SQLite has one writer at a time.
            .with_for_update(skip_locked=True, of=outbox_messages)
        )
        # One UPDATE: the state test is repeated outside the subquery so that a row another claimer
        # took meanwhile is not taken again (PostgreSQL re-checks it on the locked row).
        claimed = await self._session.execute(
            update(outbox_messages)
            .where(outbox_messages.c.id.in_(due), outbox_messages.c.state == OutboxState.QUEUED.value)
            .values(state=OutboxState.SENDING.value, claimed_at=now)
            .returning(outbox_messages.c.id)
        )
        ids = list(claimed.scalars())
        if not ids:
            return []
        query = (
            select(OutboxMessage)
            .where(outbox_messages.c.id.in_(ids))
            .order_by(outbox_messages.c.bulk, outbox_messages.c.due_at, outbox_messages.c.id)
            .execution_options(populate_existing=True)
        )
        return list(await self._session.scalars(query))

    async def mark_sent(self, message_ids: Collection[int], at: datetime) -> None:
        await self._update(
            [outbox_messages.c.id.in_(message_ids)],
            state=OutboxState.SENT.value,
            sent_at=at,
            attempts=outbox_messages.c.attempts + 1,
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._update_one(
            message_id,
            state=OutboxState.FAILED.value,
            last_error=error,
            attempts=outbox_messages.c.attempts + 1,
        )

    async def mark_blocked(self, message_id: int, error: str) -> None:
        await self._update_one(
            message_id,
            state=OutboxState.BLOCKED.value,
            last_error=error,
            attempts=outbox_messages.c.attempts + 1,
        )

    async def mark_cancelled(self, message_id: int, reason: str) -> None:
        await self._update_one(message_id, state=OutboxState.CANCELLED.value, last_error=reason)

    async def requeue(self, message_id: int, due_at: datetime, error: str | None = None) -> None:
        values: dict[str, Any] = {"state": OutboxState.QUEUED.value, "due_at": due_at, "claimed_at": None}
        if error is not None:
            values |= {"last_error": error, "attempts": outbox_messages.c.attempts + 1}
        await self._update_one(message_id, **values)

    async def stuck(self, before: datetime) -> list[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(
                outbox_messages.c.state == OutboxState.SENDING.value,
                outbox_messages.c.claimed_at < before,
            )
            .order_by(outbox_messages.c.id)
            .execution_options(populate_existing=True)
        )
        return list(await self._session.scalars(query))

    async def revive(self, user_id: int, reason: str, deadline_after: datetime) -> int:
        return await self._update(
            [
                outbox_messages.c.user_id == user_id,
                outbox_messages.c.deadline_at > deadline_after,
                or_(
                    outbox_messages.c.state == OutboxState.BLOCKED.value,
                    and_(
                        outbox_messages.c.state == OutboxState.CANCELLED.value,
                        outbox_messages.c.last_error == reason,
                    ),
                ),
            ],
            state=OutboxState.QUEUED.value,
            claimed_at=None,
        )

    async def counts(self) -> dict[tuple[str, str], int]:
        rows = await self._session.execute(
            select(outbox_messages.c.kind, outbox_messages.c.state, func.count()).group_by(
                outbox_messages.c.kind, outbox_messages.c.state
            )
        )
        return {(kind, state): count for kind, state, count in rows}

    async def _update_one(self, message_id: int, **values: Any) -> None:
        await self._update([outbox_messages.c.id == message_id], **values)

    async def _update(self, conditions: list[Any], **values: Any) -> int:
        result = await self._session.execute(update(outbox_messages).where(*conditions).values(**values))
        return cast("CursorResult[Any]", result).rowcount


class SqlAskedQuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, question: AskedQuestion) -> AskedQuestion:
        self._session.add(question)
        await self._session.flush()
        return question

    async def get_for_user(self, question_id: int, user_id: int) -> AskedQuestion | None:
        query = select(AskedQuestion).where(
            faq_questions.c.id == question_id, faq_questions.c.user_id == user_id
        )
        return (await self._session.scalars(query)).one_or_none()

    async def latest_of(self, user_id: int) -> AskedQuestion | None:
        query = (
            select(AskedQuestion)
            .where(faq_questions.c.user_id == user_id)
            .order_by(faq_questions.c.asked_at.desc(), faq_questions.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def counts(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(faq_questions.c.outcome, func.count()).group_by(faq_questions.c.outcome)
        )
        return {outcome: count for outcome, count in rows}

    async def most_asked_unanswered(self, limit: int) -> list[tuple[str, int]]:
        count = func.count().label("count")
        query = (
            select(faq_questions.c.text, count)
            .where(faq_questions.c.entry_id.is_(None), faq_questions.c.outcome != QuestionOutcome.ANSWERED)
            .group_by(faq_questions.c.text)
            .order_by(count.desc(), faq_questions.c.text)
            .limit(limit)
        )
        return [(text, number) for text, number in await self._session.execute(query)]


class SqlHelplineThreadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, thread_id: int) -> HelplineThread | None:
        return await self._session.get(HelplineThread, thread_id)

    async def open_of(self, user_id: int) -> HelplineThread | None:
        query = (
            select(HelplineThread)
            .where(helpline_threads.c.user_id == user_id, helpline_threads.c.state == ThreadState.OPEN)
            .order_by(helpline_threads.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()

    async def add(self, thread: HelplineThread) -> HelplineThread:
        self._session.add(thread)
        await self._session.flush()
        return thread

    async def add_message(self, message: ThreadMessage) -> ThreadMessage:
        self._session.add(message)
        await self._session.flush()
        return message

    async def message_at(self, chat_id: int, message_id: int) -> ThreadMessage | None:
        query = select(ThreadMessage).where(
            helpline_messages.c.chat_id == chat_id, helpline_messages.c.message_id == message_id
        )
        return (await self._session.scalars(query)).one_or_none()

    async def latest_message(self, thread_id: int, kind: str) -> ThreadMessage | None:
        query = (
            select(ThreadMessage)
            .where(helpline_messages.c.thread_id == thread_id, helpline_messages.c.kind == kind)
            .order_by(helpline_messages.c.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(query)).first()


class SqlStaffFaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: StaffFaqEntry) -> StaffFaqEntry:
        self._session.add(entry)
        await self._session.flush()
        return entry

    async def listed(self) -> list[StaffFaqEntry]:
        return list(await self._session.scalars(select(StaffFaqEntry).order_by(faq_staff_entries.c.id)))
