"""Photo and scan checks on the file's bytes, and the one-tap fix: RULES.md §3.

Hard rules (``PhotoRules``): real format (by content, never by file name), size in pixels, colour
mode and file size. A ``PhotoSpec`` adds what a programme asks beyond them: a face (required, or
looked for as a warning), the head's size in the seed's millimetres and a blue background, both
heuristics and therefore warnings. Every broken rule is listed at once, each with the measured and
the required value, so the applicant can fix everything in one go.

``fix`` changes geometry and encoding only: it turns the picture upright, crops, shrinks and
re-encodes it. Seed 003 forbids any retouching (不得进行任何修饰), so the background is never
touched: a wrong one is a warning that says to take the photo again.
"""

import colorsys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from io import BytesIO
from math import sqrt
from types import MappingProxyType

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from domain.faces import DETECT_LONG_SIDE, FaceBox, detect_faces
from domain.problems import Problem
from domain.text import N_

# "200K" is ambiguous: 200 × 1024 = 204,800 or 200,000 bytes. RULES.md §3 would accept up to 204,800
# when checking, but the web system's own test is unknown; a file of at most 200,000 bytes passes
# either reading, so that is the safe limit for an applicant to be told.
MAX_BYTES_200K = 200_000

# Far above any real ID photo (a 24-megapixel camera) yet small enough to decode safely; Pillow's own
# default (about 89 million pixels) is a process-wide setting that we do not change.
MAX_PIXELS = 40_000_000

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_JPEG_MAGIC = b"\xff\xd8\xff"
# Pillow names a JPEG that carries extra pictures (many cameras and phones) "MPO"; its first picture
# is an ordinary baseline JPEG, and the file starts like one.
_FORMAT_ALIASES = {"MPO": "JPEG"}
# What Pillow raises on a damaged file, while decoding it or parsing its EXIF block.
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError, TypeError)

# Blue background heuristic, RULES.md §3 [V]: downscale to 78×113, sample the top 8 % rows and 10 %
# side strips of the upper 45 %, count hue 180°–252°, S ≥ 0.25, V ≥ 0.30; 85 % blue passes.
_BLUE_SAMPLE_SIZE = (78, 113)
_BLUE_TOP_ROWS = 0.08
_BLUE_SIDE_COLUMNS = 0.10
_BLUE_UPPER_PART = 0.45
_BLUE_HUE_DEGREES = (180.0, 252.0)
_BLUE_MIN_SATURATION = 0.25
_BLUE_MIN_VALUE = 0.30
BLUE_MIN_SHARE = 0.85

# Estimates, not measurements: a Haar box covers the brows to the mouth (RULES.md §3), so the head
# (ears, crown, chin) is wider and longer than it. Not tuned on real photos: warnings only.
HEAD_WIDTH_PER_BOX = 1.15
HEAD_LENGTH_PER_BOX = 1.45
# Where the crop puts the top of the head: the crown is estimated this many box heights above the box
# (generous, for hair), and this share of the picture's height (about 3 mm of 48) stays free above
# it. The seed gives no value for either.
_CROWN_ABOVE_BOX = 0.5
_ROOM_ABOVE_HEAD = 0.07
# A face whose centre lies further than this share of the width from the middle, or outside this
# band of the height, is "far off centre".
_OFF_CENTRE_SHARE = 0.12
_FACE_CENTRE_BAND = (0.15, 0.65)

# JPEG quality search: Pillow advises against more than 95; below 40 a picture visibly degrades, so
# a long-side target shrinks the picture instead, while an exact size may go down to 20.
_MAX_QUALITY = 95
_MIN_QUALITY = 40
_MIN_QUALITY_EXACT_SIZE = 20
# Each further shrink when even the lowest quality is too large (at least 5 %), and where it stops.
_SHRINK_AT_MOST = 0.95
_MIN_LONG_SIDE = 400
_ORIENTATION = ExifTags.Base.Orientation
# How each EXIF orientation is turned upright, as ImageOps.exif_transpose does.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_WHITE = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class PhotoRules:
    """What a programme's web system accepts; ``formats`` uses Pillow's names ("JPEG", "PNG").

    ``width`` and ``height`` are both None when any size is accepted; ``mode`` is None when any
    colour mode is (scans of documents may be grey).
    """

    width: int | None
    height: int | None
    max_bytes: int
    formats: tuple[str, ...]
    mode: str | None = "RGB"

    def __post_init__(self) -> None:
        if (self.width is None) != (self.height is None):
            raise ValueError("PhotoRules: give both width and height, or neither")


# Seed 003: JPG only, 390 × 567 px, at most "200K", 24-bit RGB true colour.
SEED_003 = PhotoRules(390, 567, MAX_BYTES_200K, ("JPEG",))


class FaceRule(Enum):
    """How a spec treats the face."""

    NONE = "none"  # not looked for
    WARN = "warn"  # no face, several faces, head size and position are warnings
    REQUIRE = "require"  # no face is a hard problem; the rest are warnings


@dataclass(frozen=True, slots=True)
class HeadRule:
    """The head's size in the seed's millimetres, and the finished photo's pixels per millimetre."""

    width_mm: tuple[float, float]
    length_mm: tuple[float, float]
    px_per_mm: float

    @property
    def width_px(self) -> tuple[int, int]:
        return round(self.width_mm[0] * self.px_per_mm), round(self.width_mm[1] * self.px_per_mm)

    @property
    def length_px(self) -> tuple[int, int]:
        return round(self.length_mm[0] * self.px_per_mm), round(self.length_mm[1] * self.px_per_mm)


@dataclass(frozen=True, slots=True)
class FixTarget:
    """What ``fix`` makes: a baseline JPEG of at most ``max_bytes``, either exactly ``size`` (cropped
    to its aspect) or with the aspect kept and the long side at most ``max_long_side``."""

    max_bytes: int
    size: tuple[int, int] | None = None
    max_long_side: int | None = None

    def __post_init__(self) -> None:
        if (self.size is None) == (self.max_long_side is None):
            raise ValueError("FixTarget: give exactly one of size and max_long_side")


@dataclass(frozen=True, slots=True)
class PhotoSpec:
    """Everything one upload slot asks of a picture: hard rules, warnings, and how to fix it."""

    code: str
    rules: PhotoRules
    fix: FixTarget
    face: FaceRule = FaceRule.NONE
    background_blue: bool = False  # a warning: the heuristic is untuned on real photos
    head: HeadRule | None = None  # checked only on a picture of exactly the rules' size
    face_centred: bool = False


# Seed 003 (上传电子照片): 390 px across = 33 mm, so 11.82 px/mm (300 dpi); head 21–24 mm wide and
# 28–33 mm long: 248–284 px and 331–390 px.
DEGREE_PHOTO = PhotoSpec(
    code="degree-equiv",
    rules=SEED_003,
    fix=FixTarget(MAX_BYTES_200K, size=(390, 567)),
    face=FaceRule.WARN,
    background_blue=True,
    head=HeadRule(width_mm=(21, 24), length_mm=(28, 33), px_per_mm=390 / 33),
    face_centred=True,
)
# Seed 001: jpg / jpeg / png, "≤ 200k" per file (read as MAX_BYTES_200K), any size and colour. Scans
# are shrunk only as far as the byte limit needs, starting from a long side of 2000 px.
MATERIAL_IMAGE = PhotoSpec(
    code="nmec-materials",
    rules=PhotoRules(None, None, MAX_BYTES_200K, ("JPEG", "PNG"), mode=None),
    fix=FixTarget(MAX_BYTES_200K, max_long_side=2000),
)
# Seed 002 2.9 身份认证: the faces of the 证件照 and of the ID card are compared, so both need one.
# The seed's screenshot OCR hints at a 20K–60K file window; RULES.md marks it unconfirmed, so only the
# common 200K limit is enforced.
TJ_ID_PHOTO = PhotoSpec(
    code="tj-id-photo",
    rules=PhotoRules(None, None, MAX_BYTES_200K, ("JPEG", "PNG")),
    fix=FixTarget(MAX_BYTES_200K, max_long_side=1000),
    face=FaceRule.REQUIRE,
    face_centred=True,
)
# The ID card's portrait side: its photo sits off to one side, so the face's position is not judged.
TJ_ID_CARD = replace(TJ_ID_PHOTO, code="tj-id-card", face_centred=False)

SPECS: Mapping[str, PhotoSpec] = MappingProxyType(
    {spec.code: spec for spec in (DEGREE_PHOTO, MATERIAL_IMAGE, TJ_ID_PHOTO, TJ_ID_CARD)}
)


@dataclass(frozen=True, slots=True)
class PhotoReport:
    """What was measured, every rule the photo breaks (empty when it passes) and every warning.

    ``format``, ``width``, ``height`` and ``mode`` are None when the file could not be read that far.
    ``warnings`` and ``face`` come from ``check`` on a cleanly decoded picture; ``face`` is the
    largest one found, in the pixels of the picture turned upright by its EXIF tag (as shown).
    """

    size_bytes: int
    format: str | None = None
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    face: FaceBox | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class FixedPhoto:
    """The fixed file, ``check``'s report on it (always ``ok``), and what was done, for the applicant."""

    data: bytes
    report: PhotoReport
    changes: list[Problem]


def is_heif(data: bytes) -> bool:
    """HEIC / HEIF (the iPhone default), known by its ``ftyp`` box: Pillow cannot open it without a plugin."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _formats(rules: PhotoRules) -> str:
    return " / ".join(rules.formats)


def _bytes_problem(size_bytes: int, rules: PhotoRules) -> list[Problem]:
    if size_bytes <= rules.max_bytes:
        return []
    return [
        Problem(
            N_("The photo file must be at most {max_bytes} bytes; this one is {actual_bytes} bytes."),
            {"max_bytes": rules.max_bytes, "actual_bytes": size_bytes},
        )
    ]


def _format_problem(actual: str, rules: PhotoRules) -> list[Problem]:
    if actual in rules.formats:
        return []
    return [
        Problem(
            N_(
                "The photo must be a real {formats} file; this one is {actual_format} inside "
                "(renaming the file does not change its format)."
            ),
            {"formats": _formats(rules), "actual_format": actual},
        )
    ]


def _size_problem(width: int, height: int, rules: PhotoRules) -> list[Problem]:
    if rules.width is None or rules.height is None or (width, height) == (rules.width, rules.height):
        return []
    return [
        Problem(
            N_(
                "The photo must be {width}×{height} pixels (width × height); "
                "this one is {actual_width}×{actual_height}."
            ),
            {"width": rules.width, "height": rules.height, "actual_width": width, "actual_height": height},
        )
    ]


def _mode_problem(mode: str, rules: PhotoRules) -> list[Problem]:
    if rules.mode is None or mode == rules.mode:
        return []
    params: dict[str, str | int] = {"mode": rules.mode, "actual_mode": mode}
    if mode == "CMYK":
        message = N_("The photo uses print colours (CMYK); 24-bit RGB colour is required.")
    elif mode in ("1", "L", "LA", "I", "I;16", "F"):
        message = N_("The photo is black and white or grey ({actual_mode}); 24-bit RGB colour is required.")
    elif mode in ("P", "PA"):
        message = N_("The photo uses a colour palette ({actual_mode}); 24-bit RGB colour is required.")
    elif mode in ("RGBA", "RGBa", "La"):
        message = N_(
            "The photo has a transparency channel ({actual_mode}); 24-bit RGB colour without it is required."
        )
    else:
        message = N_("The photo's colour mode is {actual_mode}; 24-bit RGB colour is required.")
    return [Problem(message, params)]


def _too_many_pixels(max_pixels: int, rules: PhotoRules) -> Problem:
    if rules.width is None or rules.height is None:
        return Problem(
            N_("The picture is too large to open safely (over {max_pixels} pixels)."),
            {"max_pixels": max_pixels},
        )
    return Problem(
        N_(
            "The picture is too large to open safely (over {max_pixels} pixels); "
            "the photo must be {width}×{height} pixels."
        ),
        {"max_pixels": max_pixels, "width": rules.width, "height": rules.height},
    )


def _damaged(rules: PhotoRules) -> Problem:
    return Problem(
        N_(
            "The photo file is damaged or incomplete and cannot be read. "
            "Save it again as {formats} and resend it."
        ),
        {"formats": _formats(rules)},
    )


def _open(data: bytes, rules: PhotoRules, max_pixels: int) -> tuple[PhotoReport, Image.Image | None]:
    """The hard rules' report, and the decoded picture when it decoded cleanly (the caller closes it).

    The header gives format, size and mode without decoding; the pixels are decoded only when they
    number at most ``max_pixels`` (a small file may declare a huge picture: a decompression bomb), so
    that a truncated or corrupt file is caught.
    """
    size_bytes = len(data)
    problems = _bytes_problem(size_bytes, rules)
    if is_heif(data):
        heic = Problem(
            N_(
                "This photo is in HEIC format (the iPhone default), but a {formats} file is required. "
                "Export it as JPEG, or set Camera → Formats → Most Compatible and take it again."
            ),
            {"formats": _formats(rules), "actual_format": "HEIC"},
        )
        return PhotoReport(size_bytes, format="HEIC", problems=[heic, *problems]), None

    with warnings.catch_warnings():
        # Pillow warns (rather than refuses) between its limit and twice it: refuse there too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return PhotoReport(size_bytes, problems=[_too_many_pixels(max_pixels, rules), *problems]), None
        except (UnidentifiedImageError, *_DECODE_ERRORS):
            if data.startswith(_JPEG_MAGIC):
                return PhotoReport(size_bytes, format="JPEG", problems=[_damaged(rules), *problems]), None
            not_image = Problem(
                N_("This file is not a picture. Send the photo as a {formats} file."),
                {"formats": _formats(rules)},
            )
            return PhotoReport(size_bytes, problems=[not_image, *problems]), None

        actual_format = _FORMAT_ALIASES.get(image.format or "", image.format or "?")
        width, height = image.size
        mode = image.mode
        found: list[Problem] = []
        decoded: Image.Image | None = None
        if width * height > max_pixels:
            found.append(_too_many_pixels(max_pixels, rules))
        else:
            try:
                image.load()  # Image.open reads only the header: decode to catch a cut-off file
                decoded = image
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                found.append(_too_many_pixels(max_pixels, rules))
            except _DECODE_ERRORS:
                found.append(_damaged(rules))
        if decoded is None:
            image.close()

    found += _format_problem(actual_format, rules)
    found += _size_problem(width, height, rules)
    found += _mode_problem(mode, rules)
    return PhotoReport(size_bytes, actual_format, width, height, mode, found + problems), decoded


def inspect(data: bytes, rules: PhotoRules, *, max_pixels: int = MAX_PIXELS) -> PhotoReport:
    """Measure ``data`` and list every hard rule of ``rules`` it breaks; never raises on bad input.

    Uses ``warnings.catch_warnings``, which is process-wide: run it in one worker thread at a time, or
    accept that another thread's warnings filter may leak.
    """
    report, image = _open(data, rules, max_pixels)
    if image is not None:
        image.close()
    return report


def check(data: bytes, spec: PhotoSpec, *, max_pixels: int = MAX_PIXELS) -> PhotoReport:
    """``inspect`` by ``spec.rules``, plus the face and background of a cleanly decoded picture.

    A missing face is a hard problem under ``FaceRule.REQUIRE``; everything else found here is a
    warning, which never makes the report fail. Never raises on bad input (same threading note as
    ``inspect``).
    """
    report, image = _open(data, spec.rules, max_pixels)
    if image is None:
        return report
    with image:
        try:
            problems, found_warnings, face = _examine(image, spec)
        except _DECODE_ERRORS:  # a damaged EXIF block or a mode that cannot be converted
            return replace(report, problems=[*report.problems, _damaged(spec.rules)])
    return replace(report, problems=[*report.problems, *problems], warnings=found_warnings, face=face)


def _examine(image: Image.Image, spec: PhotoSpec) -> tuple[list[Problem], list[Problem], FaceBox | None]:
    """Face and background, judged on the picture as it is shown: upright by its EXIF tag."""
    problems: list[Problem] = []
    found: list[Problem] = []
    orientation = _orientation(image)
    if orientation != 1:
        found.append(
            Problem(
                N_(
                    "The picture is stored rotated or mirrored, with only a camera tag to show it "
                    "upright; the web system may show it the wrong way round."
                )
            )
        )
    if not spec.background_blue and spec.face is FaceRule.NONE:
        return problems, found, None
    # Face and background need no more than DETECT_LONG_SIDE pixels: shrink once with a box filter
    # and turn the small copy upright, rather than turning and converting 12 million pixels.
    try:
        preview = image if image.mode in ("RGB", "L") else _to_rgb(image)
    except ValueError:  # a colour space Pillow cannot turn into RGB (CIELab): its mode is refused anyway
        return problems, found, None
    factor = max(1, max(image.size) // DETECT_LONG_SIDE)
    if factor > 1:
        preview = preview.reduce(factor)
    if orientation in _TRANSPOSE:
        preview = preview.transpose(_TRANSPOSE[orientation])
    upright_size = (image.height, image.width) if orientation >= 5 else image.size
    if spec.background_blue:
        found += _background_warning(preview)
    face: FaceBox | None = None
    if spec.face is not FaceRule.NONE:
        faces = [_scaled(box, factor) for box in detect_faces(preview)]
        if not faces:
            no_face = Problem(
                N_(
                    "No face was found in the picture: it must show one face from the front, "
                    "clearly and uncovered."
                )
            )
            (problems if spec.face is FaceRule.REQUIRE else found).append(no_face)
        else:
            face = faces[0]
            if len(faces) > 1:
                found.append(
                    Problem(
                        N_("{count} faces were found in the picture; it must show only yours."),
                        {"count": len(faces)},
                    )
                )
            if spec.face_centred:
                found += _centre_warning(face, upright_size)
            if spec.head is not None and upright_size == (spec.rules.width, spec.rules.height):
                found += _head_warnings(face, spec.head)
    return problems, found, face


def _scaled(box: FaceBox, factor: int) -> FaceBox:
    return FaceBox(box.x * factor, box.y * factor, box.width * factor, box.height * factor)


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(_ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def blue_share(image: Image.Image) -> float:
    """The share of the sampled background (top rows, upper side strips) that is blue."""
    width, height = _BLUE_SAMPLE_SIZE
    pixels = image.convert("RGB").resize(_BLUE_SAMPLE_SIZE, Image.Resampling.BOX).tobytes()
    top_rows = round(height * _BLUE_TOP_ROWS)
    upper_rows = round(height * _BLUE_UPPER_PART)
    side = round(width * _BLUE_SIDE_COLUMNS)
    points = [(x, y) for y in range(top_rows) for x in range(width)]
    strips = (*range(side), *range(width - side, width))
    points += [(x, y) for y in range(top_rows, upper_rows) for x in strips]
    low, high = _BLUE_HUE_DEGREES
    blue = 0
    for x, y in points:
        offset = (y * width + x) * 3
        red, green, blue_channel = pixels[offset : offset + 3]
        hue, saturation, value = colorsys.rgb_to_hsv(red / 255, green / 255, blue_channel / 255)
        if low <= hue * 360 <= high and saturation >= _BLUE_MIN_SATURATION and value >= _BLUE_MIN_VALUE:
            blue += 1
    return blue / len(points)


def _background_warning(image: Image.Image) -> list[Problem]:
    share = blue_share(image)
    if share >= BLUE_MIN_SHARE:
        return []
    return [
        Problem(
            N_(
                "The background does not look blue: only {blue_share} of it is blue, and at least "
                "{required_share} is expected. The rules forbid any retouching, so it cannot be "
                "changed afterwards: take the photo again against a plain blue background."
            ),
            {"blue_share": f"{int(share * 100)}%", "required_share": f"{round(BLUE_MIN_SHARE * 100)}%"},
        )
    ]


def _centre_warning(face: FaceBox, size: tuple[int, int]) -> list[Problem]:
    width, height = size
    across, down = face.centre_x / width, face.centre_y / height
    top, bottom = _FACE_CENTRE_BAND
    if abs(across - 0.5) <= _OFF_CENTRE_SHARE and top <= down <= bottom:
        return []
    return [
        Problem(
            N_(
                "The face is far from the middle of the picture (its centre is {across} across "
                "and {down} down): frame the head and shoulders in the middle."
            ),
            {"across": f"{round(across * 100)}%", "down": f"{round(down * 100)}%"},
        )
    ]


def _head_warnings(face: FaceBox, head: HeadRule) -> list[Problem]:
    messages = {
        ("width", "small"): N_(
            "The head looks too small: about {actual_px} px ({actual_mm} mm) wide, estimated from the "
            "face; {min_px}–{max_px} px ({min_mm}–{max_mm} mm) is required."
        ),
        ("width", "large"): N_(
            "The head looks too large: about {actual_px} px ({actual_mm} mm) wide, estimated from the "
            "face; {min_px}–{max_px} px ({min_mm}–{max_mm} mm) is required."
        ),
        ("length", "small"): N_(
            "The head looks too small: about {actual_px} px ({actual_mm} mm) long from crown to chin, "
            "estimated from the face; {min_px}–{max_px} px ({min_mm}–{max_mm} mm) is required."
        ),
        ("length", "large"): N_(
            "The head looks too large: about {actual_px} px ({actual_mm} mm) long from crown to chin, "
            "estimated from the face; {min_px}–{max_px} px ({min_mm}–{max_mm} mm) is required."
        ),
    }
    found = []
    for dimension, actual, (low_px, high_px), (low_mm, high_mm) in (
        ("width", face.width * HEAD_WIDTH_PER_BOX, head.width_px, head.width_mm),
        ("length", face.height * HEAD_LENGTH_PER_BOX, head.length_px, head.length_mm),
    ):
        actual_px = round(actual)
        if low_px <= actual_px <= high_px:
            continue
        found.append(
            Problem(
                messages[dimension, "small" if actual_px < low_px else "large"],
                {
                    "actual_px": actual_px,
                    "actual_mm": f"{actual / head.px_per_mm:.1f}",
                    "min_px": low_px,
                    "max_px": high_px,
                    "min_mm": f"{low_mm:g}",
                    "max_mm": f"{high_mm:g}",
                },
            )
        )
    return found


def fix(data: bytes, spec: PhotoSpec, *, max_pixels: int = MAX_PIXELS) -> FixedPhoto | Problem:
    """Make a file that passes ``spec``'s hard rules, or say why that cannot be done.

    Turns the picture upright by its EXIF tag, converts it to RGB (transparency on white), crops an
    exact-size target to its aspect around the face (centred when none is found) or keeps the aspect
    of a long-side target, shrinks with LANCZOS (never enlarges), and saves a baseline JPEG without
    EXIF or ICC data at the highest quality under the byte limit. Nothing is retouched. A file that
    cannot be read gives the same problem as ``check``; never raises on bad input.
    """
    report, image = _open(data, spec.rules, max_pixels)
    if image is None:
        return report.problems[0]  # HEIC, not a picture, damaged or too many pixels
    try:
        with image:
            made = _remake(image, spec)
    except _DECODE_ERRORS:
        return _damaged(spec.rules)
    if isinstance(made, Problem):
        return made
    fixed, changes = made
    result = check(fixed, spec, max_pixels=max_pixels)
    if not result.ok:  # only a missing face can remain: no fix can add one
        return result.problems[0]
    return FixedPhoto(fixed, result, changes)


def _remake(image: Image.Image, spec: PhotoSpec) -> tuple[bytes, list[Problem]] | Problem:
    changes: list[Problem] = []
    if _orientation(image) != 1:
        ImageOps.exif_transpose(image, in_place=True)
        changes.append(Problem(N_("Turned upright: the camera had stored it rotated.")))
    if image.mode != "RGB":
        changes.append(
            Problem(N_("Converted to 24-bit RGB colour (it was {actual_mode})."), {"actual_mode": image.mode})
        )
    rgb = _to_rgb(image)
    target = spec.fix
    if target.size is not None:
        shaped = _crop_exact(rgb, spec, target.size)
        if isinstance(shaped, Problem):
            return shaped
        picture, change = shaped
        changes += change
        quality, jpeg = _best_jpeg(picture, target.max_bytes, _MIN_QUALITY_EXACT_SIZE)
        if len(jpeg) > target.max_bytes:
            return _cannot_fit(target.max_bytes)
    else:
        assert target.max_long_side is not None
        long_side = min(target.max_long_side, max(rgb.size))
        while True:
            picture = _shrunk(rgb, long_side)
            quality, jpeg = _best_jpeg(picture, target.max_bytes, _MIN_QUALITY)
            if len(jpeg) <= target.max_bytes:
                break
            # Bytes grow about with the pixel count: aim just under the limit in one step or two.
            long_side = int(
                long_side * min(_SHRINK_AT_MOST, _SHRINK_AT_MOST * sqrt(target.max_bytes / len(jpeg)))
            )
            if long_side < _MIN_LONG_SIDE:
                return _cannot_fit(target.max_bytes)
        if picture.size != rgb.size:
            changes.append(_resized(rgb.size, picture.size))
    changes.append(
        Problem(
            N_("Saved as JPEG at quality {quality}: {bytes} bytes."), {"quality": quality, "bytes": len(jpeg)}
        )
    )
    return jpeg, changes


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I;16"):  # 16-bit grey: keep the top 8 bits instead of clipping
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _crop_exact(
    image: Image.Image, spec: PhotoSpec, size: tuple[int, int]
) -> tuple[Image.Image, list[Problem]] | Problem:
    if image.size == size:
        return image, []
    faces = detect_faces(image) if spec.face is not FaceRule.NONE else []
    face = faces[0] if faces else None
    box = _crop_box(image.size, size, face, spec.head)
    if box is None:
        return Problem(
            N_(
                "The picture is too small to reach {width}×{height} pixels without enlarging it; "
                "it is {actual_width}×{actual_height}. Take or scan it at a higher resolution."
            ),
            {"width": size[0], "height": size[1], "actual_width": image.width, "actual_height": image.height},
        )
    picture = image.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    if face is not None and spec.head is not None:
        # Haar boxes jump by up to a tenth from one scale to the next, so the head measured on the
        # result may miss the sizes aimed at: measure it there once more and correct the crop once.
        again = detect_faces(picture)
        if again and _head_warnings(again[0], spec.head):
            refined = _crop_box(image.size, size, _in_source(again[0], box, size), spec.head)
            if refined is not None:
                picture = image.resize(size, Image.Resampling.LANCZOS, box=refined, reducing_gap=3.0)
    change = Problem(
        N_("Cropped around the face and resized from {w}×{h} to {width}×{height}.")
        if face is not None
        else N_("Cropped to the middle and resized from {w}×{h} to {width}×{height}."),
        {"w": image.width, "h": image.height, "width": size[0], "height": size[1]},
    )
    return picture, [change]


def _crop_box(
    source: tuple[int, int], size: tuple[int, int], face: FaceBox | None, head: HeadRule | None
) -> tuple[float, float, float, float] | None:
    """The part of ``source`` to scale to ``size`` (its aspect), or None when that needs enlarging.

    Around a face: centred on it across, the estimated crown a little below the top edge, and scaled
    so that the estimated head lands in the middle of ``head``'s sizes (never below ``size`` itself).
    Without a face: the largest crop, as ``ImageOps.fit`` with ``centering=(0.5, 0.4)``, a little above
    the middle, where a head usually is.
    """
    width, height = source
    target_width, target_height = size
    crop_height = min(height, width * target_height / target_width)  # the largest that fits
    if crop_height < target_height - 0.5 or crop_height * target_width / target_height < target_width - 0.5:
        return None
    if face is None:
        crop_width = crop_height * target_width / target_height
        left, top = (width - crop_width) * 0.5, (height - crop_height) * 0.4
    else:
        if head is not None:
            crop_height = min(crop_height, max(target_height, target_height / _head_scale(face, head)))
        crop_width = crop_height * target_width / target_height
        crown = face.y - _CROWN_ABOVE_BOX * face.height
        left = _clamp(face.centre_x - crop_width / 2, width - crop_width)
        top = _clamp(crown - _ROOM_ABOVE_HEAD * crop_height, height - crop_height)
    return left, top, left + crop_width, top + crop_height


def _in_source(face: FaceBox, box: tuple[float, float, float, float], size: tuple[int, int]) -> FaceBox:
    """``face``, found in the picture made from ``box``, in the source picture's pixels."""
    scale = (box[2] - box[0]) / size[0]
    return FaceBox(
        round(box[0] + face.x * scale),
        round(box[1] + face.y * scale),
        round(face.width * scale),
        round(face.height * scale),
    )


def _head_scale(face: FaceBox, head: HeadRule) -> float:
    """Output pixels per input pixel that put the estimated head in the middle of the allowed sizes."""
    low_w, high_w = (px / (face.width * HEAD_WIDTH_PER_BOX) for px in head.width_px)
    low_l, high_l = (px / (face.height * HEAD_LENGTH_PER_BOX) for px in head.length_px)
    low, high = max(low_w, low_l), min(high_w, high_l)
    if low > high:  # the face's proportions cannot satisfy both: the length decides
        low, high = low_l, high_l
    return (low + high) / 2


def _clamp(value: float, highest: float) -> float:
    return max(0.0, min(value, highest))


def _shrunk(image: Image.Image, long_side: int) -> Image.Image:
    width, height = image.size
    if max(width, height) <= long_side:
        return image
    scale = long_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _resized(before: tuple[int, int], after: tuple[int, int]) -> Problem:
    return Problem(
        N_("Resized from {w}×{h} to {width}×{height}, keeping its proportions."),
        {"w": before[0], "h": before[1], "width": after[0], "height": after[1]},
    )


def _cannot_fit(max_bytes: int) -> Problem:
    return Problem(
        N_(
            "The picture cannot be saved in {max_bytes} bytes without losing too much detail; "
            "take or scan it again with less detail around it."
        ),
        {"max_bytes": max_bytes},
    )


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = BytesIO()
    # Baseline (not progressive), and no EXIF or ICC data: nothing but the picture itself.
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False)
    return buffer.getvalue()


def _best_jpeg(image: Image.Image, max_bytes: int, lowest: int) -> tuple[int, bytes]:
    """The highest quality from ``lowest`` to 95 whose JPEG fits in ``max_bytes``, with its bytes;
    when none fits, the (too large) encoding at ``lowest``."""
    encoded = _jpeg(image, _MAX_QUALITY)
    if len(encoded) <= max_bytes:  # the usual case for a photo of a few hundred pixels: one encode
        return _MAX_QUALITY, encoded
    best = lowest, _jpeg(image, lowest)
    if len(best[1]) > max_bytes:
        return best
    low, high = lowest + 1, _MAX_QUALITY - 1
    while low <= high:  # JPEG size grows with quality, so a binary search finds the edge
        quality = (low + high) // 2
        encoded = _jpeg(image, quality)
        if len(encoded) <= max_bytes:
            best, low = (quality, encoded), quality + 1
        else:
            high = quality - 1
    return best
