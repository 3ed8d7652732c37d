"""Offers of 广东住培 (seed 000 四): a base records 录取 / 不录取 in its admission window, the applicant
answers 接受 / 放弃 in the confirmation window, only one offer is accepted, and an unanswered offer
expires with the window. Every refused transition is here."""

from datetime import datetime, timedelta

import pytest

from domain import identity, offers
from domain.clock import BEIJING
from domain.model import Account, ChatUser, OfferState
from domain.offers import (
    STATE_LABELS,
    STATE_OFFICIAL_NAMES,
    Answered,
    DecisionRecorded,
    DecisionRow,
    OfferView,
    answer,
    applicants_of_base,
    effective_state,
    import_decisions,
    mark_notified,
    offers_of,
    parse_result,
    record_decision,
    undelivered,
    window_text,
)
from domain.ports import UnitOfWork
from domain.problems import Problem
from tests.fakes import DuplicateKey, FakeUnitOfWork
from tests.unit.test_gd_applications import (
    IN_BATCH1,
    applicant,
    beijing,
    catalog_2022,
    refused,
    submitted,
    with_catalog,
)
from tests.unit.test_gd_catalog import sample_catalog

ADMISSION_FIRST_SECOND = beijing(4, 15)  # batch 1 of 2021: 04-15..05-31
ADMISSION_LAST_SECOND = beijing(5, 31, 23, 59, 59)
DECIDING = beijing(5, 20)
CONFIRMATION_FIRST_SECOND = beijing(5, 24)  # batch 1 of 2021: 05-24..05-31
CONFIRMATION_LAST_SECOND = beijing(5, 31, 23, 59, 59)
ANSWERING = beijing(5, 25, 10)
AFTER_CONFIRMATION = beijing(6, 1)
CHECK_CHARACTER = identity.parse_resident_id("110101199003071234", beijing(5, 1).date()).message  # type: ignore[union-attr]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def catalog(uow: FakeUnitOfWork) -> None:
    await with_catalog(uow)


async def admitted_everywhere(
    uow: UnitOfWork, account: Account, bases: tuple[str, ...] = ("B01", "B02", "B03")
) -> list[int]:
    """A submitted application admitted by every chosen base; the offer ids by preference."""
    view = await submitted(uow, account, bases=bases)
    for base_id in bases:
        recorded = await record_decision(uow, base_id, view.id, True, DECIDING)
        assert isinstance(recorded, DecisionRecorded) and recorded.changed
    return [offer.id for offer in view.offers]


def answered(outcome: object) -> Answered:
    assert isinstance(outcome, Answered), outcome
    return outcome


def by_id(views: list[OfferView], offer_id: int) -> OfferView:
    return next(view for view in views if view.id == offer_id)


# ----- the vocabulary


def test_every_state_has_its_official_name_and_a_label():
    assert set(STATE_OFFICIAL_NAMES) == set(OfferState) == set(STATE_LABELS)
    assert STATE_OFFICIAL_NAMES[OfferState.ADMITTED] == "录取"
    assert STATE_OFFICIAL_NAMES[OfferState.NOT_ADMITTED] == "不录取"


def test_a_batch_in_no_imported_catalog_is_an_error_not_a_guess():
    with pytest.raises(LookupError):
        offers.batch_of(None, 1)
    with pytest.raises(LookupError):
        offers.batch_of(sample_catalog(), 4)


def test_windows_of_whole_days_read_as_their_first_and_last_day():
    batch = offers.batch_of(sample_catalog(), 1)

    assert window_text(batch.confirmation) == "2021-05-24 – 2021-05-31"


# ----- 录取 / 不录取 by the base


async def test_a_base_admits_an_applicant_who_chose_it_and_the_applicant_is_to_be_told(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)

    recorded = await record_decision(uow, "B02", view.id, True, DECIDING, decided_by="900001")

    assert isinstance(recorded, DecisionRecorded)
    assert (recorded.base_id, recorded.base_name, recorded.admitted, recorded.previous, recorded.changed) == (
        "B02",
        "广东省人民医院",
        True,
        OfferState.PENDING,
        True,
    )
    assert isinstance(recorded.notify, ChatUser) and recorded.notify.id == account.user_id
    stored = next(o for o in uow.stored_offers() if o.base_id == "B02")
    assert (stored.state, stored.decided_at, stored.decided_by) == (OfferState.ADMITTED, DECIDING, "900001")


@pytest.mark.parametrize(
    "moment", [ADMISSION_FIRST_SECOND, ADMISSION_LAST_SECOND], ids=["first-second", "last-second"]
)
async def test_decisions_are_recorded_from_the_first_to_the_last_second_of_the_admission_window(
    uow, catalog, moment
):
    account = await applicant(uow)
    view = await submitted(uow, account, now=ADMISSION_FIRST_SECOND)

    assert isinstance(await record_decision(uow, "B01", view.id, False, moment), DecisionRecorded)


async def test_after_the_admission_window_no_decision_is_recorded(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)

    problem = refused(
        await record_decision(uow, "B01", view.id, True, ADMISSION_LAST_SECOND + timedelta(seconds=1)),
        offers._ADMISSION_CLOSED,
    )

    assert problem.params == {"batch": 1, "dates": "2021-04-15 – 2021-05-31", "start": "2021-04-15 00:00"}
    assert {o.state for o in uow.stored_offers()} == {OfferState.PENDING}


async def test_before_the_admission_window_no_decision_is_recorded(uow):
    await with_catalog(uow, catalog_2022())
    account = await applicant(uow)
    first = await submitted(uow, account, bases=("B01",), now=datetime(2022, 4, 16, tzinfo=BEIJING))
    for offer in first.offers:
        await record_decision(uow, offer.base_id, first.id, False, datetime(2022, 5, 1, tzinfo=BEIJING))
    second = await submitted(uow, account, batch=2, bases=("B02",), now=datetime(2022, 6, 2, tzinfo=BEIJING))

    problem = refused(
        await record_decision(uow, "B02", second.id, True, datetime(2022, 6, 14, 23, 59, 59, tzinfo=BEIJING)),
        offers._ADMISSION_UPCOMING,
    )

    assert problem.params["start"] == "2022-06-15 00:00"


async def test_a_base_the_applicant_did_not_choose_cannot_decide(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01",))

    problem = refused(await record_decision(uow, "B04", view.id, True, DECIDING), offers._NO_SUCH_CHOICE)

    assert problem.params == {"application": view.id, "base": "B04"}


async def test_an_application_that_does_not_exist_or_is_not_submitted_cannot_be_decided(uow, catalog):
    from domain.gd_applications import start

    account = await applicant(uow)
    draft = await start(uow, account, 1, IN_BATCH1)

    for application_id in (draft.id, 999):  # type: ignore[union-attr]
        refused(await record_decision(uow, "B01", application_id, True, DECIDING), offers._NO_SUCH_CHOICE)


async def test_recording_the_same_decision_again_changes_nothing_and_tells_nobody(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)
    await record_decision(uow, "B01", view.id, True, DECIDING)

    again = await record_decision(uow, "B01", view.id, True, DECIDING + timedelta(days=1))

    assert isinstance(again, DecisionRecorded)
    assert (again.changed, again.previous, again.notify) == (False, OfferState.ADMITTED, None)
    assert next(o for o in uow.stored_offers() if o.base_id == "B01").decided_at == DECIDING


async def test_a_base_corrects_its_decision_while_the_applicant_has_not_answered(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)
    await record_decision(uow, "B01", view.id, True, DECIDING)

    corrected = await record_decision(uow, "B01", view.id, False, DECIDING + timedelta(hours=1))

    assert isinstance(corrected, DecisionRecorded)
    assert (corrected.changed, corrected.previous, corrected.admitted) == (True, OfferState.ADMITTED, False)
    assert corrected.notify is not None


async def test_once_the_applicant_answered_the_decision_can_no_longer_change(uow, catalog):
    account = await applicant(uow)
    ids = await admitted_everywhere(uow, account, ("B01",))
    answered(await answer(uow, account, ids[0], True, ANSWERING))

    application_id = uow.stored_offers()[0].application_id

    problem = refused(await record_decision(uow, "B01", application_id, False, ANSWERING), offers._ANSWERED)

    assert problem.params == {"state": "接受", "date": "2021-05-25"}


async def test_an_applicant_without_a_chat_is_not_notified_but_the_decision_is_kept(uow, catalog):
    account = await applicant(uow, chat=False)
    view = await submitted(uow, account)

    recorded = await record_decision(uow, "B01", view.id, True, DECIDING)

    assert isinstance(recorded, DecisionRecorded) and recorded.notify is None and recorded.changed


# ----- 接受 / 放弃 by the applicant


@pytest.mark.parametrize(
    "moment", [CONFIRMATION_FIRST_SECOND, CONFIRMATION_LAST_SECOND], ids=["first-second", "last-second"]
)
async def test_an_offer_is_accepted_from_the_first_to_the_last_second_of_the_confirmation_window(
    uow, catalog, moment
):
    account = await applicant(uow)
    ids = await admitted_everywhere(uow, account, ("B01",))

    done = answered(await answer(uow, account, ids[0], True, moment))

    assert done.offer.state is OfferState.ACCEPTED and done.offer.answered_at == moment
    assert uow.stored_offers()[0].state == OfferState.ACCEPTED


async def test_before_the_confirmation_window_an_offer_cannot_be_answered_and_the_dates_are_said(
    uow, catalog
):
    account = await applicant(uow)
    ids = await admitted_everywhere(uow, account, ("B01",))
    before = CONFIRMATION_FIRST_SECOND - timedelta(seconds=1)

    problem = refused(await answer(uow, account, ids[0], True, before), offers._CONFIRMATION_UPCOMING)
    view = (await offers_of(uow, account, before))[0]

    assert problem.params == {"batch": 1, "dates": "2021-05-24 – 2021-05-31", "start": "2021-05-24 00:00"}
    assert (view.state, view.can_accept, view.can_decline) == (OfferState.ADMITTED, False, False)
    assert view.why_not == problem


async def test_after_the_confirmation_window_an_unanswered_offer_is_expired_and_has_no_buttons(uow, catalog):
    account = await applicant(uow)
    ids = await admitted_everywhere(uow, account, ("B01",))

    accept = refused(
        await answer(uow, account, ids[0], True, AFTER_CONFIRMATION), offers._CONFIRMATION_CLOSED
    )
    decline = refused(
        await answer(uow, account, ids[0], False, AFTER_CONFIRMATION), offers._CONFIRMATION_CLOSED
    )
    view = (await offers_of(uow, account, AFTER_CONFIRMATION))[0]

    assert accept == decline
    assert (view.state, view.can_accept, view.can_decline) == (OfferState.EXPIRED, False, False)
    assert uow.stored_offers()[0].state == OfferState.ADMITTED  # derived, never stored


def test_expired_is_derived_only_from_an_unanswered_admission_after_the_window():
    from domain.model import Offer

    window = offers.batch_of(sample_catalog(), 1).confirmation
    for state in OfferState:
        if state is OfferState.EXPIRED:
            continue
        offer = Offer(1, 1, 2021, 1, "B01", "0100", 1, state=state)
        expected = OfferState.EXPIRED if state is OfferState.ADMITTED else state
        assert effective_state(offer, window, AFTER_CONFIRMATION) is expected
        assert effective_state(offer, window, CONFIRMATION_LAST_SECOND) is state


async def test_of_three_admissions_one_is_accepted_and_the_others_stay_admitted_but_cannot_be_accepted(
    uow, catalog
):
    account = await applicant(uow)
    first, second, third = await admitted_everywhere(uow, account)

    done = answered(await answer(uow, account, second, True, ANSWERING))

    assert [(v.id, v.state) for v in done.still_admitted] == [
        (first, OfferState.ADMITTED),
        (third, OfferState.ADMITTED),
    ]
    views = await offers_of(uow, account, ANSWERING)
    for other in (first, third):
        view = by_id(views, other)
        assert (view.state, view.can_accept, view.can_decline) == (OfferState.ADMITTED, False, True)
        assert view.why_not == Problem(offers._ONE_ACCEPTED, {"base": "广东省人民医院"})
    assert by_id(views, second).state is OfferState.ACCEPTED
    assert not by_id(views, second).can_accept and not by_id(views, second).can_decline


async def test_a_second_offer_cannot_be_accepted(uow, catalog):
    account = await applicant(uow)
    first, second, _ = await admitted_everywhere(uow, account)
    answered(await answer(uow, account, second, True, ANSWERING))

    problem = refused(await answer(uow, account, first, True, ANSWERING), offers._ONE_ACCEPTED)

    assert problem.params == {"base": "广东省人民医院"}
    assert [o.state for o in uow.stored_offers()].count(OfferState.ACCEPTED) == 1


async def test_after_accepting_the_other_offers_may_still_be_declined(uow, catalog):
    account = await applicant(uow)
    first, second, _ = await admitted_everywhere(uow, account)
    answered(await answer(uow, account, second, True, ANSWERING))

    done = answered(await answer(uow, account, first, False, ANSWERING))

    assert done.offer.state is OfferState.DECLINED and done.still_admitted == ()


async def test_declining_every_offer_accepts_none(uow, catalog):
    account = await applicant(uow)
    for offer_id in await admitted_everywhere(uow, account):
        answered(await answer(uow, account, offer_id, False, ANSWERING))

    assert {o.state for o in uow.stored_offers()} == {OfferState.DECLINED}


async def test_an_accepted_offer_cannot_be_answered_again(uow, catalog):
    account = await applicant(uow)
    (offer_id,) = await admitted_everywhere(uow, account, ("B01",))
    answered(await answer(uow, account, offer_id, True, ANSWERING))

    for accept in (True, False):
        problem = refused(await answer(uow, account, offer_id, accept, ANSWERING), offers._ACCEPTED_ALREADY)
        assert problem.params == {"date": "2021-05-25"}


async def test_a_declined_offer_cannot_be_answered_again(uow, catalog):
    account = await applicant(uow)
    (offer_id,) = await admitted_everywhere(uow, account, ("B01",))
    answered(await answer(uow, account, offer_id, False, ANSWERING))

    for accept in (True, False):
        refused(await answer(uow, account, offer_id, accept, ANSWERING), offers._DECLINED_ALREADY)


async def test_an_offer_the_base_has_not_decided_cannot_be_answered(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01",))

    problem = refused(await answer(uow, account, view.offers[0].id, True, ANSWERING), offers._NOT_DECIDED)

    assert problem.params == {"base": "中山大学附属第一医院"}


async def test_a_refusal_by_the_base_cannot_be_answered(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01",))
    await record_decision(uow, "B01", view.id, False, DECIDING)

    refused(await answer(uow, account, view.offers[0].id, True, ANSWERING), offers._NOT_ADMITTED)


async def test_a_forged_offer_id_of_another_account_is_not_found_like_a_missing_one(uow, catalog):
    owner = await applicant(uow)
    (offer_id,) = await admitted_everywhere(uow, owner, ("B01",))
    stranger = await applicant(uow)

    assert refused(await answer(uow, stranger, offer_id, True, ANSWERING), offers._NOT_FOUND) == refused(
        await answer(uow, stranger, offer_id + 999, True, ANSWERING), offers._NOT_FOUND
    )
    assert uow.stored_offers()[0].state == OfferState.ADMITTED


async def test_a_lost_race_is_refused_like_a_second_accept(uow, catalog):
    """What the unique index does when another unit of work accepted first: here the fake's."""
    account = await applicant(uow)
    first, second, _ = await admitted_everywhere(uow, account)
    async with uow:
        offer = await uow.offers.get(first)
        assert offer is not None
        offer.state = OfferState.ACCEPTED
        await uow.commit()

    async with uow:
        winner = await uow.offers.get(second)
        assert winner is not None
        assert await uow.offers.accept(winner, ANSWERING) is False


async def test_the_store_refuses_a_second_accepted_offer_even_past_the_domain(uow, catalog):
    account = await applicant(uow)
    first, second, _ = await admitted_everywhere(uow, account)

    async with uow:
        for offer_id in (first, second):
            offer = await uow.offers.get(offer_id)
            assert offer is not None
            offer.state = OfferState.ACCEPTED
        with pytest.raises(DuplicateKey):
            await uow.commit()


# ----- telling the applicant


async def test_decisions_not_yet_told_are_listed_until_marked_as_told(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account)
    await record_decision(uow, "B01", view.id, True, DECIDING)
    await record_decision(uow, "B02", view.id, False, DECIDING + timedelta(minutes=1))

    notices = await undelivered(uow, DECIDING)

    assert [(n.offer.base_id, n.offer.state) for n in notices] == [
        ("B01", OfferState.ADMITTED),
        ("B02", OfferState.NOT_ADMITTED),
    ]
    assert {n.notify.id for n in notices} == {account.user_id}
    await mark_notified(uow, notices[0].offer.id, DECIDING)
    assert [n.offer.base_id for n in await undelivered(uow, DECIDING)] == ["B02"]


async def test_a_corrected_decision_is_told_again(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01",))
    await record_decision(uow, "B01", view.id, True, DECIDING)
    await mark_notified(uow, view.offers[0].id, DECIDING)

    await record_decision(uow, "B01", view.id, False, DECIDING + timedelta(hours=1))

    assert [n.offer.state for n in await undelivered(uow, DECIDING)] == [OfferState.NOT_ADMITTED]


async def test_an_account_without_a_chat_has_nobody_to_tell(uow, catalog):
    account = await applicant(uow, chat=False)
    view = await submitted(uow, account, bases=("B01",))
    await record_decision(uow, "B01", view.id, True, DECIDING)

    assert await undelivered(uow, DECIDING) == []


# ----- the base's list


async def test_a_base_lists_the_applicants_who_chose_it_with_masked_id_numbers(uow, catalog):
    first = await applicant(uow)
    second = await applicant(uow)
    one = await submitted(uow, first, bases=("B01", "B02"))
    two = await submitted(uow, second, bases=("B03", "B01"))
    await record_decision(uow, "B01", two.id, True, DECIDING)

    listed = await applicants_of_base(uow, "B01", DECIDING)

    assert [(a.application_id, a.rank, a.state, a.admission_open) for a in listed] == [
        (one.id, 1, OfferState.PENDING, True),
        (two.id, 2, OfferState.ADMITTED, True),
    ]
    assert listed[0].real_name == first.real_name
    assert listed[0].id_number == first.id_number[:4] + "*" * 10 + first.id_number[-4:]
    assert listed[0].specialty_name == "内科"
    assert await applicants_of_base(uow, "B04", DECIDING) == []
    assert await applicants_of_base(uow, "B01", DECIDING, year=2022) == []


# ----- the CSV import


def rows(*values: dict[str, str], first_line: int = 2) -> list[DecisionRow]:
    return [DecisionRow(first_line + n, row) for n, row in enumerate(values)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("录取", True), (" 不录取 ", False), ("未录取", False), ("Admitted", True), ("not admitted", False)],
)
def test_results_are_read_in_chinese_or_english(raw, expected):
    assert parse_result(raw) is expected


def test_an_unknown_result_is_refused_with_the_value():
    assert parse_result("待定") == Problem(offers._UNKNOWN_RESULT, {"value": "待定"})


async def test_decisions_are_imported_by_id_number_or_application_number(uow, catalog):
    first, second = await applicant(uow), await applicant(uow)
    one = await submitted(uow, first, bases=("B01",))
    two = await submitted(uow, second, bases=("B02", "B01"))

    report = await import_decisions(
        uow,
        "B01",
        rows(
            {"id_number": first.id_number, "result": "录取"},
            {"application_id": str(two.id), "result": "不录取"},
        ),
        DECIDING,
        "b01.csv",
    )

    assert report.errors == ()
    assert (report.changed, report.unchanged) == (2, 0)
    states = {(o.application_id, o.base_id): (o.state, o.decided_by) for o in uow.stored_offers()}
    assert states[(one.id, "B01")] == (OfferState.ADMITTED, "import:b01.csv")
    assert states[(two.id, "B01")] == (OfferState.NOT_ADMITTED, "import:b01.csv")
    assert states[(two.id, "B02")] == (OfferState.PENDING, None)
    assert [r.notify.id if r.notify else None for r in report.recorded] == [first.user_id, second.user_id]


async def test_importing_the_same_file_again_changes_nothing(uow, catalog):
    account = await applicant(uow)
    await submitted(uow, account, bases=("B01",))
    file = rows({"id_number": account.id_number, "result": "录取"})
    await import_decisions(uow, "B01", file, DECIDING, "b01.csv")

    again = await import_decisions(uow, "B01", file, DECIDING, "b01.csv")

    assert (again.changed, again.unchanged, again.errors) == (0, 1, ())


async def test_an_import_with_errors_records_nothing_and_names_every_bad_line(uow, catalog):
    good, other = await applicant(uow), await applicant(uow)
    await submitted(uow, good, bases=("B01",))
    elsewhere = await submitted(uow, other, bases=("B02",))
    stranger = await applicant(uow)

    report = await import_decisions(
        uow,
        "B01",
        rows(
            {"id_number": good.id_number, "application_id": "", "result": "录取"},
            {"id_number": "", "application_id": str(elsewhere.id), "result": "录取"},
            {"id_number": stranger.id_number, "application_id": "", "result": "maybe"},
            {"id_number": "", "application_id": "", "result": "录取"},
            {"id_number": good.id_number, "application_id": "", "result": "不录取"},
            {"id_number": "110101199003071234", "application_id": "x1", "result": "录取"},
        ),
        DECIDING,
        "b01.csv",
    )

    assert [(e.line, e.column, e.problem.message) for e in report.errors] == [
        (3, "application_id", offers._NO_SUCH_CHOICE),
        (4, "id_number", offers._NO_OPEN_CHOICE),
        (4, "result", offers._UNKNOWN_RESULT),
        (5, "id_number", offers._NO_APPLICANT),
        (6, "id_number", offers._SAME_AS_LINE),
        (7, "id_number", CHECK_CHARACTER),
        (7, "application_id", offers._BAD_APPLICATION_NUMBER),
    ]
    assert report.errors[4].problem.params == {"line": 2}
    assert report.recorded == ()
    assert {o.state for o in uow.stored_offers()} == {OfferState.PENDING}


async def test_an_id_number_without_an_account_is_named(uow, catalog):
    from domain.identity import make_resident_id

    unknown = make_resident_id("440106", datetime(1990, 1, 1).date(), 999)

    report = await import_decisions(uow, "B01", rows({"id_number": unknown, "result": "录取"}), DECIDING, "f")

    assert [(e.line, e.problem.message) for e in report.errors] == [(2, offers._NO_ACCOUNT)]


async def test_an_id_number_and_an_application_number_of_different_applicants_are_refused(uow, catalog):
    first, second = await applicant(uow), await applicant(uow)
    await submitted(uow, first, bases=("B01",))
    two = await submitted(uow, second, bases=("B01",))

    report = await import_decisions(
        uow,
        "B01",
        rows({"id_number": first.id_number, "application_id": str(two.id), "result": "录取"}),
        DECIDING,
        "f",
    )

    assert [e.problem.message for e in report.errors] == [offers._MISMATCH]


async def test_outside_the_admission_window_every_line_is_refused(uow, catalog):
    account = await applicant(uow)
    view = await submitted(uow, account, bases=("B01",))
    after = ADMISSION_LAST_SECOND + timedelta(seconds=1)

    report = await import_decisions(
        uow,
        "B01",
        rows(
            {"application_id": str(view.id), "result": "录取"},
            {"id_number": account.id_number, "result": "录取"},
        ),
        after,
        "f",
    )

    assert [(e.line, e.problem.message) for e in report.errors] == [
        (2, offers._ADMISSION_CLOSED),
        (3, offers._NO_OPEN_CHOICE),
    ]


async def test_an_import_cannot_change_an_answered_offer(uow, catalog):
    account = await applicant(uow)
    (offer_id,) = await admitted_everywhere(uow, account, ("B01",))
    answered(await answer(uow, account, offer_id, True, ANSWERING))

    report = await import_decisions(
        uow, "B01", rows({"id_number": account.id_number, "result": "不录取"}), ANSWERING, "f"
    )

    assert [e.problem.message for e in report.errors] == [offers._ANSWERED]
