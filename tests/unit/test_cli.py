"""``baoming check``: the help line's operator checks (README, "Operator checks").

Exit 0 with an ``OK`` line that shows the value masked, or exit 1 with the reason in the chosen
language and an example. The reasons come from the compiled catalogs, which ``make test`` builds
before running pytest.
"""

from datetime import date

import pytest

from bot.cli import main
from domain.identity import make_resident_id

ID_NUMBER = "110101199003071233"
FEMALE_ID_NUMBER = make_resident_id("440106", date(1995, 5, 20), 122)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("lang", "sex"), [("zh_Hans", "男"), ("zh_Hant", "男"), ("en", "male")], ids=["zh_Hans", "zh_Hant", "en"]
)
def test_a_valid_id_number_is_confirmed_masked_with_birth_date_and_sex(capsys, lang, sex):
    code, lines = check(capsys, "id-number", ID_NUMBER, "--lang", lang)

    assert (code, lines) == (0, [f"OK: 1101**********1233, 1990-03-07, {sex}"])


def test_the_sex_of_an_even_sequence_number_is_female(capsys):
    code, lines = check(capsys, "id-number", FEMALE_ID_NUMBER)

    assert (code, lines) == (0, ["OK: 4401**********122" + FEMALE_ID_NUMBER[-1] + ", 1995-05-20, 女"])


def test_chinese_is_the_default_language(capsys):
    assert check(capsys, "id-number", ID_NUMBER) == (0, ["OK: 1101**********1233, 1990-03-07, 男"])


def test_an_id_number_with_a_wrong_check_character_is_explained_in_chinese_with_an_example(capsys):
    code, lines = check(capsys, "id-number", "110101199003071234", "--lang", "zh_Hans")

    assert code == 1
    assert "校验码" in lines[0]
    assert lines[1:] == ["例如：110101199003071233"]


def test_an_id_number_with_a_wrong_check_character_is_explained_in_english_with_an_example(capsys):
    code, lines = check(capsys, "id-number", "110101199003071234", "--lang", "en")

    assert code == 1
    assert lines[0].startswith("The check character (the last one) does not match")
    assert lines[1:] == ["Example: 110101199003071233"]


def test_a_refused_id_number_is_not_repeated_in_the_answer(capsys):
    _, lines = check(capsys, "id-number", "110101199003071234")

    assert "110101199003071234" not in "\n".join(lines)


def test_a_fifteen_digit_id_number_is_explained_as_the_old_format(capsys):
    code, lines = check(capsys, "id-number", "110101900307123", "--lang", "en")

    assert code == 1
    assert lines[0].startswith("15-digit ID numbers are the old format")


@pytest.mark.parametrize("typed", ["13812345678", "+86 138-1234-5678"])
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_valid_mobile_is_confirmed_masked(capsys, typed, lang):
    assert check(capsys, "mobile", typed, "--lang", lang) == (0, ["OK: 138****5678"])


def test_an_invalid_mobile_is_explained_in_chinese_with_an_example(capsys):
    code, lines = check(capsys, "mobile", "12812345678", "--lang", "zh_Hans")

    assert code == 1
    assert "手机号" in lines[0]
    assert lines[1:] == ["例如：13812345678"]


def test_an_invalid_mobile_is_explained_in_english_with_an_example(capsys):
    code, lines = check(capsys, "mobile", "12812345678", "--lang", "en")

    assert (code, lines) == (
        1,
        ["A mainland mobile number has 11 digits and starts with 13 to 19.", "Example: 13812345678"],
    )


@pytest.mark.parametrize(
    ("typed", "masked"), [("010-62961234", "010******34"), ("13812345678", "138****5678")]
)
def test_a_valid_landline_or_mobile_is_confirmed_masked(capsys, typed, masked):
    assert check(capsys, "phone", typed, "--lang", "en") == (0, [f"OK: {masked}"])


def test_an_invalid_phone_number_is_explained_in_chinese_with_an_example(capsys):
    code, lines = check(capsys, "phone", "12345", "--lang", "zh_Hans")

    assert code == 1
    assert "区号" in lines[0]
    assert lines[1:] == ["例如：01062961234 或 13812345678"]


def test_an_invalid_phone_number_is_explained_in_english_with_an_example(capsys):
    code, lines = check(capsys, "phone", "12345", "--lang", "en")

    assert code == 1
    assert lines[0].startswith("Enter a landline number with its area code")
    assert lines[1:] == ["Example: 01062961234 or 13812345678"]


def test_a_valid_password_is_confirmed_without_showing_it(capsys):
    code, lines = check(capsys, "password", "abc12345", "--programme", "gd-residency", "--lang", "en")

    assert (code, lines) == (0, ["OK: a valid password"])


def test_a_valid_password_is_confirmed_in_chinese(capsys):
    code, lines = check(capsys, "password", "abc12345", "--programme", "gd-residency", "--lang", "zh_Hans")

    assert code == 0
    assert lines != ["OK: a valid password"]


def test_every_rule_a_password_breaks_is_explained_in_chinese(capsys):
    code, lines = check(capsys, "password", "abc", "--programme", "gd-residency", "--lang", "zh_Hans")

    assert (code, lines) == (1, ["密码过短，请使用8至32位字符。", "密码须至少包含一个数字。"])


def test_every_rule_a_password_breaks_is_explained_in_english(capsys):
    code, lines = check(capsys, "password", "abc", "--programme", "gd-residency", "--lang", "en")

    assert (code, lines) == (
        1,
        ["The password is too short: use 8 to 32 characters.", "The password needs at least one digit."],
    )


def test_a_refused_password_is_not_repeated_in_the_answer(capsys):
    _, lines = check(capsys, "password", "secretpass", "--programme", "gd-residency")

    assert lines and "secretpass" not in "\n".join(lines)
