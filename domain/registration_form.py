"""报名表 (registration form) of 天津高职升本, seed 002 §2.12: what the printed form shows, as plain values.

The applicant downloads it once the 确认点 review has passed; it is their own form to print, so every
value is shown in full (no masking). The values never reach a log: ``repr`` leaves them out.

The labels are the usual Chinese ones of such forms: the seed shows the web system's pages only as
screenshots, so neither the wording nor the layout (bot/registration_form.py) is copied from it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import NamedTuple, TypeVar

from PIL import Image, ImageOps, UnidentifiedImageError

from domain import choices
from domain.clock import BEIJING
from domain.photos import MAX_PIXELS

TJ_TITLE = "天津市高职升本科报名表"
TJ_PROGRAMME_NAME = "天津高职升本报名"
APPROVED = "审核通过"

_JPEG_MAGIC = b"\xff\xd8\xff"
# Colour modes that a PDF shows from the JPEG's own bytes (DeviceRGB, DeviceGray, DeviceCMYK).
_PDF_JPEG_MODES = frozenset({"RGB", "L", "CMYK"})
# What Pillow raises on a damaged file.
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError)
_FORM_JPEG_QUALITY = 90
_EXIF_ORIENTATION = 0x0112
_T = TypeVar("_T")
_CHINESE_NUMERALS = "一二三四五六七八九十"

_SEXES = {"male": "男", "female": "女"}
_CANDIDATE_TYPES = {"current": "应届", "former": "往届"}


class FormField(NamedTuple):
    label: str  # Chinese, as printed
    value: str


class FormChoice(NamedTuple):
    label: str  # 志愿一, 志愿二, …
    institution: str
    major: str


@dataclass(frozen=True)
class RegistrationForm:
    """Everything one applicant's form shows, in print order.

    ``photo`` is a JPEG as it goes into the PDF (``form_photo`` makes one from any accepted
    upload); anything else is refused here with ValueError, before any rendering starts.
    ``generated_at`` must be timezone-aware; it is kept in Beijing time.
    """

    programme_name: str
    year: int
    fields: tuple[FormField, ...] = field(repr=False)
    choices: tuple[FormChoice, ...] = field(repr=False)
    photo: bytes | None = field(repr=False)
    status: tuple[FormField, ...] = field(repr=False)  # 报名号, 审核状态, … under the title
    generated_at: datetime
    title: str = TJ_TITLE

    def __post_init__(self) -> None:
        if self.generated_at.tzinfo is None:
            raise ValueError("RegistrationForm: generated_at must be timezone-aware")
        object.__setattr__(self, "generated_at", self.generated_at.astimezone(BEIJING))
        if self.photo is not None:
            check_photo(self.photo)


@dataclass(frozen=True)
class RenderedForm:
    pdf: bytes = field(repr=False)
    # Characters the font has no glyph for (䶮, 𠈌 in a rare name), each once, in order of
    # appearance: the PDF shows a placeholder instead, and the caller tells the applicant.
    missing_glyphs: list[str]


class FormUnavailable(RuntimeError):
    """The form cannot be made here now (its font is not installed): the operator's to fix."""


# How a form becomes a PDF (bot/registration_form.py ``render``): CPU-bound, run in a worker thread.
Renderer = Callable[[RegistrationForm], RenderedForm]


def check_photo(data: bytes) -> None:
    """Refuse, with ValueError, a photo that cannot go into the form as it is (a JPEG, fully readable)."""
    if not data.startswith(_JPEG_MAGIC):
        raise ValueError(
            f"registration form photo: not a JPEG ({_sniff(data)}); convert it with form_photo() first"
        )
    with _open(data) as image:
        if image.format != "JPEG":
            raise ValueError(
                f"registration form photo: a {image.format} file, not a plain JPEG; "
                "convert it with form_photo() first"
            )
        if image.mode not in _PDF_JPEG_MODES:
            raise ValueError(f"registration form photo: colour mode {image.mode} cannot go into a PDF")
        # A truncated file fails here rather than as a broken picture in the PDF.
        _decoded(image.load)


def form_photo(data: bytes) -> bytes:
    """The upload (证件照: JPEG or PNG, domain/photos.py TJ_ID_PHOTO) as a JPEG the form takes.

    A plain upright RGB or grey JPEG is kept byte for byte; anything else (PNG, a JPEG turned by
    its EXIF tag only, CMYK, a camera's multi-picture JPEG) is decoded, turned upright and
    re-encoded. Raises ValueError when the file cannot be read as a picture.
    """
    with _open(data) as image:
        upright = _decoded(lambda: image.getexif().get(_EXIF_ORIENTATION, 1)) in (0, 1)
        if image.format == "JPEG" and image.mode in ("RGB", "L") and upright:
            check_photo(data)
            return data
        rgb = _decoded(lambda: ImageOps.exif_transpose(image).convert("RGB"))
    out = BytesIO()
    rgb.save(out, format="JPEG", quality=_FORM_JPEG_QUALITY)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    """The picture's header read, its size checked before anything decodes it."""
    try:
        image = Image.open(BytesIO(data))
    except UnidentifiedImageError:
        raise ValueError(f"registration form photo: not a picture ({_sniff(data)})") from None
    except _DECODE_ERRORS as error:
        raise ValueError(f"registration form photo: the file cannot be read ({error})") from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise ValueError(f"registration form photo: {image.width}×{image.height} pixels is too large")
    return image


def _decoded(work: Callable[[], _T]) -> _T:
    try:
        return work()
    except _DECODE_ERRORS as error:
        raise ValueError(f"registration form photo: the file cannot be read ({error})") from None


def _sniff(data: bytes) -> str:
    """What the file seems to be, for the error message."""
    if data.startswith(b"\x89PNG"):
        return "PNG"
    if data.startswith(b"GIF8"):
        return "GIF"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        return "HEIC or another ISO media file"
    return f"{len(data)} bytes starting {data[:4].hex()}" if data else "empty"


def choice_label(rank: int) -> str:
    """1 → 志愿一, as the web system names the parallel choices (seed 002 §2.7)."""
    if not 1 <= rank <= len(_CHINESE_NUMERALS):
        raise ValueError(f"choice rank {rank} is out of 1..{len(_CHINESE_NUMERALS)}")
    return "志愿" + _CHINESE_NUMERALS[rank - 1]


def tj_form(
    *,
    real_name: str,
    id_number: str,
    basic: Mapping[str, object],
    choices_made: Sequence[tuple[str, str]],
    photo: bytes | None,
    year: int,
    generated_at: datetime,
    application_number: str | None = None,
    review_status: str = APPROVED,
) -> RegistrationForm:
    """The form of one 天津高职升本 applicant.

    ``basic`` holds the answers of the 基本信息 module as dialogs/tj_profile.py saves them (keys
    sex, ethnicity, political_status, candidate_type, school, major, graduation, province, mobile,
    address, postcode; codes for the lists). ``choices_made`` are (institution, major) pairs in
    rank order: 志愿一 first. A missing answer prints as an empty cell, an unknown code as itself.
    """

    def answer(key: str) -> str:
        value = basic.get(key)
        return "" if value is None else str(value)

    rows = [
        ("姓名", real_name),
        ("身份证号", id_number),
        ("性别", _SEXES.get(answer("sex"), answer("sex"))),
        ("民族", _name_of(choices.ethnicities(), answer("ethnicity"))),
        ("政治面貌", _name_of(choices.political_statuses(), answer("political_status"))),
        ("考生类别", _CANDIDATE_TYPES.get(answer("candidate_type"), answer("candidate_type"))),
        ("毕业院校", answer("school")),
        ("所学专业", answer("major")),
        ("毕业时间", _month(answer("graduation"))),
        ("户籍所在地", _name_of(choices.provinces(), answer("province"))),
        ("手机号码", answer("mobile")),
        ("通讯地址", answer("address")),
        ("邮政编码", answer("postcode")),
    ]
    status = [("报名号", application_number)] if application_number else []
    status.append(("审核状态", review_status))
    return RegistrationForm(
        programme_name=TJ_PROGRAMME_NAME,
        year=year,
        fields=tuple(FormField(label, value) for label, value in rows),
        choices=tuple(
            FormChoice(choice_label(rank), institution, major)
            for rank, (institution, major) in enumerate(choices_made, start=1)
        ),
        photo=photo,
        status=tuple(FormField(label, value) for label, value in status),
        generated_at=generated_at,
    )


def _name_of(catalog: choices.Catalog, code: str) -> str:
    if not code:
        return ""
    try:
        return catalog.get(code).name_zh
    except KeyError:
        return code


def _month(value: str) -> str:
    """ "202307" → "2023年07月", as dates.format_month stores it; anything else as it is."""
    if len(value) == 6 and value.isdigit():
        return f"{value[:4]}年{value[4:]}月"
    return value
