"""The pictures the transcripts send (tests/conversations/files/), made from tests/photo_samples.py.

Run ``python -m tests.conversation_pictures`` to write them again; they are committed so that a
transcript plays the same bytes on every machine.
"""

from pathlib import Path

from PIL import Image, ImageDraw

from tests import photo_samples as samples

FOLDER = Path(__file__).parent / "conversations" / "files"


def _document(
    title: str, size: tuple[int, int] = (900, 640), tint: tuple[int, int, int] = (250, 248, 240)
) -> Image.Image:
    """A scan-like page: a frame, a title bar and lines of "text"."""
    page = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(page)
    width, height = size
    draw.rectangle([20, 20, width - 20, height - 20], outline=(120, 40, 40), width=6)
    draw.text((60, 50), title, fill=(20, 20, 20))
    for row in range(8):
        y = 120 + row * 55
        draw.line([60, y, width - 60 - (row % 3) * 90, y], fill=(60, 60, 60), width=4)
    return page


def _phone_portrait() -> bytes:
    """A 1500×2000 phone portrait against a light blue wall, stored rotated (EXIF Orientation 6)."""
    upright = Image.new("RGB", (1500, 2000), samples.LIGHT_BLUE)
    upright.paste(samples.astronaut_on(samples.LIGHT_BLUE, 2.8), (33, 560))
    noise = Image.effect_noise(upright.size, 24).convert("RGB")
    return samples.with_orientation(Image.blend(upright, noise, 0.1), 6, quality=90)


def _id_card() -> bytes:
    """The portrait side of an ID card: a pale card with the photo on the right."""
    card = _document("ID", size=(856, 540), tint=(236, 240, 236))
    card.paste(samples.astronaut_on((250, 250, 250), 0.8).crop((60, 0, 380, 400)), (500, 80))
    return samples.encode(card, "JPEG", quality=88)


def pictures() -> dict[str, bytes]:
    return {
        "degree-photo.jpg": samples.degree_photo(),
        "degree-photo-white.jpg": samples.degree_photo(samples.WHITE),
        "degree-photo-phone.jpg": _phone_portrait(),
        "tj-id-photo.jpg": samples.encode(samples.portrait(size=(358, 441)), "JPEG", quality=90),
        "tj-id-card.jpg": _id_card(),
        "id-front.jpg": samples.encode(_document("ID front"), "JPEG", quality=80),
        "id-back.png": samples.encode(
            _document("ID back").convert("P", palette=Image.Palette.ADAPTIVE), "PNG"
        ),
        "diploma.jpg": samples.encode(_document("Diploma", tint=(245, 235, 215)), "JPEG", quality=80),
        "probation.jpg": samples.encode(_document("Probation"), "JPEG", quality=75),
        "diploma-new.jpg": samples.encode(
            _document("Diploma, sharper", tint=(246, 236, 216)), "JPEG", quality=85
        ),
        "scan-large.jpg": samples.encode(samples.noisy((600, 450), seed=5), "JPEG", quality=92),
    }


def main() -> None:
    for name, data in pictures().items():
        (FOLDER / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
