"""医师资格考试 registrations in the database and ``baoming registrations import|list``
(README, "医师资格考试: importing registrations and linking a chat")."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError

from bot.cli import main
from bot.db.migrate import alembic_config
from bot.db.uow import SqlUnitOfWork
from domain.exam_registrations import import_registrations, parse_row
from tests.fakes import FixedClock
from tests.unit.test_exam_registrations import NOW, row

ENGLISH_HEADER = "registration_number,name,id_number,mobile,exam_region,exam_site,category"
CHINESE_HEADER = "报名号,姓名,证件号码,手机号,考区,考点,报考类别"
GOOD_ROWS = [
    "2022120100001,张三,110101199003071233,13812345678,tianjin,天津市和平区考点,临床执业医师",
    "2022120100002,李四,11010119800101103X,13900001111,天津考区,天津市南开区考点,中医执业助理医师",
]


async def test_a_registration_number_is_stored_once(uow: SqlUnitOfWork) -> None:
    clock = FixedClock(NOW)
    await import_registrations(uow, clock, [row(2)])
    again = parse_row(row(3), clock.now())
    assert not isinstance(again, list)

    async with uow:
        with pytest.raises(IntegrityError):
            await uow.exam_registrations.add(again)


async def test_registrations_are_found_by_number_and_by_id_number(uow: SqlUnitOfWork) -> None:
    await import_registrations(uow, FixedClock(NOW), [row(2)])

    async with uow:
        found = await uow.exam_registrations.by_number("2022120100001")
        same_person = await uow.exam_registrations.with_id_number("110101199003071233")

    assert found is not None and found.imported_at == NOW and found.exam_region == "tianjin"
    assert [r.registration_number for r in same_person] == ["2022120100001"]


def test_the_exam_registrations_revision_renders_for_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(alembic_config("postgresql+asyncpg://bot@localhost/baoming"), "0002:0003", sql=True)

    sql = capsys.readouterr().out
    assert "CREATE TABLE exam_registrations" in sql
    assert "uq_exam_registrations_registration_number" in sql
    assert "ix_exam_registrations_id_number" in sql


# ----- the operator commands


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no .env of the working copy
    return path


def baoming(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def csv_file(folder: Path, lines: list[str], *, encoding: str = "utf-8", name: str = "r.csv") -> str:
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))  # Excel ends lines with CRLF
    return str(path)


def stored_numbers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT registration_number FROM exam_registrations ORDER BY 1")
        return [number for (number,) in rows]


def test_a_malformed_file_reports_every_bad_row_by_line_and_imports_nothing(database, tmp_path, capsys):
    path = csv_file(
        tmp_path,
        [
            ENGLISH_HEADER,
            GOOD_ROWS[0],
            "2022120100003,王五,110101199003071230,13700002222,tianjin,天津市河西区考点,临床执业医师",
            GOOD_ROWS[1],
            "2022120100004,赵六,110101198506070019,13600003333,atlantis,天津市河西区考点,临床执业医师",
            "2022120100001,张三,110101199003071233,13812345678,tianjin,天津市和平区考点,临床执业医师",
        ],
    )

    code, out, err = baoming(capsys, "registrations", "import", path)

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:3: id_number: The check character (the last one) does not match the other digits: "
        "one of the characters is probably mistyped.",
        f"{path}:5: exam_region: Unknown exam region atlantis; known: tianjin, hunan.",
        f"{path}:6: registration_number: The same registration number as on line 2.",
        "nothing imported: 3 errors",
    ]
    assert stored_numbers(database) == []


def test_a_utf8_file_with_a_byte_order_mark_imports_and_a_second_import_changes_nothing(
    database, tmp_path, capsys
):
    path = csv_file(tmp_path, [ENGLISH_HEADER, *GOOD_ROWS], encoding="utf-8-sig")

    first = baoming(capsys, "registrations", "import", path)
    second = baoming(capsys, "registrations", "import", path)

    assert first == (0, "imported 2, unchanged 0\n", "")
    assert second == (0, "imported 0, unchanged 2\n", "")
    assert stored_numbers(database) == ["2022120100001", "2022120100002"]


def test_a_gb18030_file_with_chinese_headers_in_another_order_imports(database, tmp_path, capsys):
    header = "考点,报名号,姓名,证件号码,手机号,考区,报考类别,序号"
    lines = [header, "天津市和平区考点,2022120100001,张三,110101199003071233,13812345678,天津,临床执业医师,1"]
    path = csv_file(tmp_path, lines, encoding="gb18030")

    assert baoming(capsys, "registrations", "import", path) == (0, "imported 1, unchanged 0\n", "")

    code, listing, _ = baoming(capsys, "registrations", "list", "--region", "tianjin")
    assert code == 0
    assert listing.split() == [
        "2022120100001",
        "张三",
        "1101**********1233",
        "138****5678",
        "tianjin",
        "(天津考区)",
        "天津市和平区考点",
        "临床执业医师",
        "not",
        "linked",
    ]


def test_errors_name_the_column_as_the_file_writes_it_and_never_show_an_id_number_or_mobile(
    database, tmp_path, capsys
):
    # The mobile and the ID number are swapped: each is refused, and neither is repeated.
    lines = [CHINESE_HEADER, "2022120100001,张三,13812345678,110101199003071233,tianjin,考点,类别"]
    path = csv_file(tmp_path, lines)

    code, _, err = baoming(capsys, "registrations", "import", path)

    assert code == 1
    assert f"{path}:2: 证件号码: " in err and f"{path}:2: 手机号: " in err
    assert "13812345678" not in err and "110101199003071233" not in err


def test_a_file_without_the_required_columns_is_refused_at_line_1(database, tmp_path, capsys):
    path = csv_file(tmp_path, ["报名号,姓名", "2022120100001,张三"])

    code, _, err = baoming(capsys, "registrations", "import", path)

    assert code == 1
    assert err.startswith(f"{path}:1: the header lacks the column(s) id_number (证件号码), mobile (手机号)")
    assert not database.exists()  # refused before the database is even opened


def test_a_row_with_too_few_fields_is_reported_with_its_line(database, tmp_path, capsys):
    path = csv_file(tmp_path, [ENGLISH_HEADER, GOOD_ROWS[0], "", "2022120100002,李四"])

    code, _, err = baoming(capsys, "registrations", "import", path)

    assert code == 1
    assert f"{path}:4: 2 fields, but the header has 7" in err


def test_a_missing_file_is_one_line_and_exit_1(database, tmp_path, capsys):
    code, out, err = baoming(capsys, "registrations", "import", str(tmp_path / "nope.csv"))

    assert (code, out) == (1, "")
    assert "nope.csv: cannot read the file" in err


def test_the_listing_of_an_empty_table_says_so(database, capsys):
    assert baoming(capsys, "registrations", "list") == (0, "no registrations\n", "")
