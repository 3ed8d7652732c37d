"""天津高职升本's steps in the seed's order (seed 002, 2.6–2.12): each waits for the one before it, a
change after 信息确认 asks for a new one, the registration window's edges, the lock once paid, and
上传审核 holding the form back only for those who started it."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain import payments, tj_steps, tj_verification
from domain.clock import BEIJING
from domain.model import Account, ProfileSection, Submission, SubmissionState
from domain.problems import Problem
from domain.programmes import Fee
from domain.tj_reviews import IDENTITY, UPLOAD_REVIEW
from domain.tj_steps import Step
from domain.tj_verification import ImportedRecordsVerifier
from tests.fakes import FakeUnitOfWork, FixedClock
from tests.unit.test_tj_verification import BASIC, row, tj_account

OPENS = datetime(2022, 11, 21, 9, 0, tzinfo=BEIJING)
CLOSES = datetime(2022, 11, 23, 17, 0, tzinfo=BEIJING)
NOW = datetime(2022, 11, 21, 10, 0, tzinfo=BEIJING)
SECOND = timedelta(seconds=1)
FULL_BASIC: dict[str, object] = {
    **BASIC,
    "ethnicity": "01",
    "political_status": "13",
    "province": "12",
    "mobile": "13712345678",
    "address": "天津市河西区友谊路1号",
    "postcode": "300201",
}
CHOICES: dict[str, object] = {"choice1": "tjau_nursing"}
USER_ID = 7


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def account_of(uow: FakeUnitOfWork) -> Account:
    account = await tj_account(uow)
    async with uow:
        stored = await uow.accounts.get(account.id or 0)
        assert stored is not None
        stored.user_id = USER_ID
        await uow.commit()
    return replace(account, user_id=USER_ID)


async def save(uow: FakeUnitOfWork, account: Account, section: str, answers: dict[str, object]) -> None:
    async with uow:
        stored = await uow.profile_sections.get(account.id or 0, section)
        if stored is None:
            await uow.profile_sections.add(ProfileSection(account.id or 0, section, answers, NOW))
        else:
            stored.answers = answers
        await uow.commit()


async def decided(uow: FakeUnitOfWork, account: Account, kind: str, state: SubmissionState) -> None:
    async with uow:
        await uow.submissions.add(Submission(account.id or 0, kind, state=state))
        await uow.commit()


async def verified(uow: FakeUnitOfWork, account: Account) -> None:
    report = await tj_verification.import_records(
        uow,
        [row(2, id_number=account.id_number, name="王五", kind="学籍", school="天津职业大学", major="护理")],
        NOW,
    )
    assert report.errors == ()
    result = await tj_verification.verify(uow, account, FULL_BASIC, ImportedRecordsVerifier(), NOW)
    assert isinstance(result, tj_verification.Verification) and result.verified


async def verified_account(uow: FakeUnitOfWork) -> Account:
    """An account with its 基本信息 and 志愿 filled in and its 学籍 verified."""
    account = await account_of(uow)
    await save(uow, account, "basic", FULL_BASIC)
    await save(uow, account, "choices", CHOICES)
    await verified(uow, account)
    return account


async def paid_account(uow: FakeUnitOfWork, clock: FixedClock) -> Account:
    """Through 信息确认, 身份认证 and 网上支付."""
    account = await verified_account(uow)
    await confirmed(uow, clock, account)
    await decided(uow, account, IDENTITY, SubmissionState.APPROVED)
    await paid(uow, account)
    return account


async def confirmed(uow: FakeUnitOfWork, clock: FixedClock, account: Account) -> tj_steps.Progress:
    found = await tj_steps.progress(uow, account, clock)
    assert await tj_steps.confirm(uow, clock, USER_ID, found) is None
    return await tj_steps.progress(uow, account, clock)


async def paid(uow: FakeUnitOfWork, account: Account) -> None:
    order = await payments.open_order(uow, account, "tj-upgrade", 2023, Fee(4000, "CNY"), NOW)
    assert not isinstance(order, Problem)
    done = await payments.record_payment(
        uow, payments.payload_of(order), "CNY", 4000, "charge-1", "provider-1", NOW
    )
    assert not isinstance(done, Problem) and not done.duplicate


def reason(problem: Problem | None) -> str | None:
    return None if problem is None else problem.message


async def test_each_step_waits_for_the_one_before_it(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    account = await account_of(uow)
    found = await tj_steps.progress(uow, account, clock)
    assert found.next_step() == Step.BASIC and found.blocker(Step.BASIC, NOW) is None
    assert reason(found.blocker(Step.VERIFY, NOW)) == tj_steps._NEED_BASIC
    assert reason(found.blocker(Step.PAY, NOW)) == tj_steps._NEED_BASIC

    await save(uow, account, "basic", FULL_BASIC)
    found = await tj_steps.progress(uow, account, clock)
    assert found.next_step() == Step.CHOICES
    assert reason(found.blocker(Step.CONFIRM, NOW)) == tj_steps._NEED_CHOICES

    await save(uow, account, "choices", CHOICES)
    found = await tj_steps.progress(uow, account, clock)
    assert found.next_step() == Step.VERIFY
    assert reason(found.blocker(Step.CONFIRM, NOW)) == tj_steps._NEED_VERIFIED
    assert reason(await tj_steps.confirm(uow, clock, USER_ID, found)) == tj_steps._NEED_VERIFIED

    await verified(uow, account)
    found = await tj_steps.progress(uow, account, clock)
    assert found.next_step() == Step.CONFIRM
    assert reason(found.blocker(Step.IDENTITY, NOW)) == tj_steps._NEED_CONFIRMED

    found = await confirmed(uow, clock, account)
    assert found.confirmed_at == NOW and found.next_step() == Step.IDENTITY
    assert found.blocker(Step.IDENTITY, NOW) is None
    assert reason(found.blocker(Step.PAY, NOW)) == tj_steps._NEED_IDENTITY

    await decided(uow, account, IDENTITY, SubmissionState.APPROVED)
    found = await tj_steps.progress(uow, account, clock)
    assert found.next_step() == Step.PAY and found.blocker(Step.PAY, NOW) is None
    assert reason(found.blocker(Step.FORM, NOW)) == tj_steps._NEED_PAID

    await paid(uow, account)
    found = await tj_steps.progress(uow, account, clock)
    assert found.paid and found.next_step() == Step.FORM
    assert found.blocker(Step.FORM, NOW) is None


async def test_a_change_after_the_confirmation_asks_for_a_new_one(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    account = await verified_account(uow)
    assert (await confirmed(uow, clock, account)).blocker(Step.IDENTITY, NOW) is None

    await save(uow, account, "choices", {"choice1": "tjau_nursing", "choice2": "tjut_civil"})
    found = await tj_steps.progress(uow, account, clock)
    assert found.confirmed_at is None and found.confirmation_stale
    assert reason(found.blocker(Step.IDENTITY, NOW)) == tj_steps._CHANGED

    # The same information as confirmed counts as confirmed again.
    await save(uow, account, "choices", CHOICES)
    assert (await tj_steps.progress(uow, account, clock)).confirmed_at == NOW


async def test_a_changed_school_also_asks_for_a_new_verification(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    account = await verified_account(uow)
    await confirmed(uow, clock, account)

    await save(uow, account, "basic", {**FULL_BASIC, "school": "天津医学高等专科学校"})
    found = await tj_steps.progress(uow, account, clock)
    assert not found.verified and found.next_step() == Step.VERIFY
    assert reason(found.blocker(Step.IDENTITY, NOW)) == tj_steps._NEED_VERIFIED


@pytest.mark.parametrize(
    ("moment", "refusal"),
    [
        (OPENS - SECOND, tj_steps._NOT_OPEN),
        (OPENS, None),
        (CLOSES - SECOND, None),
        (CLOSES, tj_steps._CLOSED),
    ],
)
async def test_confirming_and_paying_happen_inside_the_registration_window(
    uow: FakeUnitOfWork, clock: FixedClock, moment: datetime, refusal: str | None
) -> None:
    account = await verified_account(uow)
    found = await tj_steps.progress(uow, account, clock)
    assert reason(found.blocker(Step.CONFIRM, moment)) == refusal

    await confirmed(uow, clock, account)
    await decided(uow, account, IDENTITY, SubmissionState.APPROVED)
    found = await tj_steps.progress(uow, account, clock)
    assert reason(found.blocker(Step.PAY, moment)) == refusal
    assert found.blocker(Step.IDENTITY, moment) is None  # the 确认点's work has no window here


async def test_once_paid_the_information_is_locked_and_the_form_stays_downloadable_after_the_window(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    account = await paid_account(uow, clock)

    found = await tj_steps.progress(uow, account, clock)
    assert reason(found.blocker(Step.BASIC, NOW)) == tj_steps._PAID_LOCKED
    assert reason(found.blocker(Step.CHOICES, NOW)) == tj_steps._PAID_LOCKED
    assert found.blocker(Step.FORM, CLOSES + timedelta(days=30)) is None


@pytest.mark.parametrize(
    ("state", "form_ready"),
    [
        (None, True),  # never started: not one of those the 确认点 asked
        (SubmissionState.DRAFT, True),
        (SubmissionState.SUBMITTED, False),
        (SubmissionState.REJECTED, False),
        (SubmissionState.APPROVED, True),
    ],
)
async def test_the_upload_review_holds_the_form_back_only_once_started_and_until_passed(
    uow: FakeUnitOfWork, clock: FixedClock, state: SubmissionState | None, form_ready: bool
) -> None:
    account = await paid_account(uow, clock)
    if state is not None:
        await decided(uow, account, UPLOAD_REVIEW, state)

    found = await tj_steps.progress(uow, account, clock)
    assert (found.blocker(Step.FORM, NOW) is None) is form_ready
    assert (found.next_step() == Step.FORM) is form_ready
