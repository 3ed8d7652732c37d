"""Resident ID numbers (公民身份号码), GB 11643-1999: RULES.md §2.

We keep our own small validator as the gate: library tables reject IDs whose county code was created
after the birth year, a real false negative (RULES.md §2, python-stdnum).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.problems import Problem
from domain.text import N_

# A synthetic, valid number used as the example in every refusal (never a real person's).
EXAMPLE_ID_NUMBER = "110101199003071233"

# ISO 7064 MOD 11-2: W_i = 2^(17-i) mod 11; the check character is indexed by the weighted sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"

# Province-level prefixes, plus 81/82/83 for the residence permits of Hong Kong, Macao and Taiwan
# residents (same layout and checksum).
PROVINCE_CODES = frozenset(
    f"{code}"
    for first, last in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (81, 83))
    for code in range(first, last + 1)
)

_EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_EIGHTEEN_CHARACTERS = re.compile(r"\d{17}[\dX]")
_WHITESPACE = re.compile(r"\s+")


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class ResidentId:
    """A checked 18-character resident ID number and what it encodes."""

    number: str
    birth_date: date
    sex: Sex
    province_code: str


def normalise_id_number(raw: str) -> str:
    """Full-width digits (Chinese IMEs produce them) become ASCII, whitespace goes, ``x`` becomes ``X``."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def check_character(first_seventeen: str) -> str:
    """The check character of the first 17 digits of a resident ID number."""
    if len(first_seventeen) != 17 or not first_seventeen.isascii() or not first_seventeen.isdigit():
        raise ValueError("expected exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_seventeen, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def parse_resident_id(raw: str, today: date) -> ResidentId | Problem:
    """Accept an 18-character resident ID number, or say which rule it breaks.

    Checks run in the order a person can fix them: presence, format, region, birth date, checksum.
    No refusal echoes the number itself.
    """
    number = normalise_id_number(raw)
    if not number:
        return Problem(N_("Enter your 18-character ID number."), example=EXAMPLE_ID_NUMBER)
    if len(number) == 15 and number.isdigit():
        return Problem(
            N_(
                "15-digit ID numbers are the old format and are no longer accepted. "
                "Enter the 18-character number printed on your current ID card."
            ),
            example=EXAMPLE_ID_NUMBER,
        )
    if not _EIGHTEEN_CHARACTERS.fullmatch(number):
        return Problem(
            N_(
                "An ID number has 18 characters: 17 digits and a last character that is a digit or X. "
                "You entered {length} characters."
            ),
            params={"length": len(number)},
            example=EXAMPLE_ID_NUMBER,
        )
    prefix = number[:2]
    if prefix not in PROVINCE_CODES:
        return Problem(
            N_("An ID number cannot start with {prefix}: the first two digits are a province code."),
            params={"prefix": prefix},
            example=EXAMPLE_ID_NUMBER,
        )
    birth_digits = number[6:14]
    shown_date = f"{birth_digits[:4]}-{birth_digits[4:6]}-{birth_digits[6:]}"
    try:
        birth_date = date(int(birth_digits[:4]), int(birth_digits[4:6]), int(birth_digits[6:]))
    except ValueError:
        return Problem(
            N_("Digits 7 to 14 of an ID number are the birth date, but {date} is not a real date."),
            params={"date": shown_date},
            example=EXAMPLE_ID_NUMBER,
        )
    if birth_date < _EARLIEST_BIRTH_DATE:
        return Problem(
            N_("The birth date in this ID number, {date}, is before 1900. Check digits 7 to 14."),
            params={"date": shown_date},
            example=EXAMPLE_ID_NUMBER,
        )
    if birth_date > today:
        return Problem(
            N_("The birth date in this ID number, {date}, is in the future. Check digits 7 to 14."),
            params={"date": shown_date},
            example=EXAMPLE_ID_NUMBER,
        )
    if check_character(number[:17]) != number[17]:
        return Problem(
            N_(
                "The check character (the last one) does not match the other digits: "
                "one of the characters is probably mistyped."
            ),
            example=EXAMPLE_ID_NUMBER,
        )
    # The 17th digit is the sequence's last: odd for men, even for women.
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth_date, sex=sex, province_code=prefix)


def make_resident_id(prefix6: str, birth: date, sequence: int) -> str:
    """A well-formed synthetic number: for tests and sandbox data, never for real people."""
    if len(prefix6) != 6 or not prefix6.isascii() or not prefix6.isdigit():
        raise ValueError("prefix6 must be 6 ASCII digits")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be between 0 and 999")
    body = f"{prefix6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return body + check_character(body)
