"""医师资格考试 (seed 001): importing exam registrations all or nothing, and linking a chat to one
by registration number + ID number + an SMS code to the mobile on record (授权)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import sms
from domain.accounts import identify
from domain.exam_registrations import (
    NMEC,
    AlreadyLinkedHere,
    ImportReport,
    ImportRow,
    Linked,
    LinkStarted,
    NoMatch,
    confirm_link,
    import_registrations,
    list_registrations,
    parse_exam_region,
    parse_registration_number,
    start_link,
)
from domain.model import AccountEvent, Channel, SmsPurpose
from domain.problems import Problem
from domain.programmes import RegistrationNumberRules, programme
from tests.fakes import FakeSmsSender, FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NUMBER = "2022120100001"
ID_NUMBER = "110101199003071233"
MOBILE = "13812345678"
RULES = RegistrationNumberRules()


def row(line: int = 2, **changes: str) -> ImportRow:
    values = {
        "registration_number": NUMBER,
        "name": "张三",
        "id_number": ID_NUMBER,
        "mobile": MOBILE,
        "exam_region": "tianjin",
        "exam_site": "天津市和平区考点",
        "category": "临床执业医师",
    }
    return ImportRow(line, values | changes)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def sender() -> FakeSmsSender:
    return FakeSmsSender()


async def user_id(uow: FakeUnitOfWork, clock: FixedClock, external_id: str = "1001") -> int:
    return (await identify(uow, clock, Channel.TELEGRAM, external_id)).id or 0


def reasons(report: ImportReport) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in report.errors]


# ----- the rules of a row


def test_the_registration_number_is_8_to_20_digits_by_default_as_the_seed_states_none():
    assert programme(NMEC).registration_number == RegistrationNumberRules(8, 20)
    assert parse_registration_number(" 2022 1201 ０００01 ", RULES) == "2022120100001"
    assert isinstance(parse_registration_number("1234567", RULES), Problem)
    assert isinstance(parse_registration_number("1" * 21, RULES), Problem)
    assert isinstance(parse_registration_number("2022-12-01", RULES), Problem)


def test_the_exam_region_is_a_catalog_region_by_code_or_official_name():
    assert parse_exam_region("Tianjin") == "tianjin"
    assert parse_exam_region("天津考区") == "tianjin"
    assert parse_exam_region("天津") == "tianjin"
    refused = parse_exam_region("atlantis")
    assert isinstance(refused, Problem) and refused.params["known"] == "tianjin, hunan"


async def test_a_good_file_is_imported_and_importing_it_again_changes_nothing(uow, clock):
    rows = [row(2), row(3, registration_number="2022120100002", id_number="11010119800101103X")]

    first = await import_registrations(uow, clock, rows)
    second = await import_registrations(uow, clock, rows)

    assert (first.imported, first.unchanged, first.errors) == (2, 0, ())
    assert (second.imported, second.unchanged, second.errors) == (0, 2, ())
    assert len(uow.stored_registrations()) == 2


async def test_every_broken_column_of_every_row_is_reported_and_nothing_is_imported(uow, clock):
    rows = [
        row(2, registration_number="2022120100002", id_number="11010119800101103X"),  # good
        row(3, id_number="110101199003071230", exam_region="atlantis"),
        row(
            4, registration_number="2022120100003", name="", mobile="12345", exam_site=" ", category="x" * 51
        ),
    ]

    report = await import_registrations(uow, clock, rows)

    assert reasons(report) == [
        (3, "id_number"),
        (3, "exam_region"),
        (4, "name"),
        (4, "mobile"),
        (4, "exam_site"),
        (4, "category"),
    ]
    assert report.imported == 0
    assert uow.stored_registrations() == []


async def test_a_registration_number_twice_in_one_file_names_the_first_line(uow, clock):
    report = await import_registrations(uow, clock, [row(2), row(7, name="李四")])

    [error] = report.errors
    assert (error.line, error.column, error.problem.params) == (7, "registration_number", {"line": 2})


async def test_one_id_number_under_two_registration_numbers_is_refused(uow, clock):
    in_file = await import_registrations(uow, clock, [row(2), row(3, registration_number="2022120100009")])
    assert reasons(in_file) == [(3, "id_number")]

    await import_registrations(uow, clock, [row(2)])
    in_database = await import_registrations(uow, clock, [row(5, registration_number="2022120100009")])
    assert reasons(in_database) == [(5, "id_number")]
    assert in_database.errors[0].problem.params == {"number": NUMBER}


async def test_a_row_that_differs_from_the_imported_registration_names_each_differing_column(uow, clock):
    await import_registrations(uow, clock, [row(2)])

    report = await import_registrations(uow, clock, [row(2, mobile="13900001111", category="口腔执业医师")])

    assert reasons(report) == [(2, "mobile"), (2, "category")]
    [stored] = uow.stored_registrations()
    assert stored.mobile == MOBILE


async def test_a_number_that_a_spreadsheet_turned_into_scientific_notation_is_explained(uow, clock):
    report = await import_registrations(uow, clock, [row(2, id_number="1.10101E+17")])

    [error] = report.errors
    assert error.column == "id_number" and "spreadsheet" in error.problem.message


async def test_the_listing_tells_linked_registrations_apart(uow, clock, sender):
    await import_registrations(
        uow, clock, [row(2), row(3, registration_number="2022120100002", id_number="11010119800101103X")]
    )
    await link(uow, clock, sender, await user_id(uow, clock))

    listed = await list_registrations(uow, "tianjin")

    assert [(item.registration.registration_number, item.linked) for item in listed] == [
        (NUMBER, True),
        ("2022120100002", False),
    ]
    assert await list_registrations(uow, "beijing") == []


# ----- linking a chat (授权)


async def link(uow, clock, sender, chat_user: int) -> Linked | object:
    started = await start_link(uow, clock, sender, chat_user, NUMBER, ID_NUMBER)
    assert isinstance(started, LinkStarted), started
    return await confirm_link(uow, clock, chat_user, NUMBER, sender.last.code)


@pytest.fixture
async def imported(uow, clock) -> None:
    await import_registrations(uow, clock, [row(2)])


@pytest.mark.usefixtures("imported")
async def test_the_code_goes_to_the_mobile_on_record_which_is_shown_masked(uow, clock, sender):
    started = await start_link(uow, clock, sender, await user_id(uow, clock), NUMBER, "110101 19900307 1233")

    assert started == LinkStarted(NUMBER, "138****5678")
    assert sender.last.mobile == MOBILE and sender.last.purpose == SmsPurpose.LINK


@pytest.mark.usefixtures("imported")
@pytest.mark.parametrize(
    ("number", "id_number"),
    [("2022120100009", ID_NUMBER), (NUMBER, "11010119800101103X")],
    ids=["unknown number", "another person's ID number"],
)
async def test_no_match_does_not_say_which_of_the_two_is_wrong(uow, clock, sender, number, id_number):
    outcome = await start_link(uow, clock, sender, await user_id(uow, clock), number, id_number)

    assert outcome == NoMatch()
    assert sender.sent == []


@pytest.mark.usefixtures("imported")
async def test_a_malformed_id_number_is_refused_with_its_reason(uow, clock, sender):
    outcome = await start_link(uow, clock, sender, await user_id(uow, clock), NUMBER, "110101199003071230")

    assert isinstance(outcome, Problem) and "check character" in outcome.message


@pytest.mark.usefixtures("imported")
async def test_the_first_link_creates_the_account_named_by_the_registration_number(uow, clock, sender):
    applicant = await user_id(uow, clock)

    linked = await link(uow, clock, sender, applicant)

    assert isinstance(linked, Linked) and linked.first and linked.previous_holder is None
    [account] = uow.stored_accounts()
    assert (account.programme, account.username, account.user_id) == (NMEC, NUMBER, applicant)
    assert (account.real_name, account.id_number, account.mobile) == ("张三", ID_NUMBER, MOBILE)
    assert account.password_hash == ""
    assert [event.kind for event in uow.stored_events()] == [AccountEvent.CREATED]


@pytest.mark.usefixtures("imported")
async def test_a_chat_that_already_holds_the_registration_is_told_so_without_a_code(uow, clock, sender):
    applicant = await user_id(uow, clock)
    await link(uow, clock, sender, applicant)

    again = await start_link(uow, clock, sender, applicant, NUMBER, ID_NUMBER)

    assert again == AlreadyLinkedHere(NUMBER)
    assert len(sender.sent) == 1


@pytest.mark.usefixtures("imported")
async def test_another_chat_proving_the_mobile_takes_the_account_over_and_the_first_is_named(
    uow, clock, sender
):
    first = await user_id(uow, clock, "1001")
    second = await user_id(uow, clock, "2002")
    await link(uow, clock, sender, first)

    taken = await link(uow, clock, sender, second)

    assert isinstance(taken, Linked) and not taken.first
    assert taken.previous_holder is not None and taken.previous_holder.external_id == "1001"
    [account] = uow.stored_accounts()
    assert account.user_id == second
    events = uow.stored_events()
    assert [e.kind for e in events] == [AccountEvent.CREATED, AccountEvent.LOGGED_IN, AccountEvent.TAKEN_OVER]
    assert events[-1].detail == {"previous_user_id": str(first)}


@pytest.mark.usefixtures("imported")
async def test_five_wrong_codes_lock_the_step_even_for_the_right_code(uow, clock, sender):
    applicant = await user_id(uow, clock)
    await start_link(uow, clock, sender, applicant, NUMBER, ID_NUMBER)
    wrong = "000000" if sender.last.code != "000000" else "111111"

    outcomes = [await confirm_link(uow, clock, applicant, NUMBER, wrong) for _ in range(5)]
    right = await confirm_link(uow, clock, applicant, NUMBER, sender.last.code)
    resend = await start_link(uow, clock, sender, applicant, NUMBER, ID_NUMBER)

    assert [type(o) for o in outcomes] == [sms.WrongCode] * 4 + [sms.CodeLocked]
    assert isinstance(right, sms.CodeLocked) and isinstance(resend, sms.CodeLocked)
    assert uow.stored_accounts() == []
    clock.advance(sms.LOCK_DURATION + timedelta(seconds=1))
    assert isinstance(await link(uow, clock, sender, applicant), Linked)


@pytest.mark.usefixtures("imported")
async def test_a_code_for_another_registrations_mobile_links_nothing(uow, clock, sender):
    await import_registrations(
        uow,
        clock,
        [row(3, registration_number="2022120100002", id_number="11010119800101103X", mobile="13900001111")],
    )
    applicant = await user_id(uow, clock)
    await start_link(uow, clock, sender, applicant, "2022120100002", "11010119800101103X")

    outcome = await confirm_link(uow, clock, applicant, NUMBER, sender.last.code)

    assert outcome == NoMatch()
    assert uow.stored_accounts() == []
