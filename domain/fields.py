"""The fields of seed 003's registration form (学信网 同等学力 platform): RULES.md §1/003 and §2.

Each rule is a pure function returning the normalised value or a :class:`Problem`. Username and
password live in ``domain.credentials``, the mobile in ``domain.phones``, the real name in
``domain.names`` and the country or region list in ``domain.regions``.

E-mail: our own practical check, no ``email-validator`` dependency. The rules we need are narrower
than what it checks (RFC syntax), its deliverability check needs DNS, and the one rule that matters
here, refusing Hotmail and Yahoo, is ours anyway.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.identity import EXAMPLE_ID_NUMBER, check_character, make_resident_id, parse_resident_id
from domain.phones import EXAMPLE_LANDLINE, EXAMPLE_MOBILE, parse_phone
from domain.problems import Problem
from domain.text import N_

# ---------------------------------------------------------------------------------------------------
# E-mail (电子邮箱地址 + 确认电子邮箱地址)

EXAMPLE_EMAIL = "zhangsan1990@163.com"
# Seed 003: "请暂时不要使用 Hotmail 和 Yahoo邮箱"; a domain label starting with one of these is refused.
DEFAULT_REFUSED_PROVIDERS = ("hotmail", "yahoo")

MAX_LOCAL_PART_LENGTH = 64  # RFC 5321 §4.5.3.1.1
MAX_EMAIL_LENGTH = 254  # RFC 5321's 256-octet path minus the angle brackets

# A practical subset of RFC 5322's dot-atom: what Chinese and international providers hand out.
_LOCAL_PART = re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?")
_TOP_LEVEL_LABEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9\-]{1,59}")
# NFKC leaves the ideographic full stop alone, but Chinese IMEs type it for "." (163。com).
_IDEOGRAPHIC_FULL_STOP = str.maketrans({"\u3002": "."})


@dataclass(frozen=True)
class EmailRules:
    """A programme's e-mail policy: providers whose domain labels are refused (catalog data)."""

    refused_providers: tuple[str, ...] = ()


def normalise_email(raw: str) -> str:
    """NFKC (full-width ＠ and letters), IME full stops, surrounding spaces gone, domain lower-cased.

    The local part keeps its case: some servers distinguish it, and we send what the applicant typed.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_IDEOGRAPHIC_FULL_STOP).strip()
    local, at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}" if at else text


def parse_email(raw: str, *, refused_providers: tuple[str, ...] = DEFAULT_REFUSED_PROVIDERS) -> str | Problem:
    """A practical e-mail syntax check, then the programme's refused providers.

    Non-ASCII addresses (IDN domains, Unicode local parts) are refused with a reason rather than
    converted: the official system sends the activation e-mail itself, we cannot know that it
    handles them, and seed 003 warns that an address it cannot reach can never activate the account.
    """
    address = normalise_email(raw)
    if not address:
        return Problem(N_("Enter your e-mail address."), example=EXAMPLE_EMAIL)
    if any(character.isspace() for character in address):
        return Problem(N_("An e-mail address contains no spaces."), example=EXAMPLE_EMAIL)
    if address.count("@") != 1:
        return Problem(
            N_("An e-mail address has exactly one @, between the mailbox name and the domain."),
            example=EXAMPLE_EMAIL,
        )
    if not address.isascii():
        return Problem(
            N_(
                "Use an e-mail address written only in English letters, digits and . _ - +: "
                "the activation e-mail may not reach an address with other characters."
            ),
            example=EXAMPLE_EMAIL,
        )
    if len(address) > MAX_EMAIL_LENGTH:
        return Problem(
            N_("An e-mail address has at most {max} characters."),
            params={"max": MAX_EMAIL_LENGTH},
            example=EXAMPLE_EMAIL,
        )
    local, _, domain = address.partition("@")
    if not local or len(local) > MAX_LOCAL_PART_LENGTH or not _LOCAL_PART.fullmatch(local):
        return Problem(
            N_(
                "Before the @, an e-mail address has 1 to {max} English letters, digits or . _ - +, "
                "with no dot at the start, at the end or twice in a row."
            ),
            params={"max": MAX_LOCAL_PART_LENGTH},
            example=EXAMPLE_EMAIL,
        )
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not _TOP_LEVEL_LABEL.fullmatch(labels[-1])
    ):
        return Problem(
            N_(
                "After the @ comes the domain of your mail provider, such as 163.com: "
                "words of English letters, digits and hyphens, separated by dots."
            ),
            example=EXAMPLE_EMAIL,
        )
    refused = tuple(provider.lower() for provider in refused_providers)
    if any(label.startswith(refused) for label in labels):
        return Problem(
            N_(
                "Addresses at {domain} are refused: the system may not be able to deliver its activation "
                "e-mail there, and an account that is not activated is deleted. "
                "Use an address at a domestic provider."
            ),
            params={"domain": domain},
            example=N_("zhangsan1990@163.com or zhangsan1990@qq.com"),
        )
    return address


def emails_match(first: str, second: str) -> Problem | None:
    """The confirmation must repeat the address (compared after normalisation, never echoed)."""
    if normalise_email(first) == normalise_email(second):
        return None
    return Problem(N_("The two e-mail addresses are not the same. Enter the same address twice."))


# ---------------------------------------------------------------------------------------------------
# Postcode (邮政编码)

EXAMPLE_POSTCODE = "100084"
# Often given for Hong Kong, Macao, Taiwan and abroad (RULES.md §2 "Postcode", [I]).
OUTSIDE_MAINLAND_POSTCODE = "999077"

_SIX_DIGITS = re.compile(r"\d{6}")
_WHITESPACE = re.compile(r"\s+")


def parse_postcode(raw: str) -> str | Problem:
    """Six ASCII digits, not 000000 (RULES.md §2); 999077 passes like any other."""
    postcode = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw))
    if not postcode:
        return Problem(N_("Enter the 6-digit postcode of your address."), example=EXAMPLE_POSTCODE)
    if not (postcode.isascii() and _SIX_DIGITS.fullmatch(postcode)):
        return Problem(N_("A postcode has exactly 6 digits."), example=EXAMPLE_POSTCODE)
    if postcode == "000000":
        return Problem(
            N_(
                "000000 is not a postcode. Outside the mainland (Hong Kong, Macao, Taiwan or abroad), "
                "enter {outside}."
            ),
            params={"outside": OUTSIDE_MAINLAND_POSTCODE},
            example=EXAMPLE_POSTCODE,
        )
    return postcode


# ---------------------------------------------------------------------------------------------------
# ID documents (证件类型 + 证件号码 + 确认证件号码)


class IdType(StrEnum):
    """证件类型 of seed 003; the default is the resident ID card (RULES.md §1/003 "Basic info")."""

    RESIDENT_ID = "resident-id"  # 中华人民共和国居民身份证
    HK_MACAO_PERMIT = "hk-macao-permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan-permit"  # 台湾居民来往大陆通行证
    PASSPORT = "passport"  # 护照
    HMT_RESIDENCE_PERMIT = "hmt-residence-permit"  # 港澳台居民居住证
    FOREIGN_PERMANENT_RESIDENT = "foreign-permanent-resident"  # 外国人永久居留身份证


DEFAULT_ID_TYPE = IdType.RESIDENT_ID

# The official names as the platform's drop-down shows them: data, shown as-is in every locale.
ID_TYPE_OFFICIAL_NAMES: dict[IdType, str] = {
    IdType.RESIDENT_ID: "中华人民共和国居民身份证",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.PASSPORT: "护照",
    IdType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdType.FOREIGN_PERMANENT_RESIDENT: "外国人永久居留身份证",
}

# Labels in the applicant's language (message ids).
ID_TYPE_LABELS: dict[IdType, str] = {
    IdType.RESIDENT_ID: N_("Resident ID card"),
    IdType.HK_MACAO_PERMIT: N_("Mainland Travel Permit for Hong Kong and Macao Residents"),
    IdType.TAIWAN_PERMIT: N_("Mainland Travel Permit for Taiwan Residents"),
    IdType.PASSPORT: N_("Passport"),
    IdType.HMT_RESIDENCE_PERMIT: N_("Residence Permit for Hong Kong, Macao and Taiwan Residents"),
    IdType.FOREIGN_PERMANENT_RESIDENT: N_("Foreign Permanent Resident ID Card"),
}

# Synthetic numbers of the right shape (never a real person's).
_EXAMPLE_RESIDENCE_PERMIT = make_resident_id("810000", date(1990, 3, 7), 123)
_FOREIGN_BODY = "91184019900307123"  # 9 + 17 digits in all; the layout after the 9 is not checked
ID_EXAMPLES: dict[IdType, str] = {
    IdType.RESIDENT_ID: EXAMPLE_ID_NUMBER,
    IdType.HK_MACAO_PERMIT: "H12345678",
    IdType.TAIWAN_PERMIT: "12345678",
    IdType.PASSPORT: "E12345678",
    IdType.HMT_RESIDENCE_PERMIT: _EXAMPLE_RESIDENCE_PERMIT,
    IdType.FOREIGN_PERMANENT_RESIDENT: _FOREIGN_BODY + check_character(_FOREIGN_BODY),
}

# 81/82/83 + 0000: residence permits of Hong Kong, Macao and Taiwan residents (RULES.md §2).
_RESIDENCE_PERMIT_PREFIXES = ("810000", "820000", "830000")
_PERMIT_PREFIXES = frozenset(prefix[:2] for prefix in _RESIDENCE_PERMIT_PREFIXES)
# Inferred from public descriptions, not from an official standard: the card permit (since 2013) is
# H (Hong Kong) or M (Macao) + 8 digits; older permits add 2 digits counting the renewals.
_HK_MACAO_PERMIT = re.compile(r"[HM](?:\d{8}|\d{10})")
# Inferred likewise: the card permit (since 2015) has 8 digits, the old booklet 8 + 2 renewal digits.
_TAIWAN_PERMIT = re.compile(r"\d{8}|\d{10}")
# Passports differ by country (PRC: E + 8 digits, or 2 letters + 7 digits); 5-17 letters and digits.
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")
# 国家移民管理局, 新版外国人永久居留身份证机读信息规则 (2023), as republished at
# http://www.eastcoms.com/service/pro/840.html: cards before 2023-12 have 15 characters (3 Latin
# letters of the nationality + 12 digits); new cards 18 (a leading 9, 16 digits, and a MOD 11-2
# check character computed as for resident ID numbers).
_FOREIGN_OLD = re.compile(r"[A-Z]{3}\d{12}")
_FOREIGN_NEW = re.compile(r"9\d{16}[\dX]")
# Old permits print the renewal count in brackets: H12345678(01).
_DOCUMENT_NOISE = re.compile(r"[\s()\-]+")


def normalise_document_number(raw: str) -> str:
    """NFKC (full-width characters), spaces, hyphens and brackets gone, upper case."""
    return _DOCUMENT_NOISE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def parse_id_of_type(id_type: IdType, raw: str, today: date) -> str | Problem:
    """The normalised number of an ID document of the given type, or why it cannot be one."""
    example = ID_EXAMPLES[id_type]
    if id_type in (IdType.RESIDENT_ID, IdType.HMT_RESIDENCE_PERMIT):
        return _parse_resident_style(id_type, raw, today)
    number = normalise_document_number(raw)
    if not number:
        return Problem(N_("Enter the number of your ID document."), example=example)
    if id_type is IdType.HK_MACAO_PERMIT and not _HK_MACAO_PERMIT.fullmatch(number):
        return Problem(
            N_(
                "The number of a Mainland Travel Permit for Hong Kong and Macao Residents is "
                "H (Hong Kong) or M (Macao) followed by 8 digits, or by 10 digits on older permits."
            ),
            example=example,
        )
    if id_type is IdType.TAIWAN_PERMIT and not _TAIWAN_PERMIT.fullmatch(number):
        return Problem(
            N_(
                "The number of a Mainland Travel Permit for Taiwan Residents has 8 digits, "
                "or 10 digits on older permits."
            ),
            example=example,
        )
    if id_type is IdType.PASSPORT and not _PASSPORT.fullmatch(number):
        return Problem(
            N_("A passport number has {min} to {max} English letters and digits."),
            params={"min": 5, "max": 17},
            example=example,
        )
    if id_type is IdType.FOREIGN_PERMANENT_RESIDENT:
        return _parse_foreign_permanent_resident(number)
    return number


def _parse_resident_style(id_type: IdType, raw: str, today: date) -> str | Problem:
    example = ID_EXAMPLES[id_type]
    number = normalise_document_number(raw)
    is_permit_number = number[:2] in _PERMIT_PREFIXES
    if id_type is IdType.RESIDENT_ID and is_permit_number and len(number) == 18:
        return Problem(
            N_(
                "An ID number starting with {prefix} is a residence permit for Hong Kong, Macao and "
                "Taiwan residents: choose that ID type instead."
            ),
            params={"prefix": number[:2]},
            example=example,
        )
    if (
        id_type is IdType.HMT_RESIDENCE_PERMIT
        and number
        and not number.startswith(_RESIDENCE_PERMIT_PREFIXES)
    ):
        return Problem(
            N_(
                "The number of a residence permit for Hong Kong, Macao and Taiwan residents "
                "starts with 810000, 820000 or 830000."
            ),
            example=example,
        )
    parsed = parse_resident_id(number, today)
    if isinstance(parsed, Problem):
        # Same rule, but the example fits the chosen document.
        return Problem(parsed.message, parsed.params, example)
    return parsed.number


def _parse_foreign_permanent_resident(number: str) -> str | Problem:
    example = ID_EXAMPLES[IdType.FOREIGN_PERMANENT_RESIDENT]
    if _FOREIGN_OLD.fullmatch(number):
        return number
    if not _FOREIGN_NEW.fullmatch(number):
        return Problem(
            N_(
                "The number of a Foreign Permanent Resident ID Card has 18 characters starting with 9, "
                "or, on cards issued before December 2023, 3 English letters followed by 12 digits."
            ),
            example=example,
        )
    if check_character(number[:17]) != number[17]:
        return Problem(
            N_(
                "The check character (the last one) does not match the other digits: "
                "one of the characters is probably mistyped."
            ),
            example=example,
        )
    return number


def ids_match(first: str, second: str) -> Problem | None:
    """确认证件号码 must repeat the number (compared after normalisation, never echoed)."""
    if normalise_document_number(first) == normalise_document_number(second):
        return None
    return Problem(N_("The two ID numbers are not the same. Enter the same number twice."))


# ---------------------------------------------------------------------------------------------------
# Postal address (通信地址)

MIN_ADDRESS_LENGTH = 2
MAX_ADDRESS_LENGTH = 100  # [I]: the seed states no limit; 100 fits any real Chinese address
# Invisible characters that copy-paste brings along: dropped, not refused.
_INVISIBLE = str.maketrans(dict.fromkeys(("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"), None))


def parse_address(raw: str) -> str | Problem:
    """The address with whitespace runs made one space, or why it cannot be one."""
    address = " ".join(unicodedata.normalize("NFKC", raw).translate(_INVISIBLE).split())
    lengths: dict[str, str | int] = {"min": MIN_ADDRESS_LENGTH, "max": MAX_ADDRESS_LENGTH}
    example = N_("No. 1 Zhongguancun Street, Haidian District, Beijing")
    if not address:
        return Problem(N_("Enter your postal address."), lengths, example)
    if any(unicodedata.category(character).startswith("C") for character in address):
        return Problem(
            N_("The address contains an invisible control character. Type it again instead of pasting it."),
            lengths,
            example,
        )
    if not MIN_ADDRESS_LENGTH <= len(address) <= MAX_ADDRESS_LENGTH:
        return Problem(N_("A postal address has {min} to {max} characters."), lengths, example)
    return address


# ---------------------------------------------------------------------------------------------------
# Day-time and evening phones (工作时间联系电话, 非工作时间联系电话)


def parse_contact_phone(raw: str) -> str | Problem:
    """Seed 003's format: area code + number with no hyphen ("0106296xxxx") or a mobile ("138xxxxxxxx").

    Hyphens and spaces the applicant types are removed; an extension cannot be written in this format.
    """
    phone = parse_phone(raw)
    if isinstance(phone, Problem):
        return phone
    if "-" in phone:
        return Problem(
            N_(
                "This form has no room for an extension: enter the area code and number without a hyphen, "
                "such as {landline}, or a mobile number, such as {mobile}."
            ),
            params={"landline": EXAMPLE_LANDLINE, "mobile": EXAMPLE_MOBILE},
            example=N_("01062961234 or 13812345678"),
        )
    return phone


# ---------------------------------------------------------------------------------------------------
# Short free texts (a school, a major, an employer, a position)


def parse_text(raw: str, *, max_length: int = 50, example: str | None = None) -> str | Problem:
    """A one-line text with whitespace runs made one space and copy-paste debris removed."""
    value = " ".join(unicodedata.normalize("NFKC", raw).translate(_INVISIBLE).split())
    if not value or len(value) > max_length or any(unicodedata.category(c).startswith("C") for c in value):
        return Problem(N_("Enter 1 to {max} characters on one line."), {"max": max_length}, example)
    return value
