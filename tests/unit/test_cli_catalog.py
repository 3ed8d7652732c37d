"""``baoming catalog import|list`` and ``baoming offers import|list`` (广东住培): a bad file changes
nothing and names every problem as FILE: key: reason or FILE:LINE: column: reason."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import pytest

from bot.cli import main
from bot.operator import on_database
from domain.gd_applications import ApplicationView
from domain.model import Account
from domain.ports import UnitOfWork
from tests.fakes import FixedClock
from tests.unit.test_gd_applications import applicant, beijing, submitted
from tests.unit.test_gd_catalog import SAMPLE_FILE

T = TypeVar("T")
DECIDING = beijing(5, 20, 10)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no .env of the working copy
    return path


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The CLI's clock stands at ``moment`` (the 2021 windows are long past)."""
    monkeypatch.setattr("bot.cli.SystemClock", lambda: FixedClock(moment))


def baoming(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def on(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    return on_database(work)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# ----- catalog


def test_the_sample_catalog_is_imported_and_listed(database, capsys):
    code, out, err = baoming(capsys, "catalog", "import", str(SAMPLE_FILE))

    assert (code, err) == (0, "")
    assert out == "imported the 2021 catalog: 3 batches, 8 specialties, 5 bases, 25 offerings\n"

    code, out, _ = baoming(capsys, "catalog", "list", "--year", "2021")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("2021: 3 batches, 8 specialties, 5 bases, 25 offerings; imported ")
    assert "  1  2021-04-15 – 2021-04-22; 2021-04-15 – 2021-05-31; 2021-05-24 – 2021-05-31" in lines
    assert "  0100  内科  bases: B01, B02, B03, B04, B05" in lines
    assert "  2800  口腔全科  bases: B03, B05" in lines
    assert "  B04  深圳市人民医院  深圳  0100×20, 0700×15, 1600×8, 1900×8" in lines

    code, out, _ = baoming(capsys, "catalog", "list")
    assert code == 0 and out.startswith("2021: 3 batches, 8 specialties")


def test_importing_the_same_year_again_says_it_replaced_it(database, capsys):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))

    code, out, _ = baoming(capsys, "catalog", "import", str(SAMPLE_FILE))

    assert code == 0 and out.startswith("replaced the 2021 catalog")


def test_a_bad_catalog_names_every_problem_and_imports_nothing(database, tmp_path, capsys):
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    text = text.replace('name = "内科"', 'name = ""', 1).replace('"1900" = 8 }', '"1900" = 8, "2100" = 3 }')
    text = text.replace('application = "2021-06-01..2021-06-07"', 'application = "2021-06-01..2021-06-31"')
    bad = write(tmp_path, "bad.toml", text)

    code, out, err = baoming(capsys, "catalog", "import", bad)

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{bad}: batches[2].application: bad window '2021-06-01..2021-06-31': day is out of range for month",
        f"{bad}: specialties[1].name: must be a non-empty string",
        f"{bad}: bases[4].quotas: a quota for 2100, which this base's specialties do not list",
        "nothing imported: 3 errors",
    ]
    assert baoming(capsys, "catalog", "list")[1] == "no catalog imported\n"


def test_a_catalog_that_is_not_toml_is_refused(database, tmp_path, capsys):
    bad = write(tmp_path, "bad.toml", "year = \n")

    code, _, err = baoming(capsys, "catalog", "import", bad)

    assert code == 1 and err.startswith(f"{bad}: TOML: not valid TOML:")


def test_a_missing_catalog_file_is_said(database, capsys):
    code, _, err = baoming(capsys, "catalog", "import", "nowhere.toml")

    assert code == 1 and err.startswith("nowhere.toml: cannot read the file:")


def test_a_year_without_a_catalog_is_said(database, capsys):
    code, _, err = baoming(capsys, "catalog", "list", "--year", "2022")

    assert (code, err) == (1, "no catalog of 2022\n")


def test_a_re_import_dropping_a_submitted_choice_is_refused_naming_it(database, tmp_path, capsys):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    view = on(lambda uow: _submitted(uow, bases=("B05",), specialty="2800"))
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    smaller = write(tmp_path, "smaller.toml", text[: text.index('[[bases]]\nid = "B05"')])

    code, _, err = baoming(capsys, "catalog", "import", smaller)

    assert code == 1
    assert err.splitlines() == [
        f"{smaller}: year: the 2021 catalog was not replaced: applications were made in what "
        "this file drops:",
        f"  training base B05 for specialty 2800: applications {view.id}",
    ]


def test_a_deadline_extended_by_a_re_import_is_said_and_listed(database, tmp_path, capsys):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    extended = write(
        tmp_path, "extended.toml", text.replace('"2021-04-15..2021-04-22"', '"2021-04-15..2021-04-25"')
    )

    code, out, _ = baoming(capsys, "catalog", "import", extended)

    assert code == 0
    assert out.splitlines()[1:] == [
        "batch 1: its windows changed",
        "0 queued reminders for the old windows cancelled; the housekeeper plans them for the new "
        "windows on its next run",
    ]
    listed = baoming(capsys, "catalog", "list", "--year", "2021")[1]
    assert "  1  2021-04-15 – 2021-04-25; 2021-04-15 – 2021-05-31; 2021-05-24 – 2021-05-31" in listed


def test_a_re_import_dropping_a_batch_with_an_application_is_refused_naming_it(database, tmp_path, capsys):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    view = on(lambda uow: _submitted(uow, batch=3, now=beijing(7, 20)))
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    third = text[text.index("[[batches]]\nnumber = 3") : text.index("[[specialties]]")]
    fewer = write(tmp_path, "fewer.toml", text.replace(third, ""))

    code, _, err = baoming(capsys, "catalog", "import", fewer)

    assert code == 1
    assert err.splitlines()[1:] == [f"  batch 3: applications {view.id}"]
    listed = baoming(capsys, "catalog", "list", "--year", "2021")[1]
    assert "  3  2021-07-16 – 2021-07-23" in listed  # unchanged


# ----- offers


async def _submitted(uow: UnitOfWork, **choices: object) -> ApplicationView:
    account = await applicant(uow)
    return await submitted(uow, account, **choices)  # type: ignore[arg-type]


async def _two_applicants(uow: UnitOfWork) -> tuple[Account, ApplicationView, Account, ApplicationView]:
    first = await applicant(uow)
    one = await submitted(uow, first, bases=("B01", "B02"))
    second = await applicant(uow)
    two = await submitted(uow, second, bases=("B03", "B01"))
    return first, one, second, two


def test_a_bases_decisions_are_imported_and_listed(database, tmp_path, capsys, monkeypatch):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    first, one, _, two = on(_two_applicants)
    decisions = write(
        tmp_path,
        "b01.csv",
        f"身份证号,报名号,结果\r\n{first.id_number},,录取\r\n,{two.id},不录取\r\n",
        encoding="gb18030",
    )
    at(monkeypatch, DECIDING)

    code, out, err = baoming(capsys, "offers", "import", decisions, "--base", "B01")

    assert (code, out, err) == (0, "recorded 2, unchanged 0 (training base B01)\n", "")
    assert baoming(capsys, "offers", "import", decisions, "--base", "B01")[1] == (
        "recorded 0, unchanged 2 (training base B01)\n"
    )
    code, out, _ = baoming(capsys, "offers", "list", "--base", "B01")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith(f"2021 batch 1  报名号 {one.id}  {first.real_name}  {first.id_number[:4]}**")
    assert lines[0].endswith("0100 内科  choice 1  录取 (admitted)  admission open")
    assert lines[1].endswith("choice 2  不录取 (not_admitted)  admission open")
    assert first.id_number not in out


def test_a_decisions_file_with_errors_records_nothing_and_names_the_lines(
    database, tmp_path, capsys, monkeypatch
):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    first, _, _, two = on(_two_applicants)
    decisions = write(
        tmp_path,
        "b01.csv",
        f"报名号,身份证号,结果\n,{first.id_number},录取\n{two.id},,待定\n999,,录取\n",
    )
    at(monkeypatch, DECIDING)

    code, out, err = baoming(capsys, "offers", "import", decisions, "--base", "B01")

    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{decisions}:3: 结果: Write 录取 (admitted) or 不录取 (not admitted), not 待定.",
        f"{decisions}:4: 报名号: No submitted application 999 chose the training base B01.",
        "nothing recorded: 2 errors",
    ]
    listed = baoming(capsys, "offers", "list", "--base", "B01")[1]
    assert "录取 (admitted)" not in listed and listed.count("待录取 (pending)") == 2


def test_decisions_outside_the_admission_window_are_refused_line_by_line(
    database, tmp_path, capsys, monkeypatch
):
    baoming(capsys, "catalog", "import", str(SAMPLE_FILE))
    _, one, _, _ = on(_two_applicants)
    decisions = write(tmp_path, "late.csv", f"application_id,result\n{one.id},录取\n")
    at(monkeypatch, beijing(6, 1))

    code, _, err = baoming(capsys, "offers", "import", decisions, "--base", "B01")

    assert code == 1
    assert err.splitlines() == [
        f"{decisions}:2: application_id: Batch 1: the admission window ran 2021-04-15 – 2021-05-31 (Beijing "
        "time) and has closed; decisions can no longer be recorded.",
        "nothing recorded: 1 error",
    ]


def test_a_decisions_file_without_the_needed_columns_is_refused(database, tmp_path, capsys):
    decisions = write(tmp_path, "cols.csv", "姓名,备注\n张三,好\n")

    code, _, err = baoming(capsys, "offers", "import", decisions, "--base", "B01")

    assert code == 1
    assert err.splitlines() == [
        f"{decisions}:1: the header lacks the column result (结果)",
        f"{decisions}:1: the header lacks a column naming the applicant: id_number (身份证号) or "
        "application_id (报名号)",
        "nothing recorded: 2 errors",
    ]


def test_a_decisions_line_with_too_many_fields_is_named(database, tmp_path, capsys):
    decisions = write(tmp_path, "fields.csv", "报名号,结果\n1,录取\n2,录取,多余\n")

    code, _, err = baoming(capsys, "offers", "import", decisions, "--base", "B01")

    assert code == 1 and err.splitlines()[0] == f"{decisions}:3: 3 fields, but the header has 2"


def test_a_base_nobody_chose_lists_nobody(database, capsys):
    code, out, _ = baoming(capsys, "offers", "list", "--base", "B09", "--year", "2021")

    assert (code, out) == (0, "no applicant chose the training base B09 in 2021\n")
