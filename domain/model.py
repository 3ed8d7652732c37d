"""The entities the use cases load, change and store.

Plain dataclasses: the database adapter maps them imperatively (bot/db), the unit tests keep them
in dictionaries. ``id`` is None until the entity is stored.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.windows import Window


class Channel(StrEnum):
    """Where a person talks to us. Every person is keyed by channel + external id, never by a bare id."""

    TELEGRAM = "telegram"
    WEB = "web"


@dataclass(eq=False)
class ChatUser:
    """One person in one channel (a Telegram user, later a web-chat visitor)."""

    channel: str
    external_id: str
    created_at: datetime
    locale: str | None = None  # chosen with /language; None follows the client's language
    client_locale: str | None = None  # the client's language when last seen, for messages we start
    # Set when Telegram answered 403 (the person blocked the bot): nothing is sent to them until they
    # write to the bot again (bot/middlewares.py clears it).
    blocked_at: datetime | None = None
    reminders_off: bool = False  # /settings: no bulk messages (reminders, announcements) at all
    # /settings: "22-08" = no bulk messages from 22:00 to 08:00 Beijing time, except in the last
    # 24 hours before the deadline they are about; None = domain.outbox.DEFAULT_QUIET_HOURS;
    # equal hours ("0-0") = none (domain/outbox.py).
    quiet_hours: str | None = None
    id: int | None = None

    def language(self, default: str) -> str:
        """The language to write in when the person has not just written to us."""
        return self.locale or self.client_locale or default


@dataclass(eq=False)
class Account:
    """学员账号: an applicant's account in one programme, created by registration."""

    programme: str
    username: str
    password_hash: str
    real_name: str
    id_number: str  # normalised 18-character resident ID number; never logged in full
    mobile: str  # 11-digit mainland mobile number; never logged in full
    created_at: datetime
    user_id: int | None = None  # the chat user bound to the account
    # Seed 003 activates accounts by e-mail; the other programmes' accounts are active when created.
    activated_at: datetime | None = None
    email: str | None = None  # seed 003 only; never logged in full
    # Seed 003's other registration fields (country or region, ID type, address, postcode, phones).
    details: dict[str, str] = field(default_factory=dict)
    # When the chat was told the account would be deleted; no longer written since that warning is the
    # CLEANUP reminder of the outbox (issue 7), kept for the rows written before.
    purge_warned_at: datetime | None = None
    id: int | None = None

    @property
    def is_active(self) -> bool:
        return self.activated_at is not None


@dataclass(eq=False)
class ProfileSection:
    """One saved module of an applicant's profile (广东住培 基本信息, 教育信息, …): the answers of its
    form as the form engine keeps them (strings, lists of records)."""

    account_id: int
    section: str
    answers: dict[str, object]
    saved_at: datetime
    id: int | None = None


class EmailPurpose(StrEnum):
    ACTIVATE = "activate"  # seed 003: 激活 within 24 hours of registering
    RECOVER = "recover"  # seed 003: 忘记密码 by a link to the registered e-mail address


@dataclass(eq=False)
class EmailChallenge:
    """One e-mail holding a link (a deep link with ``token``) and a code, as hashes only: the mail
    is the proof, the database never holds what it proves."""

    account_id: int
    purpose: str
    token_hash: str
    code_hash: str
    sent_at: datetime
    expires_at: datetime
    user_id: int | None = None  # the chat that asked for it: only there is the code accepted
    failed_attempts: int = 0
    locked_until: datetime | None = None
    used_at: datetime | None = None
    id: int | None = None


class SmsPurpose(StrEnum):
    REGISTER = "register"
    RECOVER = "recover"
    LOGIN = "login"
    LINK = "link"  # 授权: linking a chat to an imported exam registration (seed 001)


@dataclass(eq=False)
class SmsChallenge:
    """One verification code texted to a mobile number, with its tries."""

    user_id: int
    purpose: str
    mobile: str
    code: str  # kept as sent: it lives five minutes and five wrong tries lock it
    sent_at: datetime
    expires_at: datetime
    failed_attempts: int = 0
    locked_until: datetime | None = None
    used_at: datetime | None = None
    id: int | None = None


class Role(StrEnum):
    """A staff role (DESIGN.md, "Staff"), granted per programme with the CLI."""

    HELPLINE = "helpline"  # 咨询: answers applicants' questions in the staff group
    REVIEWER = "reviewer"  # 审核员: returns or approves materials
    ADMISSIONS = "admissions"  # 招录: records offers for one training base
    ADMIN = "admin"  # 管理员: everything in the programme


@dataclass(eq=False)
class StaffMember:
    """One role of one person in one programme. Keyed by channel + external id rather than a chat
    user, so that a role can be granted before the person has ever written to the bot."""

    channel: str
    external_id: str
    role: str
    programme: str
    base_id: str | None  # the training base of an admissions officer; None for the other roles
    added_at: datetime
    id: int | None = None


class AccountEvent(StrEnum):
    """What an operator can read in an account's audit trail (``baoming audit``)."""

    CREATED = "created"
    ACTIVATED = "activated"
    LOGGED_IN = "logged_in"
    RECOVERED = "recovered"
    LOGGED_OUT = "logged_out"
    TAKEN_OVER = "taken_over"  # another chat proved the mobile and now holds the account
    EXPORTED_UNMASKED = "exported_unmasked"  # an operator exported the profile without masking
    LOGIN_FAILED = "login_failed"  # a wrong password; five in a row lock the log-in (domain/login.py)


@dataclass(eq=False)
class AuditEntry:
    """One event of an account. ``detail`` never holds a full ID number, mobile or e-mail."""

    account_id: int
    kind: str
    at: datetime
    user_id: int | None = None  # the chat user who caused it, if any
    detail: dict[str, str] = field(default_factory=dict)
    id: int | None = None


@dataclass(eq=False)
class ExamRegistration:
    """医师资格考试报名 (seed 001): an exam registration made on the NMEC site, imported by an operator.

    Linking a chat to it creates the applicant's Account of nmec-materials, whose username is the
    registration number (domain/exam_registrations.py).
    """

    registration_number: str  # 报名号, digits only
    real_name: str
    id_number: str  # normalised 18-character resident ID number; never logged in full
    mobile: str  # 11-digit mainland mobile on record; never logged in full
    exam_region: str  # 考区: a region code of the nmec-materials catalog, such as "tianjin"
    exam_site: str  # 考点, as written in the file
    category: str  # 报考类别 (exam category), as written in the file
    imported_at: datetime
    id: int | None = None


class UploadKind(StrEnum):
    """What an upload is for; ``Upload.slot`` then names its place within that kind."""

    MATERIALS = "materials"  # seed 001 报名材料: slot = the material category code
    DEGREE_PHOTO = "degree-photo"  # seed 003 电子照片: slot "photo"
    TJ_IDENTITY = "tj-identity"  # seed 002 2.9 身份认证: slots "id-photo" (证件照) and "id-card"
    TJ_REVIEW = "tj-review"  # seed 002 2.11 上传审核


class UploadState(StrEnum):
    """One image's state in a review cycle (seed 001, 三、图片的几种状态)."""

    DRAFT = "draft"  # 未锁定: uploaded, not submitted yet
    SUBMITTED = "submitted"  # 已锁定: submitted, waiting for review
    APPROVED = "approved"  # 已锁定: the reviewer kept it
    RETURNED = "returned"  # 未锁定: the reviewer asked for a replacement; ``Upload.reason`` says why

    @property
    def locked(self) -> bool:
        """已锁定 as the applicant sees it: SUBMITTED and APPROVED look the same to them, because
        the seed never tells an applicant that an image was approved (no news is ambiguous)."""
        return self in (UploadState.SUBMITTED, UploadState.APPROVED)


class SubmissionState(StrEnum):
    """The state of everything an account uploaded of one kind.

    Materials (seed 001) use DRAFT, SUBMITTED and NEEDS_CHANGES; that they are closed follows from
    the exam region's deadline and is never stored. APPROVED and REJECTED are for the reviews that
    decide a whole submission (seed 002's identity check and 上传审核).
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"  # 提交审核: every image locked
    NEEDS_CHANGES = "needs_changes"  # a reviewer returned at least one image
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(eq=False)
class Upload:
    """One stored image: its metadata here, its bytes in the FileStore under ``file_key`` (sha256).

    Several rows may share a file_key (the same bytes uploaded twice); the file goes when the last
    row referring to it does (domain/uploads.py).
    """

    account_id: int
    kind: str  # an UploadKind
    slot: str
    file_key: str
    size_bytes: int
    content_type: str  # "image/jpeg" or "image/png", as the caller's check found it
    width: int
    height: int
    uploaded_at: datetime
    original_name: str | None = None  # the file name the chat sent, at most 255 characters
    state: str = UploadState.DRAFT
    reason: str | None = None  # why the reviewer returned it
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None  # the reviewer's external id (StaffMember.external_id)
    id: int | None = None


@dataclass(eq=False)
class Submission:
    """The review cycle of one account's uploads of one kind (one per account and kind).

    ``facts`` holds the applicant's answers to the exam region's yes/no questions (seed 001: which
    materials their situation needs). Replace the dict to change it: the database column does not
    notice changes made inside it.
    """

    account_id: int
    kind: str  # an UploadKind
    state: str = SubmissionState.DRAFT
    facts: dict[str, bool] = field(default_factory=dict)
    # The first 提交审核: kept on later submissions, so a returned and replaced image is reviewed
    # again before newer submissions (the applicant's deadline is nearer).
    submitted_at: datetime | None = None
    decided_at: datetime | None = None  # when a reviewer last changed the state
    reason: str | None = None  # why a whole submission was rejected (seed 002)
    id: int | None = None


class ApplicationState(StrEnum):
    """A 广东住培 application (seed 000 三): a draft until 提交, then submitted and unchangeable.

    The seed has no withdrawal and no edit after 提交, so there is no state for either.
    """

    DRAFT = "draft"  # 确认并返回 alone is not a submission (seed 000 三 8)
    SUBMITTED = "submitted"


@dataclass(eq=False)
class GdApplication:
    """学员报名 (seed 000 三): one per account and batch, for one specialty and 1–3 training bases.

    ``base_ids`` are the parallel choices (平行志愿) in the applicant's order of preference. Replace
    the list to change it: the database column does not notice changes made inside it.
    """

    account_id: int
    year: int  # the intake year of the programme catalog
    batch: int  # 招收批次 number
    created_at: datetime
    state: str = ApplicationState.DRAFT
    applicant_type: str | None = None  # 个人身份, a domain.gd_profile.ApplicantType value
    specialty_code: str | None = None
    base_ids: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    id: int | None = None


class OfferState(StrEnum):
    """One choice of a submitted application (seed 000 四; RULES.md's state machine [I]).

    PENDING → ADMITTED / NOT_ADMITTED (the base, in its admission window); ADMITTED → ACCEPTED /
    DECLINED (the applicant, in the confirmation window). EXPIRED is never stored: an ADMITTED offer
    is expired once the confirmation window has closed (domain/offers.py).
    """

    PENDING = "pending"  # 待录取
    ADMITTED = "admitted"  # 录取
    NOT_ADMITTED = "not_admitted"  # 不录取
    ACCEPTED = "accepted"  # 接受
    DECLINED = "declined"  # 放弃
    EXPIRED = "expired"  # 未确认: derived from the clock, see above


@dataclass(eq=False)
class Offer:
    """The outcome of one parallel choice: one row per (application, training base).

    ``account_id``, ``year`` and ``specialty_code`` repeat the application's so that the database
    can hold "at most one ACCEPTED offer per account and year" with a partial unique index.
    """

    application_id: int
    account_id: int
    year: int
    batch: int
    base_id: str
    specialty_code: str
    rank: int  # 1..3, the applicant's order of preference
    state: str = OfferState.PENDING
    decided_at: datetime | None = None  # when the base recorded 录取 / 不录取
    decided_by: str | None = None  # the officer's external id (else the base id), or "import:FILE"
    answered_at: datetime | None = None  # when the applicant answered 接受 / 放弃
    notified_at: datetime | None = None  # when the applicant was told of the decision
    # The message that carries 接受 / 放弃: its buttons are taken away when the window closes.
    notice_chat_id: int | None = None
    notice_message_id: int | None = None
    id: int | None = None


# The per-year catalog of 广东住培 (domain/gd_catalog.py): values, replaced a year at a time.


@dataclass(frozen=True)
class Specialty:
    """专业 (住培): a national code and its official Chinese name, shown as-is in every locale."""

    code: str
    name: str


@dataclass(frozen=True)
class TrainingBase:
    """培训基地: its id (also the admissions officer's base in staff roles), name, city, and the
    specialties it takes this year with their quotas (招收计划), in the file's order."""

    base_id: str
    name: str
    city: str
    quotas: Mapping[str, int] = field(default_factory=dict)

    def offers(self, specialty_code: str) -> bool:
        return specialty_code in self.quotas


@dataclass(frozen=True)
class Batch:
    """招收批次 (seed 000): one round of application, admission by the bases, and offer confirmation."""

    number: int
    application: Window  # 学员报名
    admission: Window  # 基地招收
    confirmation: Window  # 学员确认


# Every imported intake year's batches, by year: the windows the use cases read (a handful of rows).
BatchCalendar = Mapping[int, tuple[Batch, ...]]


@dataclass(frozen=True)
class YearCatalog:
    """One intake year of 广东住培 as the operator imported it: the batches with their windows, the
    specialties and the training bases (domain/gd_catalog.py)."""

    year: int
    specialties: tuple[Specialty, ...]
    bases: tuple[TrainingBase, ...]
    batches: tuple[Batch, ...] = ()
    imported_at: datetime | None = None  # None until stored

    def batch(self, number: int) -> Batch | None:
        return next((b for b in self.batches if b.number == number), None)

    def specialty(self, code: str) -> Specialty | None:
        return next((s for s in self.specialties if s.code == code), None)

    def base(self, base_id: str) -> TrainingBase | None:
        return next((b for b in self.bases if b.base_id == base_id), None)

    def bases_offering(self, specialty_code: str) -> tuple[TrainingBase, ...]:
        return tuple(b for b in self.bases if b.offers(specialty_code))

    def offered_specialties(self) -> tuple[Specialty, ...]:
        """The specialties at least one base takes: the only ones an applicant can choose."""
        return tuple(s for s in self.specialties if self.bases_offering(s.code))


class DegreeApplicationState(StrEnum):
    """A 同等学力申硕 degree application (seed 003 §八, the 申请状态 column).

    保存 → SAVED; 提交申请 → SUBMITTED ("申请状态栏显示已提交则是完成"); 取消申请 → CANCELLED, the seed's
    remedy for a wrong choice, after which the applicant adds a new application. Later states are
    the university's (RULES.md §1/003 [I]) and not kept here yet.
    """

    SAVED = "saved"  # 已保存: 修改, 删除 and 提交申请 allowed
    SUBMITTED = "submitted"  # 已提交: only 取消申请
    CANCELLED = "cancelled"  # 已取消: final

    @property
    def live(self) -> bool:
        """Counts against "one application per unit, discipline and year"."""
        return self is not DegreeApplicationState.CANCELLED


@dataclass(eq=False)
class DegreeApplication:
    """学位申请 (seed 003 §八): one row of the table 已申报学科信息, with every field of the form.

    Catalog values are stored by code (domain/degree_applications.py): provinces by GB/T 2260
    two-digit code, units by their 5-digit code, disciplines by their 4-digit code; the short lists
    (degree type, applicant category, unit nature, ranks) by their enum values.
    """

    account_id: int
    year: int  # 年度: the Beijing year in which it was added
    province: str  # 学位授予单位所在省市地区
    unit: str  # 学位授予单位
    degree_type: str  # 申请学位类型
    category_code: str  # 申请学位学科门类
    discipline_code: str  # 申请学位学科名称
    applicant_category: str  # 申请人类别
    application_month: str  # 网上学位申请年月, YYYYMM
    work_province: str  # 工作单位所在省市
    work_unit: str  # 工作单位名称
    work_unit_nature: str  # 工作单位性质
    admin_rank: str  # 行政职务级别
    tech_rank: str  # 技术职务级别
    created_at: datetime
    studying_at_unit: bool = False  # already studying at the unit: only then 学号 and 班级
    student_number: str | None = None  # 学号
    class_name: str | None = None  # 班级
    department: str | None = None  # 院系 (optional in the seed)
    state: str = DegreeApplicationState.SAVED
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: int | None = None


class RecordKind(StrEnum):
    """What a 学信网 record proves (seed 002 2.7, 点击验证学籍/学历)."""

    STUDENT = "student"  # 学籍: enrolled now, for 应届 candidates
    DIPLOMA = "diploma"  # 学历: graduated, for 往届 candidates


@dataclass(eq=False)
class EducationRecord:
    """One 学籍 or 学历 record an operator imported (the 学信网 data the web system checks against).

    Programme-independent: one per ID number, kind, school and major. Texts are stored cleaned
    (NFKC, whitespace runs made one space) so that the unique key compares like the verifier does.
    """

    id_number: str  # normalised 18-character resident ID number; never logged in full
    name: str
    kind: str  # a RecordKind
    school: str
    major: str
    graduation: str  # YYYYMM
    imported_at: datetime
    id: int | None = None


class VerificationStatus(StrEnum):
    VERIFIED = "verified"  # a record of the right kind with the same name, school and major
    MISMATCH = "mismatch"  # a record of the right kind, but some of these differ
    NOT_FOUND = "not_found"  # no record of the right kind for the ID number


@dataclass(frozen=True)
class EducationClaim:
    """What the applicant says, to be checked: the account's name and ID number and the basic
    information's candidate type (current = 应届, former = 往届), school, major and graduation."""

    id_number: str
    name: str
    candidate_type: str  # "current" or "former"
    school: str
    major: str
    graduation: str  # YYYYMM


@dataclass(frozen=True)
class VerificationOutcome:
    """A verifier's answer. ``mismatched`` names the differing fields ("name", "school", "major");
    ``on_record`` holds the record's school and major for a MISMATCH (never its ID number or name);
    ``other_kind`` is the kind of record found instead when none of the claimed kind exists."""

    status: VerificationStatus
    mismatched: tuple[str, ...] = ()
    on_record: Mapping[str, str] = field(default_factory=dict)
    other_kind: str | None = None


@dataclass(eq=False)
class StoredVerification:
    """The last 学籍/学历 verification of an account (one per account), with a fingerprint of the
    claim it checked, so that a later change of the basic information asks for a new check."""

    account_id: int
    outcome: str  # a VerificationStatus
    detail: dict[str, str]  # what the outcome says beyond its status (domain/tj_verification.py)
    verifier: str  # the verifier's name
    fingerprint: str  # sha256 of the claim's fields
    checked_at: datetime


class OrderState(StrEnum):
    OPEN = "open"  # 待支付
    PAID = "paid"  # 已支付


@dataclass(eq=False)
class Order:
    """订单 (seed 002 2.10 网上支付): the fee of one programme year for one account (one per account,
    programme and year). ``amount`` is in the currency's smallest unit (分 for CNY), as Telegram
    Payments counts it."""

    account_id: int
    programme: str
    year: int
    amount: int
    currency: str
    created_at: datetime
    state: str = OrderState.OPEN
    paid_at: datetime | None = None
    telegram_charge_id: str | None = None  # of the payment that paid it
    provider_charge_id: str | None = None
    # Set when a pre-checkout is approved: until then no other payment of the order is approved.
    checkout_until: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class Payment:
    """One successful payment Telegram reported, recorded once by its charge id. ``duplicate``: a
    second charge for an order already paid, to be refunded by hand."""

    telegram_charge_id: str
    order_id: int
    amount: int
    currency: str
    provider_charge_id: str
    received_at: datetime
    duplicate: bool = False


class OutboxState(StrEnum):
    """Where one outbox message stands (domain/outbox.py, bot/notifier.py)."""

    QUEUED = "queued"  # waiting for its due time
    SENDING = "sending"  # claimed by the sender; back to QUEUED if it stops before sending
    SENT = "sent"
    FAILED = "failed"  # refused for good, or still failing after the last retry (see last_error)
    CANCELLED = "cancelled"  # made pointless before it was sent (see last_error for why)
    BLOCKED = "blocked"  # Telegram answered 403: the person blocked the bot


@dataclass(eq=False)
class OutboxMessage:
    """One message the bot starts (a reminder, a notice, an announcement), written in the same
    transaction as the change that causes it and sent later by one worker (bot/notifier.py).

    The text is a gettext msgid, rendered in the person's language when sent, with ``params``
    formatted into it (``str.format``). ``dedupe_key`` is unique: a message is never planned twice.
    ``bulk`` messages (reminders, broadcasts) go through the rate-limited queue and respect the
    person's settings; the others (answers to the person's own actions, help-line replies) go first.
    Replace ``params`` to change it: the database column does not notice changes made inside it.
    """

    user_id: int  # the ChatUser it goes to
    kind: str  # what it is, for counts and cancelling (e.g. a reminder kind, "broadcast")
    dedupe_key: str
    text_id: str
    due_at: datetime
    created_at: datetime
    params: dict[str, str | int] = field(default_factory=dict)
    button_text_id: str | None = None  # one inline button: its label's msgid ...
    button_data: str | None = None  # ... and its callback data (at most 64 bytes)
    deadline_at: datetime | None = None  # the deadline it is about: quiet hours yield in its last day
    bulk: bool = True
    state: str = OutboxState.QUEUED
    attempts: int = 0  # sends tried (a 429 is not counted: Telegram said when to come back)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    id: int | None = None


class QuestionOutcome(StrEnum):
    """What became of a question an applicant typed (the help line, domain/helpline.py)."""

    ANSWERED = "answered"  # the knowledge base answered it (entry_id and score set)
    UNANSWERED = "unanswered"  # nothing close enough: the bot said so and offered a person
    HANDED_OFF = "handed_off"  # the applicant asked for a person (after an answer or without one)
    SUGGESTED = "suggested"  # not sure enough; the applicant picked one of the entries offered (entry_id)


@dataclass(eq=False)
class AskedQuestion:
    """One question asked of the FAQ, for ``baoming faq stats``. ``text`` is masked (no full ID
    number, mobile or e-mail address) before it is stored."""

    user_id: int
    programme: str | None  # the applicant's programme when asked; None: in none yet
    locale: str
    text: str
    outcome: str
    asked_at: datetime
    entry_id: str | None = None  # the entry that answered it (kept when handed off after it)
    score: float | None = None
    id: int | None = None


class ThreadState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(eq=False)
class HelplineThread:
    """A conversation between one applicant and the help-line staff group (DESIGN.md, "Staff").
    Its id is the thread number staff see (#12)."""

    user_id: int
    chat_id: int  # the applicant's private chat, where staff replies go
    programme: str | None
    locale: str  # the applicant's language: staff replies are introduced in it
    question: str  # masked, as posted to the group
    opened_at: datetime
    state: str = ThreadState.OPEN
    closed_at: datetime | None = None
    closed_by: str | None = None  # "applicant", or the external id of the staff member
    id: int | None = None


class ThreadMessageKind(StrEnum):
    QUESTION = "question"  # the bot's post that opened the thread
    FOLLOW_UP = "follow_up"  # the bot's post of an applicant's later message
    NOTICE = "notice"  # another bot message of the thread (a delivery confirmation, a close)
    STAFF = "staff"  # a staff member's reply, delivered to the applicant


@dataclass(eq=False)
class ThreadMessage:
    """One message of a thread in the staff group: the (chat, message id) → thread mapping that lets
    a reply reach the right applicant, and nobody else. ``text`` is masked when it is the
    applicant's, as written when it is staff's (a staff answer may become an FAQ entry)."""

    thread_id: int
    chat_id: int
    message_id: int
    kind: str
    text: str
    at: datetime
    author: str | None = None  # the staff member's external id for STAFF messages
    id: int | None = None


@dataclass(eq=False)
class StaffFaqEntry:
    """An FAQ entry written by help-line staff (``/faq add``): a thread's question and a staff
    answer, in the staff member's language, merged into the knowledge base as ``staff-<id>``."""

    programme: str | None  # the thread's programme; None: every programme
    locale: str
    question: str
    answer: str
    source: str
    added_by: str  # the staff member's external id
    added_at: datetime
    thread_id: int | None = None
    id: int | None = None
