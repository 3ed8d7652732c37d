"""``baoming records import|list`` and ``baoming payments list`` (天津高职升本): a bad file changes nothing
and names every problem as FILE:LINE: column: reason; no full ID number is ever printed."""

from pathlib import Path

import pytest

from domain import outbox
from domain.accounts import identify
from domain.model import Channel, Order, OutboxMessage
from domain.payments import open_order, payload_of, record_payment
from domain.ports import UnitOfWork
from domain.programmes import Fee
from tests.fakes import FixedClock
from tests.unit.test_cli_catalog import baoming, database, on, write
from tests.unit.test_tj_verification import NOW, ZHANG_SAN, tj_account

__all__ = ["database"]  # the fixture, used by name

SAMPLE = Path(__file__).parents[1] / "conversations" / "files" / "tj_records_2023.csv"
HEADER = "证件号码,姓名,类别,院校,专业,毕业年月\n"


def test_the_sample_file_is_imported_and_counted(database, capsys):
    code, out, err = baoming(capsys, "records", "import", str(SAMPLE))

    assert (code, out, err) == (0, "imported 5, replaced 0\n", "")

    code, out, _ = baoming(capsys, "records", "list")
    assert (code, out) == (0, "学籍 (student): 3, 学历 (diploma): 2\n")


def test_importing_again_replaces_the_same_records(database, capsys):
    baoming(capsys, "records", "import", str(SAMPLE))

    code, out, _ = baoming(capsys, "records", "import", str(SAMPLE))

    assert (code, out) == (0, "imported 0, replaced 5\n")
    assert baoming(capsys, "records", "list")[1] == "学籍 (student): 3, 学历 (diploma): 2\n"


def test_the_full_list_masks_id_numbers_and_names(database, capsys):
    baoming(capsys, "records", "import", str(SAMPLE))

    code, out, _ = baoming(capsys, "records", "list", "--all")

    assert code == 0
    assert "1101**********1233  张*  学历 (diploma)  天津职业大学  计算机应用技术  201207  imported " in out
    assert ZHANG_SAN not in out and "张三" not in out
    assert len(out.splitlines()) == 6


def test_a_bad_file_imports_nothing_and_names_the_lines(database, tmp_path, capsys):
    baoming(capsys, "records", "import", str(SAMPLE))
    bad = write(
        tmp_path,
        "bad.csv",
        HEADER
        + "110101199003071233,张三,学历,天津职业大学,计算机应用技术,201307\n"  # valid: replaces nothing yet
        + "110101199003071230,李四,学籍,天津职业大学,护理,202307\n"  # bad checksum
        + ",王五,学位,天津职业大学,护理,2023-13\n",
    )

    code, out, err = baoming(capsys, "records", "import", bad)

    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(f"{bad}:3: 证件号码: ")
    assert lines[1].startswith(f"{bad}:4: 证件号码: ")
    assert lines[2].startswith(f"{bad}:4: 类别: Write 学籍 (student status) or 学历 (diploma), not 学位")
    assert lines[3].startswith(f"{bad}:4: 毕业年月: ")
    assert lines[-1] == "nothing imported: 4 errors"
    assert "110101199003071230" not in err
    code, out, _ = baoming(capsys, "records", "list", "--all")
    assert "201207" in out and "201307" not in out  # the valid line was not imported either


def test_comment_lines_keep_the_files_line_numbers(database, tmp_path, capsys):
    bad = write(tmp_path, "bad.csv", "# made up\n# two comment lines\n" + HEADER + "x,王五,学籍,A,B,202307\n")

    code, _, err = baoming(capsys, "records", "import", bad)

    assert code == 1 and err.startswith(f"{bad}:4: 证件号码: ")


def test_a_file_lacking_columns_is_refused(database, tmp_path, capsys):
    bad = write(tmp_path, "bad.csv", "# sample\n证件号码,姓名\n110101199003071233,张三\n")

    code, _, err = baoming(capsys, "records", "import", bad)

    assert code == 1
    assert err.splitlines()[0] == (
        f"{bad}:2: the header lacks the column(s) "
        "kind (类别), school (院校), major (专业), graduation (毕业年月)"
    )


def test_a_missing_file_is_said(database, tmp_path, capsys):
    code, _, err = baoming(capsys, "records", "import", str(tmp_path / "none.csv"))

    assert code == 1 and "cannot read the file" in err


def test_the_payments_list_shows_orders_and_duplicates_masked(database, capsys):
    async def work(uow: UnitOfWork) -> None:
        account = await tj_account(uow, "张三", ZHANG_SAN)
        order = await open_order(uow, account, "tj-upgrade", 2023, Fee(4000, "CNY"), NOW)
        assert isinstance(order, Order)
        await record_payment(uow, payload_of(order), "CNY", 4000, "charge-1", "provider-1", NOW)
        await record_payment(uow, payload_of(order), "CNY", 4000, "charge-2", "provider-2", NOW)

    on(work)

    code, out, _ = baoming(capsys, "payments", "list")

    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(
        "order 1  tj-upgrade 2023  张*  1101**********1233  40.00 CNY  paid 2022-11-21 10:00"
    )
    assert lines[0].endswith("charge charge-1")
    assert lines[1] == "duplicate charges to refund by hand: 1"
    assert lines[2].startswith("  charge charge-2  provider provider-2  40.00 CNY  received 2022-11-21 10:00")
    assert ZHANG_SAN not in out


def test_no_payments_yet(database, capsys):
    code, out, _ = baoming(capsys, "payments", "list")

    assert (code, out) == (0, "no orders\nduplicate charges to refund by hand: 0\n")


@pytest.mark.parametrize("argv", [["records"], ["payments"]])
def test_the_commands_need_an_action(capsys, argv):
    with pytest.raises(SystemExit):
        baoming(capsys, *argv)


def test_notify_status_counts_the_outbox_per_kind_and_state(database, capsys):
    assert baoming(capsys, "notify", "status")[1] == "no messages\n"

    async def work(uow: UnitOfWork) -> None:
        user = await identify(uow, FixedClock(NOW), Channel.TELEGRAM, "1001")
        async with uow:
            for number, kind in enumerate(("offer-closes", "offer-closes", "payment-closes")):
                message = OutboxMessage(user.id or 0, kind, f"{kind}:{number}", "text", NOW, NOW)
                assert await outbox.enqueue(uow, message)
            await outbox.cancel(uow, keys=["offer-closes:1"])
            await uow.commit()

    on(work)
    code, out, _ = baoming(capsys, "notify", "status")

    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["kind", "queued", "sending", "sent", "failed", "cancelled", "blocked"]
    assert [row.split() for row in rows] == [
        ["offer-closes", "1", "0", "0", "0", "1", "0"],
        ["payment-closes", "1", "0", "0", "0", "0", "0"],
    ]
