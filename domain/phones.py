"""Mainland mobile and landline numbers: RULES.md §2 "Phones".

A regex pre-check, not a per-city length table: enough for a chat bot (RULES.md weighs phonenumbers).
"""

import re
import unicodedata

from domain.problems import Problem
from domain.text import N_

EXAMPLE_MOBILE = "13812345678"
# Seed 003 shows "0106296xxxx": area code 010 + an 8-digit number, no hyphen.
EXAMPLE_LANDLINE = "01062961234"

_MOBILE = re.compile(r"1[3-9]\d{9}")
# 3-digit area codes (010, 02x) take 8-digit numbers, 4-digit codes 7 or 8; an extension follows a hyphen.
_LANDLINE = re.compile(
    r"(?P<number>0(?:10|2\d)-?[2-9]\d{7}|0[3-9]\d{2}-?[2-9]\d{6,7})(?:-(?P<extension>\d{1,6}))?"
)
_SEPARATORS = re.compile(r"[\s\-]+")
_WHITESPACE = re.compile(r"\s+")


def _mobile_digits(raw: str) -> str:
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for country_code in ("+86", "0086"):
        if digits.startswith(country_code):
            return digits[len(country_code) :]
    return digits


def parse_mobile(raw: str) -> str | Problem:
    """The 11 digits of a mainland mobile number, with +86 / 0086, spaces and hyphens removed."""
    digits = _mobile_digits(raw)
    if not digits:
        return Problem(N_("Enter your mobile number."), example=EXAMPLE_MOBILE)
    if not _MOBILE.fullmatch(digits):
        return Problem(
            N_("A mainland mobile number has 11 digits and starts with 13 to 19."),
            example=EXAMPLE_MOBILE,
        )
    return digits


def parse_landline(raw: str) -> str | Problem:
    """Area code + number as digits only; an extension is kept after one hyphen (``075586688888-123``)."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        return Problem(N_("Enter a landline number with its area code."), example=EXAMPLE_LANDLINE)
    match = _LANDLINE.fullmatch(text)
    if match is None:
        return Problem(
            N_(
                "A landline number starts with its area code (such as 010 or 0755) "
                "followed by a 7- or 8-digit number."
            ),
            example=EXAMPLE_LANDLINE,
        )
    number = match["number"].replace("-", "")
    extension = match["extension"]
    return f"{number}-{extension}" if extension else number


def parse_phone(raw: str) -> str | Problem:
    """A mobile or a landline number (seed 003: 工作时间联系电话 / 非工作时间联系电话)."""
    mobile = parse_mobile(raw)
    if isinstance(mobile, str):
        return mobile
    landline = parse_landline(raw)
    if isinstance(landline, str):
        return landline
    return Problem(
        N_(
            "Enter a landline number with its area code and no hyphen, such as {landline}, "
            "or a mobile number, such as {mobile}."
        ),
        params={"landline": EXAMPLE_LANDLINE, "mobile": EXAMPLE_MOBILE},
        example=N_("01062961234 or 13812345678"),
    )


def is_mobile(number: str) -> bool:
    """Whether an already parsed number is a mobile number."""
    return _MOBILE.fullmatch(number) is not None
