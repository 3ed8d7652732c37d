"""ID photo checks on bytes (RULES.md §3, seed 003): images are built in memory with Pillow."""

import random
import warnings
from io import BytesIO

import pytest
from PIL import Image

from domain.photos import MAX_BYTES_200K, SEED_003, PhotoReport, PhotoRules, inspect, is_heif
from domain.problems import Problem

W, H = SEED_003.width, SEED_003.height


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def blue(mode: str = "RGB", size: tuple[int, int] = (W, H)) -> Image.Image:
    return Image.new("RGB", size, (67, 142, 219)).convert(mode)


def noisy(size: tuple[int, int] = (W, H), seed: int = 0) -> Image.Image:
    """Random pixels: JPEG cannot compress them, so the file is large and its scan data long."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def messages(report: PhotoReport) -> list[str]:
    return [problem.message for problem in report.problems]


def the_problem(report: PhotoReport, words: str) -> Problem:
    found = [problem for problem in report.problems if words in problem.message]
    assert len(found) == 1, messages(report)
    return found[0]


def test_the_limit_is_the_safe_reading_of_200k():
    assert MAX_BYTES_200K == 200_000
    assert PhotoRules(390, 567, 200_000, ("JPEG",), "RGB") == SEED_003


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
    # 400 million 1-bit pixels compress to a few dozen kilobytes of PNG.
    data = encode(Image.new("1", (20000, 20000)), "PNG")
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
    data = encode(Image.new("1", (8000, 6000)), "PNG")  # 48 M pixels: under Pillow's limit, over ours
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
