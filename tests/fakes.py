"""In-memory adapters for the ports of domain/ports.py, for unit tests of the use cases.

They behave like the SQL ones where a use case could tell the difference: ids are assigned on
``add``, usernames compare case-insensitively, the unique constraints of bot/db/tables.py hold, and
leaving ``async with uow:`` without ``commit()`` discards every change made since the last commit,
including changes to entities loaded inside (they are the stored objects until the exit).
"""

import copy
import dataclasses
import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, NamedTuple, Self

from domain.clock import Clock
from domain.credentials import canonical_username
from domain.model import (
    Account,
    AskedQuestion,
    AuditEntry,
    Batch,
    ChatUser,
    DegreeApplication,
    DegreeApplicationState,
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
    StaffFaqEntry,
    StaffMember,
    StoredVerification,
    Submission,
    ThreadMessage,
    ThreadState,
    Upload,
    YearCatalog,
)
from domain.ports import (
    AccountRepository,
    AskedQuestionRepository,
    AuditRepository,
    ChatUserRepository,
    DegreeApplicationRepository,
    EducationRecordRepository,
    EmailChallengeRepository,
    ExamRegistrationRepository,
    FileStore,
    GdApplicationRepository,
    GdCatalogRepository,
    HelplineThreadRepository,
    OfferRepository,
    OrderRepository,
    OutboxRepository,
    PaymentRepository,
    ProfileSectionRepository,
    SmsChallengeRepository,
    SmsSender,
    StaffFaqRepository,
    StaffRepository,
    SubmissionRepository,
    UnitOfWork,
    UploadRepository,
    VerificationRepository,
)


class DuplicateKey(Exception):
    """What the database's unique constraint would refuse (IntegrityError in the SQL adapter)."""


@dataclass
class _Tables:
    users: dict[int, ChatUser]
    accounts: dict[int, Account]
    sms_challenges: dict[int, SmsChallenge]
    staff: dict[int, StaffMember] = field(default_factory=dict)
    account_events: dict[int, AuditEntry] = field(default_factory=dict)
    exam_registrations: dict[int, ExamRegistration] = field(default_factory=dict)
    email_challenges: dict[int, EmailChallenge] = field(default_factory=dict)
    profile_sections: dict[int, ProfileSection] = field(default_factory=dict)
    uploads: dict[int, Upload] = field(default_factory=dict)
    submissions: dict[int, Submission] = field(default_factory=dict)
    gd_catalog: dict[int, YearCatalog] = field(default_factory=dict)
    gd_applications: dict[int, GdApplication] = field(default_factory=dict)
    offers: dict[int, Offer] = field(default_factory=dict)
    degree_applications: dict[int, DegreeApplication] = field(default_factory=dict)
    education_records: dict[int, EducationRecord] = field(default_factory=dict)
    verifications: dict[int, StoredVerification] = field(default_factory=dict)  # by account id
    orders: dict[int, Order] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)  # by telegram_charge_id
    outbox: dict[int, OutboxMessage] = field(default_factory=dict)
    asked_questions: dict[int, AskedQuestion] = field(default_factory=dict)
    helpline_threads: dict[int, HelplineThread] = field(default_factory=dict)
    helpline_messages: dict[int, ThreadMessage] = field(default_factory=dict)
    staff_faq: dict[int, StaffFaqEntry] = field(default_factory=dict)


class _Guard:
    """Refuses repository use outside ``async with uow:``, as the SQL unit of work does."""

    def __init__(self, uow: "FakeUnitOfWork") -> None:
        self._uow = uow

    def tables(self) -> _Tables:
        if not self._uow.entered:
            raise RuntimeError("enter the unit of work (async with uow:) first")
        return self._uow.tables

    def next_id(self) -> int:
        return self._uow.next_id()

    async def rollback(self) -> None:
        await self._uow.rollback()


class FakeChatUserRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, user_id: int) -> ChatUser | None:
        return self._guard.tables().users.get(user_id)

    async def many(self, user_ids: Collection[int]) -> dict[int, ChatUser]:
        users = self._guard.tables().users
        return {user_id: users[user_id] for user_id in user_ids if user_id in users}

    async def find(self, channel: str, external_id: str) -> ChatUser | None:
        users = self._guard.tables().users.values()
        return next((u for u in users if (u.channel, u.external_id) == (channel, external_id)), None)

    async def add(self, user: ChatUser) -> ChatUser:
        if await self.find(user.channel, user.external_id) is not None:
            raise DuplicateKey("chat_users (channel, external_id)")
        user.id = self._guard.next_id()
        self._guard.tables().users[user.id] = user
        return user


class FakeAccountRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, account_id: int) -> Account | None:
        return self._guard.tables().accounts.get(account_id)

    async def by_id_number(self, programme: str, id_number: str) -> Account | None:
        accounts = self._guard.tables().accounts.values()
        return next((a for a in accounts if (a.programme, a.id_number) == (programme, id_number)), None)

    async def by_username(self, programme: str, username: str) -> Account | None:
        wanted = canonical_username(username)
        accounts = self._guard.tables().accounts.values()
        return next(
            (a for a in accounts if a.programme == programme and canonical_username(a.username) == wanted),
            None,
        )

    async def of_user(self, user_id: int, programme: str) -> Account | None:
        mine = [
            a
            for a in self._guard.tables().accounts.values()
            if a.user_id == user_id and a.programme == programme
        ]
        return max(mine, key=lambda a: a.id or 0, default=None)

    async def add(self, account: Account) -> Account:
        if await self.by_id_number(account.programme, account.id_number) is not None:
            raise DuplicateKey("accounts (programme, id_number)")
        if await self.by_username(account.programme, account.username) is not None:
            raise DuplicateKey("accounts (programme, username_canonical)")
        account.id = self._guard.next_id()
        self._guard.tables().accounts[account.id] = account
        return account

    async def of_programme(self, programme: str) -> list[Account]:
        found = [a for a in self._guard.tables().accounts.values() if a.programme == programme]
        return sorted(found, key=lambda a: a.id or 0)

    async def unactivated(self, programme: str, created_before: datetime) -> list[Account]:
        found = [
            a
            for a in self._guard.tables().accounts.values()
            if a.programme == programme and a.activated_at is None and a.created_at < created_before
        ]
        return sorted(found, key=lambda a: (a.created_at, a.id or 0))

    async def remove(self, account: Account) -> None:
        tables = self._guard.tables()
        tables.accounts.pop(account.id or 0, None)
        # What the foreign keys cascade to.
        cascading: tuple[dict[int, Any], ...] = (
            tables.account_events,
            tables.email_challenges,
            tables.profile_sections,
            tables.uploads,
            tables.submissions,
            tables.gd_applications,
            tables.offers,
            tables.degree_applications,
        )
        for rows in cascading:
            for key in [k for k, row in rows.items() if row.account_id == account.id]:
                del rows[key]


class FakeProfileSectionRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, account_id: int, section: str) -> ProfileSection | None:
        stored = self._guard.tables().profile_sections.values()
        return next((s for s in stored if (s.account_id, s.section) == (account_id, section)), None)

    async def of_account(self, account_id: int) -> list[ProfileSection]:
        stored = self._guard.tables().profile_sections.values()
        return sorted((s for s in stored if s.account_id == account_id), key=lambda s: s.section)

    async def add(self, section: ProfileSection) -> ProfileSection:
        if await self.get(section.account_id, section.section) is not None:
            raise DuplicateKey("profile_sections (account_id, section)")
        section.id = self._guard.next_id()
        self._guard.tables().profile_sections[section.id] = section
        return section


class FakeEmailChallengeRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _of(self, account_id: int, purpose: str) -> list[EmailChallenge]:
        return [
            c
            for c in self._guard.tables().email_challenges.values()
            if (c.account_id, c.purpose) == (account_id, purpose)
        ]

    async def get(self, challenge_id: int) -> EmailChallenge | None:
        return self._guard.tables().email_challenges.get(challenge_id)

    async def by_token_hash(self, token_hash: str) -> EmailChallenge | None:
        stored = self._guard.tables().email_challenges.values()
        return next((c for c in stored if c.token_hash == token_hash), None)

    async def latest(self, account_id: int, purpose: str) -> EmailChallenge | None:
        return max(self._of(account_id, purpose), key=lambda c: (c.sent_at, c.id or 0), default=None)

    async def sent_since(self, account_id: int, purpose: str, since: datetime) -> list[EmailChallenge]:
        return [c for c in self._of(account_id, purpose) if c.sent_at >= since]

    async def add(self, challenge: EmailChallenge) -> EmailChallenge:
        if await self.by_token_hash(challenge.token_hash) is not None:
            raise DuplicateKey("email_challenges (token_hash)")
        challenge.id = self._guard.next_id()
        self._guard.tables().email_challenges[challenge.id] = challenge
        return challenge


class FakeSmsChallengeRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def latest(self, user_id: int, purpose: str) -> SmsChallenge | None:
        theirs = [
            c
            for c in self._guard.tables().sms_challenges.values()
            if c.user_id == user_id and c.purpose == purpose
        ]
        return max(theirs, key=lambda c: (c.sent_at, c.id or 0), default=None)

    async def sent_to(self, mobile: str, since: datetime) -> list[SmsChallenge]:
        return [
            c
            for c in self._guard.tables().sms_challenges.values()
            if c.mobile == mobile and c.sent_at >= since
        ]

    async def add(self, challenge: SmsChallenge) -> SmsChallenge:
        challenge.id = self._guard.next_id()
        self._guard.tables().sms_challenges[challenge.id] = challenge
        return challenge


class FakeStaffRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def of_person(self, channel: str, external_id: str) -> list[StaffMember]:
        return [m for m in await self.listed() if (m.channel, m.external_id) == (channel, external_id)]

    async def find(
        self, channel: str, external_id: str, role: str, programme: str, base_id: str | None
    ) -> StaffMember | None:
        wanted = (channel, external_id, role, programme, base_id)
        return next(
            (
                m
                for m in self._guard.tables().staff.values()
                if (m.channel, m.external_id, m.role, m.programme, m.base_id) == wanted
            ),
            None,
        )

    async def listed(self, programme: str | None = None) -> list[StaffMember]:
        members = [m for m in self._guard.tables().staff.values() if programme in (None, m.programme)]
        return sorted(members, key=lambda m: (m.programme, m.channel, m.external_id, m.role, m.base_id or ""))

    async def add(self, member: StaffMember) -> StaffMember:
        found = await self.find(
            member.channel, member.external_id, member.role, member.programme, member.base_id
        )
        if found is not None:
            raise DuplicateKey("staff_members (channel, external_id, role, programme, base_id)")
        member.id = self._guard.next_id()
        self._guard.tables().staff[member.id] = member
        return member

    async def remove(self, member: StaffMember) -> None:
        self._guard.tables().staff.pop(member.id or 0, None)


class FakeAuditRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def add(self, entry: AuditEntry) -> AuditEntry:
        if entry.account_id not in self._guard.tables().accounts:
            raise DuplicateKey("account_events.account_id: no such account")  # the foreign key
        entry.id = self._guard.next_id()
        self._guard.tables().account_events[entry.id] = entry
        return entry

    async def of_account(self, account_id: int) -> list[AuditEntry]:
        events = [e for e in self._guard.tables().account_events.values() if e.account_id == account_id]
        return sorted(events, key=lambda e: (e.at, e.id or 0))


class FakeExamRegistrationRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def by_number(self, registration_number: str) -> ExamRegistration | None:
        stored = self._guard.tables().exam_registrations.values()
        return next((r for r in stored if r.registration_number == registration_number), None)

    async def with_id_number(self, id_number: str) -> list[ExamRegistration]:
        return [r for r in await self.listed() if r.id_number == id_number]

    async def listed(self, exam_region: str | None = None) -> list[ExamRegistration]:
        stored = self._guard.tables().exam_registrations.values()
        return sorted(
            (r for r in stored if exam_region in (None, r.exam_region)), key=lambda r: r.registration_number
        )

    async def add(self, registration: ExamRegistration) -> ExamRegistration:
        if await self.by_number(registration.registration_number) is not None:
            raise DuplicateKey("exam_registrations (registration_number)")
        registration.id = self._guard.next_id()
        self._guard.tables().exam_registrations[registration.id] = registration
        return registration


class FakeUploadRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, upload_id: int) -> Upload | None:
        return self._guard.tables().uploads.get(upload_id)

    async def of_account(self, account_id: int, kind: str) -> list[Upload]:
        stored = self._guard.tables().uploads.values()
        found = [u for u in stored if (u.account_id, u.kind) == (account_id, kind)]
        return sorted(found, key=lambda u: (u.uploaded_at, u.id or 0))

    async def in_state(self, kind: str, state: str) -> list[Upload]:
        stored = self._guard.tables().uploads.values()
        found = [u for u in stored if (u.kind, u.state) == (kind, state)]
        return sorted(found, key=lambda u: (u.uploaded_at, u.id or 0))

    async def add(self, upload: Upload) -> Upload:
        if upload.account_id not in self._guard.tables().accounts:
            raise DuplicateKey("uploads.account_id: no such account")  # the foreign key
        upload.id = self._guard.next_id()
        self._guard.tables().uploads[upload.id] = upload
        return upload

    async def remove(self, upload: Upload) -> None:
        self._guard.tables().uploads.pop(upload.id or 0, None)

    async def references(self, file_key: str) -> int:
        return sum(1 for u in self._guard.tables().uploads.values() if u.file_key == file_key)

    async def file_keys(self) -> set[str]:
        return {u.file_key for u in self._guard.tables().uploads.values()}


class FakeSubmissionRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, account_id: int, kind: str) -> Submission | None:
        stored = self._guard.tables().submissions.values()
        return next((s for s in stored if (s.account_id, s.kind) == (account_id, kind)), None)

    async def add(self, submission: Submission) -> Submission:
        if await self.get(submission.account_id, submission.kind) is not None:
            raise DuplicateKey("submissions (account_id, kind)")
        if submission.account_id not in self._guard.tables().accounts:
            raise DuplicateKey("submissions.account_id: no such account")
        submission.id = self._guard.next_id()
        self._guard.tables().submissions[submission.id] = submission
        return submission


class FakeGdCatalogRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, year: int) -> YearCatalog | None:
        return self._guard.tables().gd_catalog.get(year)

    async def years(self) -> list[int]:
        return sorted(self._guard.tables().gd_catalog)

    async def calendar(self) -> dict[int, tuple[Batch, ...]]:
        stored = self._guard.tables().gd_catalog
        return {year: stored[year].batches for year in sorted(stored) if stored[year].batches}

    async def replace(self, catalog: YearCatalog, imported_at: datetime) -> None:
        self._guard.tables().gd_catalog[catalog.year] = dataclasses.replace(catalog, imported_at=imported_at)


class FakeGdApplicationRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, application_id: int) -> GdApplication | None:
        return self._guard.tables().gd_applications.get(application_id)

    async def find(self, account_id: int, year: int, batch: int) -> GdApplication | None:
        stored = self._guard.tables().gd_applications.values()
        return next((a for a in stored if (a.account_id, a.year, a.batch) == (account_id, year, batch)), None)

    async def of_account(self, account_id: int, year: int | None = None) -> list[GdApplication]:
        stored = self._guard.tables().gd_applications.values()
        found = [a for a in stored if a.account_id == account_id and year in (None, a.year)]
        return sorted(found, key=lambda a: (a.year, a.batch))

    async def of_year(self, year: int, state: str | None = None) -> list[GdApplication]:
        stored = self._guard.tables().gd_applications.values()
        found = [a for a in stored if a.year == year and state in (None, a.state)]
        return sorted(found, key=lambda a: a.id or 0)

    async def add(self, application: GdApplication) -> GdApplication:
        if await self.find(application.account_id, application.year, application.batch) is not None:
            raise DuplicateKey("gd_applications (account_id, year, batch)")
        if application.account_id not in self._guard.tables().accounts:
            raise DuplicateKey("gd_applications.account_id: no such account")
        application.id = self._guard.next_id()
        self._guard.tables().gd_applications[application.id] = application
        return application


class FakeOfferRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _all(self) -> list[Offer]:
        return list(self._guard.tables().offers.values())

    async def get(self, offer_id: int) -> Offer | None:
        return self._guard.tables().offers.get(offer_id)

    async def of_application(self, application_id: int) -> list[Offer]:
        return sorted((o for o in self._all() if o.application_id == application_id), key=lambda o: o.rank)

    async def of_account(self, account_id: int, year: int | None = None) -> list[Offer]:
        found = [o for o in self._all() if o.account_id == account_id and year in (None, o.year)]
        return sorted(found, key=lambda o: (o.year, o.batch, o.rank))

    async def of_base(self, base_id: str, year: int | None = None) -> list[Offer]:
        found = [o for o in self._all() if o.base_id == base_id and year in (None, o.year)]
        return sorted(found, key=lambda o: (o.year, o.batch, o.application_id))

    async def undelivered(self) -> list[Offer]:
        found = [o for o in self._all() if o.decided_at is not None and o.notified_at is None]
        return sorted(found, key=lambda o: (o.decided_at or datetime.min.replace(tzinfo=UTC), o.id or 0))

    async def with_notice(self) -> list[Offer]:
        return sorted((o for o in self._all() if o.notice_message_id is not None), key=lambda o: o.id or 0)

    async def add(self, offer: Offer) -> Offer:
        for other in self._all():
            if other.application_id == offer.application_id and offer.base_id == other.base_id:
                raise DuplicateKey("offers (application_id, base_id)")
            if other.application_id == offer.application_id and offer.rank == other.rank:
                raise DuplicateKey("offers (application_id, rank)")
        if offer.application_id not in self._guard.tables().gd_applications:
            raise DuplicateKey("offers.application_id: no such application")
        offer.id = self._guard.next_id()
        self._guard.tables().offers[offer.id] = offer
        return offer

    async def accept(self, offer: Offer, at: datetime) -> bool:
        # What the partial unique index holds: one ACCEPTED offer per account and year.
        if any(
            o.id != offer.id and (o.account_id, o.year) == (offer.account_id, offer.year)
            for o in self._all()
            if o.state == OfferState.ACCEPTED
        ):
            await self._guard.rollback()
            return False
        offer.state, offer.answered_at = OfferState.ACCEPTED, at
        return True


def _live_key(application: DegreeApplication) -> tuple[int, int, str, str] | None:
    """The key of the partial unique index uq_degree_applications_live; None for a cancelled one."""
    if application.state == DegreeApplicationState.CANCELLED:
        return None
    return (application.account_id, application.year, application.unit, application.discipline_code)


def _check_live_applications(applications: dict[int, DegreeApplication]) -> None:
    keys = [key for a in applications.values() if (key := _live_key(a)) is not None]
    if len(keys) != len(set(keys)):
        raise DuplicateKey(
            "degree_applications: two live applications of one account, year, unit, discipline"
        )


class FakeDegreeApplicationRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, application_id: int) -> DegreeApplication | None:
        return self._guard.tables().degree_applications.get(application_id)

    async def of_account(self, account_id: int) -> list[DegreeApplication]:
        stored = self._guard.tables().degree_applications.values()
        return sorted((a for a in stored if a.account_id == account_id), key=lambda a: (a.year, a.id or 0))

    async def add(self, application: DegreeApplication) -> DegreeApplication:
        tables = self._guard.tables()
        if application.account_id not in tables.accounts:
            raise DuplicateKey("degree_applications.account_id: no such account")
        key = _live_key(application)
        if key is not None and any(_live_key(a) == key for a in tables.degree_applications.values()):
            raise DuplicateKey("degree_applications: a live application of this unit and discipline")
        application.id = self._guard.next_id()
        tables.degree_applications[application.id] = application
        return application

    async def remove(self, application: DegreeApplication) -> None:
        self._guard.tables().degree_applications.pop(application.id or 0, None)


def _record_key(record: EducationRecord) -> tuple[str, str, str, str]:
    return (record.id_number, record.kind, record.school, record.major)


class FakeEducationRecordRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _all(self) -> list[EducationRecord]:
        return sorted(self._guard.tables().education_records.values(), key=lambda r: r.id or 0)

    async def of_id_number(self, id_number: str, kind: str | None = None) -> list[EducationRecord]:
        return [r for r in self._all() if r.id_number == id_number and kind in (None, r.kind)]

    async def find(self, id_number: str, kind: str, school: str, major: str) -> EducationRecord | None:
        key = (id_number, kind, school, major)
        return next((r for r in self._all() if _record_key(r) == key), None)

    async def add(self, record: EducationRecord) -> EducationRecord:
        if any(_record_key(r) == _record_key(record) for r in self._all()):
            raise DuplicateKey("education_records (id_number, kind, school, major)")
        record.id = self._guard.next_id()
        self._guard.tables().education_records[record.id] = record
        return record

    async def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self._all():
            counts[record.kind] = counts.get(record.kind, 0) + 1
        return counts

    async def listed(self) -> list[EducationRecord]:
        return sorted(self._all(), key=lambda r: (r.kind, r.school, r.major, r.id or 0))


class FakeVerificationRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, account_id: int) -> StoredVerification | None:
        return self._guard.tables().verifications.get(account_id)

    async def add(self, verification: StoredVerification) -> StoredVerification:
        tables = self._guard.tables()
        if verification.account_id not in tables.accounts:
            raise DuplicateKey("verifications.account_id: no such account")
        if verification.account_id in tables.verifications:
            raise DuplicateKey("verifications (account_id)")
        tables.verifications[verification.account_id] = verification
        return verification


class FakeOrderRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _all(self) -> list[Order]:
        return sorted(self._guard.tables().orders.values(), key=lambda o: o.id or 0)

    async def get(self, order_id: int) -> Order | None:
        return self._guard.tables().orders.get(order_id)

    async def find(self, account_id: int, programme: str, year: int) -> Order | None:
        key = (account_id, programme, year)
        return next((o for o in self._all() if (o.account_id, o.programme, o.year) == key), None)

    async def add(self, order: Order) -> Order:
        if order.account_id not in self._guard.tables().accounts:
            raise DuplicateKey("orders.account_id: no such account")
        if await self.find(order.account_id, order.programme, order.year) is not None:
            raise DuplicateKey("orders (account_id, programme, year)")
        order.id = self._guard.next_id()
        self._guard.tables().orders[order.id] = order
        return order

    async def mark_paid(
        self, order: Order, at: datetime, telegram_charge_id: str, provider_charge_id: str
    ) -> bool:
        if order.state != OrderState.OPEN:
            return False
        order.state, order.paid_at = OrderState.PAID, at
        order.telegram_charge_id, order.provider_charge_id = telegram_charge_id, provider_charge_id
        return True

    async def hold_checkout(self, order: Order, now: datetime, until: datetime) -> bool:
        if order.state != OrderState.OPEN or (
            order.checkout_until is not None and order.checkout_until > now
        ):
            return False
        order.checkout_until = until
        return True

    async def listed(self, programme: str | None = None) -> list[Order]:
        return [o for o in self._all() if programme in (None, o.programme)]


class FakePaymentRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _all(self) -> list[Payment]:
        return sorted(
            self._guard.tables().payments.values(), key=lambda p: (p.received_at, p.telegram_charge_id)
        )

    async def get(self, telegram_charge_id: str) -> Payment | None:
        return self._guard.tables().payments.get(telegram_charge_id)

    async def add(self, payment: Payment) -> bool:
        tables = self._guard.tables()
        if payment.order_id not in tables.orders:
            raise DuplicateKey("payments.order_id: no such order")
        if payment.telegram_charge_id in tables.payments:
            await self._guard.rollback()
            return False
        tables.payments[payment.telegram_charge_id] = payment
        return True

    async def of_order(self, order_id: int) -> list[Payment]:
        return [p for p in self._all() if p.order_id == order_id]

    async def duplicates(self) -> list[Payment]:
        return [p for p in self._all() if p.duplicate]


def _cancelled(messages: list[OutboxMessage], reason: str | None) -> int:
    for message in messages:
        message.state, message.claimed_at, message.last_error = OutboxState.CANCELLED, None, reason
    return len(messages)


class FakeOutboxRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    def _rows(self) -> list[OutboxMessage]:
        return sorted(self._guard.tables().outbox.values(), key=lambda m: m.id or 0)

    async def add(self, message: OutboxMessage) -> bool:
        tables = self._guard.tables()
        if message.user_id not in tables.users:
            raise DuplicateKey("outbox_messages.user_id: no such chat user")
        if any(m.dedupe_key == message.dedupe_key for m in tables.outbox.values()):
            return False
        message.id = self._guard.next_id()
        tables.outbox[message.id] = message
        return True

    async def get(self, message_id: int) -> OutboxMessage | None:
        return self._guard.tables().outbox.get(message_id)

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
        wanted = [
            m
            for m in self._rows()
            if m.state == OutboxState.QUEUED
            and (not keys or m.dedupe_key in keys)
            and (prefix is None or m.dedupe_key.startswith(prefix))
            and (user_id is None or m.user_id == user_id)
        ]
        return _cancelled(wanted, reason)

    async def cancel_about(self, kinds: Collection[str], deadline_at: datetime, reason: str) -> int:
        wanted = [
            m
            for m in self._rows()
            if m.state == OutboxState.QUEUED and m.kind in kinds and m.deadline_at == deadline_at
        ]
        return _cancelled(wanted, reason)

    async def claim(self, now: datetime, limit: int) -> list[OutboxMessage]:
        users = self._guard.tables().users
        due = sorted(
            (
                m
                for m in self._rows()
                if m.state == OutboxState.QUEUED
                and m.due_at <= now
                and m.user_id in users
                and users[m.user_id].blocked_at is None
            ),
            key=lambda m: (m.bulk, m.due_at, m.id or 0),
        )[:limit]
        for message in due:
            message.state, message.claimed_at = OutboxState.SENDING, now
        return due

    def _one(self, message_id: int) -> OutboxMessage:
        return self._guard.tables().outbox[message_id]

    async def mark_sent(self, message_ids: Collection[int], at: datetime) -> None:
        for message_id in message_ids:
            message = self._one(message_id)
            message.state, message.sent_at = OutboxState.SENT, at
            message.attempts += 1

    async def mark_failed(self, message_id: int, error: str) -> None:
        message = self._one(message_id)
        message.state, message.last_error = OutboxState.FAILED, error
        message.attempts += 1

    async def mark_blocked(self, message_id: int, error: str) -> None:
        message = self._one(message_id)
        message.state, message.last_error = OutboxState.BLOCKED, error
        message.attempts += 1

    async def mark_cancelled(self, message_id: int, reason: str) -> None:
        message = self._one(message_id)
        message.state, message.last_error = OutboxState.CANCELLED, reason

    async def requeue(self, message_id: int, due_at: datetime, error: str | None = None) -> None:
        message = self._one(message_id)
        message.state, message.due_at, message.claimed_at = OutboxState.QUEUED, due_at, None
        if error is not None:
            message.last_error = error
            message.attempts += 1

    async def stuck(self, before: datetime) -> list[OutboxMessage]:
        return [
            m
            for m in self._rows()
            if m.state == OutboxState.SENDING and m.claimed_at is not None and m.claimed_at < before
        ]

    async def revive(self, user_id: int, reason: str, deadline_after: datetime) -> int:
        revived = [
            m
            for m in self._rows()
            if m.user_id == user_id
            and m.deadline_at is not None
            and m.deadline_at > deadline_after
            and (
                m.state == OutboxState.BLOCKED
                or (m.state == OutboxState.CANCELLED and m.last_error == reason)
            )
        ]
        for message in revived:
            message.state, message.claimed_at = OutboxState.QUEUED, None
        return len(revived)

    async def counts(self) -> dict[tuple[str, str], int]:
        counted: dict[tuple[str, str], int] = {}
        for message in self._rows():
            key = (message.kind, str(message.state))
            counted[key] = counted.get(key, 0) + 1
        return counted


class FakeAskedQuestionRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def add(self, question: AskedQuestion) -> AskedQuestion:
        question.id = self._guard.next_id()
        self._guard.tables().asked_questions[question.id] = question
        return question

    async def get_for_user(self, question_id: int, user_id: int) -> AskedQuestion | None:
        found = self._guard.tables().asked_questions.get(question_id)
        return found if found is not None and found.user_id == user_id else None

    async def latest_of(self, user_id: int) -> AskedQuestion | None:
        mine = [q for q in self._guard.tables().asked_questions.values() if q.user_id == user_id]
        return max(mine, key=lambda q: (q.asked_at, q.id or 0), default=None)

    async def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for question in self._guard.tables().asked_questions.values():
            counts[question.outcome] = counts.get(question.outcome, 0) + 1
        return counts

    async def most_asked_unanswered(self, limit: int) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for q in self._guard.tables().asked_questions.values():
            if q.entry_id is None and q.outcome != QuestionOutcome.ANSWERED:
                counts[q.text] = counts.get(q.text, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


class FakeHelplineThreads:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def get(self, thread_id: int) -> HelplineThread | None:
        return self._guard.tables().helpline_threads.get(thread_id)

    async def open_of(self, user_id: int) -> HelplineThread | None:
        found = [
            t
            for t in self._guard.tables().helpline_threads.values()
            if t.user_id == user_id and t.state == ThreadState.OPEN
        ]
        return max(found, key=lambda t: t.id or 0, default=None)

    async def add(self, thread: HelplineThread) -> HelplineThread:
        thread.id = self._guard.next_id()
        self._guard.tables().helpline_threads[thread.id] = thread
        return thread

    async def add_message(self, message: ThreadMessage) -> ThreadMessage:
        if await self.message_at(message.chat_id, message.message_id) is not None:
            raise DuplicateKey("helpline_messages (chat_id, message_id)")
        message.id = self._guard.next_id()
        self._guard.tables().helpline_messages[message.id] = message
        return message

    async def message_at(self, chat_id: int, message_id: int) -> ThreadMessage | None:
        messages = self._guard.tables().helpline_messages.values()
        return next((m for m in messages if (m.chat_id, m.message_id) == (chat_id, message_id)), None)

    async def latest_message(self, thread_id: int, kind: str) -> ThreadMessage | None:
        found = [
            m
            for m in self._guard.tables().helpline_messages.values()
            if m.thread_id == thread_id and m.kind == kind
        ]
        return max(found, key=lambda m: m.id or 0, default=None)


class FakeStaffFaqRepository:
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard

    async def add(self, entry: StaffFaqEntry) -> StaffFaqEntry:
        entry.id = self._guard.next_id()
        self._guard.tables().staff_faq[entry.id] = entry
        return entry

    async def listed(self) -> list[StaffFaqEntry]:
        return sorted(self._guard.tables().staff_faq.values(), key=lambda e: e.id or 0)


class FakeUnitOfWork:
    """The UnitOfWork port over dictionaries. ``committed`` counts the commits."""

    users: ChatUserRepository
    accounts: AccountRepository
    sms_challenges: SmsChallengeRepository
    email_challenges: EmailChallengeRepository
    profile_sections: ProfileSectionRepository
    staff: StaffRepository
    audit: AuditRepository
    exam_registrations: ExamRegistrationRepository
    uploads: UploadRepository
    submissions: SubmissionRepository
    gd_catalog: GdCatalogRepository
    gd_applications: GdApplicationRepository
    offers: OfferRepository
    degree_applications: DegreeApplicationRepository
    education_records: EducationRecordRepository
    verifications: VerificationRepository
    orders: OrderRepository
    payments: PaymentRepository
    outbox: OutboxRepository
    asked_questions: AskedQuestionRepository
    helpline_threads: HelplineThreadRepository
    staff_faq: StaffFaqRepository

    def __init__(self) -> None:
        self.tables = _Tables(users={}, accounts={}, sms_challenges={})
        self._durable = copy.deepcopy(self.tables)
        self._last_id = 0
        self.entered = False
        self.committed = 0
        guard = _Guard(self)
        self.users = FakeChatUserRepository(guard)
        self.accounts = FakeAccountRepository(guard)
        self.sms_challenges = FakeSmsChallengeRepository(guard)
        self.email_challenges = FakeEmailChallengeRepository(guard)
        self.profile_sections = FakeProfileSectionRepository(guard)
        self.staff = FakeStaffRepository(guard)
        self.audit = FakeAuditRepository(guard)
        self.exam_registrations = FakeExamRegistrationRepository(guard)
        self.uploads = FakeUploadRepository(guard)
        self.submissions = FakeSubmissionRepository(guard)
        self.gd_catalog = FakeGdCatalogRepository(guard)
        self.gd_applications = FakeGdApplicationRepository(guard)
        self.offers = FakeOfferRepository(guard)
        self.degree_applications = FakeDegreeApplicationRepository(guard)
        self.education_records = FakeEducationRecordRepository(guard)
        self.verifications = FakeVerificationRepository(guard)
        self.orders = FakeOrderRepository(guard)
        self.payments = FakePaymentRepository(guard)
        self.outbox = FakeOutboxRepository(guard)
        self.asked_questions = FakeAskedQuestionRepository(guard)
        self.helpline_threads = FakeHelplineThreads(guard)
        self.staff_faq = FakeStaffFaqRepository(guard)

    def next_id(self) -> int:
        # Like a database sequence, ids are not reused after a rollback.
        self._last_id += 1
        return self._last_id

    async def __aenter__(self) -> Self:
        if self.entered:
            raise RuntimeError("this unit of work is already entered; it cannot be nested")
        self.entered = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._restore_durable()
        self.entered = False

    async def commit(self) -> None:
        if not self.entered:
            raise RuntimeError("enter the unit of work (async with uow:) first")
        accepted = [
            (o.account_id, o.year) for o in self.tables.offers.values() if o.state == OfferState.ACCEPTED
        ]
        if len(accepted) != len(set(accepted)):
            raise DuplicateKey("offers: a second accepted offer of one account and year")
        _check_live_applications(self.tables.degree_applications)
        self._durable = copy.deepcopy(self.tables)
        self.committed += 1

    async def rollback(self) -> None:
        if not self.entered:
            raise RuntimeError("enter the unit of work (async with uow:) first")
        self._restore_durable()

    def _restore_durable(self) -> None:
        # Fresh copies: what a use case returned is detached, as after the SQL session closes.
        self.tables = copy.deepcopy(self._durable)

    # Test set-up and inspection, outside any use case.

    def stored_accounts(self) -> list[Account]:
        return list(self._durable.accounts.values())

    def stored_challenges(self) -> list[SmsChallenge]:
        return list(self._durable.sms_challenges.values())

    def stored_user(self, user_id: int) -> ChatUser | None:
        return self._durable.users.get(user_id)

    def stored_staff(self) -> list[StaffMember]:
        return list(self._durable.staff.values())

    def stored_events(self) -> list[AuditEntry]:
        return list(self._durable.account_events.values())

    def stored_registrations(self) -> list[ExamRegistration]:
        return list(self._durable.exam_registrations.values())

    def stored_uploads(self) -> list[Upload]:
        return sorted(self._durable.uploads.values(), key=lambda u: u.id or 0)

    def stored_submissions(self) -> list[Submission]:
        return list(self._durable.submissions.values())

    def stored_applications(self) -> list[GdApplication]:
        return sorted(self._durable.gd_applications.values(), key=lambda a: a.id or 0)

    def stored_offers(self) -> list[Offer]:
        return sorted(self._durable.offers.values(), key=lambda o: o.id or 0)

    def stored_catalog(self, year: int) -> YearCatalog | None:
        return self._durable.gd_catalog.get(year)

    def stored_degree_applications(self) -> list[DegreeApplication]:
        return sorted(self._durable.degree_applications.values(), key=lambda a: a.id or 0)

    def stored_education_records(self) -> list[EducationRecord]:
        return sorted(self._durable.education_records.values(), key=lambda r: r.id or 0)

    def stored_verification(self, account_id: int) -> StoredVerification | None:
        return self._durable.verifications.get(account_id)

    def stored_orders(self) -> list[Order]:
        return sorted(self._durable.orders.values(), key=lambda o: o.id or 0)

    def stored_questions(self) -> list[AskedQuestion]:
        return list(self._durable.asked_questions.values())

    def stored_messages(self) -> list[ThreadMessage]:
        return list(self._durable.helpline_messages.values())

    def stored_outbox(self) -> list[OutboxMessage]:
        return sorted(self._durable.outbox.values(), key=lambda m: m.id or 0)

    def stored_payments(self) -> list[Payment]:
        return sorted(self._durable.payments.values(), key=lambda p: (p.received_at, p.telegram_charge_id))


class SentCode(NamedTuple):
    mobile: str
    code: str
    purpose: str


class FakeSmsSender:
    """The SmsSender port: records every code instead of texting it."""

    def __init__(self) -> None:
        self.sent: list[SentCode] = []

    async def send_code(self, mobile: str, code: str, purpose: str) -> None:
        self.sent.append(SentCode(mobile, code, purpose))

    @property
    def last(self) -> SentCode:
        return self.sent[-1]


class FakeFileStore:
    """The FileStore port over a dictionary; ``stored_at`` says when each key was last stored (a
    test may move it back to make an orphan old enough to sweep)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.stored_at: dict[str, datetime] = {}

    async def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        self.files[key] = bytes(data)
        self.stored_at[key] = datetime.now(UTC)
        return key

    async def get(self, key: str) -> bytes:
        return self.files[key]

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)
        self.stored_at.pop(key, None)

    async def keys(self, stored_before: datetime | None = None) -> set[str]:
        return {k for k, at in self.stored_at.items() if stored_before is None or at < stored_before}


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock keeps timezone-aware moments")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def _implements_the_ports(
    uow: FakeUnitOfWork, sender: FakeSmsSender, clock: FixedClock, files: FakeFileStore
) -> None:
    """Checked by mypy only: the fakes stay substitutable for the ports they stand in for."""
    _: tuple[UnitOfWork, SmsSender, Clock, FileStore] = (uow, sender, clock, files)
