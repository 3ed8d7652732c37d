"""天津高职升本 身份认证 (seed 002, 2.9) and 上传审核 (2.11): pictures a 确认点 reviewer decides as a whole.

身份认证: the applicant uploads a 证件照 and the portrait side of the ID card; the web system compares
the two faces. The bot checks that a face is found in both (domain/photos.py), but it has no reliable
offline face comparison, so it does not pretend to compare: every identity check goes to the manual
review of 确认点 staff, and the applicant is told so. Without an ID card the seed sends the applicant
to manual verification with the 证件照 alone; that is the same queue here.

上传审核: "+" adds photos (the seed names no count; MAX_REVIEW_PHOTOS), 提交审核 locks them, and the
审核结果 is 通过 or 不通过 with a reason, after which the applicant changes them and submits again.

Both kinds use one Submission per account and kind: DRAFT → SUBMITTED → APPROVED or REJECTED, and
REJECTED → DRAFT again on the next change.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.masking import mask_id_number
from domain.model import ChatUser, Submission, SubmissionState, Upload, UploadKind, UploadState
from domain.ports import FileStore, UnitOfWork
from domain.problems import Problem
from domain.text import N_
from domain.uploads import Picture, content_key, new_upload, release_files

TJ = "tj-upgrade"
IDENTITY = UploadKind.TJ_IDENTITY
UPLOAD_REVIEW = UploadKind.TJ_REVIEW
ID_PHOTO, ID_CARD, PHOTO = "id-photo", "id-card", "photo"
HAS_ID_CARD = "has_id_card"
# Seed 002 shows a "+" and no limit; a handful is what a 确认点 asks for (a diploma, a record).
MAX_REVIEW_PHOTOS = 6

_LOCKED = N_("Submitted for review: nothing can be changed until the result.")
_PASSED = N_("Already passed: nothing to change.")
_NOT_FOUND = N_("This picture is not among yours.")
_FULL = N_("At most {max} photos; delete one before adding another.")
_DUPLICATE = N_("This picture is already among yours.")
_NEED_PHOTO = N_("Upload your ID photo (证件照) first.")
_NEED_CARD = N_("Upload the portrait side of your ID card first, or say that you have no ID card.")
_NEED_ANY = N_("Add at least one photo first.")
_NOT_WAITING = N_("This submission is no longer waiting for review.")


@dataclass(frozen=True)
class Review:
    """An account's pictures of one kind and where their review stands."""

    kind: str
    state: SubmissionState
    uploads: tuple[Upload, ...]
    facts: Mapping[str, bool]
    reason: str | None  # why a reviewer said 不通过

    @property
    def locked(self) -> bool:
        return self.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)

    def slot(self, name: str) -> Upload | None:
        return next((upload for upload in self.uploads if upload.slot == name), None)

    @property
    def has_id_card(self) -> bool | None:
        return self.facts.get(HAS_ID_CARD)

    def blockers(self) -> list[Problem]:
        """What keeps 提交审核 from succeeding now."""
        if self.state == SubmissionState.APPROVED:
            return [Problem(_PASSED)]
        if self.state == SubmissionState.SUBMITTED:
            return [Problem(_LOCKED)]
        if self.kind == UPLOAD_REVIEW:
            return [] if self.uploads else [Problem(_NEED_ANY)]
        problems = [] if self.slot(ID_PHOTO) else [Problem(_NEED_PHOTO)]
        if self.has_id_card is not False and self.slot(ID_CARD) is None:
            problems.append(Problem(_NEED_CARD))
        return problems


async def review_of(uow: UnitOfWork, account_id: int, kind: str) -> Review:
    async with uow:
        return await _review(uow, account_id, kind)


async def _review(uow: UnitOfWork, account_id: int, kind: str) -> Review:
    submission = await uow.submissions.get(account_id, kind)
    uploads = tuple(await uow.uploads.of_account(account_id, kind))
    if submission is None:
        return Review(kind, SubmissionState.DRAFT, uploads, {}, None)
    return Review(kind, SubmissionState(submission.state), uploads, dict(submission.facts), submission.reason)


async def _open_submission(uow: UnitOfWork, account_id: int, kind: str) -> Submission | Problem:
    """The submission to change: a rejected one opens again; a submitted or passed one refuses."""
    submission = await uow.submissions.get(account_id, kind)
    if submission is None:
        return await uow.submissions.add(Submission(account_id, kind))
    if submission.state == SubmissionState.SUBMITTED:
        return Problem(_LOCKED)
    if submission.state == SubmissionState.APPROVED:
        return Problem(_PASSED)
    if submission.state == SubmissionState.REJECTED:
        submission.state = SubmissionState.DRAFT
    return submission


async def set_has_id_card(uow: UnitOfWork, account_id: int, has_card: bool) -> Review | Problem:
    async with uow:
        submission = await _open_submission(uow, account_id, IDENTITY)
        if isinstance(submission, Problem):
            return submission
        submission.facts = {**submission.facts, HAS_ID_CARD: has_card}  # a new dict: see Submission
        await uow.commit()
        return await _review(uow, account_id, IDENTITY)


async def add_picture(
    uow: UnitOfWork,
    files: FileStore,
    account_id: int,
    kind: str,
    slot: str,
    picture: Picture,
    now: datetime,
) -> Upload | Problem:
    """Add a checked picture. The identity slots hold one each (a new one replaces it); 上传审核
    takes up to MAX_REVIEW_PHOTOS."""
    key = content_key(picture.data)
    async with uow:
        submission = await _open_submission(uow, account_id, kind)
        if isinstance(submission, Problem):
            return submission
        existing = await uow.uploads.of_account(account_id, kind)
        replaced = [upload for upload in existing if kind == IDENTITY and upload.slot == slot]
        if kind == UPLOAD_REVIEW:
            if len(existing) >= MAX_REVIEW_PHOTOS:
                return Problem(_FULL, {"max": MAX_REVIEW_PHOTOS})
            if any(upload.file_key == key for upload in existing):
                return Problem(_DUPLICATE)
        for old in replaced:
            await uow.uploads.remove(old)
        stored = await files.put(picture.data)  # first the file, then the row that refers to it
        upload = await uow.uploads.add(new_upload(account_id, kind, slot, stored, picture, now))
        await uow.commit()
        await release_files(uow, files, [old.file_key for old in replaced])
        return upload


async def delete_picture(
    uow: UnitOfWork, files: FileStore, account_id: int, kind: str, upload_id: int
) -> Problem | None:
    async with uow:
        upload = await uow.uploads.get(upload_id)
        # Another account's id is "not found" too: forged callback data learns nothing.
        if upload is None or upload.account_id != account_id or upload.kind != kind:
            return Problem(_NOT_FOUND)
        submission = await _open_submission(uow, account_id, kind)
        if isinstance(submission, Problem):
            return submission
        await uow.uploads.remove(upload)
        await uow.commit()
        await release_files(uow, files, [upload.file_key])
        return None


async def submit(uow: UnitOfWork, account_id: int, kind: str, now: datetime) -> Review | Problem:
    """提交审核 (上传认证 for the identity check): everything locks and goes to the 确认点 queue."""
    async with uow:
        review = await _review(uow, account_id, kind)
        blockers = review.blockers()
        if blockers:
            return blockers[0]
        submission = await _open_submission(uow, account_id, kind)
        if isinstance(submission, Problem):
            return submission
        submission.state = SubmissionState.SUBMITTED
        submission.submitted_at = now
        submission.reason = None
        for upload in review.uploads:
            upload.state = UploadState.SUBMITTED
            upload.reason = None
        await uow.commit()
        return await _review(uow, account_id, kind)


# ----- the 确认点 reviewers' side


@dataclass(frozen=True)
class QueueEntry:
    account_id: int
    applicant: str  # the real name, masked
    id_number: str  # masked
    review: Review
    submitted_at: datetime | None


@dataclass(frozen=True)
class Decision:
    account_id: int
    kind: str
    passed: bool
    reason: str | None
    notify: ChatUser | None  # the chat holding the account, if any


async def queue(uow: UnitOfWork, kind: str) -> list[QueueEntry]:
    """Submissions of one kind waiting for a decision, the oldest first."""
    async with uow:
        waiting = {upload.account_id for upload in await uow.uploads.in_state(kind, UploadState.SUBMITTED)}
        entries = []
        for account_id in waiting:
            account = await uow.accounts.get(account_id)
            submission = await uow.submissions.get(account_id, kind)
            if account is None or submission is None or submission.state != SubmissionState.SUBMITTED:
                continue
            name = account.real_name.strip()
            entries.append(
                QueueEntry(
                    account_id,
                    name[:1] + "*" * (len(name) - 1),
                    mask_id_number(account.id_number),
                    await _review(uow, account_id, kind),
                    submission.submitted_at,
                )
            )
    return sorted(entries, key=lambda entry: (entry.submitted_at or datetime.max, entry.account_id))


async def decide(
    uow: UnitOfWork,
    account_id: int,
    kind: str,
    *,
    passed: bool,
    reviewer_id: str,
    reason: str | None,
    now: datetime,
) -> Decision | Problem:
    """通过, or 不通过 with a reason (then the pictures unlock for a new attempt)."""
    async with uow:
        submission = await uow.submissions.get(account_id, kind)
        if submission is None or submission.state != SubmissionState.SUBMITTED:
            return Problem(_NOT_WAITING)
        submission.state = SubmissionState.APPROVED if passed else SubmissionState.REJECTED
        submission.decided_at = now
        submission.reason = None if passed else reason
        for upload in await uow.uploads.of_account(account_id, kind):
            upload.state = UploadState.APPROVED if passed else UploadState.RETURNED
            upload.reviewed_at, upload.reviewed_by = now, reviewer_id
            upload.reason = None if passed else reason
        account = await uow.accounts.get(account_id)
        user_id = None if account is None else account.user_id
        notify = None if user_id is None else await uow.users.get(user_id)
        await uow.commit()
        return Decision(account_id, kind, passed, submission.reason, notify)
