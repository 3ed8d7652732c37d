"""The profile export (domain/exports.py): one row per account, masked unless asked, stable bytes."""

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import exports
from domain.exports import Applicant, profile_table, to_csv
from domain.model import Account, AccountEvent, ProfileSection
from tests.fakes import FakeUnitOfWork, FixedClock

NOW = datetime(2027, 4, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GD = "gd-residency"
ZHANG_ID, LI_ID = "110101199003071233", "11010119800101103X"
ZHANG_MOBILE, LI_MOBILE = "13812345678", "13900001111"

# What must never appear unmasked: an 18-character ID number, an 11-digit mobile, an e-mail address
# whose mailbox name is kept (masked ones read z***@example.com), a landline's full number.
FULL_ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.")
FULL_LANDLINE = re.compile(r"020-?87654321")

EDUCATION = [
    {"level": "bachelor", "school": "中山大学", "major": "临床医学", "first": "yes"},
    {"level": "master", "school": "暨南大学", "major": "内科学", "highest": "yes"},
]


def account(
    username: str,
    id_number: str,
    mobile: str,
    created: datetime,
    *,
    id: int,
    email: str | None = None,
    activated_at: datetime | None = None,
) -> Account:
    return Account(
        GD,
        username,
        "hash",
        "张三",
        id_number,
        mobile,
        created,
        activated_at=activated_at,
        email=email,
        id=id,
    )


def zhang() -> Applicant:
    stored = account("zhangsan", ZHANG_ID, ZHANG_MOBILE, NOW, id=1)
    return Applicant(
        stored,
        [
            ProfileSection(1, "basic", {"sex": "1", "birth_date": "19900307"}, NOW),
            ProfileSection(
                1,
                "contact",
                {
                    "mobile": ZHANG_MOBILE,
                    "email": "zhang.san@example.com",
                    "address": f"广州市天河区 (call {ZHANG_MOBILE}, ID {ZHANG_ID})",
                    "emergency_name": "李四",
                    "emergency_phone": "020-87654321",
                },
                NOW,
            ),
            ProfileSection(1, "education", {"records": EDUCATION}, NOW),
        ],
    )


def li() -> Applicant:
    # Registered later, saved only 基本信息: the other modules' cells stay empty.
    stored = account("lisi", LI_ID, LI_MOBILE, NOW + timedelta(hours=1), id=2, email="li@example.com")
    return Applicant(stored, [ProfileSection(2, "basic", {"sex": "2"}, NOW)])


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_columns_are_the_accounts_then_every_saved_answer_by_section_and_field():
    table = profile_table([li(), zhang()], masked=True)

    assert table.header == (
        "username",
        "real_name",
        "id_number",
        "mobile",
        "email",
        "created_at",
        "activated_at",
        "basic.birth_date",
        "basic.sex",
        "contact.address",
        "contact.email",
        "contact.emergency_name",
        "contact.emergency_phone",
        "contact.mobile",
        "education.records",
    )
    assert [row[0] for row in table.rows] == ["zhangsan", "lisi"]  # by registration, oldest first


def test_by_default_no_full_id_number_mobile_email_or_phone_is_anywhere_in_the_file():
    text = to_csv(profile_table([zhang(), li()], masked=True)).decode("utf-8-sig")

    for pattern in (FULL_ID_NUMBER, FULL_MOBILE, FULL_EMAIL, FULL_LANDLINE):
        assert not pattern.search(text), pattern.pattern
    first = rows(to_csv(profile_table([zhang(), li()], masked=True)))[0]
    assert first["id_number"] == "1101**********1233"
    assert first["mobile"] == first["contact.mobile"] == "138****5678"
    assert first["contact.email"] == "z***@example.com"
    assert first["contact.emergency_phone"] == "020******21"
    assert first["contact.address"] == "广州市天河区 (call 138****5678, ID 1101**********1233)"
    assert first["real_name"] == "张三" and first["contact.emergency_name"] == "李四"


def test_unmasked_shows_every_value_whole():
    [first, second] = rows(to_csv(profile_table([zhang(), li()], masked=False)))

    assert (first["id_number"], first["mobile"]) == (ZHANG_ID, ZHANG_MOBILE)
    assert first["contact.email"] == "zhang.san@example.com"
    assert first["contact.emergency_phone"] == "020-87654321"
    assert (second["id_number"], second["email"]) == (LI_ID, "li@example.com")


def test_the_cells_of_modules_never_saved_are_empty():
    [_, second] = rows(to_csv(profile_table([zhang(), li()], masked=True)))

    assert second["basic.sex"] == "2"
    assert second["basic.birth_date"] == ""
    assert all(second[column] == "" for column in second if column.startswith(("contact.", "education.")))


def test_a_list_of_records_is_one_readable_json_array():
    [first, _] = rows(to_csv(profile_table([zhang(), li()], masked=False)))

    assert json.loads(first["education.records"]) == EDUCATION
    assert "中山大学" in first["education.records"]  # not \\u escapes


def test_personal_data_inside_records_is_masked_too():
    work: dict[str, object] = {
        "records": [{"employer": "广州市第一人民医院", "phone": "020-87654321", "note": ZHANG_MOBILE}]
    }
    applicant = Applicant(
        account("wangwu", ZHANG_ID, ZHANG_MOBILE, NOW, id=3), [ProfileSection(3, "work", work, NOW)]
    )

    cell = rows(to_csv(profile_table([applicant], masked=True)))[0]["work.records"]

    assert json.loads(cell) == [
        {"employer": "广州市第一人民医院", "phone": "020******21", "note": "138****5678"}
    ]


def test_the_same_data_gives_the_same_bytes_whatever_the_order_it_was_read_in():
    shuffled = zhang()
    shuffled = Applicant(shuffled.account, list(reversed(shuffled.sections)))

    first = to_csv(profile_table([zhang(), li()], masked=True))
    second = to_csv(profile_table([li(), shuffled], masked=True))

    assert first == second
    assert first.count(b"\r\n") == 3  # header and two rows, CRLF as Excel writes


def test_times_are_in_beijing_with_their_offset_and_an_account_never_activated_has_none():
    activated = account("zhaoliu", LI_ID, LI_MOBILE, NOW, id=4, activated_at=NOW + timedelta(minutes=5))

    [row] = rows(to_csv(profile_table([Applicant(activated, [])], masked=True)))

    assert (row["created_at"], row["activated_at"]) == (
        "2027-04-16T09:00:00+08:00",
        "2027-04-16T09:05:00+08:00",
    )
    assert rows(to_csv(profile_table([li()], masked=True)))[0]["activated_at"] == ""


def test_an_answer_that_excel_would_run_as_a_formula_is_written_as_text():
    formula = Applicant(
        account("qianqi", ZHANG_ID, ZHANG_MOBILE, NOW, id=5),
        [ProfileSection(5, "contact", {"address": '=HYPERLINK("http://evil")', "postcode": "-1"}, NOW)],
    )

    [row] = rows(to_csv(profile_table([formula], masked=True)))

    assert row["contact.address"] == '\'=HYPERLINK("http://evil")'
    assert row["contact.postcode"] == "'-1"


# ----- the use case


async def stored(uow: FakeUnitOfWork) -> None:
    async with uow:
        for applicant in (zhang(), li()):
            applicant.account.id = None
            saved = await uow.accounts.add(applicant.account)
            for section in applicant.sections:
                section.account_id = saved.id or 0
                await uow.profile_sections.add(section)
        other = Account("tj-upgrade", "other", "hash", "王五", ZHANG_ID, ZHANG_MOBILE, NOW)
        await uow.accounts.add(other)
        await uow.commit()


async def test_a_masked_export_holds_the_programmes_accounts_only_and_records_nothing():
    uow = FakeUnitOfWork()
    await stored(uow)

    table = await exports.export_profiles(uow, FixedClock(NOW), GD, unmasked=False, operator="alice")

    assert [row[0] for row in table.rows] == ["zhangsan", "lisi"]
    assert table.rows[0][2] == "1101**********1233"
    assert uow.stored_events() == []


async def test_an_unmasked_export_is_recorded_on_every_account_it_holds_with_the_operator():
    uow = FakeUnitOfWork()
    await stored(uow)

    table = await exports.export_profiles(uow, FixedClock(NOW), GD, unmasked=True, operator="alice")

    assert table.rows[0][2] == ZHANG_ID
    events = uow.stored_events()
    gd_ids = {a.id or 0 for a in uow.stored_accounts() if a.programme == GD}
    assert sorted(e.account_id for e in events) == sorted(gd_ids)
    assert {(e.kind, e.at, tuple(e.detail.items())) for e in events} == {
        (AccountEvent.EXPORTED_UNMASKED, NOW, (("operator", "alice"),))
    }


async def test_an_export_of_a_programme_without_accounts_is_the_header_alone():
    uow = FakeUnitOfWork()

    table = await exports.export_profiles(uow, FixedClock(NOW), GD, unmasked=True, operator="alice")

    assert (table.header, table.rows) == (exports.ACCOUNT_COLUMNS, ())
    assert uow.stored_events() == []
