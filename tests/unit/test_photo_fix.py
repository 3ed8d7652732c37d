"""The one-tap fix (domain/photos.fix): geometry and encoding only, never the picture's content."""

import random

import pytest
from PIL import ExifTags, Image, ImageFile, ImageFilter

from domain.photos import (
    DEGREE_PHOTO,
    MATERIAL_IMAGE,
    MAX_BYTES_200K,
    MAX_PIXELS,
    SPECS,
    TJ_ID_CARD,
    TJ_ID_PHOTO,
    FixedPhoto,
    check,
    fix,
)
from domain.problems import Problem
from tests.photo_samples import (
    FITTING_SCALE,
    LIGHT_BLUE,
    WHITE,
    astronaut,
    astronaut_on,
    big_blank,
    bomb,
    decode,
    degree_photo,
    encode,
    noisy,
    phone_photo,
    plain,
    portrait,
)


def fixed(data: bytes, spec=DEGREE_PHOTO) -> FixedPhoto:
    result = fix(data, spec)
    assert isinstance(result, FixedPhoto), result
    return result


def change_texts(result: FixedPhoto) -> list[str]:
    return [change.message for change in result.changes]


def test_a_12_megapixel_phone_photo_turned_by_exif_becomes_the_seed_003_photo():
    data = phone_photo()
    stored = decode(data)
    assert stored.size == (4000, 3000) and stored.getexif()[ExifTags.Base.Orientation] == 6

    result = fixed(data)

    picture = decode(result.data)
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (390, 567), "RGB")
    assert len(result.data) <= MAX_BYTES_200K
    assert result.report.ok and result.report.size_bytes == len(result.data)
    face = result.report.face
    assert face is not None  # upright: the cascade finds frontal faces only
    assert min(face.x, face.y) >= 0
    assert (face.x + face.width, face.y + face.height) <= (390, 567)
    assert abs(face.centre_x - 195) < 390 * 0.12
    assert not [warning for warning in result.report.warnings if "head" in warning.message]
    assert result.changes == [
        Problem("Turned upright: the camera had stored it rotated."),
        Problem(
            "Cropped around the face and resized from {w}×{h} to {width}×{height}.",
            {"w": 3000, "h": 4000, "width": 390, "height": 567},
        ),
        Problem(
            "Saved as JPEG at quality {quality}: {bytes} bytes.",
            {"quality": result.changes[-1].params["quality"], "bytes": len(result.data)},
        ),
    ]


def test_the_fixed_file_carries_no_exif_no_icc_and_is_baseline():
    result = fixed(phone_photo())
    picture = decode(result.data)
    assert dict(picture.getexif()) == {}
    assert "icc_profile" not in picture.info and "exif" not in picture.info
    assert not picture.info.get("progressive") and not picture.info.get("progression")


@pytest.mark.parametrize("code", sorted(SPECS))
def test_the_phone_photo_fixed_for_any_slot_passes_that_slot(code):
    result = fixed(phone_photo(), SPECS[code])
    again = check(result.data, SPECS[code])
    assert again.ok, again.problems
    assert again == result.report
    if SPECS[code].fix.max_long_side is not None:
        assert decode(result.data).size[1] == SPECS[code].fix.max_long_side  # portrait: height is long


def test_the_quality_is_the_highest_under_the_limit():
    picture = noisy((900, 700)).filter(ImageFilter.GaussianBlur(1.2))  # too detailed for 95
    result = fixed(encode(picture, "PNG"), MATERIAL_IMAGE)
    quality = int(result.changes[-1].params["quality"])
    assert 40 <= quality < 95
    assert len(encode(picture, "JPEG", quality=quality, optimize=True)) == len(result.data)
    assert len(encode(picture, "JPEG", quality=quality + 1, optimize=True)) > MAX_BYTES_200K


def test_a_scan_too_detailed_for_quality_40_is_shrunk_further_keeping_its_proportions():
    result = fixed(encode(noisy((1200, 900)), "PNG"), MATERIAL_IMAGE)
    resize, saved = result.changes
    assert resize.message == "Resized from {w}×{h} to {width}×{height}, keeping its proportions."
    width, height = int(resize.params["width"]), int(resize.params["height"])
    assert width < 1200 and abs(width / height - 4 / 3) < 0.01
    assert int(saved.params["quality"]) >= 40 and len(result.data) <= MAX_BYTES_200K


def test_a_small_grey_scan_keeps_its_size_and_becomes_rgb_jpeg():
    result = fixed(encode(plain(WHITE, (800, 600), "L"), "PNG"), MATERIAL_IMAGE)
    assert change_texts(result)[0] == "Converted to 24-bit RGB colour (it was {actual_mode})."
    assert result.changes[0].params == {"actual_mode": "L"}
    picture = decode(result.data)
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (800, 600), "RGB")


def test_a_cmyk_photo_is_fixed_to_rgb():
    data = encode(portrait(LIGHT_BLUE, size=(500, 700)).convert("CMYK"), "JPEG", quality=90)
    assert not check(data, DEGREE_PHOTO).ok
    result = fixed(data)
    assert result.changes[0].params == {"actual_mode": "CMYK"}
    assert decode(result.data).mode == "RGB" and result.report.ok


def test_a_png_renamed_jpg_is_saved_as_a_real_jpeg():
    data = encode(portrait(size=(450, 650)), "PNG")
    assert check(data, DEGREE_PHOTO).problems[0].params["actual_format"] == "PNG"
    result = fixed(data)
    assert decode(result.data).format == "JPEG" and result.report.ok


def test_transparency_is_flattened_on_white():
    picture = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    picture.paste(Image.new("RGBA", (200, 200), (200, 0, 0, 255)), (200, 100))
    result = fixed(encode(picture, "PNG"), MATERIAL_IMAGE)
    flat = decode(result.data)
    assert all(channel > 245 for channel in flat.getpixel((5, 5)))
    assert flat.getpixel((300, 200))[0] > 180


def test_a_good_degree_photo_is_only_saved_again():
    result = fixed(degree_photo())
    assert change_texts(result) == ["Saved as JPEG at quality {quality}: {bytes} bytes."]
    assert result.report.warnings == []


def test_a_photo_too_small_to_reach_390_by_567_is_refused_with_both_sizes():
    result = fix(encode(astronaut(), "JPEG"), DEGREE_PHOTO)
    assert result == Problem(
        "The picture is too small to reach {width}×{height} pixels without enlarging it; it is "
        "{actual_width}×{actual_height}. Take or scan it at a higher resolution.",
        {"width": 390, "height": 567, "actual_width": 512, "actual_height": 512},
    )


def test_without_a_face_the_crop_is_centred_a_little_above_the_middle():
    picture = Image.new("RGB", (1000, 1000), LIGHT_BLUE)
    picture.paste(Image.new("RGB", (1000, 500), (10, 10, 10)), (0, 500))  # dark lower half
    result = fixed(encode(picture, "JPEG"))
    assert change_texts(result)[0] == "Cropped to the middle and resized from {w}×{h} to {width}×{height}."
    # The crop keeps rows 0.4 × (1000 − 1000) = 0 to 1000: the dark half starts half-way down.
    out = decode(result.data)
    assert sum(out.getpixel((195, 270))) > 300 and sum(out.getpixel((195, 300))) < 100


def test_a_face_near_the_edge_keeps_the_crop_inside_the_picture():
    picture = Image.new("RGB", (1400, 1400), LIGHT_BLUE)
    picture.paste(astronaut_on(LIGHT_BLUE, FITTING_SCALE).crop((300, 0, 1152, 1152)), (0, 0))
    result = fixed(encode(picture, "JPEG", quality=90))
    assert decode(result.data).size == (390, 567) and result.report.ok


def test_the_background_is_never_changed():
    big_white = encode(portrait(WHITE, scale=3.0, size=(585, 850)), "JPEG", quality=92)
    result = fixed(big_white)
    assert any(
        warning.message.startswith("The background does not look blue") for warning in result.report.warnings
    )
    assert all(channel > 240 for channel in decode(result.data).getpixel((3, 3)))


@pytest.mark.parametrize("spec", [TJ_ID_PHOTO, TJ_ID_CARD], ids=lambda spec: spec.code)
def test_no_fix_can_add_a_required_face(spec):
    result = fix(encode(plain(LIGHT_BLUE, (800, 1000)), "JPEG"), spec)
    assert isinstance(result, Problem) and result.message.startswith("No face was found")


def test_a_decompression_bomb_is_refused_without_decoding(monkeypatch):
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    # 48 million pixels (over our limit, under Pillow's), and 400 million (over Pillow's too).
    for data in (big_blank(), bomb()):
        for spec in SPECS.values():
            result = fix(data, spec)
            assert isinstance(result, Problem) and result.params["max_pixels"] == MAX_PIXELS
            assert result == check(data, spec).problems[0]


def test_a_truncated_file_gives_the_same_problem_as_check():
    data = degree_photo()[:5000]
    result = fix(data, DEGREE_PHOTO)
    assert isinstance(result, Problem) and result.message.startswith("The photo file is damaged")
    assert result == check(data, DEGREE_PHOTO).problems[0]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200, "HEIC format"),
        (b"%PDF-1.7\n", "not a picture"),
        (b"", "not a picture"),
    ],
)
def test_files_that_are_no_readable_picture_get_checks_problem(data, words):
    result = fix(data, DEGREE_PHOTO)
    assert isinstance(result, Problem) and words in result.message


def test_fix_never_raises_on_damaged_files():
    good = encode(portrait(size=(450, 650)), "JPEG", quality=85)
    rng = random.Random(3)
    for _ in range(5):
        damaged = bytearray(good)
        for _ in range(30):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        assert isinstance(fix(bytes(damaged), DEGREE_PHOTO), FixedPhoto | Problem)
