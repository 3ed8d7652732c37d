"""医师资格考试 报名材料 (seed 001): images per material category, submitted for review and locked.

The applicant's account of nmec-materials is linked to an ExamRegistration (its username is the
registration number, domain/exam_registrations.py); the registration's exam region picks the
categories, the yes/no questions (facts) that decide which of them are required, and the upload
window from the catalog (domain/programmes/nmec_materials.toml).

The cycle, as the seed describes it:

- DRAFT: images are added and deleted freely inside the window (未锁定), up to each category's maximum.
- 提交审核 (:func:`submit`): every required category at its minimum and every question answered;
  every image and the submission lock (已锁定): "上报完成，内容已锁定".
- A reviewer approves single images (they stay 已锁定) or returns one with a reason
  (:func:`return_image`): that image unlocks (未锁定), the submission needs changes, the applicant is
  told, deletes it, uploads a replacement and submits again.
- The region's deadline locks everything; "closed" is derived from it, never stored.

Approvals are stored but never announced: the seed warns that no news may mean the materials are
fine or that the applicant is not eligible, so nothing here ever says "approved" to an applicant.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain import outbox, reminders
from domain.exam_registrations import NMEC, region_name
from domain.model import (
    Account,
    ChatUser,
    ExamRegistration,
    Submission,
    SubmissionState,
    Upload,
    UploadKind,
    UploadState,
)
from domain.ports import FileStore, UnitOfWork
from domain.problems import Problem
from domain.programmes import Fact, MaterialCategory, Region, programme
from domain.text import N_
from domain.uploads import Picture, content_key, new_upload, release_files
from domain.windows import Window, WindowPhase, end_text, moment_text

__all__ = [
    "KIND",
    "MAX_REASON_LENGTH",
    "NO_NEWS_NOTE",
    "SUBMITTED_MESSAGE",
    "CategoryStatus",
    "Checklist",
    "FactAnswer",
    "ImageLine",
    "MaterialContext",
    "QueueItem",
    "ReviewOutcome",
    "add_image",
    "answer_fact",
    "approve",
    "catalog_year",
    "checklist",
    "delete_image",
    "end_text",
    "material_context",
    "moment_text",
    "parse_reason",
    "return_image",
    "review_queue",
    "status_lines",
    "submit",
]

KIND = UploadKind.MATERIALS
UPLOAD_WINDOW = "upload"
MAX_REASON_LENGTH = 200

# Seed 001, after 提交审核: "上报完成，内容已锁定".
SUBMITTED_MESSAGE = N_("Submitted: your materials are locked.")
# Seed 001, 四: no new message means either that the materials are fine or that the applicant is not
# eligible; the bot must never suggest the first.
NO_NEWS_NOTE = N_(
    "Your exam site reviews them and tells you by phone, SMS or message if anything must change. "
    "No news does not mean approval: it may also mean that you are not eligible. Check at the "
    "times your exam region announces."
)

_NOT_NMEC = N_("This account is not a medical licensing exam registration.")
_NO_REGISTRATION = N_("No exam registration is linked to this account.")
_NO_MATERIALS = N_("Your exam region {region} has no material list here yet.")
_UNKNOWN_CATEGORY = N_("Unknown material category {category}.")
_UNKNOWN_FACT = N_("Unknown question {fact}.")
_NOT_OPEN = N_("Uploads for {region} open at {start} (Beijing time).")
_CLOSED = N_("The upload window of {region} closed at {end} (Beijing time); your materials are locked.")
_LOCKED = N_(
    "Your materials are submitted and locked while they are reviewed. If a reviewer asks for a "
    "replacement, that image is unlocked and you are told."
)
_FULL = N_("{category}: the maximum is {max}; delete an image before adding another.")
_DUPLICATE = N_("This image is already among your materials ({category}).")
_NOT_FOUND = N_("This image is not among your materials.")
_IMAGE_LOCKED = N_("This image is locked: it was submitted for review.")
_UNANSWERED = N_("Answer these questions first: {questions}")
_MISSING = N_("Not submitted: still needed: {missing}.")
_RETURNED = N_("Not submitted: delete the returned images and upload new ones first: {categories}.")
_REVIEW_NOT_FOUND = N_("No image {upload} among the materials.")
_NOT_WAITING = N_("This image is no longer waiting for review.")
_NO_REASON = N_("Give the reason for returning the image.")
_REASON_TOO_LONG = N_("The reason has at most {limit} characters; this one has {length}.")
_TOO_LATE_TO_RETURN = N_(
    "The upload window of {region} closed at {end} (Beijing time): the applicant can no longer "
    "replace the image, so it cannot be returned."
)


# ----- where an account's materials belong


@dataclass(frozen=True)
class MaterialContext:
    account: Account
    registration: ExamRegistration
    region: Region
    year: int  # the catalog year (catalog_year)
    window: Window  # the region's upload window of that year


def catalog_year(region_code: str, now: datetime) -> tuple[int, Region] | None:
    """The catalog year of an exam region at ``now``: the year whose upload window is open; else
    the next one to open; else the latest one (its window closed). None when no year of the catalog
    has an upload window for the region.

    A registration names no year, and a region's window lies in one short stretch of its year, so
    "the current window, else the coming one, else the last one" is the only reading a chat needs.
    """
    candidates = sorted(
        (year.year, region)
        for year in programme(NMEC).years.values()
        if (region := year.regions.get(region_code)) is not None and UPLOAD_WINDOW in region.windows
    )
    for number, region in candidates:
        if region.windows[UPLOAD_WINDOW].contains(now):
            return number, region
    coming = [
        (region.windows[UPLOAD_WINDOW].start, number, region)
        for number, region in candidates
        if region.windows[UPLOAD_WINDOW].phase(now) is WindowPhase.UPCOMING
    ]
    if coming:
        _, number, region = min(coming, key=lambda c: c[0])
        return number, region
    return candidates[-1] if candidates else None


async def material_context(uow: UnitOfWork, account: Account, now: datetime) -> MaterialContext | Problem:
    """The account's registration, exam region, catalog year and upload window."""
    async with uow:
        return await _context(uow, account, now)


async def _context(uow: UnitOfWork, account: Account, now: datetime) -> MaterialContext | Problem:
    if account.programme != NMEC or account.id is None:
        return Problem(_NOT_NMEC)
    registration = await uow.exam_registrations.by_number(account.username)
    if registration is None:
        return Problem(_NO_REGISTRATION)
    chosen = catalog_year(registration.exam_region, now)
    if chosen is None or not chosen[1].materials:
        return Problem(_NO_MATERIALS, {"region": region_name(registration.exam_region)})
    year, region = chosen
    return MaterialContext(account, registration, region, year, region.windows[UPLOAD_WINDOW])


# ----- the checklist


@dataclass(frozen=True)
class ImageLine:
    id: int
    state: UploadState
    reason: str | None  # why a reviewer returned it
    original_name: str | None
    uploaded_at: datetime

    @property
    def locked(self) -> bool:
        """已锁定 as the applicant sees it (an approval looks like any other lock)."""
        return self.state.locked


@dataclass(frozen=True)
class CategoryStatus:
    category: MaterialCategory
    images: tuple[ImageLine, ...]
    required: bool | None  # None: it depends on a question not answered yet

    @property
    def count(self) -> int:
        """Every image in the category, returned ones too: they hold a place until deleted."""
        return len(self.images)

    @property
    def counted(self) -> int:
        """The images that count toward the minimum: a returned image must be replaced."""
        return sum(1 for image in self.images if image.state != UploadState.RETURNED)

    @property
    def missing(self) -> int:
        """还需 N 张: images still needed before 提交审核 (0 when not required)."""
        return max(self.category.min_count - self.counted, 0) if self.required else 0

    @property
    def full(self) -> bool:
        return self.count >= self.category.max_count

    @property
    def returned(self) -> tuple[ImageLine, ...]:
        return tuple(image for image in self.images if image.state == UploadState.RETURNED)


@dataclass(frozen=True)
class FactAnswer:
    fact: Fact
    answer: bool | None  # None: not answered yet


@dataclass(frozen=True)
class Checklist:
    context: MaterialContext
    categories: tuple[CategoryStatus, ...]
    facts: tuple[FactAnswer, ...]
    submission_state: SubmissionState
    phase: WindowPhase  # of the upload window, at the moment the checklist was made
    # Nothing can change: submitted and nothing returned since, or the deadline passed.
    locked: bool

    @property
    def closed(self) -> bool:
        return self.phase is WindowPhase.CLOSED

    @property
    def opens_at(self) -> datetime:
        return self.context.window.start

    @property
    def deadline(self) -> datetime:
        return self.context.window.end

    @property
    def unanswered_facts(self) -> tuple[Fact, ...]:
        return tuple(answer.fact for answer in self.facts if answer.answer is None)

    @property
    def missing(self) -> tuple[CategoryStatus, ...]:
        return tuple(status for status in self.categories if status.missing)

    @property
    def returned(self) -> tuple[CategoryStatus, ...]:
        return tuple(status for status in self.categories if status.returned)

    @property
    def counts(self) -> Mapping[UploadState, int]:
        """Images per state, for staff; an applicant is shown locked and unlocked only."""
        counted = Counter(image.state for status in self.categories for image in status.images)
        return {state: counted[state] for state in UploadState}

    @property
    def image_count(self) -> int:
        return sum(status.count for status in self.categories)

    def category(self, code: str) -> CategoryStatus | None:
        return next((status for status in self.categories if status.category.code == code), None)

    def blockers(self) -> list[Problem]:
        """Everything that keeps 提交审核 from succeeding now, each listing all its items."""
        if self.phase is not WindowPhase.OPEN:
            return [self._window_problem()]
        if self.locked:
            return [Problem(_LOCKED)]
        problems = []
        if self.unanswered_facts:
            questions = " / ".join(fact.question for fact in self.unanswered_facts)
            problems.append(Problem(_UNANSWERED, {"questions": questions}))
        if self.missing:
            missing = "; ".join(f"{s.category.name} ×{s.missing}" for s in self.missing)
            problems.append(Problem(_MISSING, {"missing": missing}))
        if self.returned:
            names = "; ".join(status.category.name for status in self.returned)
            problems.append(Problem(_RETURNED, {"categories": names}))
        return problems

    @property
    def ready(self) -> bool:
        return not self.blockers()

    def _window_problem(self) -> Problem:
        return _window_refusal(self.context, self.phase) or Problem(_LOCKED)


async def checklist(uow: UnitOfWork, account: Account, now: datetime) -> Checklist | Problem:
    """Every category with its images and what is still missing, the questions, the state."""
    async with uow:
        context = await _context(uow, account, now)
        if isinstance(context, Problem):
            return context
        return await _checklist(uow, context, now)


async def _checklist(uow: UnitOfWork, context: MaterialContext, now: datetime) -> Checklist:
    account_id = context.account.id or 0
    submission = await uow.submissions.get(account_id, KIND)
    answers = submission.facts if submission is not None else {}
    uploads = await uow.uploads.of_account(account_id, KIND)
    categories = tuple(
        CategoryStatus(
            category,
            tuple(_line(upload) for upload in uploads if upload.slot == category.code),
            category.required_given(answers),
        )
        for category in context.region.materials
    )
    facts = tuple(FactAnswer(fact, answers.get(fact.code)) for fact in context.region.facts)
    state = SubmissionState(submission.state) if submission is not None else SubmissionState.DRAFT
    phase = context.window.phase(now)
    return Checklist(
        context=context,
        categories=categories,
        facts=facts,
        submission_state=state,
        phase=phase,
        locked=phase is WindowPhase.CLOSED or _is_locked(state),
    )


def _line(upload: Upload) -> ImageLine:
    return ImageLine(
        id=upload.id or 0,
        state=UploadState(upload.state),
        reason=upload.reason,
        original_name=upload.original_name,
        uploaded_at=upload.uploaded_at,
    )


def _is_locked(state: str) -> bool:
    # NEEDS_CHANGES is open: the returned images may be replaced, and the applicant may add what
    # the reviewer asked for ("根据反馈意见补充完善相关材料"); the other images stay locked one by one.
    return state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.REJECTED)


def status_lines(checklist: Checklist) -> list[Problem]:
    """/status of the materials, as message ids with their values. Never says "approved"."""
    region = checklist.context.region.official_name
    deadline = end_text(checklist.deadline)
    if checklist.phase is WindowPhase.UPCOMING:
        return [Problem(_NOT_OPEN, {"region": region, "start": moment_text(checklist.opens_at)})]
    if checklist.closed:
        return [
            Problem(
                N_(
                    "Materials: the upload window of {region} closed at {end} (Beijing time); "
                    "images locked: {count}."
                ),
                {"region": region, "end": deadline, "count": checklist.image_count},
            )
        ]
    if checklist.submission_state == SubmissionState.SUBMITTED:
        return [
            Problem(
                N_("Materials submitted and locked (images: {count})."), {"count": checklist.image_count}
            ),
            Problem(NO_NEWS_NOTE),
        ]
    lines = []
    if checklist.submission_state == SubmissionState.NEEDS_CHANGES:
        returned = sum(len(status.returned) for status in checklist.categories)
        lines.append(
            Problem(
                N_(
                    "Materials: images returned by the reviewers: {count}. Replace them and submit "
                    "again before {end} (Beijing time)."
                ),
                {"count": returned, "end": deadline},
            )
        )
    else:
        lines.append(
            Problem(
                N_(
                    "Materials: images uploaded: {count}, not submitted yet; submit before {end} "
                    "(Beijing time)."
                ),
                {"count": checklist.image_count, "end": deadline},
            )
        )
    return lines + checklist.blockers()


# ----- the applicant's changes


async def answer_fact(
    uow: UnitOfWork, account: Account, fact_code: str, yes: bool, now: datetime
) -> Checklist | Problem:
    """Answer one of the region's questions; the checklist then says what it requires."""
    async with uow:
        context = await _context(uow, account, now)
        if isinstance(context, Problem):
            return context
        if context.region.fact(fact_code) is None:
            return Problem(_UNKNOWN_FACT, {"fact": fact_code})
        phase = context.window.phase(now)
        if phase is WindowPhase.CLOSED:
            return _window_refusal(context, phase) or Problem(_LOCKED)
        account_id = context.account.id or 0
        submission = await uow.submissions.get(account_id, KIND)
        if submission is not None and _is_locked(submission.state):
            return Problem(_LOCKED)
        if submission is None:
            await uow.submissions.add(Submission(account_id, KIND, facts={fact_code: yes}))
        else:
            submission.facts = {**submission.facts, fact_code: yes}  # a new dict: see Submission
        await uow.commit()
        return await _checklist(uow, context, now)


async def add_image(
    uow: UnitOfWork,
    files: FileStore,
    account: Account,
    category_code: str,
    picture: Picture,
    now: datetime,
) -> Upload | Problem:
    """Add one image to a category. The caller has checked the image itself (format, bytes)."""
    async with uow:
        context = await _context(uow, account, now)
        if isinstance(context, Problem):
            return context
        category = context.region.category(category_code)
        if category is None:
            return Problem(_UNKNOWN_CATEGORY, {"category": category_code})
        refusal = _window_refusal(context, context.window.phase(now))
        if refusal is not None:
            return refusal
        account_id = context.account.id or 0
        submission = await uow.submissions.get(account_id, KIND)
        if submission is not None and _is_locked(submission.state):
            return Problem(_LOCKED)
        refusal = _crowded(
            context, category, await uow.uploads.of_account(account_id, KIND), content_key(picture.data)
        )
        if refusal is not None:
            return refusal
        stored_key = await files.put(picture.data)  # first the file, then the row that refers to it
        upload = await uow.uploads.add(new_upload(account_id, KIND, category.code, stored_key, picture, now))
        # The images of an album arrive as concurrent updates that all passed the check above. Once
        # our row is written, SQLite has serialised us after every writer before us, so counting
        # again keeps the maximum (and the no-twin rule) for each of them.
        others = [u for u in await uow.uploads.of_account(account_id, KIND) if u.id != upload.id]
        refusal = _crowded(context, category, others, stored_key)
        if refusal is not None:
            await uow.rollback()
            await release_files(uow, files, [stored_key])
            return refusal
        await uow.commit()
        return upload


def _crowded(
    context: MaterialContext, category: MaterialCategory, uploads: list[Upload], key: str
) -> Problem | None:
    """The category is at its maximum, or the same image is among the materials already."""
    if sum(1 for upload in uploads if upload.slot == category.code) >= category.max_count:
        return Problem(_FULL, {"category": category.name, "max": category.max_count})
    twin = next((upload for upload in uploads if upload.file_key == key), None)
    if twin is not None:
        # The same scan twice (the ID's front sent again instead of its back) is always a slip.
        twin_category = context.region.category(twin.slot)
        return Problem(_DUPLICATE, {"category": twin_category.name if twin_category else twin.slot})
    return None


async def delete_image(
    uow: UnitOfWork, files: FileStore, account: Account, upload_id: int, now: datetime
) -> Problem | None:
    """Delete one of the account's own unlocked images (uploaded, or returned by a reviewer)."""
    async with uow:
        context = await _context(uow, account, now)
        if isinstance(context, Problem):
            return context
        upload = await uow.uploads.get(upload_id)
        # Another account's id is "not found" too: forged callback data learns nothing.
        if upload is None or upload.account_id != context.account.id or upload.kind != KIND:
            return Problem(_NOT_FOUND)
        refusal = _window_refusal(context, context.window.phase(now))
        if refusal is not None:
            return refusal
        if upload.state not in (UploadState.DRAFT, UploadState.RETURNED):
            return Problem(_IMAGE_LOCKED)
        key = upload.file_key
        await uow.uploads.remove(upload)
        await uow.commit()
        # After the commit: a crash before this line leaves an orphan file, never a row without one.
        await release_files(uow, files, [key])
        return None


async def submit(uow: UnitOfWork, account: Account, now: datetime) -> Submission | Problem:
    """提交审核: every image and the submission lock. Shown afterwards: SUBMITTED_MESSAGE and NO_NEWS_NOTE."""
    async with uow:
        context = await _context(uow, account, now)
        if isinstance(context, Problem):
            return context
        blockers = (await _checklist(uow, context, now)).blockers()
        if blockers:
            return blockers[0]
        account_id = context.account.id or 0
        for upload in await uow.uploads.of_account(account_id, KIND):
            if upload.state == UploadState.DRAFT:
                upload.state = UploadState.SUBMITTED
        submission = await uow.submissions.get(account_id, KIND)
        if submission is None:
            submission = await uow.submissions.add(Submission(account_id, KIND))
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at = submission.submitted_at or now
        for prefix in reminders.pointless_after_materials_submitted(account_id):
            await outbox.cancel(uow, prefix=prefix)
        await uow.commit()
        return submission


def _window_refusal(context: MaterialContext, phase: WindowPhase) -> Problem | None:
    region = context.region.official_name
    if phase is WindowPhase.UPCOMING:
        return Problem(_NOT_OPEN, {"region": region, "start": moment_text(context.window.start)})
    if phase is WindowPhase.CLOSED:
        return Problem(_CLOSED, {"region": region, "end": end_text(context.window.end)})
    return None


# ----- review (审核), for staff with the reviewer role of nmec-materials; the caller checks the role


@dataclass(frozen=True)
class QueueItem:
    """One submitted image waiting for a reviewer, with the applicant masked (PIPL: the minimum)."""

    upload_id: int
    account_id: int
    applicant: str  # masked name, 张*
    registration_number: str  # masked, 2022*****0001
    region: str  # exam region code
    region_name: str
    category: str  # category code
    category_name: str
    file_key: str  # FileStore key of the image
    content_type: str
    size_bytes: int
    width: int
    height: int
    original_name: str | None
    submitted_at: datetime | None
    closed: bool  # the region's window has closed: it can still be approved, no longer returned


@dataclass(frozen=True)
class ReviewOutcome:
    upload_id: int
    account_id: int
    state: UploadState  # APPROVED or RETURNED
    category_name: str
    reason: str | None
    deadline: datetime  # a replacement must arrive before it
    # The chat to tell: only on a return, and only when a chat holds the account. An approval is
    # never announced (seed 001: no news is ambiguous).
    notify: ChatUser | None


async def review_queue(uow: UnitOfWork, now: datetime, region: str | None = None) -> list[QueueItem]:
    """Submitted images waiting for review (of one exam region): the oldest submission first, then
    the catalog's category order."""
    async with uow:
        contexts: dict[int, MaterialContext | Problem] = {}
        submitted: dict[int, datetime | None] = {}
        ordered: list[tuple[tuple[datetime, int, int, int], QueueItem]] = []
        for upload in await uow.uploads.in_state(KIND, UploadState.SUBMITTED):
            if upload.account_id not in contexts:
                contexts[upload.account_id] = await _context_of(uow, upload.account_id, now)
                submission = await uow.submissions.get(upload.account_id, KIND)
                submitted[upload.account_id] = None if submission is None else submission.submitted_at
            context = contexts[upload.account_id]
            if isinstance(context, Problem) or region not in (None, context.region.code):
                continue
            category = context.region.category(upload.slot)
            position = context.region.materials.index(category) if category else len(context.region.materials)
            submitted_at = submitted[upload.account_id]
            item = QueueItem(
                upload_id=upload.id or 0,
                account_id=upload.account_id,
                applicant=_mask_name(context.registration.real_name),
                registration_number=_mask_number(context.registration.registration_number),
                region=context.region.code,
                region_name=context.region.official_name,
                category=upload.slot,
                category_name=category.name if category else upload.slot,
                file_key=upload.file_key,
                content_type=upload.content_type,
                size_bytes=upload.size_bytes,
                width=upload.width,
                height=upload.height,
                original_name=upload.original_name,
                submitted_at=submitted_at,
                closed=context.window.phase(now) is WindowPhase.CLOSED,
            )
            ordered.append(((submitted_at or now, upload.account_id, position, upload.id or 0), item))
        return [item for _, item in sorted(ordered, key=lambda pair: pair[0])]


async def approve(
    uow: UnitOfWork, upload_id: int, reviewer_id: str, now: datetime
) -> ReviewOutcome | Problem:
    """The reviewer keeps the image: stored, it stays locked, and the applicant is told nothing."""
    async with uow:
        found = await _reviewable(uow, upload_id, now)
        if isinstance(found, Problem):
            return found
        upload, context = found
        _reviewed(upload, UploadState.APPROVED, reviewer_id, now)
        await uow.commit()
        return _outcome(upload, context, notify=None)


async def return_image(
    uow: UnitOfWork, upload_id: int, reviewer_id: str, reason: str, now: datetime
) -> ReviewOutcome | Problem:
    """The reviewer asks for a replacement: exactly this image unlocks, the submission needs
    changes, and the outcome names the chat to tell (with the reason and the deadline)."""
    text = parse_reason(reason)
    if isinstance(text, Problem):
        return text
    async with uow:
        found = await _reviewable(uow, upload_id, now)
        if isinstance(found, Problem):
            return found
        upload, context = found
        if context.window.phase(now) is WindowPhase.CLOSED:
            end = end_text(context.window.end)
            return Problem(_TOO_LATE_TO_RETURN, {"region": context.region.official_name, "end": end})
        _reviewed(upload, UploadState.RETURNED, reviewer_id, now)
        upload.reason = text
        submission = await uow.submissions.get(upload.account_id, KIND)
        if submission is None:  # cannot happen after a submit; kept whole if the row was lost
            submission = await uow.submissions.add(Submission(upload.account_id, KIND))
        submission.state = SubmissionState.NEEDS_CHANGES
        submission.decided_at = now
        user_id = context.account.user_id
        notify = None if user_id is None else await uow.users.get(user_id)
        await uow.commit()
        return _outcome(upload, context, notify=notify)


def parse_reason(raw: str) -> str | Problem:
    """A reviewer's reason for returning an image: whitespace runs made one space, not empty, at
    most MAX_REASON_LENGTH characters (the applicant reads it in one chat line)."""
    text = " ".join(raw.split())
    if not text:
        return Problem(_NO_REASON)
    if len(text) > MAX_REASON_LENGTH:
        return Problem(_REASON_TOO_LONG, {"limit": MAX_REASON_LENGTH, "length": len(text)})
    return text


async def _context_of(uow: UnitOfWork, account_id: int, now: datetime) -> MaterialContext | Problem:
    account = await uow.accounts.get(account_id)
    if account is None:
        return Problem(_NOT_NMEC)
    return await _context(uow, account, now)


async def _reviewable(
    uow: UnitOfWork, upload_id: int, now: datetime
) -> tuple[Upload, MaterialContext] | Problem:
    upload = await uow.uploads.get(upload_id)
    if upload is None or upload.kind != KIND:
        return Problem(_REVIEW_NOT_FOUND, {"upload": upload_id})
    if upload.state != UploadState.SUBMITTED:
        return Problem(_NOT_WAITING)
    context = await _context_of(uow, upload.account_id, now)
    if isinstance(context, Problem):
        return context
    return upload, context


def _reviewed(upload: Upload, state: UploadState, reviewer_id: str, now: datetime) -> None:
    reviewer = reviewer_id.strip()
    if not reviewer:
        raise ValueError("a review needs the reviewer's id")
    upload.state, upload.reviewed_at, upload.reviewed_by = state, now, reviewer


def _outcome(upload: Upload, context: MaterialContext, notify: ChatUser | None) -> ReviewOutcome:
    category = context.region.category(upload.slot)
    return ReviewOutcome(
        upload_id=upload.id or 0,
        account_id=upload.account_id,
        state=UploadState(upload.state),
        category_name=category.name if category else upload.slot,
        reason=upload.reason,
        deadline=context.window.end,
        notify=notify,
    )


def _mask_name(name: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***: the reviewer sees the documents, not who is behind them."""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"


def _mask_number(number: str) -> str:
    keep = 4 if len(number) >= 12 else 2
    if len(number) <= 2 * keep:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]
