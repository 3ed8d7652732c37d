"""Photo checks on bytes (RULES.md §3): the hard rules of ``inspect``, then ``check`` by each spec with
its face and background warnings. Pictures are built in memory (tests/photo_samples.py)."""

import random
import warnings

import pytest
from PIL import Image

from domain.photos import (
    DEGREE_PHOTO,
    MATERIAL_IMAGE,
    MAX_BYTES_200K,
    SEED_003,
    SPECS,
    TJ_ID_CARD,
    TJ_ID_PHOTO,
    FaceRule,
    PhotoReport,
    PhotoRules,
    PhotoSpec,
    blue_share,
    check,
    inspect,
    is_heif,
)
from domain.problems import Problem
from tests.photo_samples import (
    BLUE,
    LARGE_HEAD_SCALE,
    LIGHT_BLUE,
    RED,
    SMALL_HEAD_SCALE,
    WHITE,
    astronaut,
    big_blank,
    bomb,
    decode,
    degree_photo,
    encode,
    noisy,
    plain,
    portrait,
    two_faces,
    with_orientation,
)

W, H = 390, 567


def blue(mode: str = "RGB", size: tuple[int, int] = (W, H)) -> Image.Image:
    return plain(BLUE, size, mode)


def messages(report: PhotoReport) -> list[str]:
    return [problem.message for problem in report.problems]


def the_problem(report: PhotoReport, words: str) -> Problem:
    found = [problem for problem in report.problems if words in problem.message]
    assert len(found) == 1, messages(report)
    return found[0]


def test_the_limit_is_the_safe_reading_of_200k():
    assert MAX_BYTES_200K == 200_000
    assert PhotoRules(390, 567, 200_000, ("JPEG",), "RGB") == SEED_003
    assert {spec.rules.max_bytes for spec in SPECS.values()} == {MAX_BYTES_200K}


def test_a_390_by_567_rgb_jpeg_under_the_limit_passes():
    data = encode(blue(), "JPEG", quality=90)
    report = inspect(data, SEED_003)
    assert report.ok, messages(report)
    assert (report.format, report.width, report.height, report.mode) == ("JPEG", 390, 567, "RGB")
    assert report.size_bytes == len(data)


def test_a_photo_of_the_wrong_size_is_refused_with_both_sizes():
    report = inspect(encode(blue(size=(567, 390)), "JPEG"), SEED_003)
    problem = the_problem(report, "pixels")
    assert problem.params == {"width": 390, "height": 567, "actual_width": 567, "actual_height": 390}
    assert len(report.problems) == 1


def test_a_png_renamed_jpg_is_png_by_its_content():
    report = inspect(encode(blue(), "PNG"), SEED_003)
    assert report.format == "PNG"
    problem = the_problem(report, "real {formats} file")
    assert problem.params == {"formats": "JPEG", "actual_format": "PNG"}
    assert len(report.problems) == 1


@pytest.mark.parametrize(
    ("mode", "fmt", "words"),
    [
        ("CMYK", "JPEG", "print colours"),
        ("L", "JPEG", "black and white or grey"),
        ("P", "PNG", "colour palette"),
        ("RGBA", "PNG", "transparency"),
    ],
)
def test_a_photo_that_is_no_24_bit_rgb_is_refused_by_its_mode(mode, fmt, words):
    report = inspect(encode(blue(mode), fmt), SEED_003)
    assert report.mode == mode
    problem = the_problem(report, words)
    assert problem.params == {"mode": "RGB", "actual_mode": mode}


def test_a_jpeg_over_the_limit_is_refused_with_both_byte_counts():
    data = encode(noisy(), "JPEG", quality=100)
    assert len(data) > MAX_BYTES_200K
    report = inspect(data, SEED_003)
    problem = the_problem(report, "at most {max_bytes} bytes")
    assert problem.params == {"max_bytes": 200_000, "actual_bytes": len(data)}
    assert len(report.problems) == 1


def test_bytes_after_the_end_of_a_jpeg_still_count_toward_the_limit():
    # JPEG readers ignore bytes after the EOI marker: the file is valid but too large.
    data = encode(blue(), "JPEG") + b"\x00" * MAX_BYTES_200K
    report = inspect(data, SEED_003)
    assert messages(report) == [
        "The photo file must be at most {max_bytes} bytes; this one is {actual_bytes} bytes."
    ]


def test_a_photo_of_exactly_the_limit_passes():
    data = encode(blue(), "JPEG")
    data += b"\x00" * (MAX_BYTES_200K - len(data))
    assert inspect(data, SEED_003).ok


def test_a_cut_off_jpeg_is_refused_as_damaged():
    data = encode(noisy(), "JPEG", quality=75)
    report = inspect(data[: len(data) // 2], SEED_003)
    # The header survived: the measured values are still reported.
    assert (report.format, report.width, report.height) == ("JPEG", 390, 567)
    assert the_problem(report, "damaged or incomplete").params == {"formats": "JPEG"}
    assert len(report.problems) == 1


def test_a_jpeg_cut_inside_its_header_is_refused_as_damaged():
    report = inspect(encode(blue(), "JPEG")[:20], SEED_003)
    assert report.format == "JPEG"
    the_problem(report, "damaged or incomplete")


@pytest.mark.parametrize("data", [random.Random(1).randbytes(5000), b"", b"%PDF-1.7\n", "照片.jpg".encode()])
def test_bytes_that_are_no_picture_are_refused(data):
    report = inspect(data, SEED_003)
    assert report.format is None
    assert messages(report) == ["This file is not a picture. Send the photo as a {formats} file."]


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"mif1", b"hevc"])
def test_an_iphone_heic_photo_is_recognised_by_its_ftyp_brand(brand):
    data = b"\x00\x00\x00\x18ftyp" + brand + b"\x00" * 200
    assert is_heif(data)
    report = inspect(data, SEED_003)
    assert report.format == "HEIC"
    problem = the_problem(report, "HEIC format")
    assert problem.params == {"formats": "JPEG", "actual_format": "HEIC"}
    assert len(report.problems) == 1


def test_an_mp4_is_no_heic():
    assert not is_heif(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 16)


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused_cleanly():
    data = bomb()  # 400 million 1-bit pixels in a few dozen kilobytes of PNG
    report = inspect(data, SEED_003)
    problem = the_problem(report, "too large to open safely")
    assert problem.params == {"max_pixels": 40_000_000, "width": 390, "height": 567}


def test_a_picture_where_pillow_only_warns_is_refused_without_a_warning_escaping():
    data = encode(Image.new("1", (10000, 10000)), "PNG")  # 100 M pixels: Pillow warns, does not raise
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = inspect(data, SEED_003)
    the_problem(report, "too large to open safely")


def test_a_picture_over_our_pixel_limit_is_not_decoded_but_its_header_is_reported():
    data = big_blank()  # 48 M pixels: under Pillow's limit, over ours
    report = inspect(data, SEED_003)
    assert (report.format, report.width, report.height, report.mode) == ("PNG", 8000, 6000, "1")
    assert len(report.problems) == 4  # too many pixels, format, size, mode
    the_problem(report, "too large to open safely")
    assert (
        inspect(data, SEED_003, max_pixels=50_000_000)
        .problems[0]
        .message.startswith("The photo must be a real")
    )


def test_every_problem_is_listed_at_once():
    image = Image.frombytes("RGBA", (600, 800), random.Random(2).randbytes(600 * 800 * 4))
    data = encode(image, "PNG")
    assert len(data) > MAX_BYTES_200K
    report = inspect(data, SEED_003)
    assert [problem.params for problem in report.problems] == [
        {"formats": "JPEG", "actual_format": "PNG"},
        {"width": 390, "height": 567, "actual_width": 600, "actual_height": 800},
        {"mode": "RGB", "actual_mode": "RGBA"},
        {"max_bytes": 200_000, "actual_bytes": len(data)},
    ]


def test_a_cmyk_jpeg_of_the_wrong_size_over_the_limit_lists_three_problems():
    data = encode(blue("CMYK", (400, 600)), "JPEG") + b"\x00" * MAX_BYTES_200K
    report = inspect(data, SEED_003)
    assert [sorted(problem.params) for problem in report.problems] == [
        ["actual_height", "actual_width", "height", "width"],
        ["actual_mode", "mode"],
        ["actual_bytes", "max_bytes"],
    ]


def test_other_rules_accept_other_formats():
    rules = PhotoRules(100, 100, 50_000, ("JPEG", "PNG"))
    assert inspect(encode(blue(size=(100, 100)), "PNG"), rules).ok
    problem = the_problem(inspect(encode(blue(size=(100, 100)), "GIF"), rules), "real {formats} file")
    assert problem.params == {"formats": "JPEG / PNG", "actual_format": "GIF"}


# Rules of any size and any colour mode (seed 001 materials)


def test_rules_without_a_size_accept_any_size_and_without_a_mode_any_mode():
    rules = PhotoRules(None, None, 50_000, ("JPEG", "PNG"), mode=None)
    for image in (blue("L", (1200, 300)), blue("P", (40, 900)), blue("RGBA", (77, 77))):
        report = inspect(encode(image, "PNG"), rules)
        assert report.ok, messages(report)


def test_rules_need_both_sides_or_neither():
    with pytest.raises(ValueError, match="both width and height"):
        PhotoRules(390, None, 50_000, ("JPEG",))


def test_a_bomb_under_rules_of_any_size_is_refused_without_naming_a_size():
    report = inspect(big_blank(), MATERIAL_IMAGE.rules)
    assert messages(report) == ["The picture is too large to open safely (over {max_pixels} pixels)."]
    assert report.problems[0].params == {"max_pixels": 40_000_000}


# The specs


def test_the_specs_are_the_four_upload_slots():
    assert set(SPECS) == {"degree-equiv", "nmec-materials", "tj-id-photo", "tj-id-card"}
    assert all(SPECS[code].code == code for code in SPECS)
    assert (SPECS["degree-equiv"], SPECS["nmec-materials"]) == (DEGREE_PHOTO, MATERIAL_IMAGE)
    assert (SPECS["tj-id-photo"], SPECS["tj-id-card"]) == (TJ_ID_PHOTO, TJ_ID_CARD)


def test_the_degree_photo_is_seed_003_with_head_sizes_from_its_millimetres():
    spec = DEGREE_PHOTO
    assert spec.rules == SEED_003
    assert (spec.face, spec.background_blue, spec.face_centred) == (FaceRule.WARN, True, True)
    assert spec.head is not None
    assert round(spec.head.px_per_mm, 2) == 11.82  # 390 px = 33 mm
    assert (spec.head.width_px, spec.head.length_px) == ((248, 284), (331, 390))
    assert (spec.fix.size, spec.fix.max_long_side, spec.fix.max_bytes) == ((390, 567), None, 200_000)


def test_materials_take_jpeg_or_png_of_any_size_and_colour_without_a_face():
    spec = MATERIAL_IMAGE
    assert spec.rules == PhotoRules(None, None, 200_000, ("JPEG", "PNG"), mode=None)
    assert (spec.face, spec.background_blue, spec.head) == (FaceRule.NONE, False, None)
    assert (spec.fix.size, spec.fix.max_long_side) == (None, 2000)


@pytest.mark.parametrize("spec", [TJ_ID_PHOTO, TJ_ID_CARD], ids=lambda spec: spec.code)
def test_both_tianjin_identity_pictures_require_a_face(spec):
    assert spec.rules == PhotoRules(None, None, 200_000, ("JPEG", "PNG"), "RGB")
    assert (spec.face, spec.background_blue, spec.head) == (FaceRule.REQUIRE, False, None)
    assert (spec.fix.size, spec.fix.max_long_side) == (None, 1000)


# check: each rule failing alone, per spec

PASSING = {
    "degree-equiv": lambda: degree_photo(),
    "nmec-materials": lambda: encode(plain(WHITE, (700, 1000), "L"), "PNG"),  # a grey scan
    "tj-id-photo": lambda: encode(portrait(LIGHT_BLUE), "PNG"),
    "tj-id-card": lambda: encode(astronaut(), "JPEG", quality=90),
}


def warning_texts(report: PhotoReport) -> list[str]:
    return [warning.message for warning in report.warnings]


@pytest.mark.parametrize("code", sorted(PASSING))
def test_a_good_picture_passes_its_spec_without_warnings(code):
    report = check(PASSING[code](), SPECS[code])
    assert report.ok, messages(report)
    assert report.warnings == []
    assert (report.face is None) == (SPECS[code].face is FaceRule.NONE)


def padded(data: bytes) -> bytes:
    """The same picture over the byte limit: readers ignore bytes after the end of a JPEG or PNG."""
    return data + b"\x00" * (MAX_BYTES_200K + 1 - len(data))


@pytest.mark.parametrize("code", sorted(PASSING))
def test_a_file_over_the_byte_limit_fails_that_rule_alone(code):
    data = padded(PASSING[code]())
    report = check(data, SPECS[code])
    assert [problem.params for problem in report.problems] == [
        {"max_bytes": 200_000, "actual_bytes": MAX_BYTES_200K + 1}
    ]


@pytest.mark.parametrize(
    ("code", "fmt", "actual"),
    [
        ("degree-equiv", "PNG", "PNG"),
        ("nmec-materials", "GIF", "GIF"),
        ("tj-id-photo", "WEBP", "WEBP"),
        ("tj-id-card", "WEBP", "WEBP"),
    ],
)
def test_a_format_the_slot_does_not_take_fails_that_rule_alone(code, fmt, actual):
    picture = decode(PASSING[code]())
    report = check(encode(picture, fmt, **({"quality": 80} if fmt == "WEBP" else {})), SPECS[code])
    assert [problem.params for problem in report.problems] == [
        {"formats": " / ".join(SPECS[code].rules.formats), "actual_format": actual}
    ]


def test_a_degree_photo_of_the_wrong_size_fails_that_rule_alone():
    report = check(encode(portrait(size=(400, 567)), "JPEG", quality=90), DEGREE_PHOTO)
    assert [problem.params for problem in report.problems] == [
        {"width": 390, "height": 567, "actual_width": 400, "actual_height": 567}
    ]


@pytest.mark.parametrize("code", ["degree-equiv", "tj-id-photo", "tj-id-card"])
def test_a_cmyk_file_fails_the_colour_rule_alone_where_rgb_is_required(code):
    report = check(encode(portrait().convert("CMYK"), "JPEG", quality=90), SPECS[code])
    assert [problem.params for problem in report.problems] == [{"mode": "RGB", "actual_mode": "CMYK"}]
    assert report.face is not None


def test_materials_take_a_cmyk_scan():
    assert check(encode(plain(WHITE, (600, 800), "CMYK"), "JPEG"), MATERIAL_IMAGE).ok


@pytest.mark.parametrize("code", ["tj-id-photo", "tj-id-card"])
def test_no_face_fails_a_tianjin_identity_picture(code):
    report = check(encode(plain(LIGHT_BLUE, (600, 800)), "JPEG"), SPECS[code])
    assert messages(report) == [
        "No face was found in the picture: it must show one face from the front, clearly and uncovered."
    ]
    assert report.face is None


def test_no_face_is_only_a_warning_on_the_degree_photo():
    report = check(encode(blue(), "JPEG"), DEGREE_PHOTO)
    assert report.ok
    assert warning_texts(report) == [
        "No face was found in the picture: it must show one face from the front, clearly and uncovered."
    ]


def test_materials_never_look_for_a_face_or_a_background():
    report = check(encode(portrait(WHITE), "JPEG"), MATERIAL_IMAGE)
    assert (report.ok, report.warnings, report.face) == (True, [], None)


# check: everything failing at once


def test_a_degree_photo_breaking_every_rule_lists_every_problem_and_warning():
    image = Image.frombytes("RGBA", (600, 800), random.Random(2).randbytes(600 * 800 * 4))
    data = encode(image, "PNG")
    report = check(data, DEGREE_PHOTO)
    assert [problem.params for problem in report.problems] == [
        {"formats": "JPEG", "actual_format": "PNG"},
        {"width": 390, "height": 567, "actual_width": 600, "actual_height": 800},
        {"mode": "RGB", "actual_mode": "RGBA"},
        {"max_bytes": 200_000, "actual_bytes": len(data)},
    ]
    assert [warning.message.split(":")[0] for warning in report.warnings] == [
        "The background does not look blue",
        "No face was found in the picture",
    ]


def test_a_tianjin_photo_breaking_every_rule_lists_every_problem():
    data = encode(noisy((500, 500)).convert("CMYK"), "TIFF")
    report = check(data, TJ_ID_PHOTO)
    assert [sorted(problem.params) for problem in report.problems] == [
        ["actual_format", "formats"],
        ["actual_mode", "mode"],
        ["actual_bytes", "max_bytes"],
        [],  # no face
    ]


# check: warnings


@pytest.mark.parametrize(("colour", "share"), [(BLUE, 1.0), (LIGHT_BLUE, 1.0), (WHITE, 0.0), (RED, 0.0)])
def test_the_blue_heuristic_measures_the_background(colour, share):
    assert blue_share(plain(colour)) == share


def test_a_grey_picture_is_no_blue_background():
    assert blue_share(plain(BLUE, mode="L")) == 0.0


def test_a_blue_background_portrait_of_the_right_size_passes_without_warnings():
    report = check(degree_photo(), DEGREE_PHOTO)
    assert (report.ok, report.warnings) == (True, [])
    assert report.face is not None
    assert 248 <= report.face.width * 1.15 <= 284


def test_a_white_background_is_warned_with_retaking_as_the_only_remedy():
    report = check(degree_photo(WHITE), DEGREE_PHOTO)
    assert report.ok
    [warning] = report.warnings
    assert warning.params == {"blue_share": "0%", "required_share": "85%"}
    assert "forbid any retouching" in warning.message
    assert "take the photo again against a plain blue background" in warning.message


def test_a_head_too_small_is_warned_with_measured_and_required_px_and_mm():
    report = check(encode(portrait(scale=SMALL_HEAD_SCALE), "JPEG", quality=90), DEGREE_PHOTO)
    assert report.ok
    width, length = report.warnings
    assert width.message.startswith("The head looks too small") and "wide" in width.message
    assert length.message.startswith("The head looks too small") and "long" in length.message
    assert (
        width.params["min_px"],
        width.params["max_px"],
        width.params["min_mm"],
        width.params["max_mm"],
    ) == (
        248,
        284,
        "21",
        "24",
    )
    assert (length.params["min_px"], length.params["max_px"]) == (331, 390)
    assert (length.params["min_mm"], length.params["max_mm"]) == ("28", "33")
    assert int(width.params["actual_px"]) < 248
    assert float(width.params["actual_mm"]) == pytest.approx(
        int(width.params["actual_px"]) / (390 / 33), abs=0.1
    )


def test_a_head_too_large_is_warned():
    report = check(encode(portrait(scale=LARGE_HEAD_SCALE), "JPEG", quality=90), DEGREE_PHOTO)
    large = [warning for warning in report.warnings if warning.message.startswith("The head looks too large")]
    assert len(large) == 2
    assert all(int(warning.params["actual_px"]) > int(warning.params["max_px"]) for warning in large)


def test_head_size_is_judged_only_at_the_size_its_millimetres_hold_for():
    report = check(encode(portrait(scale=SMALL_HEAD_SCALE, size=(500, 700)), "JPEG"), DEGREE_PHOTO)
    assert not [warning for warning in report.warnings if "head" in warning.message]


def test_a_face_far_off_centre_is_warned_with_its_position():
    report = check(encode(portrait(shift=(55, 0)), "JPEG", quality=90), DEGREE_PHOTO)
    [off] = [warning for warning in report.warnings if "far from the middle" in warning.message]
    assert int(str(off.params["across"]).rstrip("%")) < 38
    assert 30 < int(str(off.params["down"]).rstrip("%")) < 60


def test_the_id_card_portrait_may_sit_off_centre():
    picture = Image.new("RGB", (1200, 760), (230, 230, 220))
    picture.paste(astronaut(), (660, 120))  # the portrait sits on the right of a Chinese ID card
    report = check(encode(picture, "JPEG", quality=90), TJ_ID_CARD)
    assert (report.ok, report.warnings) == (True, [])
    assert check(encode(picture, "JPEG", quality=90), TJ_ID_PHOTO).warnings != []


def test_more_than_one_face_is_warned():
    report = check(encode(two_faces(), "JPEG", quality=90), TJ_ID_PHOTO)
    assert report.ok
    [several] = [warning for warning in report.warnings if "faces were found" in warning.message]
    assert several.params == {"count": 2}


def test_a_picture_rotated_by_its_exif_tag_is_judged_upright_and_the_tag_is_warned():
    data = with_orientation(portrait(), 6, quality=90)
    report = check(data, DEGREE_PHOTO)
    assert (report.width, report.height) == (567, 390)  # as stored: the size rule sees that
    assert report.face is not None and report.face.width > 200  # found in the upright picture
    assert any("stored rotated or mirrored" in warning.message for warning in report.warnings)


def test_face_and_background_are_not_examined_when_the_picture_did_not_decode():
    data = degree_photo(WHITE)
    report = check(data[: len(data) // 2], DEGREE_PHOTO)
    assert [problem.message.split(".")[0] for problem in report.problems] == [
        "The photo file is damaged or incomplete and cannot be read"
    ]
    assert (report.warnings, report.face) == ([], None)


def test_warnings_never_fail_a_report():
    report = PhotoReport(1, warnings=[Problem("a warning")])
    assert report.ok


def variants(data: bytes) -> list[bytes]:
    """Cut, bit-flipped and rubbish versions of a good file."""
    rng = random.Random(7)
    out = [data[:cut] for cut in (0, 1, 3, 11, 64, 300, len(data) // 3, len(data) - 2)]
    for _ in range(6):
        flipped = bytearray(data)
        for _ in range(20):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        out.append(bytes(flipped))
    out.append(rng.randbytes(2000))
    return out


@pytest.mark.parametrize("code", sorted(PASSING))
def test_check_never_raises_on_damaged_files(code):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for data in variants(PASSING[code]()):
            assert isinstance(check(data, SPECS[code]), PhotoReport)


def test_a_spec_can_be_built_for_other_slots():
    spec = PhotoSpec("example", PhotoRules(None, None, 1000, ("PNG",)), MATERIAL_IMAGE.fix)
    assert spec.face is FaceRule.NONE and not spec.background_blue
    assert check(encode(blue(size=(10, 10)), "PNG"), spec).ok
