"""Masked personal data for replies and logs: PIPL asks for the minimum (RULES.md §5, DESIGN.md).

Every function accepts any string and never raises: input too short to mask partly is masked whole.
"""

import re

from domain.phones import parse_landline, parse_mobile

_MASK = "*"


def _keep_ends(text: str, head: int, tail: int, min_hidden: int) -> str:
    hidden = len(text) - head - tail
    if hidden < min_hidden:
        return _MASK * len(text)
    return text[:head] + _MASK * hidden + text[len(text) - tail :]


def mask_id_number(number: str) -> str:
    """``110101199003071233`` → ``1101**********1233``: province + city, and the last four."""
    return _keep_ends(number.strip(), head=4, tail=4, min_hidden=7)


def mask_mobile(number: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return _keep_ends(number.strip(), head=3, tail=4, min_hidden=4)


def mask_email(address: str) -> str:
    """``zhang.san@example.com`` → ``z***@example.com``: the first character and the domain stay."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at or not domain:
        return _MASK * len(text)
    return f"{local[:1]}***@{domain}"


def mask_phone(number: str) -> str:
    """A mobile as :func:`mask_mobile`; a landline keeps its area code and last two digits."""
    mobile = parse_mobile(number)
    if isinstance(mobile, str):
        return mask_mobile(mobile)
    landline = parse_landline(number)
    if not isinstance(landline, str):
        return _MASK * len(number.strip())
    main, _, extension = landline.partition("-")
    area_length = 3 if main.startswith(("010", "02")) else 4
    masked = _keep_ends(main, head=area_length, tail=2, min_hidden=4)
    return f"{masked}-{_MASK * len(extension)}" if extension else masked


# Not part of a longer digit run: an ID number (18 characters, or the old 15 digits); a mainland
# mobile with or without +86 / 0086, in one run or in groups (138 1234 5678); an e-mail address.
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86|0086)[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal_data(text: str) -> str:
    """``text`` with every ID number, mobile and e-mail address in it masked (logs, audit details)."""
    # E-mail first: a mobile used as a mailbox name (13812345678@139.com) is masked once, as an address.
    text = _EMAIL.sub(lambda match: mask_email(match.group()), text)
    text = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_mobile(m.group(2) + m.group(3) + m.group(4)), text)
