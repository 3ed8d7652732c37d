"""What the use cases need from the outside world, as Protocols.

bot/db implements the repositories and the unit of work over SQLAlchemy; tests/fakes.py implements
them in memory. A use case enters the unit of work (``async with uow:``), works, and commits;
leaving it without a commit rolls back. The same unit-of-work object may be entered again later
(one per update, several use cases).
"""

from collections.abc import Collection
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.model import (
    Account,
    AskedQuestion,
    AuditEntry,
    Batch,
    ChatUser,
    DegreeApplication,
    EducationClaim,
    EducationRecord,
    EmailChallenge,
    ExamRegistration,
    GdApplication,
    HelplineThread,
    Offer,
    Order,
    OutboxMessage,
    Payment,
    ProfileSection,
    SmsChallenge,
    StaffFaqEntry,
    StaffMember,
    StoredVerification,
    Submission,
    ThreadMessage,
    Upload,
    VerificationOutcome,
    YearCatalog,
)


class ChatUserRepository(Protocol):
    async def get(self, user_id: int) -> ChatUser | None: ...

    async def many(self, user_ids: Collection[int]) -> dict[int, ChatUser]:
        """Those of the ids that exist, in one query."""
        ...

    async def find(self, channel: str, external_id: str) -> ChatUser | None: ...

    async def add(self, user: ChatUser) -> ChatUser:
        """Store a new user and return it with its id set."""
        ...


class AccountRepository(Protocol):
    async def get(self, account_id: int) -> Account | None: ...

    async def by_id_number(self, programme: str, id_number: str) -> Account | None: ...

    async def by_username(self, programme: str, username: str) -> Account | None:
        """Usernames compare case-insensitively."""
        ...

    async def of_user(self, user_id: int, programme: str) -> Account | None: ...

    async def add(self, account: Account) -> Account:
        """Store a new account and return it with its id set."""
        ...

    async def of_programme(self, programme: str) -> list[Account]:
        """Every account of the programme, by id."""
        ...

    async def unactivated(self, programme: str, created_before: datetime) -> list[Account]:
        """Accounts never activated that were created before then, oldest first."""
        ...

    async def remove(self, account: Account) -> None:
        """Delete the account with its audit trail and e-mail challenges."""
        ...


class ProfileSectionRepository(Protocol):
    async def get(self, account_id: int, section: str) -> ProfileSection | None: ...

    async def of_account(self, account_id: int) -> list[ProfileSection]: ...

    async def add(self, section: ProfileSection) -> ProfileSection: ...


class EmailChallengeRepository(Protocol):
    async def get(self, challenge_id: int) -> EmailChallenge | None: ...

    async def by_token_hash(self, token_hash: str) -> EmailChallenge | None: ...

    async def latest(self, account_id: int, purpose: str) -> EmailChallenge | None: ...

    async def sent_since(self, account_id: int, purpose: str, since: datetime) -> list[EmailChallenge]: ...

    async def add(self, challenge: EmailChallenge) -> EmailChallenge: ...


class SmsChallengeRepository(Protocol):
    async def latest(self, user_id: int, purpose: str) -> SmsChallenge | None: ...

    async def sent_to(self, mobile: str, since: datetime) -> list[SmsChallenge]:
        """Every code sent to this mobile since then, by any chat."""
        ...

    async def add(self, challenge: SmsChallenge) -> SmsChallenge: ...


class StaffRepository(Protocol):
    async def of_person(self, channel: str, external_id: str) -> list[StaffMember]: ...

    async def find(
        self, channel: str, external_id: str, role: str, programme: str, base_id: str | None
    ) -> StaffMember | None:
        """The one grant with exactly these values (``base_id`` None matches only None)."""
        ...

    async def listed(self, programme: str | None = None) -> list[StaffMember]:
        """Every grant (of one programme), by programme, person and role."""
        ...

    async def add(self, member: StaffMember) -> StaffMember: ...

    async def remove(self, member: StaffMember) -> None: ...


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> AuditEntry: ...

    async def of_account(self, account_id: int) -> list[AuditEntry]:
        """Oldest first."""
        ...


class ExamRegistrationRepository(Protocol):
    async def by_number(self, registration_number: str) -> ExamRegistration | None: ...

    async def with_id_number(self, id_number: str) -> list[ExamRegistration]: ...

    async def listed(self, exam_region: str | None = None) -> list[ExamRegistration]:
        """Every registration (of one exam region), by registration number."""
        ...

    async def add(self, registration: ExamRegistration) -> ExamRegistration: ...


class UploadRepository(Protocol):
    async def get(self, upload_id: int) -> Upload | None: ...

    async def of_account(self, account_id: int, kind: str) -> list[Upload]:
        """The account's uploads of one kind, oldest first."""
        ...

    async def in_state(self, kind: str, state: str) -> list[Upload]:
        """Every upload of one kind in one state, oldest first (the review queue)."""
        ...

    async def add(self, upload: Upload) -> Upload: ...

    async def remove(self, upload: Upload) -> None:
        """Delete the row only: the file goes after the commit, when no other row refers to it
        (domain/uploads.py)."""
        ...

    async def references(self, file_key: str) -> int:
        """How many rows refer to this stored file."""
        ...

    async def file_keys(self) -> set[str]:
        """Every file key that some row refers to."""
        ...


class SubmissionRepository(Protocol):
    async def get(self, account_id: int, kind: str) -> Submission | None: ...

    async def add(self, submission: Submission) -> Submission:
        """Store a new submission; one per account and kind."""
        ...


class GdCatalogRepository(Protocol):
    """The per-year catalog of 广东住培 (domain/gd_catalog.py), stored and replaced a year at a time."""

    async def get(self, year: int) -> YearCatalog | None: ...

    async def years(self) -> list[int]:
        """The years with a stored catalog, oldest first."""
        ...

    async def calendar(self) -> dict[int, tuple[Batch, ...]]:
        """Every stored year's batches, by year and number."""
        ...

    async def replace(self, catalog: YearCatalog, imported_at: datetime) -> None:
        """Store the year's catalog in place of the stored one, if any."""
        ...


class GdApplicationRepository(Protocol):
    async def get(self, application_id: int) -> GdApplication | None: ...

    async def find(self, account_id: int, year: int, batch: int) -> GdApplication | None: ...

    async def of_account(self, account_id: int, year: int | None = None) -> list[GdApplication]:
        """The account's applications (of one year), by year and batch."""
        ...

    async def of_year(self, year: int, state: str | None = None) -> list[GdApplication]:
        """Every application of the year (in one state), by id."""
        ...

    async def add(self, application: GdApplication) -> GdApplication:
        """Store a new application; one per account, year and batch."""
        ...


class OfferRepository(Protocol):
    async def get(self, offer_id: int) -> Offer | None: ...

    async def of_application(self, application_id: int) -> list[Offer]:
        """By rank (the applicant's order of preference)."""
        ...

    async def of_account(self, account_id: int, year: int | None = None) -> list[Offer]:
        """By year, batch and rank."""
        ...

    async def of_base(self, base_id: str, year: int | None = None) -> list[Offer]:
        """The offers of one training base (of one year), by year, batch and application."""
        ...

    async def undelivered(self) -> list[Offer]:
        """Decided offers whose applicant has not been told yet, oldest decision first."""
        ...

    async def with_notice(self) -> list[Offer]:
        """Offers whose notice message still carries 接受 / 放弃 buttons."""
        ...

    async def add(self, offer: Offer) -> Offer:
        """Store a new offer; one per application and base, and per application and rank."""
        ...

    async def accept(self, offer: Offer, at: datetime) -> bool:
        """Mark the offer ACCEPTED and write it at once.

        False when the store already holds another ACCEPTED offer of the same account and year:
        the database's unique index, which a concurrent unit of work may have won since this one
        read. The unit of work is then rolled back (nothing of it is kept) and stays usable.
        """
        ...


class DegreeApplicationRepository(Protocol):
    """学位申请 of 同等学力申硕 (domain/degree_applications.py)."""

    async def get(self, application_id: int) -> DegreeApplication | None: ...

    async def of_account(self, account_id: int) -> list[DegreeApplication]:
        """The account's applications, by year and then in the order they were added."""
        ...

    async def add(self, application: DegreeApplication) -> DegreeApplication:
        """Store a new application; at most one live (not cancelled) per account, year, unit and
        discipline."""
        ...

    async def remove(self, application: DegreeApplication) -> None: ...


class EducationRecordRepository(Protocol):
    """学籍 / 学历 records an operator imported (domain/tj_verification.py)."""

    async def of_id_number(self, id_number: str, kind: str | None = None) -> list[EducationRecord]:
        """The records of one ID number (of one kind), by id."""
        ...

    async def find(self, id_number: str, kind: str, school: str, major: str) -> EducationRecord | None:
        """The one record with this key (the unique constraint)."""
        ...

    async def add(self, record: EducationRecord) -> EducationRecord: ...

    async def counts(self) -> dict[str, int]:
        """How many records of each kind are stored (kinds without records are absent)."""
        ...

    async def listed(self) -> list[EducationRecord]:
        """Every record, by kind, school, major and id."""
        ...


class VerificationRepository(Protocol):
    async def get(self, account_id: int) -> StoredVerification | None: ...

    async def add(self, verification: StoredVerification) -> StoredVerification:
        """Store the account's first verification; later ones change the stored one."""
        ...


class OrderRepository(Protocol):
    async def get(self, order_id: int) -> Order | None: ...

    async def find(self, account_id: int, programme: str, year: int) -> Order | None: ...

    async def add(self, order: Order) -> Order:
        """Store a new order; one per account, programme and year."""
        ...

    async def mark_paid(
        self, order: Order, at: datetime, telegram_charge_id: str, provider_charge_id: str
    ) -> bool:
        """Make the order PAID by this charge, written at once and only if it is still OPEN in the
        store: False when another unit of work paid it since this one read (then nothing changed)."""
        ...

    async def hold_checkout(self, order: Order, now: datetime, until: datetime) -> bool:
        """Approve one payment of the order until ``until``, written at once and only if it is still
        OPEN and no other approval holds: False when one does (then nothing changed)."""
        ...

    async def listed(self, programme: str | None = None) -> list[Order]:
        """Every order (of one programme), by id."""
        ...


class PaymentRepository(Protocol):
    async def get(self, telegram_charge_id: str) -> Payment | None: ...

    async def add(self, payment: Payment) -> bool:
        """Store the payment, written at once. False when the store already holds this charge id
        (the primary key, which a concurrent unit of work may have won since this one read): the
        unit of work is then rolled back (nothing of it is kept) and stays usable."""
        ...

    async def of_order(self, order_id: int) -> list[Payment]:
        """By time received."""
        ...

    async def duplicates(self) -> list[Payment]:
        """Every payment marked duplicate, by time received."""
        ...


class OutboxRepository(Protocol):
    """Messages the bot starts (domain/outbox.py). Use cases add and cancel inside their own unit of
    work, which commits them with its change; only the sender (bot/notifier.py) claims and marks,
    each in a unit of work of its own. Nothing here commits."""

    async def add(self, message: OutboxMessage) -> bool:
        """Store a new QUEUED message (its id is set). False when the dedupe key is already stored,
        in whatever state (the unique index decides, also against a concurrent unit of work): a
        message is never planned twice. The unit of work stays usable either way."""
        ...

    async def get(self, message_id: int) -> OutboxMessage | None: ...

    async def cancel(
        self,
        *,
        keys: Collection[str] = (),
        prefix: str | None = None,
        user_id: int | None = None,
        reason: str | None = None,
    ) -> int:
        """CANCEL the QUEUED messages with one of these dedupe keys, or whose key starts with
        ``prefix``, or (with neither) all those of ``user_id``; ``user_id`` also narrows the other
        two. ``reason`` is kept in last_error. Returns how many; sent or sending ones stay as they are."""
        ...

    async def cancel_about(self, kinds: Collection[str], deadline_at: datetime, reason: str) -> int:
        """CANCEL the QUEUED messages of these kinds about this deadline, whoever they go to."""
        ...

    async def claim(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Up to ``limit`` QUEUED messages due by ``now`` of people who have not blocked the bot, set
        to SENDING with claimed_at = now in one statement, so that no concurrent claim returns them
        once this one commits: non-bulk first, then the oldest due (then by id). Returned in that order."""
        ...

    async def mark_sent(self, message_ids: Collection[int], at: datetime) -> None:
        """SENT, one attempt more, in one statement."""
        ...

    async def mark_failed(self, message_id: int, error: str) -> None:
        """FAILED with the error, one attempt more."""
        ...

    async def mark_blocked(self, message_id: int, error: str) -> None:
        """BLOCKED with the error, one attempt more."""
        ...

    async def mark_cancelled(self, message_id: int, reason: str) -> None:
        """CANCELLED with the reason, attempts unchanged (a claimed message that must not go)."""
        ...

    async def requeue(self, message_id: int, due_at: datetime, error: str | None = None) -> None:
        """Back to QUEUED, due then; with an ``error`` (a send was tried) one attempt more and the
        error kept, without one (postponed, or never sent) attempts stay."""
        ...

    async def stuck(self, before: datetime) -> list[OutboxMessage]:
        """Messages still SENDING that were claimed before then (by a sender that stopped), by id."""
        ...

    async def revive(self, user_id: int, reason: str, deadline_after: datetime) -> int:
        """Back to QUEUED: the person's messages CANCELLED for ``reason`` or BLOCKED whose deadline is
        after ``deadline_after`` (the others are stale). Returns how many."""
        ...

    async def counts(self) -> dict[tuple[str, str], int]:
        """How many messages of each (kind, state) are stored; pairs without any are absent."""
        ...


class AskedQuestionRepository(Protocol):
    """Questions asked of the FAQ (domain/helpline.py), for ``baoming faq stats``."""

    async def add(self, question: AskedQuestion) -> AskedQuestion: ...

    async def get_for_user(self, question_id: int, user_id: int) -> AskedQuestion | None:
        """The question only if that person asked it: a button never reaches another's."""
        ...

    async def latest_of(self, user_id: int) -> AskedQuestion | None: ...

    async def counts(self) -> dict[str, int]:
        """How many questions of each outcome are stored (outcomes without any are absent)."""
        ...

    async def most_asked_unanswered(self, limit: int) -> list[tuple[str, int]]:
        """The texts the FAQ had no answer for, most asked first (then alphabetically), with counts."""
        ...


class HelplineThreadRepository(Protocol):
    """Help-line threads and their messages in the staff group (domain/helpline.py)."""

    async def get(self, thread_id: int) -> HelplineThread | None: ...

    async def open_of(self, user_id: int) -> HelplineThread | None:
        """The person's open thread, if any (at most one: domain/helpline.py opens no second)."""
        ...

    async def add(self, thread: HelplineThread) -> HelplineThread: ...

    async def add_message(self, message: ThreadMessage) -> ThreadMessage:
        """Store the mapping; one per chat and message id."""
        ...

    async def message_at(self, chat_id: int, message_id: int) -> ThreadMessage | None: ...

    async def latest_message(self, thread_id: int, kind: str) -> ThreadMessage | None:
        """The thread's newest message of this kind (its latest staff answer, for ``/faq add``)."""
        ...


class StaffFaqRepository(Protocol):
    """FAQ entries written by help-line staff (``/faq add``)."""

    async def add(self, entry: StaffFaqEntry) -> StaffFaqEntry: ...

    async def listed(self) -> list[StaffFaqEntry]:
        """Every entry, oldest first."""
        ...


class UnitOfWork(Protocol):
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

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make every change since entering durable. Changes to loaded entities are tracked."""
        ...

    async def rollback(self) -> None: ...


class EducationVerifier(Protocol):
    """点击验证学籍/学历 (seed 002 2.7): checks a claim against some source of 学籍 / 学历 records.

    The default checks the records an operator imported (domain/tj_verification.py); another
    could ask 学信网. ``verify`` runs inside an entered unit of work and must not commit.
    """

    name: str

    async def verify(self, uow: UnitOfWork, claim: EducationClaim) -> VerificationOutcome: ...


class SmsSender(Protocol):
    """Texts a verification code. Real providers in China send pre-approved templates with
    parameters, so the port takes the code, not a free text."""

    async def send_code(self, mobile: str, code: str, purpose: str) -> None: ...


class FileStore(Protocol):
    """Stored files, content-addressed: a file's key is the sha256 of its bytes (64 lowercase hex
    digits), so storing the same bytes twice stores them once.

    The metadata lives in the database (Upload); a row is added only after its file is stored and a
    file is deleted only after its last row, so a crash leaves at worst a file nobody refers to.
    """

    async def put(self, data: bytes) -> str:
        """Store the bytes and return their key; storing stored bytes again changes nothing."""
        ...

    async def get(self, key: str) -> bytes:
        """The stored bytes. Raises KeyError for a key not stored, ValueError for a malformed one."""
        ...

    async def delete(self, key: str) -> None:
        """Forget the file; a key not stored is fine."""
        ...

    async def keys(self, stored_before: datetime | None = None) -> set[str]:
        """Every stored key (only those last stored before that moment), to find files no row
        refers to."""
        ...
