"""``baoming check photo`` and ``baoming fix photo``: the help line's photo tools.

Exit codes: check 0 when the hard rules hold (warnings alone too), 1 when not, 2 when the file cannot
be read; fix 0 when OUT is written, 1 when the photo cannot be fixed (OUT not written), 2 when a
file cannot be read or OUT exists without --force.
"""

from pathlib import Path

import pytest

from bot.cli import main
from domain.photos import DEGREE_PHOTO, TJ_ID_PHOTO, check
from tests.photo_samples import LIGHT_BLUE, WHITE, astronaut, degree_photo, encode, phone_photo, plain


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main([*argv, "--lang", "en"])
    return code, capsys.readouterr().out.splitlines()


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_a_good_degree_photo_is_ok_with_its_measured_values_and_no_warning(capsys, tmp_path):
    data = degree_photo()
    code, lines = run(capsys, "check", "photo", write(tmp_path / "good.jpg", data))
    assert code == 0
    assert lines[0] == f"OK: 390×567 JPEG RGB, {len(data)} bytes"
    assert lines[1].startswith("Face: ")
    assert not any(line.startswith("Warning") for line in lines)


def test_warnings_alone_still_exit_0(capsys, tmp_path):
    code, lines = run(capsys, "check", "photo", write(tmp_path / "white.jpg", degree_photo(WHITE)))
    assert code == 0
    assert lines[0].startswith("OK: 390×567 JPEG RGB")
    assert lines[-1].startswith("Warning: The background does not look blue: only 0% of it is blue")


def test_a_photo_breaking_the_hard_rules_exits_1_with_every_problem(capsys, tmp_path):
    path = write(tmp_path / "renamed.jpg", encode(plain(LIGHT_BLUE, (480, 640), "RGBA"), "PNG"))
    code, lines = run(capsys, "check", "photo", path)
    assert code == 1
    assert lines[0].startswith("Refused: 480×640 PNG RGBA, ")
    assert lines[1].startswith("The photo must be a real JPEG file; this one is PNG inside")
    assert lines[2] == "The photo must be 390×567 pixels (width × height); this one is 480×640."
    assert lines[3].startswith("The photo has a transparency channel (RGBA)")
    assert lines[4].startswith("Warning: No face was found")


def test_the_spec_chooses_the_rules(capsys, tmp_path):
    path = write(tmp_path / "scan.png", encode(plain(WHITE, (1200, 900), "L"), "PNG"))
    assert run(capsys, "check", "photo", path, "--spec", "nmec-materials")[0] == 0
    code, lines = run(capsys, "check", "photo", path, "--spec", "tj-id-photo")
    assert code == 1
    assert any(line.startswith("No face was found") for line in lines)


def test_a_missing_file_exits_2(capsys, tmp_path):
    code, lines = run(capsys, "check", "photo", str(tmp_path / "missing.jpg"))
    assert code == 2 and lines[0].startswith("Cannot read")


def test_fix_writes_the_fixed_photo_and_says_what_it_did(capsys, tmp_path):
    source = write(tmp_path / "IMG_0001.JPG", phone_photo())
    out = tmp_path / "photo.jpg"
    code, lines = run(capsys, "fix", "photo", source, str(out), "--spec", "degree-equiv")
    assert code == 0
    data = out.read_bytes()
    assert check(data, DEGREE_PHOTO).ok
    assert lines[:3] == [
        "Turned upright: the camera had stored it rotated.",
        "Cropped around the face and resized from 3000×4000 to 390×567.",
        lines[2],
    ]
    assert lines[2].startswith("Saved as JPEG at quality ") and lines[2].endswith(f": {len(data)} bytes.")
    assert lines[3] == f"OK: 390×567 JPEG RGB, {len(data)} bytes"
    assert lines[-1] == f"Saved the fixed file as {out}."


def test_fix_exits_1_with_the_reason_and_writes_nothing_when_it_cannot(capsys, tmp_path):
    source = write(tmp_path / "small.jpg", encode(astronaut()))
    out = tmp_path / "photo.jpg"
    code, lines = run(capsys, "fix", "photo", source, str(out), "--spec", "degree-equiv")
    assert code == 1
    assert lines == [
        "The picture is too small to reach 390×567 pixels without enlarging it; it is 512×512. "
        "Take or scan it at a higher resolution."
    ]
    assert not out.exists()


def test_fix_of_a_picture_without_the_required_face_exits_1(capsys, tmp_path):
    source = write(tmp_path / "wall.jpg", encode(plain(LIGHT_BLUE, (800, 1000))))
    out = tmp_path / "id.jpg"
    code, lines = run(capsys, "fix", "photo", source, str(out), "--spec", TJ_ID_PHOTO.code)
    assert code == 1 and lines[0].startswith("No face was found") and not out.exists()


def test_fix_refuses_to_replace_a_file_without_force(capsys, tmp_path):
    source = write(tmp_path / "in.jpg", degree_photo())
    out = tmp_path / "out.jpg"
    out.write_bytes(b"keep me")
    code, lines = run(capsys, "fix", "photo", source, str(out), "--spec", "degree-equiv")
    assert code == 2 and lines == [f"{out} exists already: add --force to replace it."]
    assert out.read_bytes() == b"keep me"

    code, _ = run(capsys, "fix", "photo", source, str(out), "--spec", "degree-equiv", "--force")
    assert code == 0 and check(out.read_bytes(), DEGREE_PHOTO).ok


def test_fix_of_a_missing_file_exits_2(capsys, tmp_path):
    code, lines = run(
        capsys, "fix", "photo", str(tmp_path / "no.jpg"), str(tmp_path / "out.jpg"), "--spec", "tj-id-card"
    )
    assert code == 2 and lines[0].startswith("Cannot read")


def test_fix_needs_a_spec(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["fix", "photo", "in.jpg", "out.jpg"])
    assert exit_.value.code == 2
    assert "--spec" in capsys.readouterr().err
