"""The schema as SQLAlchemy Core tables, and the imperative mapping of the domain entities onto them.

The domain dataclasses stay free of SQLAlchemy (cosmicpython's "classical mapping"): ``start_mappers``
instruments them at start-up. The Alembic revisions must produce exactly this schema; a test compares
a migrated database with ``metadata``.
"""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Computed,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.orm import registry

from domain.model import (
    Account,
    AskedQuestion,
    AuditEntry,
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
)

# Named constraints, so that later migrations can drop or alter them by name on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC and read back aware in UTC.

    SQLite has no time zone type and SQLAlchemy drops tzinfo there, so the value is stored as naive
    UTC (which also keeps ORDER BY and comparisons right). PostgreSQL stores TIMESTAMPTZ. A naive
    datetime is refused: the domain compares aware datetimes only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; the domain uses aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class BlankIsNone(TypeDecorator[str]):
    """An optional string stored as ``''`` for None.

    For columns inside a unique constraint: NULL never equals NULL, so SQLite (and PostgreSQL
    without NULLS NOT DISTINCT) would let the same row in twice if "none" were NULL.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str:
        return value or ""

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value or None


chat_users = Table(
    "chat_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("locale", String(16), nullable=True),
    Column("client_locale", String(16), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("blocked_at", UtcDateTime, nullable=True),
    Column("reminders_off", Boolean, nullable=False, server_default=text("false")),
    Column("quiet_hours", String(5), nullable=True),
    UniqueConstraint("channel", "external_id"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("programme", String(32), nullable=False),
    Column("username", String(64), nullable=False),
    # Kept in sync by the database itself (a stored generated column, SQLite >= 3.31 and
    # PostgreSQL >= 12): usernames are unique regardless of case, and an expression index on
    # lower(username) is not reflected on SQLite, so Alembic could not check it.
    Column("username_canonical", String(64), Computed("lower(username)", persisted=True), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("real_name", String(100), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("mobile", String(11), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="SET NULL"), nullable=True),
    Column("activated_at", UtcDateTime, nullable=True),
    Column("email", String(254), nullable=True),
    Column("details", JSON, nullable=False, server_default=text("'{}'")),
    Column("purge_warned_at", UtcDateTime, nullable=True),
    # Seed 000: one account per ID number; a second registration must go to "forgot password".
    UniqueConstraint("programme", "id_number"),
    UniqueConstraint("programme", "username_canonical"),
    Index(None, "user_id", "programme"),
    Index(None, "programme", "activated_at", "created_at"),  # the clean-up of unactivated accounts
)

sms_challenges = Table(
    "sms_challenges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("mobile", String(11), nullable=False),
    Column("code", String(16), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("used_at", UtcDateTime, nullable=True),
    Index(None, "user_id", "purpose", "sent_at"),
    Index(None, "mobile", "sent_at"),  # the per-mobile limits of domain/sms.py
)

# Activation and recovery e-mails of seed 003 (domain/email_accounts.py): hashes of the link's token
# and of the code, never the values. They go with the account.
email_challenges = Table(
    "email_challenges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="SET NULL"), nullable=True),
    Column("failed_attempts", Integer, nullable=False, server_default=text("0")),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("used_at", UtcDateTime, nullable=True),
    UniqueConstraint("token_hash"),
    Index(None, "account_id", "purpose", "sent_at"),
)

# The saved modules of applicants' profiles (domain/profiles.py); they go with the account.
profile_sections = Table(
    "profile_sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("section", String(32), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("saved_at", UtcDateTime, nullable=False),
    UniqueConstraint("account_id", "section"),
)

# aiogram FSM state and data per storage key (bot/db/fsm_storage.py): kept here, not in memory,
# so a restart loses no conversation.
fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", Text, primary_key=True),
    Column("state", Text, nullable=True),
    Column("data", JSON, nullable=False, server_default=text("'{}'")),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Staff roles (domain/staff.py), keyed by channel + external id: a role can be granted before
# the person has ever written to the bot.
staff_members = Table(
    "staff_members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("programme", String(32), nullable=False),
    Column("base_id", BlankIsNone(64), nullable=False),  # '' = no training base
    Column("added_at", UtcDateTime, nullable=False),
    # Also the index of "the roles of this person" (its leading columns).
    UniqueConstraint("channel", "external_id", "role", "programme", "base_id"),
)

# The audit trail of an account (domain/audit.py); it goes with the account.
account_events = Table(
    "account_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="SET NULL"), nullable=True),
    Column("detail", JSON, nullable=False, server_default=text("'{}'")),
    Index(None, "account_id", "at"),
)

# 医师资格考试 registrations imported by an operator (domain/exam_registrations.py). Linking one to a
# chat creates an account whose username is the registration number, so no foreign key is needed.
exam_registrations = Table(
    "exam_registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("registration_number", String(32), nullable=False),
    Column("real_name", String(100), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("mobile", String(11), nullable=False),
    Column("exam_region", String(32), nullable=False),
    Column("exam_site", String(50), nullable=False),
    Column("category", String(50), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    UniqueConstraint("registration_number"),
    Index(None, "id_number"),
)

# Stored images (domain/uploads.py): the metadata here, the bytes in the file store under
# file_key (sha256). They go with the account; their files go with their last row.
uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("slot", String(32), nullable=False),
    Column("file_key", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("content_type", String(32), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("original_name", String(255), nullable=True),
    Column("state", String(16), nullable=False),
    Column("reason", String(200), nullable=True),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Column("reviewed_at", UtcDateTime, nullable=True),
    Column("reviewed_by", String(64), nullable=True),
    Index(None, "account_id", "kind"),
    Index(None, "kind", "state"),  # the review queue
    Index(None, "file_key"),  # is a file still referred to, before deleting it
)

# The review cycle of an account's uploads of one kind; the answers to the exam region's questions
# (seed 001) ride along in ``facts``.
submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("reason", String(200), nullable=True),
    Column("facts", JSON, nullable=False, server_default=text("'{}'")),
    UniqueConstraint("account_id", "kind"),
)

# The per-year catalog of 广东住培 (domain/gd_catalog.py): read and replaced a year at a time as
# values, never mapped. Applications name bases and specialties by code, without foreign keys, so a
# year can be replaced; the import refuses to drop what a submitted application chose.
gd_catalog_years = Table(
    "gd_catalog_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("imported_at", UtcDateTime, nullable=False),
)

# 招收批次 of an intake year: the windows come with the year's catalog (domain/gd_catalog.py).
gd_batches = Table(
    "gd_batches",
    metadata,
    Column("year", Integer, ForeignKey("gd_catalog_years.year", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("application_start", UtcDateTime, nullable=False),
    Column("application_end", UtcDateTime, nullable=False),
    Column("admission_start", UtcDateTime, nullable=False),
    Column("admission_end", UtcDateTime, nullable=False),
    Column("confirmation_start", UtcDateTime, nullable=False),
    Column("confirmation_end", UtcDateTime, nullable=False),
)

gd_specialties = Table(
    "gd_specialties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, ForeignKey("gd_catalog_years.year", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # the file's order
    Column("code", String(8), nullable=False),
    Column("name", String(60), nullable=False),
    UniqueConstraint("year", "code"),
)

gd_training_bases = Table(
    "gd_training_bases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, ForeignKey("gd_catalog_years.year", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("base_id", String(16), nullable=False),
    Column("name", String(60), nullable=False),
    Column("city", String(30), nullable=False),
    UniqueConstraint("year", "base_id"),
)

# Which specialties a base takes in a year, with its quota (招收计划).
gd_base_specialties = Table(
    "gd_base_specialties",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("base_id", String(16), nullable=False),
    Column("specialty_code", String(8), nullable=False),
    Column("position", Integer, nullable=False),  # the order of the base's specialties in the file
    Column("quota", Integer, nullable=False),
    UniqueConstraint("year", "base_id", "specialty_code"),
    ForeignKeyConstraint(
        ["year", "base_id"], ["gd_training_bases.year", "gd_training_bases.base_id"], ondelete="CASCADE"
    ),
    ForeignKeyConstraint(
        ["year", "specialty_code"], ["gd_specialties.year", "gd_specialties.code"], ondelete="CASCADE"
    ),
)

# 学员报名 (domain/gd_applications.py): one per account, year and batch; they go with the account.
gd_applications = Table(
    "gd_applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("applicant_type", String(16), nullable=True),
    Column("specialty_code", String(8), nullable=True),
    Column("base_ids", JSON, nullable=False, server_default=text("'[]'")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("submitted_at", UtcDateTime, nullable=True),
    UniqueConstraint("account_id", "year", "batch"),
    Index(None, "year", "state"),  # the submitted choices a catalog re-import must keep
)

# One offer per parallel choice of a submitted application (domain/offers.py).
_ACCEPTED = text(f"state = '{OfferState.ACCEPTED.value}'")
offers = Table(
    "offers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("application_id", Integer, ForeignKey("gd_applications.id", ondelete="CASCADE"), nullable=False),
    # The application's, repeated so that the partial unique index below can hold the rule.
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("batch", Integer, nullable=False),
    Column("base_id", String(16), nullable=False),
    Column("specialty_code", String(8), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
    Column("notified_at", UtcDateTime, nullable=True),
    Column("notice_chat_id", BigInteger, nullable=True),
    Column("notice_message_id", BigInteger, nullable=True),
    UniqueConstraint("application_id", "base_id"),
    UniqueConstraint("application_id", "rank"),
    Index(None, "account_id", "year"),
    Index(None, "base_id", "year"),  # an admissions officer's list
    # Seed 000 四: "学员只可选择其中一家培训基地做出接受回应": at most one accepted offer per
    # account and year, held here too, so that two concurrent presses cannot both win.
    Index(
        "uq_offers_account_id_year_accepted",
        "account_id",
        "year",
        unique=True,
        sqlite_where=_ACCEPTED,
        postgresql_where=_ACCEPTED,
    ),
)

# 学位申请 of 同等学力申硕 (domain/degree_applications.py); they go with the account. Catalog values
# are codes without foreign keys: the catalog is data files, not tables.
_LIVE = text(f"state <> '{DegreeApplicationState.CANCELLED.value}'")
degree_applications = Table(
    "degree_applications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("province", String(2), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("degree_type", String(16), nullable=False),
    Column("category_code", String(2), nullable=False),
    Column("discipline_code", String(4), nullable=False),
    Column("applicant_category", String(32), nullable=False),
    Column("application_month", String(6), nullable=False),
    Column("studying_at_unit", Boolean, nullable=False),
    Column("student_number", String(20), nullable=True),
    Column("class_name", String(30), nullable=True),
    Column("department", String(40), nullable=True),
    Column("work_province", String(2), nullable=False),
    Column("work_unit", String(60), nullable=False),
    Column("work_unit_nature", String(32), nullable=False),
    Column("admin_rank", String(32), nullable=False),
    Column("tech_rank", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("submitted_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Index(None, "account_id", "year"),
    # One live application per account, year, unit and discipline, held here too: a cancelled one
    # leaves room for the corrected application (seed 003 §八: 取消后重新申请).
    Index(
        "uq_degree_applications_live",
        "account_id",
        "year",
        "unit",
        "discipline_code",
        unique=True,
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    ),
)

# 学籍 / 学历 records an operator imported (domain/tj_verification.py): the 学信网 data the 天津高职升本
# verification checks against. Not tied to an account or a programme.
education_records = Table(
    "education_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(18), nullable=False),
    Column("name", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("school", String(50), nullable=False),
    Column("major", String(50), nullable=False),
    Column("graduation", String(6), nullable=False),
    Column("imported_at", UtcDateTime, nullable=False),
    # A re-import replaces the record of the same key; its leading column is the verifier's lookup.
    UniqueConstraint("id_number", "kind", "school", "major"),
)

# The last verification of each account, with the fingerprint of the claim it checked.
verifications = Table(
    "verifications",
    metadata,
    Column(
        "account_id",
        Integer,
        ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("outcome", String(16), nullable=False),
    Column("detail", JSON, nullable=False, server_default=text("'{}'")),
    Column("verifier", String(32), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("checked_at", UtcDateTime, nullable=False),
)

# 网上支付 (domain/payments.py): one order per account, programme and year.
orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("programme", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime, nullable=True),
    Column("telegram_charge_id", String(255), nullable=True),
    Column("provider_charge_id", String(255), nullable=True),
    Column("checkout_until", UtcDateTime, nullable=True),
    UniqueConstraint("account_id", "programme", "year"),
)

# Every successful payment Telegram reported, once per charge (the primary key holds it even when
# the same update arrives twice at once). No cascade: money received must stay traceable, so an
# account with a recorded payment cannot be deleted.
payments = Table(
    "payments",
    metadata,
    Column("telegram_charge_id", String(255), primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="RESTRICT"), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("provider_charge_id", String(255), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("duplicate", Boolean, nullable=False),
    Index(None, "order_id"),
    Index(None, "duplicate", "received_at"),  # the operator's list of charges to refund
)

# The transactional outbox (domain/outbox.py, bot/notifier.py): one row per message the bot starts.
outbox_messages = Table(
    "outbox_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("text_id", Text, nullable=False),
    Column("params", JSON, nullable=False, server_default=text("'{}'")),
    Column("button_text_id", Text, nullable=True),
    Column("button_data", String(64), nullable=True),
    Column("due_at", UtcDateTime, nullable=False),
    Column("deadline_at", UtcDateTime, nullable=True),
    Column("bulk", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("sent_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "state", "bulk", "due_at"),  # the sender's claim: due QUEUED rows, non-bulk first
    Index(None, "user_id", "state"),  # a person's queued rows (cancel, block, unblock)
)

# The help line (issue 8, domain/helpline.py). Questions asked of the FAQ, masked, for its statistics.
faq_questions = Table(
    "faq_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="CASCADE"), nullable=False),
    Column("programme", String(32), nullable=True),
    Column("locale", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("entry_id", String(64), nullable=True),
    Column("score", Float, nullable=True),
    Column("asked_at", UtcDateTime, nullable=False),
    Index(None, "user_id", "asked_at"),  # a person's latest question (/human)
    Index(None, "outcome", "text"),  # the unanswered questions most asked
)

# A conversation of one applicant with the staff group; its id is the thread number staff see.
helpline_threads = Table(
    "helpline_threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("chat_users.id", ondelete="CASCADE"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("programme", String(32), nullable=True),
    Column("locale", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("closed_by", String(64), nullable=True),
    Index(None, "user_id", "state"),
)

# The staff group's messages of each thread: a reply finds its thread (and so its one applicant) here.
helpline_messages = Table(
    "helpline_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", Integer, ForeignKey("helpline_threads.id", ondelete="CASCADE"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(64), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    UniqueConstraint("chat_id", "message_id"),
    Index(None, "thread_id"),
)

# FAQ entries written by staff (/faq add); they outlive the thread they came from.
faq_staff_entries = Table(
    "faq_staff_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("programme", String(32), nullable=True),
    Column("locale", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("added_by", String(64), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("thread_id", Integer, ForeignKey("helpline_threads.id", ondelete="SET NULL"), nullable=True),
)

mapper_registry = registry(metadata=metadata)


def start_mappers() -> None:
    """Map the domain entities onto the tables. Safe to call more than once."""
    if inspect(ChatUser, raiseerr=False) is not None:
        return
    mapper_registry.map_imperatively(ChatUser, chat_users)
    # The generated column is the database's business; the entity only knows ``username``.
    mapper_registry.map_imperatively(Account, accounts, exclude_properties=["username_canonical"])
    mapper_registry.map_imperatively(SmsChallenge, sms_challenges)
    mapper_registry.map_imperatively(EmailChallenge, email_challenges)
    mapper_registry.map_imperatively(ProfileSection, profile_sections)
    mapper_registry.map_imperatively(StaffMember, staff_members)
    mapper_registry.map_imperatively(AuditEntry, account_events)
    mapper_registry.map_imperatively(ExamRegistration, exam_registrations)
    mapper_registry.map_imperatively(Upload, uploads)
    mapper_registry.map_imperatively(Submission, submissions)
    mapper_registry.map_imperatively(GdApplication, gd_applications)
    mapper_registry.map_imperatively(Offer, offers)
    mapper_registry.map_imperatively(DegreeApplication, degree_applications)
    mapper_registry.map_imperatively(EducationRecord, education_records)
    mapper_registry.map_imperatively(StoredVerification, verifications)
    mapper_registry.map_imperatively(Order, orders)
    mapper_registry.map_imperatively(Payment, payments)
    mapper_registry.map_imperatively(OutboxMessage, outbox_messages)
    mapper_registry.map_imperatively(AskedQuestion, faq_questions)
    mapper_registry.map_imperatively(HelplineThread, helpline_threads)
    mapper_registry.map_imperatively(ThreadMessage, helpline_messages)
    mapper_registry.map_imperatively(StaffFaqEntry, faq_staff_entries)
