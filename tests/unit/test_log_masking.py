"""The log's last line of defence: no full ID number, mobile or e-mail reaches a log file (PIPL)."""

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import PersonalDataFilter, mask_personal_data

ID_NUMBER = "110101199003071233"
ID_NUMBER_WITH_X = "44010619950520003x"
MOBILE = "13812345678"
EMAIL = "zhang.san@example.com"


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the filter, as setup_logging wires the root handler."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("tests.log_masking")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    yield logger, output
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"registered {ID_NUMBER}", "registered 1101**********1233"),
        (f"registered {ID_NUMBER_WITH_X}", "registered 4401**********003x"),
        (f"registered {ID_NUMBER_WITH_X.upper()}", "registered 4401**********003X"),
        (f"code sent to {MOBILE}", "code sent to 138****5678"),
        (f"mail {EMAIL} bounced", "mail z***@example.com bounced"),
        (f"id={ID_NUMBER},mobile={MOBILE}", "id=1101**********1233,mobile=138****5678"),
        (f"[{ID_NUMBER}, '{MOBILE}']", "[1101**********1233, '138****5678']"),
    ],
)
def test_personal_data_in_a_text_is_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Update id=483920174 is handled. Duration 12 ms by bot id=7123456789",
        "SELECT accounts.id FROM accounts WHERE accounts.programme = ?",
        "迁移完成：0001_initial",
        "",
    ],
)
def test_a_text_without_personal_data_is_left_unchanged(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(
    "digits",
    [
        "138123456789",  # 12 digits: no mobile number
        "1713250800000",  # a timestamp in milliseconds
        "213812345678",  # a mobile's digits preceded by another digit
        "1101011990030712345",  # 19 digits: no ID number
        "62284801234567890123",  # a bank card number
    ],
)
def test_a_longer_run_of_digits_is_not_taken_for_a_mobile_or_id_number(digits):
    assert mask_personal_data(f"ref {digits} ok") == f"ref {digits} ok"


def test_an_id_number_that_starts_like_a_mobile_is_masked_as_an_id_number():
    assert mask_personal_data("13812345678901234X") == "1381**********234X"


@pytest.mark.parametrize("written", ["+8613812345678", "008613812345678", "138 1234 5678"])
def test_a_mobile_written_with_its_country_code_or_in_groups_is_masked(written):
    assert "1234" not in mask_personal_data(f"from {written}")


def test_personal_data_in_the_message_of_a_record_is_masked(log):
    logger, output = log

    logger.info(f"registered {ID_NUMBER} with {MOBILE}")

    assert output.getvalue() == "INFO registered 1101**********1233 with 138****5678\n"


def test_personal_data_in_the_arguments_of_a_record_is_masked(log):
    logger, output = log

    logger.warning("SMS code for %s (%s): %s", MOBILE, EMAIL, "123456")

    assert output.getvalue() == "WARNING SMS code for 138****5678 (z***@example.com): 123456\n"


def test_personal_data_in_the_exception_of_a_record_is_masked(log):
    logger, output = log

    try:
        raise ValueError(f"UNIQUE constraint failed: id_number={ID_NUMBER} mobile={MOBILE}")
    except ValueError:
        logger.exception("insert failed for %s", ID_NUMBER)

    written = output.getvalue()
    assert ID_NUMBER not in written and MOBILE not in written
    assert written.startswith("ERROR insert failed for 1101**********1233\nTraceback")
    assert "ValueError: UNIQUE constraint failed: id_number=1101**********1233 mobile=138****5678" in written


def test_the_traceback_of_a_record_without_personal_data_is_kept(log):
    logger, output = log

    try:
        raise KeyError("state")
    except KeyError:
        logger.exception("handler failed")

    written = output.getvalue()
    assert written.startswith("ERROR handler failed\nTraceback")
    assert "KeyError: 'state'" in written


def test_a_record_without_personal_data_keeps_its_message_and_arguments():
    record = logging.LogRecord("aiogram", logging.INFO, __file__, 1, "Update id=%d is handled", (42,), None)

    assert PersonalDataFilter().filter(record) is True
    assert (record.msg, record.args) == ("Update id=%d is handled", (42,))


def test_the_filter_never_drops_a_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mobile %s", (MOBILE,), None)

    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "mobile 138****5678"
