"""ID photo (证件照) checks on the file's bytes: RULES.md §3 and seed 003 "上传电子照片".

Only the hard rules are checked here: real format (by content, never by file name), size in pixels,
24-bit RGB colour and file size. Every broken rule is listed at once, each with the measured and
the required value, so the applicant can fix everything in one go.
"""

import warnings
from dataclasses import dataclass, field
from io import BytesIO

from PIL import Image, UnidentifiedImageError

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


@dataclass(frozen=True, slots=True)
class PhotoRules:
    """What a programme's web system accepts; ``formats`` uses Pillow's names ("JPEG", "PNG")."""

    width: int
    height: int
    max_bytes: int
    formats: tuple[str, ...]
    mode: str = "RGB"


# Seed 003: JPG only, 390 × 567 px, at most "200K", 24-bit RGB true colour.
SEED_003 = PhotoRules(390, 567, MAX_BYTES_200K, ("JPEG",))


@dataclass(frozen=True, slots=True)
class PhotoReport:
    """What was measured, and every rule the photo breaks (empty when it passes).

    ``format``, ``width``, ``height`` and ``mode`` are None when the file could not be read that far.
    """

    size_bytes: int
    format: str | None = None
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


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
    if (width, height) == (rules.width, rules.height):
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
    if mode == rules.mode:
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


def inspect(data: bytes, rules: PhotoRules, *, max_pixels: int = MAX_PIXELS) -> PhotoReport:
    """Measure ``data`` and list every rule of ``rules`` it breaks; never raises on bad input.

    The header gives format, size and mode without decoding; the pixels are decoded only when they
    number at most ``max_pixels`` (a small file may declare a huge picture: a decompression bomb), so
    that a truncated or corrupt file is caught. Uses ``warnings.catch_warnings``, which is process-wide:
    run it in one worker thread at a time, or accept that another thread's warnings filter may leak.
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
        return PhotoReport(size_bytes, format="HEIC", problems=[heic, *problems])

    with warnings.catch_warnings():
        # Pillow warns (rather than refuses) between its limit and twice it: refuse there too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return PhotoReport(size_bytes, problems=[_too_many_pixels(max_pixels, rules), *problems])
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            if data.startswith(_JPEG_MAGIC):
                return PhotoReport(size_bytes, format="JPEG", problems=[_damaged(rules), *problems])
            not_image = Problem(
                N_("This file is not a picture. Send the photo as a {formats} file."),
                {"formats": _formats(rules)},
            )
            return PhotoReport(size_bytes, problems=[not_image, *problems])

        with image:
            actual_format = _FORMAT_ALIASES.get(image.format or "", image.format or "?")
            width, height = image.size
            mode = image.mode
            found: list[Problem] = []
            if width * height > max_pixels:
                found.append(_too_many_pixels(max_pixels, rules))
            else:
                try:
                    image.load()  # Image.open reads only the header: decode to catch a cut-off file
                except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                    found.append(_too_many_pixels(max_pixels, rules))
                except (OSError, ValueError, SyntaxError, EOFError):
                    found.append(_damaged(rules))

    found += _format_problem(actual_format, rules)
    found += _size_problem(width, height, rules)
    found += _mode_problem(mode, rules)
    return PhotoReport(size_bytes, actual_format, width, height, mode, found + problems)
