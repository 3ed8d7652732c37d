"""Frontal face detection for photo warnings (RULES.md §3): OpenCV's Haar cascade.

The model (``haarcascade_frontalface_default.xml``) ships inside the opencv-python-headless wheel
below 5, so nothing is downloaded. A Haar box covers the brows to the mouth, not the whole head: the
callers turn it into head estimates and report them as warnings only. OpenCV is imported on first
use, so the commands that never look at a face do not pay for loading it.
"""

import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    import cv2

# Detection runs on a grey copy whose longest side is at most this many pixels: a 12-megapixel
# photo takes seconds at full size, and an ID photo's face is large enough to be found at this scale.
DETECT_LONG_SIDE = 800
# Boxes narrower than this share of the shorter side are ignored: an ID photo shows one large face,
# tiny boxes are mostly false positives in hair, fabric or background, and the smallest windows cost
# most of the search time. An ID card filling half the frame still has a face of about this size.
MIN_FACE_SHARE = 0.1
# The smallest window the cascade was trained on.
_CASCADE_WINDOW = 24

# One classifier for the process; OpenCV does not promise that detectMultiScale may run on the same
# classifier from several threads at once, and a face search takes tens of milliseconds.
_detect_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face as the Haar cascade frames it (brows to mouth), in the pixels of the examined image."""

    x: int
    y: int
    width: int
    height: int

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2


@cache
def _classifier() -> "cv2.CascadeClassifier":
    import cv2

    folder: str = cv2.data.haarcascades  # type: ignore[attr-defined]  # cv2's stubs omit cv2.data
    classifier = cv2.CascadeClassifier(folder + "haarcascade_frontalface_default.xml")
    if classifier.empty():  # a broken installation, not a bad photo: fail loudly
        raise RuntimeError("OpenCV's haarcascade_frontalface_default.xml is missing or unreadable")
    return classifier


def detect_faces(image: Image.Image) -> list[FaceBox]:
    """Every frontal face in ``image`` (any mode, already decoded), largest first.

    Boxes are in ``image``'s own pixels, though the search runs on a downscaled grey copy.
    """
    import numpy as np

    width, height = image.size
    scale = min(1.0, DETECT_LONG_SIDE / max(width, height, 1))
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    grey = image if image.mode == "L" else image.convert("L")
    if small_size != image.size:
        grey = grey.resize(small_size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    min_side = max(_CASCADE_WINDOW, round(min(small_size) * MIN_FACE_SHARE))
    if min(small_size) < min_side:
        return []
    # No histogram equalisation (OpenCV's tutorial recipe): on an ID photo the plain background
    # dominates the histogram, and equalising it washed the face out of smaller pictures.
    pixels = np.asarray(grey, dtype=np.uint8)
    classifier = _classifier()
    with _detect_lock:
        found = classifier.detectMultiScale(
            pixels, scaleFactor=1.1, minNeighbors=5, minSize=(min_side, min_side)
        )
    boxes = [
        FaceBox(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        for x, y, w, h in found
    ]
    return sorted(boxes, key=lambda box: box.width * box.height, reverse=True)
