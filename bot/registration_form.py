"""The 报名表 PDF of 天津高职升本 (seed 002 §2.12), with its Chinese font embedded (RULES.md §4).

fpdf2 writes it with WenQuanYi Micro Hei embedded as a subset, so the form looks the same in every
viewer and printer, phones without CJK fonts included. The set-up (Makefile) puts the font inside
the venv; it is never downloaded at run time. ``font_path`` finds it; without it, ``render`` raises
``FontMissing``, whose message says how to install it.

The layout is ours: the seed shows the web system's form only as a screenshot. A4, the title, the
status (报名号, 审核状态), the basic information with the ID photo at the top right (33×48 mm), the
choices, and a footer with the generation time and a note that the web system's own form prevails.
"""

import logging
import os
import sys
import unicodedata
from datetime import datetime
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue
from fpdf.fonts import TTFFont

from domain.registration_form import FormUnavailable, RegistrationForm, RenderedForm, tj_form

FONT_ENV = "FORM_FONT"
FONT_FILE = "wqy-microhei.ttc"
FONT_PACKAGE = "fonts-wqy-microhei"
SYSTEM_FONT = Path("/usr/share/fonts/truetype/wqy") / FONT_FILE
# Shown where the font has no glyph, so that the printed form shows a gap to write the character in
# by hand rather than silently dropping it (fpdf2 leaves such characters out).
PLACEHOLDER = "□"
DISCLAIMER = "本表由报名助手生成，以报名系统为准"

_FONT = "form"
_PAGE_MARGIN = 15.0  # mm
_CONTENT_WIDTH = 210.0 - 2 * _PAGE_MARGIN
_FOOTER_SPACE = 20.0
_LABEL_WIDTH = 30.0
_PHOTO_SIZE = (33.0, 48.0)  # the usual 2-inch ID photo, mm
_PHOTO_PAD = 2.0
_PHOTO_CELL_WIDTH = _PHOTO_SIZE[0] + 2 * _PHOTO_PAD
_PHOTO_CELL_HEIGHT = _PHOTO_SIZE[1] + 2 * _PHOTO_PAD
_CHOICE_WIDTHS = (24.0, 80.0, _CONTENT_WIDTH - 24.0 - 80.0)
_ROW_HEIGHT = 8.5
_LINE_HEIGHT = 5.5
_TEXT_PAD = 2.0
_TEXT_SIZE = 10.5  # pt
_LABEL_FILL = 240  # grey level of label cells
_BORDER_GREY = 120


class FontMissing(FormUnavailable):
    """The form's font is not installed; the message says how to install it."""


def font_path() -> Path:
    """The font file: ``FORM_FONT``, else the venv's copy (``make``), else Debian's fonts-wqy-microhei."""
    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if path.is_file():
            return path
        raise FontMissing(
            f"{FONT_ENV}={configured}: no such font file. Point it at a TrueType font with Chinese "
            f"glyphs ({FONT_FILE} of Debian's {FONT_PACKAGE}), or unset it to use the one `make` installs."
        )
    venv_copy = Path(sys.prefix) / "share" / "fonts" / FONT_FILE
    for candidate in (venv_copy, SYSTEM_FONT):
        if candidate.is_file():
            return candidate
    raise FontMissing(
        f"The registration form's font {FONT_FILE} is not installed: run `make test` or `make run` "
        f"(it puts the font into {venv_copy}), or `apt-get install {FONT_PACKAGE}`, or set {FONT_ENV} "
        "to a TrueType font with Chinese glyphs."
    )


# fpdf2 logs the characters the font lacks, i.e. parts of the applicant's name; render() reports
# them to its caller instead, so the warning is dropped (it is the only one of its kind).
def _drop_missing_glyph_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Font %s is missing the following glyphs")


logging.getLogger("fpdf.output").addFilter(_drop_missing_glyph_warning)


def render(form: RegistrationForm, font: Path | None = None) -> RenderedForm:
    """The form as PDF bytes, and the characters the font could not show.

    CPU-bound (about half a second, most of it reading the font): callers in the event loop run it
    in a worker thread (``asyncio.to_thread``). Same form, same bytes: the PDF's dates come from
    ``form.generated_at``. Raises ``FontMissing`` when the font is not installed.
    """
    pdf = _FormPdf(font or font_path(), form.generated_at)
    pdf.set_title(form.title)
    pdf.set_creator("报名助手")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    _header(pdf, form)
    _basic_information(pdf, form)
    _choices(pdf, form)
    data = bytes(pdf.output())
    return RenderedForm(data, pdf.missing)


class _FormPdf(FPDF):
    def __init__(self, font: Path, generated_at: datetime) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(_PAGE_MARGIN, _PAGE_MARGIN, _PAGE_MARGIN)
        self.set_auto_page_break(True, margin=_FOOTER_SPACE)
        self.set_creation_date(generated_at)
        self.set_draw_color(_BORDER_GREY)
        # Font collections (.ttc) hold several faces; the first is the regular one.
        self.add_font(_FONT, "", str(font), collection_font_number=0)
        loaded = self.fonts[_FONT]
        if not isinstance(loaded, TTFFont):
            raise TypeError(f"{font}: not a TrueType font")
        self._glyphs = loaded.cmap
        self.missing: list[str] = []
        self.footer_text = f"生成时间：{generated_at:%Y-%m-%d %H:%M}（北京时间）　{DISCLAIMER}"

    def shown(self, text: str) -> str:
        """``text`` as the font can show it: missing glyphs become PLACEHOLDER and are recorded."""
        out = []
        for char in unicodedata.normalize("NFC", text):
            if char == "\n" or ord(char) in self._glyphs:
                out.append(char)
            elif char.isspace():
                out.append(" ")
            elif unicodedata.category(char) in ("Mn", "Cf", "Cc"):
                continue  # variation selectors, zero-width joiners, controls: nothing to see
            else:
                if char not in self.missing:
                    self.missing.append(char)
                out.append(PLACEHOLDER)
        return "".join(out)

    def footer(self) -> None:
        self.set_y(-_FOOTER_SPACE + 5)
        self.set_font(_FONT, size=8)
        self.set_text_color(90)
        self.cell(0, 5, self.shown(self.footer_text), align=Align.C, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5, f"第 {self.page_no()} 页", align=Align.C)
        self.set_text_color(0)

    def lines_needed(self, width: float, text: str) -> int:
        lines = self.multi_cell(
            width, _LINE_HEIGHT, text, dry_run=True, output=MethodReturnValue.LINES, padding=0
        )
        return max(1, len(lines)) if isinstance(lines, list) else 1

    def row(self, cells: list[tuple[float, str, bool]], min_height: float = _ROW_HEIGHT) -> None:
        """One table row of (width, text, is_label) cells; long texts wrap and the row grows."""
        texts = [self.shown(text) for _, text, _ in cells]
        height = max(
            min_height,
            *(
                self.lines_needed(width - 2 * _TEXT_PAD, text) * _LINE_HEIGHT + 2 * _TEXT_PAD
                for (width, _, _), text in zip(cells, texts, strict=True)
            ),
        )
        if self.will_page_break(height):
            self.add_page()
        x, y = self.l_margin, self.get_y()
        for (width, _, is_label), text in zip(cells, texts, strict=True):
            self.set_fill_color(_LABEL_FILL if is_label else 255)
            self.rect(x, y, width, height, style="DF")
            text_height = self.lines_needed(width - 2 * _TEXT_PAD, text) * _LINE_HEIGHT
            self.set_xy(x + _TEXT_PAD, y + (height - text_height) / 2)
            self.multi_cell(
                width - 2 * _TEXT_PAD,
                _LINE_HEIGHT,
                text,
                align=Align.C if is_label else Align.L,
                padding=0,
            )
            x += width
        self.set_xy(self.l_margin, y + height)

    def section(self, title: str) -> None:
        # A heading never ends a page alone: it starts the next one when two rows do not fit below it.
        if self.will_page_break(4 + 3 * _ROW_HEIGHT):
            self.add_page()
        else:
            self.ln(4)
        self.set_font(_FONT, size=12)
        self.row([(_CONTENT_WIDTH, title, True)], min_height=_ROW_HEIGHT)
        self.set_font(_FONT, size=_TEXT_SIZE)


def _header(pdf: _FormPdf, form: RegistrationForm) -> None:
    pdf.set_font(_FONT, size=20)
    pdf.cell(0, 12, pdf.shown(form.title), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=11)
    subtitle = f"{form.programme_name}　{form.year}年"
    pdf.cell(0, 7, pdf.shown(subtitle), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    if form.status:
        pdf.ln(2)
        pdf.set_font(_FONT, size=_TEXT_SIZE)
        status = "　　".join(f"{item.label}：{item.value}" for item in form.status)
        pdf.multi_cell(0, _LINE_HEIGHT, pdf.shown(status), align=Align.L, padding=0)


def _basic_information(pdf: _FormPdf, form: RegistrationForm) -> None:
    pdf.section("考生基本信息")
    top = pdf.get_y()
    photo_bottom = top + _PHOTO_CELL_HEIGHT
    narrow = _CONTENT_WIDTH - _PHOTO_CELL_WIDTH
    fields = list(form.fields)
    # The rows beside the photo are narrower; the photo's cell is as tall as they are, at least
    # the photo's height: an empty row fills the gap when the fields end first.
    while fields and pdf.get_y() < photo_bottom - 0.01:
        label, value = fields.pop(0)
        pdf.row([(_LABEL_WIDTH, label, True), (narrow - _LABEL_WIDTH, value, False)])
    if pdf.get_y() < photo_bottom - 0.01:
        pdf.row([(_LABEL_WIDTH, "", True), (narrow - _LABEL_WIDTH, "", False)], photo_bottom - pdf.get_y())
    bottom = pdf.get_y()
    _photo(pdf, form.photo, pdf.l_margin + narrow, top, bottom - top)
    pdf.set_xy(pdf.l_margin, bottom)
    for label, value in fields:
        pdf.row([(_LABEL_WIDTH, label, True), (_CONTENT_WIDTH - _LABEL_WIDTH, value, False)])


def _photo(pdf: _FormPdf, photo: bytes | None, x: float, y: float, height: float) -> None:
    pdf.set_fill_color(255)
    pdf.rect(x, y, _PHOTO_CELL_WIDTH, height, style="DF")
    width, photo_height = _PHOTO_SIZE
    left, top = x + _PHOTO_PAD, y + (height - photo_height) / 2
    if photo is None:
        pdf.set_draw_color(190)
        pdf.rect(left, top, width, photo_height)
        pdf.set_draw_color(_BORDER_GREY)
        pdf.set_text_color(150)
        pdf.set_xy(left, top + photo_height / 2 - _LINE_HEIGHT / 2)
        pdf.cell(width, _LINE_HEIGHT, pdf.shown("照片"), align=Align.C)
        pdf.set_text_color(0)
        return
    # The JPEG goes in as it is (fpdf2 copies its bytes); a photo of another shape is fitted inside
    # the box and centred, never stretched.
    pdf.image(BytesIO(photo), x=left, y=top, w=width, h=photo_height, keep_aspect_ratio=True)


def _choices(pdf: _FormPdf, form: RegistrationForm) -> None:
    pdf.section("志愿信息")
    first, second, third = _CHOICE_WIDTHS
    pdf.row([(first, "志愿", True), (second, "院校", True), (third, "专业", True)])
    for label, institution, major in form.choices or [("", "—", "—")]:
        pdf.row([(first, label, True), (second, institution, False), (third, major, False)])


# ---------------------------------------------------------------------------------------------------
# The sample form of `baoming form sample`: what an applicant gets, with synthetic data


def sample_form(generated_at: datetime, name: str = "张三", photo: bytes | None = None) -> RegistrationForm:
    """A made-up applicant's form (the ID number is RULES.md §2's synthetic test vector)."""
    return tj_form(
        real_name=name,
        id_number="110101199003071233",
        basic={
            "sex": "male",
            "ethnicity": "01",
            "political_status": "03",
            "candidate_type": "current",
            "school": "天津职业大学",
            "major": "护理",
            "graduation": f"{generated_at.year + 1}07",
            "province": "12",
            "mobile": "13800138000",
            "address": "天津市河西区示例路1号",
            "postcode": "300000",
        },
        choices_made=[
            ("天津理工大学", "计算机科学与技术"),
            ("天津商业大学", "会计学"),
            ("天津职业技术师范大学", "机械设计制造及其自动化"),
        ],
        photo=photo,
        year=generated_at.year + 1,
        generated_at=generated_at,
        application_number=f"{generated_at.year + 1}120000001",
    )
