"""Pictures for the photo tests and the bench, generated on the spot.

Every portrait is made from ``tests/fixtures/astronaut.jpg`` (a public-domain NASA photo, see
``tests/fixtures/README.md``). Painting its background is a way to build test fixtures only: the
product itself never touches a background (seed 003 forbids any retouching).
"""

import random
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

ASTRONAUT = Path(__file__).parent / "fixtures" / "astronaut.jpg"
# Where OpenCV's frontal-face Haar cascade finds the face in the 512×512 original (x, y, width, height).
ASTRONAUT_FACE = (177, 66, 95, 95)

BLUE = (67, 142, 219)  # passes RULES.md §3's blue heuristic
LIGHT_BLUE = (100, 180, 240)  # passes too
WHITE = (255, 255, 255)
RED = (200, 30, 40)

DEGREE_SIZE = (390, 567)
# Scales of the original that put the estimated head inside seed 003's sizes, and outside. Haar
# boxes jump by several per cent with scale and background: at 2.4 the box is 239–244 px on blue,
# light blue and white alike, inside the 228–247 px that both head ranges allow.
FITTING_SCALE = 2.4
SMALL_HEAD_SCALE = 1.5
LARGE_HEAD_SCALE = 3.2


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


@cache
def _astronaut() -> Image.Image:
    with Image.open(ASTRONAUT) as image:
        return image.convert("RGB")


def astronaut() -> Image.Image:
    """The 512×512 original, as a fresh copy."""
    return _astronaut().copy()


def _person_mask(scale: float) -> Image.Image:
    """The astronaut's head (a slim ellipse, so the sides of the head stay background) and body."""
    size = round(512 * scale)
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse([v * scale for v in (165, 15, 285, 195)], fill=255)
    body = [(120, 150), (330, 150), (370, 300), (370, 512), (15, 512), (20, 300)]
    draw.polygon([(x * scale, y * scale) for x, y in body], fill=255)
    return mask


def astronaut_on(background: tuple[int, int, int], scale: float = 1.0) -> Image.Image:
    """The astronaut scaled by ``scale``, every pixel outside her silhouette painted ``background``."""
    size = round(512 * scale)
    person = astronaut().resize((size, size), Image.Resampling.BICUBIC)
    canvas = Image.new("RGB", (size, size), background)
    canvas.paste(person, mask=_person_mask(scale))
    return canvas


def face_at(scale: float) -> tuple[float, float, float, float]:
    x, y, width, height = ASTRONAUT_FACE
    return x * scale, y * scale, width * scale, height * scale


def portrait(
    background: tuple[int, int, int] = BLUE,
    scale: float = FITTING_SCALE,
    size: tuple[int, int] = DEGREE_SIZE,
    shift: tuple[int, int] = (0, 0),
) -> Image.Image:
    """A head-and-shoulders crop of ``size``: face centred across, top of the head near the top edge;
    ``shift`` moves the crop window (so the face moves the other way)."""
    face_x, face_y, face_width, face_height = face_at(scale)
    width, height = size
    left = round(face_x + face_width / 2 - width / 2) + shift[0]
    top = round(face_y - 0.5 * face_height - 0.07 * height) + shift[1]
    scaled = astronaut_on(background, scale)
    # Widen the canvas with background first, so a crop near an edge never leaves the picture.
    pad = max(width, height)
    canvas = Image.new("RGB", (scaled.width + 2 * pad, scaled.height + 2 * pad), background)
    canvas.paste(scaled, (pad, pad))
    return canvas.crop((left + pad, top + pad, left + pad + width, top + pad + height))


def degree_photo(background: tuple[int, int, int] = BLUE, **options: object) -> bytes:
    """A seed-003 photo (390×567 RGB JPEG, well under 200,000 bytes) of the astronaut."""
    return encode(portrait(background), "JPEG", quality=90, **options)


def two_faces() -> Image.Image:
    canvas = Image.new("RGB", (1024, 512), BLUE)
    canvas.paste(astronaut_on(BLUE), (0, 0))
    canvas.paste(astronaut_on(BLUE), (512, 0))
    return canvas


def plain(
    colour: tuple[int, int, int] = BLUE, size: tuple[int, int] = DEGREE_SIZE, mode: str = "RGB"
) -> Image.Image:
    return Image.new("RGB", size, colour).convert(mode)


def noisy(size: tuple[int, int] = DEGREE_SIZE, seed: int = 0) -> Image.Image:
    """Random pixels: JPEG cannot compress them, so the file is large."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def with_orientation(image: Image.Image, orientation: int, **options: object) -> bytes:
    """A JPEG whose pixels are stored the way a camera does for EXIF ``orientation`` (6: rotated a
    quarter turn clockwise to show), so that ``ImageOps.exif_transpose`` gives ``image`` back."""
    stored = {
        3: image.transpose(Image.Transpose.ROTATE_180),
        6: image.transpose(Image.Transpose.ROTATE_90),
        8: image.transpose(Image.Transpose.ROTATE_270),
    }[orientation]
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    return encode(stored, "JPEG", exif=exif, **options)


PHONE_UPRIGHT_SIZE = (3000, 4000)
PHONE_SCALE = 5.5
PHONE_OFFSET = (92, 1184)  # where the scaled astronaut sits in the upright picture


@cache
def phone_photo() -> bytes:
    """A 12-megapixel phone photo: stored as 4000×3000 with EXIF Orientation 6, upright 3000×4000, the
    astronaut against a light blue wall, with sensor-like noise so the JPEG is a few megabytes."""
    upright = Image.new("RGB", PHONE_UPRIGHT_SIZE, LIGHT_BLUE)
    upright.paste(astronaut_on(LIGHT_BLUE, PHONE_SCALE), PHONE_OFFSET)
    noise = Image.effect_noise(PHONE_UPRIGHT_SIZE, 24).convert("RGB")
    upright = Image.blend(upright, noise, 0.12)
    return with_orientation(upright, 6, quality=92)


def phone_face_upright() -> tuple[float, float, float, float]:
    """The face box in the upright phone photo's pixels."""
    x, y, width, height = face_at(PHONE_SCALE)
    return x + PHONE_OFFSET[0], y + PHONE_OFFSET[1], width, height


@cache
def bomb() -> bytes:
    """400 million 1-bit pixels in a few dozen kilobytes of PNG: a decompression bomb."""
    return encode(Image.new("1", (20000, 20000)), "PNG")


@cache
def big_blank() -> bytes:
    """48 million 1-bit pixels: over our limit (40 million), under Pillow's own (about 89 million)."""
    return encode(Image.new("1", (8000, 6000)), "PNG")
