"""学员报名 of 广东住培 (seed 000 三): the batch windows to the second (Beijing time), the profile gate,
applicant type against W1–W3, one specialty and one to three bases, 提交, and what /status says."""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain import gd_applications, gd_catalog, offers
from domain.clock import BEIJING
from domain.gd_applications import (
    ApplicationView,
    BatchStatus,
    IdentityConflict,
    application_view,
    applications_of,
    batches_for,
    choose,
    current_year,
    parse_applicant_type,
    set_identity,
    start,
    status,
    submit,
)
from domain.gd_catalog import import_catalog
from domain.gd_profile import W2_ANSWER_HAS_EMPLOYER, W2_NO_CURRENT_EMPLOYER, ApplicantType
from domain.identity import make_resident_id
from domain.model import (
    Account,
    ApplicationState,
    Batch,
    BatchCalendar,
    ChatUser,
    OfferState,
    ProfileSection,
    Specialty,
    TrainingBase,
    YearCatalog,
)
from domain.ports import UnitOfWork
from domain.problems import Problem
from domain.windows import Window, WindowPhase
from tests.fakes import FakeUnitOfWork
from tests.unit.test_gd_catalog import sample_catalog

GD = "gd-residency"
SOCIAL = ApplicantType.INDEPENDENT
UNIT = ApplicantType.SPONSORED
GRADUATE = ApplicantType.POSTGRADUATE


def beijing(
    month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, year: int = 2021
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


# 2021, seed 000: batch 1 applies 04-15..04-22, bases decide 04-15..05-31, applicants answer 05-24..05-31;
# batch 2: 06-01..06-07, 06-01..07-15, 07-08..07-15.
BATCH1_FIRST_SECOND = beijing(4, 15)
BATCH1_LAST_SECOND = beijing(4, 22, 23, 59, 59)
IN_BATCH1 = beijing(4, 16, 9)
IN_BATCH2 = beijing(6, 2, 9)

_numbers = itertools.count(1)


# ----- set-up shared with the offer, catalog and database tests


async def add_account(uow: UnitOfWork, *, chat: bool = True) -> Account:
    """A 广东住培 account (with a chat holding it), its ID number synthetic and unique."""
    n = next(_numbers)
    async with uow:
        user = None
        if chat:
            user = await uow.users.add(ChatUser("telegram", f"70000{n}", IN_BATCH1))
        account = await uow.accounts.add(
            Account(
                programme=GD,
                username=f"applicant{n}",
                password_hash="x",
                real_name=f"测试{'甲乙丙丁戊己庚辛'[n % 8]}",
                id_number=make_resident_id("440106", date(1995, 5, 20), n),
                mobile="13800000000",
                created_at=IN_BATCH1,
                user_id=user.id if user else None,
                activated_at=IN_BATCH1,
            )
        )
        await uow.commit()
    return account


def work_answers(applicant_type: ApplicantType) -> dict[str, object]:
    """A complete 工作信息 module for the type (W1–W3)."""
    if applicant_type is UNIT:
        job = {
            "employer": "广州市第一人民医院",
            "position": "医师",
            "start": "201909",
            "end": "",
            "current": "yes",
        }
        return {"applicant_type": UNIT.value, "has_employer": "yes", "records": [job]}
    return {"applicant_type": applicant_type.value, "has_employer": "no", "records": []}


EDUCATION: dict[str, object] = {
    "records": [
        {
            "level": "bachelor",
            "school": "中山大学",
            "major": "临床医学",
            "degree": "bachelor",
            "start": "",
            "end": "",
            "first": "yes",
            "bachelor_record": "no",
            "highest": "yes",
        }
    ]
}


async def save_section(uow: UnitOfWork, account: Account, section: str, answers: dict[str, object]) -> None:
    async with uow:
        stored = await uow.profile_sections.get(account.id or 0, section)
        if stored is None:
            await uow.profile_sections.add(ProfileSection(account.id or 0, section, answers, IN_BATCH1))
        else:
            stored.answers = answers
        await uow.commit()


async def complete_profile(uow: UnitOfWork, account: Account, applicant_type: ApplicantType = SOCIAL) -> None:
    await save_section(uow, account, "basic", {"sex": "male"})
    await save_section(uow, account, "contact", {"mobile": "13800000000"})
    await save_section(uow, account, "education", EDUCATION)
    await save_section(uow, account, "work", work_answers(applicant_type))


async def applicant(uow: UnitOfWork, applicant_type: ApplicantType = SOCIAL, *, chat: bool = True) -> Account:
    account = await add_account(uow, chat=chat)
    await complete_profile(uow, account, applicant_type)
    return account


async def with_catalog(uow: UnitOfWork, catalog: YearCatalog | None = None) -> None:
    await import_catalog(uow, catalog or sample_catalog(), IN_BATCH1 - timedelta(days=30))


def ok(outcome: object) -> ApplicationView:
    assert isinstance(outcome, ApplicationView), outcome
    return outcome


def refused(outcome: object, message: str) -> Problem:
    assert isinstance(outcome, Problem), outcome
    assert outcome.message == message, outcome
    return outcome


async def submitted(
    uow: UnitOfWork,
    account: Account,
    *,
    batch: int = 1,
    specialty: str = "0100",
    bases: tuple[str, ...] = ("B01", "B02", "B03"),
    now: datetime = IN_BATCH1,
    applicant_type: ApplicantType = SOCIAL,
) -> ApplicationView:
    """An application taken through every step to 提交."""
    draft = ok(await start(uow, account, batch, now))
    ok(await set_identity(uow, account, draft.id, applicant_type, now))
    ok(await choose(uow, account, draft.id, specialty, list(bases), now))
    return ok(await submit(uow, account, draft.id, now))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def catalog(uow: FakeUnitOfWork) -> None:
    await with_catalog(uow)


# A year whose windows overlap (the 2021 ones do not): batch 1's offers are answered 06-01..06-10
# while batch 2 already takes applications 06-01..06-07; batch 2's bases decide from 06-15 on.
OVERLAPPING_2022 = (
    Batch(
        1, *map(Window.parse, ("2022-04-15..2022-04-22", "2022-04-15..2022-06-10", "2022-06-01..2022-06-10"))
    ),
    Batch(
        2, *map(Window.parse, ("2022-06-01..2022-06-07", "2022-06-15..2022-07-15", "2022-07-08..2022-07-15"))
    ),
)


def catalog_2022() -> YearCatalog:
    """A catalog whose batches overlap (OVERLAPPING_2022); the catalog check refuses such a file, but
    the rules must hold for whatever windows are stored."""
    specialty = Specialty("0100", "内科")
    bases = tuple(TrainingBase(f"B0{n}", f"基地{n}", "广州", {"0100": 10}) for n in (1, 2, 3))
    return YearCatalog(2022, (specialty,), bases, OVERLAPPING_2022)


CALENDAR: BatchCalendar = {2021: sample_catalog().batches}


# ----- years and batches


def test_the_2021_batches_are_shown_open_upcoming_or_closed_with_their_dates():
    batches = batches_for(CALENDAR, IN_BATCH1, 2021)

    assert [(b.number, b.phase) for b in batches] == [
        (1, WindowPhase.OPEN),
        (2, WindowPhase.UPCOMING),
        (3, WindowPhase.UPCOMING),
    ]
    first = batches[0]
    assert (first.application.first_day, first.application.last_day) == (date(2021, 4, 15), date(2021, 4, 22))
    assert (first.admission.first_day, first.admission.last_day) == (date(2021, 4, 15), date(2021, 5, 31))
    assert (first.confirmation.first_day, first.confirmation.last_day) == (
        date(2021, 5, 24),
        date(2021, 5, 31),
    )
    assert first.selectable and not batches[1].selectable


def test_between_two_batches_none_can_be_chosen():
    batches = batches_for(CALENDAR, beijing(5, 10))

    assert [b.phase for b in batches] == [WindowPhase.CLOSED, WindowPhase.UPCOMING, WindowPhase.UPCOMING]
    assert not any(b.selectable for b in batches)


@pytest.mark.parametrize(
    ("moment", "open_batch"),
    [
        (beijing(4, 14, 23, 59, 59), None),
        (BATCH1_FIRST_SECOND, 1),
        (BATCH1_LAST_SECOND, 1),
        (beijing(4, 23), None),
        (beijing(6, 7, 23, 59, 59), 2),
        (beijing(6, 8), None),
        (beijing(7, 16), 3),
    ],
    ids=[
        "before-1",
        "first-second-1",
        "last-second-1",
        "after-1",
        "last-second-2",
        "after-2",
        "first-second-3",
    ],
)
def test_a_batch_can_be_chosen_from_its_first_to_its_last_second_beijing_time(moment, open_batch):
    selectable = [b.number for b in batches_for(CALENDAR, moment) if b.selectable]

    assert selectable == ([open_batch] if open_batch else [])


def test_the_window_is_beijing_time_whatever_zone_the_moment_is_given_in():
    first_second_in_utc = datetime(2021, 4, 14, 16, 0, 0, tzinfo=UTC)

    assert [b.number for b in batches_for(CALENDAR, first_second_in_utc) if b.selectable] == [1]
    assert not any(b.selectable for b in batches_for(CALENDAR, first_second_in_utc - timedelta(seconds=1)))


@pytest.mark.parametrize(
    ("moment", "year"),
    [
        (beijing(4, 16), 2021),
        (beijing(8, 31, 23), 2021),
        (datetime(2020, 12, 1, tzinfo=BEIJING), 2021),
        (datetime(2023, 1, 1, tzinfo=BEIJING), 2021),
    ],
    ids=["during", "last-day", "before-any", "after-all"],
)
def test_the_current_year_is_the_one_spanning_now_else_the_next_else_the_latest(moment, year):
    assert current_year(CALENDAR, moment) == year


def test_the_batch_status_names_its_year():
    assert isinstance(batches_for(CALENDAR, IN_BATCH1)[0], BatchStatus)
    assert batches_for(CALENDAR, IN_BATCH1)[0].year == 2021


# ----- 选择招收批次 (start)


async def test_an_applicant_with_a_complete_profile_starts_a_draft_in_the_open_batch(uow, catalog):
    account = await applicant(uow)

    draft = ok(await start(uow, account, 1, IN_BATCH1))

    assert (draft.year, draft.batch.number, draft.state) == (2021, 1, ApplicationState.DRAFT)
    assert draft.editable and not draft.submitted and not draft.ready
    assert [a.batch for a in uow.stored_applications()] == [1]


@pytest.mark.parametrize(
    "moment", [BATCH1_FIRST_SECOND, BATCH1_LAST_SECOND], ids=["first-second", "last-second"]
)
async def test_a_batch_opens_at_its_first_and_closes_after_its_last_second(uow, catalog, moment):
    account = await applicant(uow)

    ok(await start(uow, account, 1, moment))


async def test_one_second_before_the_window_the_batch_is_not_open_yet_and_the_dates_are_said(uow, catalog):
    account = await applicant(uow)

    problem = refused(
        await start(uow, account, 1, BATCH1_FIRST_SECOND - timedelta(seconds=1)),
        gd_applications._NOT_OPEN_YET,
    )

    assert problem.params == {"batch": 1, "dates": "2021-04-15 – 2021-04-22"}
    assert uow.stored_applications() == []


async def test_one_second_after_the_window_the_batch_is_closed(uow, catalog):
    account = await applicant(uow)

    problem = refused(
        await start(uow, account, 1, BATCH1_LAST_SECOND + timedelta(seconds=1)), gd_applications._CLOSED
    )

    assert problem.params == {"batch": 1, "dates": "2021-04-15 – 2021-04-22"}


async def test_an_unknown_batch_is_refused(uow, catalog):
    account = await applicant(uow)

    problem = refused(await start(uow, account, 4, IN_BATCH1), gd_applications._UNKNOWN_BATCH)

    assert problem.params == {"batch": 4, "year": 2021}


async def test_the_application_opens_only_when_all_four_modules_are_complete_and_names_the_others(
    uow, catalog
):
    account = await add_account(uow)
    await save_section(uow, account, "basic", {"sex": "male"})
    await save_section(uow, account, "contact", {"mobile": "13800000000"})
    await save_section(uow, account, "education", {"records": []})  # saved, but E1–E3 fail

    problem = refused(await start(uow, account, 1, IN_BATCH1), gd_applications._PROFILE_INCOMPLETE)

    assert problem.params == {"modules": "教育信息、工作信息"}
    assert uow.stored_applications() == []


async def test_starting_again_in_the_same_batch_resumes_the_draft(uow, catalog):
    account = await applicant(uow)
    first = ok(await start(uow, account, 1, IN_BATCH1))

    again = ok(await start(uow, account, 1, IN_BATCH1 + timedelta(hours=1)))

    assert again.id == first.id
    assert len(uow.stored_applications()) == 1


async def test_a_batch_is_applied_for_once_submitted_nothing_starts_again(uow, catalog):
    account = await applicant(uow)
    await submitted(uow, account)

    problem = refused(await start(uow, account, 1, IN_BATCH1), gd_applications._ALREADY_SUBMITTED)

    assert problem.params == {"batch": 1, "date": "2021-04-16"}


async def test_a_gd_application_needs_a_gd_account(uow):
    account = await applicant(uow)
    account.programme = "tj-upgrade"

    refused(await start(uow, account, 1, IN_BATCH1), gd_applications._NOT_GD)


async def test_an_applicant_no_base_admitted_applies_in_the_next_batch(uow, catalog):
    account = await applicant(uow)
    first = await submitted(uow, account)
    for offer in first.offers:
        await offers.record_decision(uow, offer.base_id, first.id, False, beijing(5, 20))

    ok(await start(uow, account, 2, IN_BATCH2))


async def test_an_applicant_who_left_an_offer_unanswered_applies_in_the_next_batch(uow, catalog):
    account = await applicant(uow)
    first = await submitted(uow, account)
    await offers.record_decision(uow, "B01", first.id, True, beijing(5, 20))

    ok(await start(uow, account, 2, IN_BATCH2))


async def test_after_accepting_an_offer_no_later_batch_can_be_applied_for(uow, catalog):
    account = await applicant(uow)
    first = await submitted(uow, account)
    await offers.record_decision(uow, "B02", first.id, True, beijing(5, 20))
    offer = next(o for o in first.offers if o.base_id == "B02")
    assert isinstance(await offers.answer(uow, account, offer.id, True, beijing(5, 25)), offers.Answered)

    problem = refused(await start(uow, account, 2, IN_BATCH2), gd_applications._ACCEPTED)

    assert problem.params == {"base": "广东省人民医院", "batch": 1}


async def test_while_an_earlier_batchs_offers_are_still_open_no_later_batch_starts(uow):
    await with_catalog(uow, catalog_2022())
    account = await applicant(uow)
    first = await submitted(uow, account, bases=("B01",), now=datetime(2022, 4, 16, tzinfo=BEIJING))
    await offers.record_decision(uow, "B01", first.id, True, datetime(2022, 5, 20, tzinfo=BEIJING))

    problem = refused(
        await start(uow, account, 2, datetime(2022, 6, 2, tzinfo=BEIJING)), gd_applications._WAITING
    )

    assert problem.params == {"batch": 1, "end": "2022-06-10 24:00"}


async def test_once_the_earlier_offers_are_all_declined_a_later_batch_starts(uow):
    await with_catalog(uow, catalog_2022())
    account = await applicant(uow)
    first = await submitted(uow, account, bases=("B01", "B02"), now=datetime(2022, 4, 16, tzinfo=BEIJING))
    await offers.record_decision(uow, "B01", first.id, True, datetime(2022, 5, 20, tzinfo=BEIJING))
    await offers.record_decision(uow, "B02", first.id, False, datetime(2022, 5, 20, tzinfo=BEIJING))
    declined = await offers.answer(
        uow, account, first.offers[0].id, False, datetime(2022, 6, 1, 8, tzinfo=BEIJING)
    )
    assert isinstance(declined, offers.Answered)

    ok(await start(uow, account, 2, datetime(2022, 6, 2, tzinfo=BEIJING)))


async def test_a_pending_choice_of_an_earlier_batch_keeps_a_later_batch_closed(uow):
    await with_catalog(uow, catalog_2022())
    account = await applicant(uow)
    await submitted(uow, account, bases=("B01",), now=datetime(2022, 4, 16, tzinfo=BEIJING))

    refused(await start(uow, account, 2, datetime(2022, 6, 2, tzinfo=BEIJING)), gd_applications._WAITING)


# ----- 选择个人身份 (set_identity)


async def test_the_applicant_type_that_agrees_with_the_work_module_is_kept(uow, catalog):
    account = await applicant(uow, UNIT)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    view = ok(await set_identity(uow, account, draft.id, UNIT, IN_BATCH1))

    assert view.applicant_type is UNIT
    assert uow.stored_applications()[0].applicant_type == "unit"


async def test_the_official_name_of_a_type_is_understood(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    view = ok(await set_identity(uow, account, draft.id, "社会人", IN_BATCH1))

    assert view.applicant_type is SOCIAL


async def test_changing_the_type_rechecks_the_work_module_and_writes_the_new_type_there(uow, catalog):
    account = await applicant(uow, SOCIAL)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    view = ok(await set_identity(uow, account, draft.id, GRADUATE, IN_BATCH1))

    assert view.applicant_type is GRADUATE
    async with uow:
        work = await uow.profile_sections.get(account.id, "work")
    assert work is not None and work.answers["applicant_type"] == "graduate"


async def test_a_type_the_work_module_does_not_fit_is_refused_naming_every_fix(uow, catalog):
    account = await applicant(uow, SOCIAL)  # 无 work history: a 单位人 needs a current employer (W2)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    conflict = await set_identity(uow, account, draft.id, UNIT, IN_BATCH1)

    assert isinstance(conflict, IdentityConflict)
    assert [p.message for p in conflict.problems] == [W2_ANSWER_HAS_EMPLOYER, W2_NO_CURRENT_EMPLOYER]
    assert conflict.message == Problem(gd_applications._IDENTITY_CONFLICT, {"type": "单位人"})
    assert uow.stored_applications()[0].applicant_type is None
    async with uow:
        work = await uow.profile_sections.get(account.id, "work")
    assert work is not None and work.answers["applicant_type"] == "social"


async def test_an_unknown_type_is_refused(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    refused(await set_identity(uow, account, draft.id, "学位衔接", IN_BATCH1), gd_applications._UNKNOWN_TYPE)


def test_applicant_types_parse_from_their_values_and_official_names():
    assert [parse_applicant_type(t) for t in ("unit", "单位人", "研究生", " social ", "x")] == [
        UNIT,
        UNIT,
        GRADUATE,
        SOCIAL,
        None,
    ]


async def test_another_accounts_application_is_not_found(uow, catalog):
    owner = await applicant(uow)
    draft = ok(await start(uow, owner, 1, IN_BATCH1))
    stranger = await applicant(uow)

    refused(await set_identity(uow, stranger, draft.id, SOCIAL, IN_BATCH1), gd_applications._NOT_FOUND)
    refused(await choose(uow, stranger, draft.id, "0100", ["B01"], IN_BATCH1), gd_applications._NOT_FOUND)
    refused(await submit(uow, stranger, draft.id, IN_BATCH1), gd_applications._NOT_FOUND)
    refused(await application_view(uow, stranger, draft.id, IN_BATCH1), gd_applications._NOT_FOUND)
    refused(await submit(uow, owner, draft.id + 1000, IN_BATCH1), gd_applications._NOT_FOUND)


async def test_after_the_window_a_draft_can_no_longer_change(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    after = BATCH1_LAST_SECOND + timedelta(seconds=1)

    refused(await set_identity(uow, account, draft.id, SOCIAL, after), gd_applications._CLOSED)
    refused(await choose(uow, account, draft.id, "0100", ["B01"], after), gd_applications._CLOSED)
    refused(await submit(uow, account, draft.id, after), gd_applications._CLOSED)


# ----- 填写志愿 (choose)


async def test_one_specialty_and_up_to_three_bases_are_kept_in_the_order_of_preference(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    view = ok(await choose(uow, account, draft.id, "0100", ["B03", "B01", "B05"], IN_BATCH1))

    assert view.specialty == Specialty("0100", "内科")
    assert [(b.rank, b.base_id, b.name) for b in view.bases] == [
        (1, "B03", "南方医科大学南方医院"),
        (2, "B01", "中山大学附属第一医院"),
        (3, "B05", "汕头大学医学院第一附属医院"),
    ]
    assert all(b.takes_specialty for b in view.bases)


async def test_choosing_again_replaces_the_choices(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await choose(uow, account, draft.id, "0100", ["B03", "B01", "B05"], IN_BATCH1))

    view = ok(await choose(uow, account, draft.id, "2800", ["B05"], IN_BATCH1))

    assert (view.specialty_code, [b.base_id for b in view.bases]) == ("2800", ["B05"])
    assert uow.stored_applications()[0].base_ids == ["B05"]


@pytest.mark.parametrize(
    ("specialty", "bases", "message", "params"),
    [
        ("0100", [], gd_applications._CHOICE_COUNT, {"count": 0}),
        ("0100", ["B01", "B02", "B03", "B04"], gd_applications._CHOICE_COUNT, {"count": 4}),
        ("0100", ["B01", "B02", "B01"], gd_applications._CHOSEN_TWICE, {"base": "中山大学附属第一医院"}),
        ("0100", ["B09"], gd_applications._UNKNOWN_BASE, {"base": "B09"}),
        (
            "0200",
            ["B01", "B04"],
            gd_applications._BASE_NOT_OFFERING,
            {"base": "深圳市人民医院", "specialty": "儿科", "year": 2021},
        ),
        ("0999", ["B01"], gd_applications._UNKNOWN_SPECIALTY, {"specialty": "0999"}),
    ],
    ids=[
        "no-base",
        "four-bases",
        "same-base-twice",
        "unknown-base",
        "base-without-the-specialty",
        "unknown-specialty",
    ],
)
async def test_choices_the_seed_does_not_allow_are_refused(uow, catalog, specialty, bases, message, params):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    problem = refused(await choose(uow, account, draft.id, specialty, bases, IN_BATCH1), message)

    assert problem.params == params
    assert uow.stored_applications()[0].specialty_code is None


async def test_a_specialty_no_base_takes_this_year_is_refused(uow):
    catalog = sample_catalog()
    await with_catalog(
        uow, replace(catalog, specialties=(*catalog.specialties, Specialty("2100", "检验医学科")))
    )
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    problem = refused(
        await choose(uow, account, draft.id, "2100", ["B01"], IN_BATCH1),
        gd_applications._NO_BASE_FOR_SPECIALTY,
    )

    assert problem.params == {"specialty": "检验医学科", "year": 2021}


async def test_without_an_imported_catalog_no_batch_is_published(uow):
    account = await applicant(uow)

    refused(await start(uow, account, 1, IN_BATCH1), gd_applications._NO_YEAR)
    assert batches_for(await gd_catalog.calendar(uow), IN_BATCH1) == []


# ----- 提交 (submit)


async def test_submitting_creates_a_pending_offer_per_chosen_base_in_the_order_of_preference(uow, catalog):
    account = await applicant(uow)

    view = await submitted(uow, account, bases=("B02", "B01"))

    assert view.submitted and not view.editable and view.missing == ()
    assert view.submitted_at == IN_BATCH1
    assert [(o.rank, o.base_id, o.state) for o in view.offers] == [
        (1, "B02", OfferState.PENDING),
        (2, "B01", OfferState.PENDING),
    ]
    stored = uow.stored_offers()
    assert [(o.base_id, o.specialty_code, o.year, o.batch, o.account_id) for o in stored] == [
        ("B02", "0100", 2021, 1, account.id),
        ("B01", "0100", 2021, 1, account.id),
    ]


@pytest.mark.parametrize(
    "moment", [BATCH1_FIRST_SECOND, BATCH1_LAST_SECOND], ids=["first-second", "last-second"]
)
async def test_submitting_at_the_edges_of_the_window_is_accepted(uow, catalog, moment):
    account = await applicant(uow)

    await submitted(uow, account, now=moment)


async def test_a_draft_lists_everything_missing_before_it_can_be_submitted(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))

    assert [p.message for p in draft.missing] == [gd_applications._NO_TYPE, gd_applications._NO_SPECIALTY]
    refused(await submit(uow, account, draft.id, IN_BATCH1), gd_applications._NO_TYPE)
    assert uow.stored_offers() == []


async def test_an_application_without_choices_is_not_submitted(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await set_identity(uow, account, draft.id, SOCIAL, IN_BATCH1))

    refused(await submit(uow, account, draft.id, IN_BATCH1), gd_applications._NO_SPECIALTY)


async def test_nothing_changes_after_submit(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)

    for outcome in (
        await set_identity(uow, account, view.id, SOCIAL, IN_BATCH1),
        await choose(uow, account, view.id, "0900", ["B01"], IN_BATCH1),
        await submit(uow, account, view.id, IN_BATCH1),
    ):
        refused(outcome, gd_applications._ALREADY_SUBMITTED)
    assert len(uow.stored_offers()) == 3


async def test_a_module_broken_after_start_blocks_the_submit(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await set_identity(uow, account, draft.id, SOCIAL, IN_BATCH1))
    ok(await choose(uow, account, draft.id, "0100", ["B01"], IN_BATCH1))
    await save_section(uow, account, "education", {"records": []})

    problem = refused(await submit(uow, account, draft.id, IN_BATCH1), gd_applications._PROFILE_INCOMPLETE)

    assert problem.params == {"modules": "教育信息"}


async def test_a_work_module_whose_type_changed_since_asks_for_the_type_again(uow, catalog):
    account = await applicant(uow, SOCIAL)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await set_identity(uow, account, draft.id, SOCIAL, IN_BATCH1))
    ok(await choose(uow, account, draft.id, "0100", ["B01"], IN_BATCH1))
    await save_section(uow, account, "work", work_answers(GRADUATE))

    problem = refused(await submit(uow, account, draft.id, IN_BATCH1), gd_applications._TYPE_DISAGREES)

    assert problem.params == {"profile_type": "研究生", "type": "社会人"}


async def test_a_choice_the_catalog_dropped_since_blocks_the_submit(uow, catalog):
    account = await applicant(uow)
    draft = ok(await start(uow, account, 1, IN_BATCH1))
    ok(await set_identity(uow, account, draft.id, SOCIAL, IN_BATCH1))
    ok(await choose(uow, account, draft.id, "0100", ["B01", "B03"], IN_BATCH1))
    whole = sample_catalog()
    await with_catalog(uow, replace(whole, bases=tuple(b for b in whole.bases if b.base_id != "B03")))

    view = ok(await application_view(uow, account, draft.id, IN_BATCH1))
    problem = refused(await submit(uow, account, draft.id, IN_BATCH1), gd_applications._UNKNOWN_BASE)

    assert problem.params == {"base": "B03"}
    assert [(b.base_id, b.name, b.takes_specialty) for b in view.bases] == [
        ("B01", "中山大学附属第一医院", True),
        ("B03", "B03", False),
    ]


async def test_the_applications_of_the_year_are_listed_by_batch(uow, catalog):
    account = await applicant(uow)
    first = await submitted(uow, account)
    for offer in first.offers:
        await offers.record_decision(uow, offer.base_id, first.id, False, beijing(5, 20))
    ok(await start(uow, account, 2, IN_BATCH2))

    listed = await applications_of(uow, account, IN_BATCH2)

    assert [(a.batch.number, a.state) for a in listed] == [
        (1, ApplicationState.SUBMITTED),
        (2, ApplicationState.DRAFT),
    ]
    assert [o.state for o in listed[0].offers] == [OfferState.NOT_ADMITTED] * 3


# ----- /status


async def test_status_asks_for_the_profile_first_with_the_batch_deadline(uow, catalog):
    account = await add_account(uow)

    found = await status(uow, account, IN_BATCH1)

    assert found.next_step == Problem(
        gd_applications._NEXT_PROFILE, {"modules": "基本信息、联系信息、教育信息、工作信息"}
    )
    assert found.deadline == beijing(4, 23)
    assert [m.complete for m in found.profile] == [False] * 4


async def test_status_asks_to_apply_in_the_open_batch(uow, catalog):
    account = await applicant(uow)

    found = await status(uow, account, IN_BATCH1)

    assert found.next_step == Problem(gd_applications._NEXT_APPLY, {"batch": 1, "end": "2021-04-22 24:00"})
    assert found.year == 2021 and [b.number for b in found.batches] == [1, 2, 3]


async def test_status_asks_to_finish_a_draft_before_the_window_closes(uow, catalog):
    account = await applicant(uow)
    ok(await start(uow, account, 1, IN_BATCH1))

    found = await status(uow, account, IN_BATCH1)

    assert found.next_step == Problem(gd_applications._NEXT_SUBMIT, {"batch": 1, "end": "2021-04-22 24:00"})
    assert found.deadline == beijing(4, 23)


async def test_status_after_submit_says_when_the_bases_decide_and_offers_are_answered(uow, catalog):
    account = await applicant(uow)
    await submitted(uow, account)

    found = await status(uow, account, IN_BATCH1)

    assert found.next_step == Problem(
        gd_applications._NEXT_WAIT,
        {"batch": 1, "admission_end": "2021-05-31 24:00", "confirmation": "2021-05-24 – 2021-05-31"},
    )


async def test_status_asks_to_answer_offers_before_the_confirmation_window_closes(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)
    await offers.record_decision(uow, "B01", view.id, True, beijing(5, 20))

    found = await status(uow, account, beijing(5, 25))

    assert found.next_step == Problem(gd_applications._NEXT_ANSWER, {"end": "2021-05-31 24:00"})
    assert found.deadline == beijing(6, 1)


async def test_status_says_the_process_is_complete_once_an_offer_is_accepted(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)
    await offers.record_decision(uow, "B01", view.id, True, beijing(5, 20))
    await offers.answer(uow, account, view.offers[0].id, True, beijing(5, 25))

    found = await status(uow, account, beijing(6, 3))

    assert found.accepted is not None and found.accepted.base_id == "B01"
    assert found.next_step == Problem(
        gd_applications._NEXT_DONE, {"base": "中山大学附属第一医院", "specialty": "内科"}
    )
    assert found.deadline is None


async def test_status_between_batches_names_the_next_one(uow, catalog):
    account = await applicant(uow)

    found = await status(uow, account, beijing(5, 10))

    assert found.next_step == Problem(
        gd_applications._NEXT_UPCOMING, {"batch": 2, "start": "2021-06-01 00:00"}
    )


async def test_status_after_the_last_batch_says_none_is_coming(uow, catalog):
    account = await applicant(uow)

    found = await status(uow, account, beijing(9, 1))

    assert found.next_step == Problem(gd_applications._NEXT_NONE, {"year": 2021})
