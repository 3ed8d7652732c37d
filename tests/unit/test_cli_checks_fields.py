"""``baoming check email`` and ``baoming check postcode`` (issue 3), like the other operator checks."""

import pytest

from bot.cli import main


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_a_valid_email_address_is_confirmed_masked(capsys, lang):
    code, lines = check(capsys, "email", "Zhang.San@163.COM", "--programme", "degree-equiv", "--lang", lang)

    assert (code, lines) == (0, ["OK: Z***@163.com"])


def test_degree_equiv_refuses_a_yahoo_address_with_the_reason_and_a_domestic_example(capsys):
    code, lines = check(
        capsys, "email", "zhangsan@yahoo.com.cn", "--programme", "degree-equiv", "--lang", "en"
    )

    assert code == 1
    assert lines[0].startswith("Addresses at yahoo.com.cn are refused")
    assert "activation e-mail" in lines[0]
    assert lines[1] == "Example: zhangsan1990@163.com or zhangsan1990@qq.com"


def test_a_programme_without_refused_providers_accepts_hotmail(capsys):
    assert check(capsys, "email", "zhangsan@hotmail.com", "--programme", "gd-residency") == (
        0,
        ["OK: z***@hotmail.com"],
    )


def test_a_malformed_email_address_is_explained_with_an_example_and_not_repeated(capsys):
    code, lines = check(capsys, "email", "secretname@163", "--programme", "degree-equiv", "--lang", "en")

    assert code == 1
    assert lines[0].startswith("After the @ comes the domain")
    assert lines[1] == "Example: zhangsan1990@163.com"
    assert "secretname" not in "\n".join(lines)


def test_the_email_check_needs_a_programme(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "email", "zhangsan@163.com"])

    assert exit_.value.code == 2
    assert "--programme" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("typed", "shown"), [("100084", "100084"), ("１００ ０８４", "100084"), ("999077", "999077")]
)
def test_a_valid_postcode_is_confirmed(capsys, typed, shown):
    assert check(capsys, "postcode", typed, "--lang", "en") == (0, [f"OK: {shown}"])


def test_an_invalid_postcode_is_explained_in_english_with_an_example(capsys):
    assert check(capsys, "postcode", "10008", "--lang", "en") == (
        1,
        ["A postcode has exactly 6 digits.", "Example: 100084"],
    )


def test_six_zeros_are_explained_with_the_outside_mainland_postcode(capsys):
    code, lines = check(capsys, "postcode", "000000", "--lang", "en")

    assert code == 1
    assert "999077" in lines[0]


def test_chinese_is_the_default_language_of_a_postcode_check(capsys):
    code, lines = check(capsys, "postcode", "10008")

    assert code == 1
    assert lines[-1] == "例如：100084"


def test_a_photo_file_is_checked_by_the_rules_of_seed_003(capsys, tmp_path):
    from io import BytesIO

    from PIL import Image

    good, bad = tmp_path / "good.jpg", tmp_path / "renamed.jpg"
    buffer = BytesIO()
    Image.new("RGB", (390, 567), (60, 120, 200)).save(buffer, "JPEG", quality=90)
    good.write_bytes(buffer.getvalue())
    buffer = BytesIO()
    Image.new("RGBA", (480, 640)).save(buffer, "PNG")
    bad.write_bytes(buffer.getvalue())

    code, lines = check(capsys, "photo", str(good), "--lang", "en")
    assert code == 0 and lines[0].startswith("OK: 390×567 JPEG RGB")

    code, lines = check(capsys, "photo", str(bad), "--lang", "zh_Hans")
    assert code == 1
    assert any("修改文件后缀不会改变格式" in line for line in lines)  # a PNG renamed .jpg
    assert any("390×567" in line and "480×640" in line for line in lines)
    assert any("透明通道" in line for line in lines)

    code, lines = check(capsys, "photo", str(tmp_path / "missing.jpg"), "--lang", "en")
    assert code == 2 and lines[0].startswith("Cannot read")
