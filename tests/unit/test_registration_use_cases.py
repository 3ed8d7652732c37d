"""学员注册 and 忘记密码 of 广东住培 (seed 000 §一): one ID number, one account; the mobile is proven
by an SMS code; recovery texts the mobile on record."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import sms
from domain.accounts import CodeAccepted, CodeSent, confirm_code, identify, send_code
from domain.identity import ResidentId, make_resident_id
from domain.model import Account, Channel, SmsPurpose
from domain.problems import Problem
from domain.registration import (
    PROOF_VALIDITY,
    USERNAME_TAKEN,
    IdAlreadyRegistered,
    MobileNotVerified,
    NoSuchAccount,
    Recovered,
    RecoveryStarted,
    RegistrationDraft,
    check_identity,
    check_username,
    register,
    reset_password,
    start_recovery,
)
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()
GD = "gd-residency"
ID_NUMBER = make_resident_id("440106", datetime(1995, 5, 20).date(), 123)
ID_NUMBER_ENDING_IN_X = "44010619950520003X"
MOBILE = "13812345678"
OTHER_MOBILE = "13987654321"

DRAFT = RegistrationDraft(
    real_name="张三",
    id_number=ID_NUMBER,
    username="zhangsan_1995",
    password_hash="$argon2id$hash-of-the-password",
    mobile=MOBILE,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def sender() -> FakeSmsSender:
    return FakeSmsSender()


async def new_user(uow: FakeUnitOfWork, clock: FixedClock, external_id: str) -> int:
    user = await identify(uow, clock, Channel.TELEGRAM, external_id)
    assert user.id is not None
    return user.id


@pytest.fixture
async def applicant(uow: FakeUnitOfWork, clock: FixedClock) -> int:
    return await new_user(uow, clock, "1001")


async def existing_account(uow: FakeUnitOfWork, **changes: object) -> Account:
    """An account registered earlier, by someone else's chat unless ``user_id`` says otherwise."""
    fields: dict[str, object] = {
        "programme": GD,
        "username": "ZhangSan_1990",
        "password_hash": "$argon2id$old-hash",
        "real_name": "张三",
        "id_number": ID_NUMBER,
        "mobile": MOBILE,
        "created_at": NOW - timedelta(days=30),
        "user_id": None,
    }
    fields.update(changes)
    async with uow:
        account = await uow.accounts.add(Account(**fields))  # type: ignore[arg-type]
        await uow.commit()
    return account


async def prove_mobile(
    uow: FakeUnitOfWork, clock: FixedClock, user_id: int, purpose: SmsPurpose, mobile: str
) -> None:
    sender = FakeSmsSender()
    assert isinstance(await send_code(uow, clock, sender, user_id, purpose, mobile), CodeSent)
    assert await confirm_code(uow, clock, user_id, purpose, sender.last.code) == CodeAccepted(mobile)


# 第一步: the person (name + ID number)


async def test_a_new_id_number_passes_the_identity_step(uow):
    outcome = await check_identity(uow, GD, ID_NUMBER, TODAY)

    assert isinstance(outcome, ResidentId) and outcome.number == ID_NUMBER


async def test_an_id_number_already_registered_is_refused_so_that_it_keeps_one_account(uow):
    await existing_account(uow)

    assert await check_identity(uow, GD, ID_NUMBER, TODAY) == IdAlreadyRegistered()


async def test_an_id_number_registered_typed_in_full_width_with_lower_x_is_still_recognised(uow):
    await existing_account(uow, id_number=ID_NUMBER_ENDING_IN_X)
    typed = "４４０１０６１９９５０５２０００３x"

    assert await check_identity(uow, GD, typed, TODAY) == IdAlreadyRegistered()


async def test_an_id_number_registered_in_another_programme_is_free_in_this_one(uow):
    await existing_account(uow, programme="tj-upgrade")

    assert isinstance(await check_identity(uow, GD, ID_NUMBER, TODAY), ResidentId)


async def test_a_malformed_id_number_is_refused_with_the_rule_it_breaks(uow):
    mistyped = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")

    outcome = await check_identity(uow, GD, mistyped, TODAY)

    assert isinstance(outcome, Problem)
    assert "check character" in outcome.message


# 第二步: the credentials


@pytest.mark.parametrize("typed", ["ZhangSan_1990", "zhangsan_1990", "ZHANGSAN_1990"])
async def test_a_taken_username_is_refused_in_any_case(uow, typed):
    await existing_account(uow, username="ZhangSan_1990")

    outcome = await check_username(uow, GD, typed)

    assert outcome == Problem(USERNAME_TAKEN.message, {"username": typed})


async def test_a_free_username_is_accepted_as_typed(uow):
    await existing_account(uow, username="ZhangSan_1990")

    assert await check_username(uow, GD, "LiSi_1992") == "LiSi_1992"


async def test_a_username_breaking_the_rules_is_refused_before_looking_it_up(uow):
    assert isinstance(await check_username(uow, GD, "9lives"), Problem)


# 第三步: 完成注册


async def test_registering_without_an_sms_code_is_refused(uow, clock, applicant):
    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()
    assert uow.stored_accounts() == []


async def test_a_code_sent_but_not_entered_does_not_prove_the_mobile(uow, clock, sender, applicant):
    await send_code(uow, clock, sender, applicant, SmsPurpose.REGISTER, MOBILE)

    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()


async def test_a_code_accepted_for_another_mobile_does_not_prove_this_one(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, OTHER_MOBILE)

    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()


async def test_a_code_accepted_in_another_chat_does_not_prove_the_mobile_here(uow, clock, applicant):
    someone_else = await new_user(uow, clock, "2002")
    await prove_mobile(uow, clock, someone_else, SmsPurpose.REGISTER, MOBILE)

    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()


async def test_a_code_accepted_for_password_recovery_does_not_serve_to_register(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.RECOVER, MOBILE)

    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()


async def test_a_proof_older_than_its_validity_is_refused(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, MOBILE)
    clock.advance(PROOF_VALIDITY + timedelta(seconds=1))

    assert await register(uow, clock, applicant, GD, DRAFT) == MobileNotVerified()
    assert uow.stored_accounts() == []


async def test_a_proof_is_still_good_at_the_end_of_its_validity(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, MOBILE)
    clock.advance(PROOF_VALIDITY)

    assert isinstance(await register(uow, clock, applicant, GD, DRAFT), Account)


async def test_registering_with_a_proven_mobile_creates_the_account_bound_to_the_chat(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, MOBILE)
    clock.advance(timedelta(minutes=2))

    account = await register(uow, clock, applicant, GD, DRAFT)

    assert isinstance(account, Account) and account.id is not None
    [stored] = uow.stored_accounts()
    assert (stored.id, stored.programme, stored.user_id) == (account.id, GD, applicant)
    assert (stored.real_name, stored.id_number, stored.username, stored.mobile) == (
        "张三",
        ID_NUMBER,
        "zhangsan_1995",
        MOBILE,
    )
    assert stored.password_hash == DRAFT.password_hash
    assert stored.created_at == NOW + timedelta(minutes=2)


async def test_an_id_number_registered_meanwhile_refuses_a_second_account(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, MOBILE)
    await existing_account(uow, username="someone_else")

    assert await register(uow, clock, applicant, GD, DRAFT) == IdAlreadyRegistered()
    assert [account.username for account in uow.stored_accounts()] == ["someone_else"]


async def test_a_username_taken_meanwhile_in_another_case_refuses_the_account(uow, clock, applicant):
    await prove_mobile(uow, clock, applicant, SmsPurpose.REGISTER, MOBILE)
    other_id = make_resident_id("110101", datetime(1990, 3, 7).date(), 777)
    await existing_account(uow, id_number=other_id, username="ZHANGSAN_1995")

    outcome = await register(uow, clock, applicant, GD, DRAFT)

    assert outcome == Problem(USERNAME_TAKEN.message, {"username": "zhangsan_1995"})
    assert len(uow.stored_accounts()) == 1


# 忘记密码: the code goes to the mobile on record


async def test_recovery_by_id_number_texts_the_code_to_the_mobile_on_record(uow, clock, sender, applicant):
    account = await existing_account(uow, mobile=OTHER_MOBILE)

    outcome = await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER)

    assert outcome == RecoveryStarted(account.id or 0, CodeSent(OTHER_MOBILE, NOW + sms.CODE_TTL))
    assert [(sent.mobile, sent.purpose) for sent in sender.sent] == [(OTHER_MOBILE, "recover")]


async def test_recovery_accepts_the_id_number_in_full_width_with_lower_x(uow, clock, sender, applicant):
    account = await existing_account(uow, id_number=ID_NUMBER_ENDING_IN_X)

    outcome = await start_recovery(uow, clock, sender, applicant, GD, " ４４０１０６１９９５０５２０００３x ")

    assert isinstance(outcome, RecoveryStarted) and outcome.account_id == account.id


@pytest.mark.parametrize("typed", ["ZhangSan_1990", "zhangsan_1990", "  ZHANGSAN_1990 "])
async def test_recovery_by_username_in_any_case_finds_the_account(uow, clock, sender, applicant, typed):
    account = await existing_account(uow, username="ZhangSan_1990")

    outcome = await start_recovery(uow, clock, sender, applicant, GD, typed)

    assert isinstance(outcome, RecoveryStarted) and outcome.account_id == account.id
    assert sender.last.mobile == MOBILE


@pytest.mark.parametrize("typed", ["nobody_here", make_resident_id("110101", datetime(1990, 3, 7).date(), 5)])
async def test_recovery_of_an_unknown_account_says_so_and_texts_nobody(uow, clock, sender, applicant, typed):
    await existing_account(uow)

    assert await start_recovery(uow, clock, sender, applicant, GD, typed) == NoSuchAccount()
    assert sender.sent == []


async def test_recovery_of_an_account_of_another_programme_finds_nothing(uow, clock, sender, applicant):
    await existing_account(uow, programme="tj-upgrade")

    assert await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER) == NoSuchAccount()


async def test_asking_again_for_a_recovery_code_within_60_seconds_is_refused(uow, clock, sender, applicant):
    await existing_account(uow)
    await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER)
    clock.advance(timedelta(seconds=10))

    assert await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER) == sms.ResendTooSoon(50)
    assert len(sender.sent) == 1


async def test_a_new_password_without_a_proven_code_is_refused(uow, clock, sender, applicant):
    account = await existing_account(uow)
    await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER)

    outcome = await reset_password(uow, clock, applicant, account.id or 0, "$argon2id$new-hash")

    assert outcome == MobileNotVerified()
    assert [stored.password_hash for stored in uow.stored_accounts()] == ["$argon2id$old-hash"]


async def test_a_proof_of_another_mobile_does_not_reset_the_password(uow, clock, applicant):
    account = await existing_account(uow, mobile=MOBILE)
    await prove_mobile(uow, clock, applicant, SmsPurpose.RECOVER, OTHER_MOBILE)

    outcome = await reset_password(uow, clock, applicant, account.id or 0, "$argon2id$new-hash")

    assert outcome == MobileNotVerified()


async def test_a_proven_code_changes_the_password_and_binds_the_account_to_this_chat(
    uow, clock, sender, applicant
):
    original_owner = await new_user(uow, clock, "2002")
    account = await existing_account(uow, user_id=original_owner)
    await start_recovery(uow, clock, sender, applicant, GD, ID_NUMBER)
    await confirm_code(uow, clock, applicant, SmsPurpose.RECOVER, sender.last.code)

    outcome = await reset_password(uow, clock, applicant, account.id or 0, "$argon2id$new-hash")

    assert isinstance(outcome, Recovered)
    assert outcome.previous is not None and outcome.previous.external_id == "2002"  # to be told
    [stored] = uow.stored_accounts()
    assert (stored.password_hash, stored.user_id) == ("$argon2id$new-hash", applicant)


async def test_a_recovery_proof_older_than_its_validity_does_not_reset_the_password(uow, clock, applicant):
    account = await existing_account(uow)
    await prove_mobile(uow, clock, applicant, SmsPurpose.RECOVER, MOBILE)
    clock.advance(PROOF_VALIDITY + timedelta(minutes=1))

    outcome = await reset_password(uow, clock, applicant, account.id or 0, "$argon2id$new-hash")

    assert outcome == MobileNotVerified()


async def test_resetting_the_password_of_an_unknown_account_says_so(uow, clock, applicant):
    assert await reset_password(uow, clock, applicant, 999, "$argon2id$new-hash") == NoSuchAccount()
