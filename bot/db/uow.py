"""The unit of work of domain/ports.py over SQLAlchemy: one new session per ``async with``."""

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories import (
    SqlAccountRepository,
    SqlAskedQuestionRepository,
    SqlAuditRepository,
    SqlChatUserRepository,
    SqlDegreeApplicationRepository,
    SqlEducationRecordRepository,
    SqlEmailChallengeRepository,
    SqlExamRegistrationRepository,
    SqlGdApplicationRepository,
    SqlGdCatalogRepository,
    SqlHelplineThreadRepository,
    SqlOfferRepository,
    SqlOrderRepository,
    SqlOutboxRepository,
    SqlPaymentRepository,
    SqlProfileSectionRepository,
    SqlSmsChallengeRepository,
    SqlStaffFaqRepository,
    SqlStaffRepository,
    SqlSubmissionRepository,
    SqlUploadRepository,
    SqlVerificationRepository,
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
    GdApplicationRepository,
    GdCatalogRepository,
    HelplineThreadRepository,
    OfferRepository,
    OrderRepository,
    OutboxRepository,
    PaymentRepository,
    ProfileSectionRepository,
    SmsChallengeRepository,
    StaffFaqRepository,
    StaffRepository,
    SubmissionRepository,
    UploadRepository,
    VerificationRepository,
)


class SqlUnitOfWork:
    """Enter it, use the repositories, commit. Leaving without a commit discards the changes.

    The same object may be entered again after it was left (one per update, several use cases),
    but not while it is entered: a nested ``async with`` would share, and then close, the session.
    """

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

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already entered; it cannot be nested")
        session = self._session_factory()
        self._session = session
        self.users = SqlChatUserRepository(session)
        self.accounts = SqlAccountRepository(session)
        self.sms_challenges = SqlSmsChallengeRepository(session)
        self.email_challenges = SqlEmailChallengeRepository(session)
        self.profile_sections = SqlProfileSectionRepository(session)
        self.staff = SqlStaffRepository(session)
        self.audit = SqlAuditRepository(session)
        self.exam_registrations = SqlExamRegistrationRepository(session)
        self.uploads = SqlUploadRepository(session)
        self.submissions = SqlSubmissionRepository(session)
        self.gd_catalog = SqlGdCatalogRepository(session)
        self.gd_applications = SqlGdApplicationRepository(session)
        self.offers = SqlOfferRepository(session)
        self.degree_applications = SqlDegreeApplicationRepository(session)
        self.education_records = SqlEducationRecordRepository(session)
        self.verifications = SqlVerificationRepository(session)
        self.orders = SqlOrderRepository(session)
        self.payments = SqlPaymentRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.asked_questions = SqlAskedQuestionRepository(session)
        self.helpline_threads = SqlHelplineThreadRepository(session)
        self.staff_faq = SqlStaffFaqRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            # close() rolls back what was not committed and detaches the entities without expiring
            # them, so a use case may return what it read in a unit of work it did not commit.
            await session.close()

    async def commit(self) -> None:
        await self._entered_session().commit()

    async def rollback(self) -> None:
        await self._entered_session().rollback()

    def _entered_session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("enter the unit of work (async with uow:) first")
        return self._session
