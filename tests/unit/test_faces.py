"""Haar face detection (domain/faces.py): the model inside the opencv-python-headless wheel."""

import pytest
from PIL import Image

from domain import faces
from domain.faces import FaceBox, detect_faces
from tests.photo_samples import ASTRONAUT_FACE, BLUE, astronaut, plain, two_faces


def close_to(box: FaceBox, expected: tuple[float, float, float, float], tolerance: float) -> bool:
    return all(
        abs(actual - wanted) <= tolerance * expected[2]
        for actual, wanted in zip((box.x, box.y, box.width, box.height), expected, strict=True)
    )


def test_the_astronaut_has_one_face_where_the_fixture_readme_says():
    [face] = detect_faces(astronaut())
    assert close_to(face, ASTRONAUT_FACE, 0.05), face
    assert (face.centre_x, face.centre_y) == (face.x + face.width / 2, face.y + face.height / 2)


@pytest.mark.parametrize("mode", ["L", "CMYK", "RGBA", "P"])
def test_a_face_is_found_whatever_the_colour_mode(mode):
    assert len(detect_faces(astronaut().convert(mode))) == 1


def test_a_big_photo_is_searched_downscaled_but_boxes_are_in_its_own_pixels():
    scale = 7  # 3584×3584 pixels, searched at 800×800
    big = astronaut().resize((512 * scale, 512 * scale), Image.Resampling.BILINEAR)
    [face] = detect_faces(big)
    assert close_to(face, tuple(v * scale for v in ASTRONAUT_FACE), 0.12), face


def test_a_picture_without_a_face_has_none():
    assert detect_faces(plain(BLUE, (390, 567))) == []


def test_a_picture_too_small_for_the_cascade_has_none():
    assert detect_faces(plain(BLUE, (10, 10))) == []
    assert detect_faces(astronaut().resize((20, 20))) == []


def test_several_faces_come_largest_first():
    picture = two_faces()
    picture.paste(astronaut().resize((400, 400)), (56, 56))  # the left one a little smaller
    found = detect_faces(picture)
    assert len(found) == 2
    assert found[0].width > found[1].width
    assert found[0].x > 512  # the larger, right one


def test_the_cascade_is_loaded_once():
    detect_faces(astronaut())
    first = faces._classifier()
    detect_faces(astronaut())
    assert faces._classifier() is first
