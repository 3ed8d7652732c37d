"""The 天津高职升本 报名表 (seed 002 §2.12): its data (domain/registration_form.py) and its PDF
(bot/registration_form.py), read back with pypdf as an applicant's viewer would."""

import io
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

import bot.registration_form as pdf_module
from bot.cli import main
from bot.registration_form import FontMissing, RenderedForm, font_path, render, sample_form
from domain.clock import BEIJING
from domain.registration_form import (
    FormChoice,
    FormField,
    RegistrationForm,
    check_photo,
    form_photo,
    tj_form,
)
from tests.photo_samples import astronaut, encode, with_orientation

GENERATED = datetime(2023, 11, 25, 10, 30, tzinfo=BEIJING)
ID_NUMBER = "110101199003071233"  # RULES.md §2's synthetic test vector
CHOICES = [("天津理工大学", "计算机科学与技术"), ("天津商业大学", "会计学")]
BASIC = {
    "sex": "female",
    "ethnicity": "01",
    "political_status": "03",
    "candidate_type": "former",
    "school": "天津职业大学",
    "major": "护理",
    "graduation": "202307",
    "province": "12",
    "mobile": "13800138000",
    "address": "天津市河西区示例路1号",
    "postcode": "300000",
}


def photo() -> bytes:
    return encode(astronaut().resize((330, 480)), "JPEG", quality=85)


def form(name: str = "王小红", **changes: Any) -> RegistrationForm:
    made = tj_form(
        real_name=name,
        id_number=ID_NUMBER,
        basic=BASIC,
        choices_made=CHOICES,
        photo=photo(),
        year=2024,
        generated_at=GENERATED,
        application_number="2024120000001",
    )
    return replace(made, **changes)


def text_of(rendered: RenderedForm) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages)


@pytest.fixture(scope="module")
def rendered() -> RenderedForm:
    return render(form())


# ----- what the form shows


def test_the_form_shows_the_title_the_name_the_id_number_and_every_choice(rendered):
    text = text_of(rendered)
    assert "天津市高职升本科报名表" in text
    assert "王小红" in text
    assert ID_NUMBER in text  # in full: it is the applicant's own form to print
    for institution, major in CHOICES:
        assert institution in text
        assert major in text
    assert "志愿一" in text and "志愿二" in text
    assert "审核状态：审核通过" in text
    assert "报名号：2024120000001" in text
    assert rendered.missing_glyphs == []


def test_the_footer_gives_the_beijing_generation_time_and_says_the_web_system_prevails(rendered):
    text = text_of(rendered)
    assert "生成时间：2023-11-25 10:30（北京时间）" in text
    assert "本表由报名助手生成，以报名系统为准" in text


def test_codes_are_printed_as_their_names():
    fields = dict(form().fields)
    assert fields["性别"] == "女"
    assert fields["民族"] == "汉族"
    assert fields["政治面貌"] == "共青团员"
    assert fields["考生类别"] == "往届"
    assert fields["户籍所在地"] == "天津市"
    assert fields["毕业时间"] == "2023年07月"
    assert fields["手机号码"] == "13800138000"


def test_an_unknown_code_or_a_missing_answer_prints_as_it_is_instead_of_failing():
    made = tj_form(
        real_name="王小红",
        id_number=ID_NUMBER,
        basic={"ethnicity": "77"},
        choices_made=[],
        photo=None,
        year=2024,
        generated_at=GENERATED,
    )
    fields = dict(made.fields)
    assert fields["民族"] == "77"
    assert fields["性别"] == ""
    assert made.status == (FormField("审核状态", "审核通过"),)


def test_choices_are_labelled_in_rank_order():
    assert form().choices == (
        FormChoice("志愿一", "天津理工大学", "计算机科学与技术"),
        FormChoice("志愿二", "天津商业大学", "会计学"),
    )


def test_the_forms_repr_carries_no_personal_value():
    shown = repr(form())
    assert ID_NUMBER not in shown
    assert "王小红" not in shown
    assert "13800138000" not in shown


def test_generated_at_must_be_timezone_aware_and_is_kept_in_beijing_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        form(generated_at=datetime(2023, 11, 25, 10, 30))
    utc = datetime.fromisoformat("2023-11-25T02:30:00+00:00")
    assert form(generated_at=utc).generated_at.utcoffset() == GENERATED.utcoffset()


# ----- the PDF


def test_the_font_is_embedded_as_a_subset(rendered):
    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    (font,) = (fonts[name].get_object() for name in fonts)
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    assert "/FontFile2" in descriptor
    # A subset's name carries a six-letter tag; the whole 5 MB collection would not fit in the file.
    assert "+" in str(descriptor["/FontName"])
    assert len(rendered.pdf) < 300_000


def test_the_photo_is_embedded_as_the_jpeg_itself(rendered):
    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    (image,) = (xobjects[name].get_object() for name in xobjects)
    assert image["/Subtype"] == "/Image"
    assert image["/Filter"] == "/DCTDecode"
    assert (image["/Width"], image["/Height"]) == (330, 480)
    assert image._data == photo()


def test_a_form_without_a_photo_renders_an_empty_photo_box():
    text = text_of(render(form(photo=None)))
    assert "照片" in text


def test_the_same_form_gives_the_same_bytes(rendered):
    assert render(form()).pdf == rendered.pdf


def test_a_name_the_font_cannot_show_is_reported_and_the_form_still_renders():
    result = render(form(name="李䶮𠈌明"))
    assert result.missing_glyphs == ["䶮", "𠈌"]
    text = text_of(result)
    # The rest is written; each missing character leaves a visible box to write it in by hand.
    assert "李□□明" in text
    assert ID_NUMBER in text


def test_fpdf2s_warning_naming_the_missing_characters_stays_out_of_the_log(caplog):
    with caplog.at_level("DEBUG"):
        render(form(name="李䶮明", photo=None))
    assert not any("䶮" in record.getMessage() for record in caplog.records)


def test_long_values_wrap_and_many_fields_go_on_to_a_second_page():
    many = tuple(FormField(f"项目{n}", f"第{n}项的内容" * 12) for n in range(30))
    result = render(form(fields=form().fields + many))
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text()
    assert "项目29" in last
    assert f"第 {len(reader.pages)} 页" in last  # the footer is on every page
    assert "第29项的内容" * 3 in text_of(result).replace("\n", "")


# ----- the photo


def test_a_photo_that_is_not_a_jpeg_is_refused_before_rendering():
    png = encode(astronaut(), "PNG")
    with pytest.raises(ValueError, match=r"not a JPEG \(PNG\); convert it with form_photo\(\) first"):
        form(photo=png)


def test_a_truncated_jpeg_is_refused_before_rendering():
    with pytest.raises(ValueError, match=r"the file cannot be read \(image file is truncated"):
        form(photo=photo()[:2000])


def test_form_photo_keeps_a_plain_jpeg_byte_for_byte():
    assert form_photo(photo()) == photo()


def test_form_photo_turns_a_png_or_an_exif_rotated_jpeg_into_an_upright_jpeg():
    converted = form_photo(encode(astronaut(), "PNG"))
    check_photo(converted)
    rotated = with_orientation(astronaut().resize((200, 300)), 6)  # stored 300×200, shown 200×300
    assert Image.open(io.BytesIO(rotated)).size == (300, 200)
    upright = form_photo(rotated)
    check_photo(upright)
    assert Image.open(io.BytesIO(upright)).size == (200, 300)


def test_form_photo_refuses_what_is_not_a_picture():
    with pytest.raises(ValueError, match="not a picture"):
        form_photo(b"%PDF-1.7 not a photo")


# ----- the font


def test_the_missing_font_gives_one_clear_error_naming_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.delenv("FORM_FONT", raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(pdf_module, "SYSTEM_FONT", tmp_path / "none.ttc")
    with pytest.raises(FontMissing) as raised:
        render(form())
    message = str(raised.value)
    assert "make test" in message
    assert "apt-get install fonts-wqy-microhei" in message
    assert "FORM_FONT" in message


def test_form_font_points_at_the_font_and_a_wrong_path_is_named(monkeypatch, tmp_path):
    installed = font_path()
    monkeypatch.setenv("FORM_FONT", str(installed))
    assert font_path() == installed
    monkeypatch.setenv("FORM_FONT", str(tmp_path / "nope.ttc"))
    with pytest.raises(FontMissing, match=r"FORM_FONT=.*nope\.ttc: no such font file"):
        font_path()


# ----- baoming form sample


def test_the_cli_writes_a_sample_form_with_the_name_given(capsys, tmp_path):
    out = tmp_path / "form.pdf"
    assert main(["form", "sample", str(out), "--name", "赵䶮"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "the form's font has no glyph for 䶮 (U+4DAE): printed as □"
    assert lines[1].startswith(f"wrote {out} (")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "赵□" in text
    assert "天津市高职升本科报名表" in text


def test_the_cli_takes_a_png_photo_and_refuses_to_overwrite_without_force(capsys, tmp_path):
    png = tmp_path / "photo.png"
    png.write_bytes(encode(astronaut(), "PNG"))
    out = tmp_path / "form.pdf"
    out.write_bytes(b"keep me")
    assert main(["form", "sample", str(out), "--photo", str(png)]) == 2
    assert out.read_bytes() == b"keep me"
    assert main(["form", "sample", str(out), "--photo", str(png), "--force"]) == 0
    assert PdfReader(out).pages[0]["/Resources"]["/XObject"]


def test_the_cli_refuses_a_photo_that_is_not_a_picture(capsys, tmp_path):
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"not a picture")
    assert main(["form", "sample", str(tmp_path / "form.pdf"), "--photo", str(bad)]) == 1
    assert "not a picture" in capsys.readouterr().err
    assert not (tmp_path / "form.pdf").exists()


def test_the_sample_uses_made_up_data_only():
    sample = sample_form(GENERATED)
    assert dict(sample.fields)["身份证号"] == ID_NUMBER
    assert dict(sample.fields)["手机号码"] == "13800138000"
