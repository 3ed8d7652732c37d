"""天津高职升本: the 流程页面's steps in the seed's order, and what each waits for (seed 002, 2.6–2.12).

基本信息 → 志愿 → 验证学籍/学历 → 完成报名 → 信息确认 (返回修改 / 去身份认证 / 返回首页) → 身份认证 →
网上支付 → 上传审核 (only for those the 确认点 asks) → 下载报名表.

Decisions where the seed is silent (RULES.md marks the gating as an inference):

- 信息确认 records what was confirmed (a fingerprint of 基本信息 and 志愿). Changing either afterwards
  (返回修改) asks for a new verification and a new confirmation before the identity check.
- Once the fee is paid, 基本信息 and 志愿 are locked: the fee paid for that registration, and the
  printed form must show what was paid for. A change then goes through the 确认点.
- 完成报名, 信息确认 and the payment happen inside the year's registration window.
- 上传审核 is for "candidates who need it", which the seed does not define: an applicant who has not
  started it can download the form after paying; one who has started it must wait for 审核通过.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain import payments, profiles, tj_choices, tj_reviews, tj_verification
from domain.clock import Clock
from domain.model import Account, Order, OrderState, SubmissionState
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.programmes import ProgrammeYear
from domain.text import N_
from domain.tj_reviews import TJ, Review
from domain.tj_verification import Verification
from domain.windows import Window, WindowPhase, end_text, moment_text

BASIC = profiles.Module("basic")
CHOICES = profiles.Module("choices", tj_choices.check_choices)
CONFIRMATION = profiles.Module("confirmation")
REGISTRATION_WINDOW = "registration"


class Step(StrEnum):
    BASIC = "basic"  # 基本信息 (after the 考试承诺书)
    CHOICES = "choices"  # 志愿
    VERIFY = "verify"  # 验证学籍/学历
    CONFIRM = "confirm"  # 完成报名 → 信息确认
    IDENTITY = "identity"  # 身份认证
    PAY = "pay"  # 网上支付
    REVIEW = "review"  # 上传审核, when started
    FORM = "form"  # 下载报名表


_NEED_BASIC = N_("Fill in your basic information (基本信息) first.")
_NEED_CHOICES = N_("Give your choices (志愿) first: 志愿一 is required.")
_NEED_VERIFIED = N_("Verify your student status or diploma (验证学籍/学历) first.")
_NEED_CONFIRMED = N_("Confirm your information (信息确认) first.")
_CHANGED = N_("Your information changed after you confirmed it: confirm it again (信息确认).")
_NEED_IDENTITY = N_("The identity check (身份认证) must pass before the payment.")
_NEED_PAID = N_("Pay the fee (网上支付) first.")
_REVIEW_WAITING = N_("Your upload review (上传审核) has not passed yet.")
_PAID_LOCKED = N_("The fee is paid: your information is locked. To change it, contact your 确认点.")
_NOT_OPEN = N_("Registration opens on {start} (Beijing time).")
_CLOSED = N_("Registration closed on {end} (Beijing time).")
_NO_ACCOUNT = N_("This chat no longer holds the account. Log in again with /start.")
_NO_YEAR = N_("This year's registration is not set up yet.")


@dataclass(frozen=True)
class Progress:
    """Where one applicant stands; every value read in one unit of work."""

    account: Account
    year: ProgrammeYear | None
    basic: Mapping[str, object] | None  # the saved 基本信息, complete or not
    basic_status: profiles.ModuleStatus
    choices: Mapping[str, object] | None
    choices_status: profiles.ModuleStatus
    verification: Verification | None
    confirmed_at: datetime | None  # None, or when the information as it is now was confirmed
    confirmation_stale: bool  # confirmed once, changed since
    identity: Review
    upload_review: Review
    order: Order | None

    @property
    def paid(self) -> bool:
        return self.order is not None and self.order.state == OrderState.PAID

    @property
    def verified(self) -> bool:
        return self.verification is not None and self.verification.verified

    @property
    def window(self) -> Window | None:
        return self.year.windows.get(REGISTRATION_WINDOW) if self.year else None

    def done(self, step: Step) -> bool:
        return {
            Step.BASIC: self.basic_status.complete,
            Step.CHOICES: self.choices_status.complete,
            Step.VERIFY: self.verified,
            Step.CONFIRM: self.confirmed_at is not None,
            Step.IDENTITY: self.identity.state == SubmissionState.APPROVED,
            Step.PAY: self.paid,
            Step.REVIEW: self.upload_review.state == SubmissionState.APPROVED or not self.review_started,
            Step.FORM: False,  # always there to download again
        }[step]

    @property
    def review_started(self) -> bool:
        return bool(self.upload_review.uploads) or self.upload_review.state != SubmissionState.DRAFT

    def next_step(self) -> Step:
        """The first step not done; FORM once everything before it is."""
        return next(step for step in Step if not self.done(step))

    def blocker(self, step: Step, now: datetime) -> Problem | None:
        """Why ``step`` cannot be taken now, or None."""
        if step in (Step.BASIC, Step.CHOICES):
            return Problem(_PAID_LOCKED) if self.paid else None
        needed = [
            (Step.BASIC, _NEED_BASIC),
            (Step.CHOICES, _NEED_CHOICES),
            (Step.VERIFY, _NEED_VERIFIED),
            (Step.CONFIRM, _CHANGED if self.confirmation_stale else _NEED_CONFIRMED),
            (Step.IDENTITY, _NEED_IDENTITY),
            (Step.PAY, _NEED_PAID),
            (Step.REVIEW, _REVIEW_WAITING),
        ]
        for earlier, reason in needed:
            if earlier == step:
                break
            if not self.done(earlier):
                return Problem(reason)
        if step in (Step.CONFIRM, Step.PAY) and not self.paid:
            return window_refusal(self.window, now)
        return None


def window_refusal(window: Window | None, now: datetime) -> Problem | None:
    if window is None:
        return Problem(_NO_YEAR)
    phase = window.phase(now)
    if phase == WindowPhase.UPCOMING:
        return Problem(_NOT_OPEN, {"start": moment_text(window.start)})
    if phase == WindowPhase.CLOSED:
        return Problem(_CLOSED, {"end": end_text(window.end)})
    return None


def fingerprint(basic: Mapping[str, object] | None, choices: Mapping[str, object] | None) -> str:
    """What 信息确认 confirmed: a change to either module changes it."""
    content = json.dumps([basic or {}, choices or {}], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


async def progress(uow: UnitOfWork, account: Account, clock: Clock) -> Progress:
    assert account.id is not None
    today = clock.now().date()
    year = tj_choices.choice_year()
    async with uow:
        sections = {s.section: s.answers for s in await uow.profile_sections.of_account(account.id)}
    basic, choices = sections.get(BASIC.section), sections.get(CHOICES.section)
    confirmation = sections.get(CONFIRMATION.section) or {}
    confirmed = confirmation.get("fingerprint") == fingerprint(basic, choices)
    confirmed_at = datetime.fromisoformat(str(confirmation["confirmed_at"])) if confirmed else None
    return Progress(
        account=account,
        year=year,
        basic=basic,
        basic_status=profiles.judge(BASIC, basic, today),
        choices=choices,
        choices_status=profiles.judge(CHOICES, choices, today),
        verification=await tj_verification.verification_of(uow, account.id, basic or {}),
        confirmed_at=confirmed_at,
        confirmation_stale=bool(confirmation) and not confirmed,
        identity=await tj_reviews.review_of(uow, account.id, tj_reviews.IDENTITY),
        upload_review=await tj_reviews.review_of(uow, account.id, tj_reviews.UPLOAD_REVIEW),
        order=await payments.order_of(uow, account.id, TJ, year.year) if year else None,
    )


async def confirm(uow: UnitOfWork, clock: Clock, user_id: int, found: Progress) -> Problem | None:
    """信息确认 → 完成信息采集去身份认证: record what was confirmed."""
    now = clock.now()
    refusal = found.blocker(Step.CONFIRM, now)
    if refusal is not None:
        return refusal
    confirmed = {"confirmed_at": now.isoformat(), "fingerprint": fingerprint(found.basic, found.choices)}
    saved = await profiles.save(uow, clock, user_id, TJ, CONFIRMATION, confirmed)
    return Problem(_NO_ACCOUNT) if isinstance(saved, profiles.NoAccount) else None
