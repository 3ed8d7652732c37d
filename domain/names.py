"""Real names (姓名) as written on the resident ID card."""

import re
import unicodedata

from domain.problems import Problem
from domain.text import N_

MAX_NAME_LENGTH = 30
# Han ideographs incl. extensions A-F (rare name characters such as 䶮 must pass), and the middle dot
# that separates the parts of many minority and transliterated names (阿卜杜·热合曼).
_HAN_NAME = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]+(?:·[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]+)*$"
)
_LATIN_NAME = re.compile(r"^[A-Za-z]+(?:[ '\-][A-Za-z]+)*$")
# Input methods produce several look-alike dots; the ID card uses U+00B7.
_DOTS = str.maketrans(
    {
        "・": "·",
        "•": "·",
        "‧": "·",
        "∙": "·",
        "．": "·",
        ".": "·",
        "\ua78f": "·",
        "\u2e31": "·",
    }
)


def parse_real_name(raw: str) -> str | Problem:
    """Return the name as on the ID card, or why it cannot be one."""
    name = unicodedata.normalize("NFKC", raw).strip()
    name = " ".join(name.split())
    if _HAN_NAME.match(name.translate(_DOTS).replace(" ", "")):
        name = name.translate(_DOTS).replace(" ", "")
    if not name:
        return Problem(N_("Please enter your name."), example="张三")
    if len(name) > MAX_NAME_LENGTH:
        return Problem(N_("A name has at most {limit} characters."), {"limit": MAX_NAME_LENGTH}, "张三")
    if len(name) < 2 or not (_HAN_NAME.match(name) or _LATIN_NAME.match(name)):
        return Problem(
            N_("Enter your name exactly as on your ID card, in Chinese characters."),
            example=N_("张三 or 阿卜杜·热合曼"),
        )
    return name
