"""Usernames and passwords: the rules per programme, and password hashing.

Seed 000 states no password rule and seed 003 says only "数字与字母组合", so lengths are a policy
each programme sets (RULES.md §1/000, §1/003, §2 "Password").
"""

import hmac
import re
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.fields import EXAMPLE_EMAIL, parse_email
from domain.problems import Problem
from domain.text import N_

EXAMPLE_USERNAME = "zhangsan_1990"

# Built once: argon2-cffi's default profile is RFC 9106's low-memory one.
PASSWORD_HASHER = PasswordHasher()

_USERNAME_CHARACTERS = re.compile(r"[A-Za-z0-9_]+")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")
_LETTERS_AND_DIGITS = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class UsernameRules:
    """ASCII letters, digits and underscore, starting with a letter.

    With ``allow_email``, an e-mail-shaped username (one with an @) is accepted instead when it is a
    valid address (seed 003: "建议使用电子邮箱地址注册"); the lengths apply to it too.
    """

    min_length: int = 4
    max_length: int = 30
    allow_email: bool = False


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    max_length: int = 32
    require_letter: bool = True
    require_digit: bool = True
    letters_and_digits_only: bool = False  # seed 003: "数字与字母组合"


def canonical_username(username: str) -> str:
    """The form usernames are compared in: they are unique regardless of case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def parse_username(raw: str, rules: UsernameRules = UsernameRules()) -> str | Problem:
    """The username as typed (case kept for display), or the first rule it breaks."""
    # NFKC: a Chinese IME in full-width mode types ｚｈａｎｇ.
    username = unicodedata.normalize("NFKC", raw).strip()
    length_params: dict[str, str | int] = {"min": rules.min_length, "max": rules.max_length}
    if not username:
        return Problem(N_("Choose a username."), params=length_params, example=EXAMPLE_USERNAME)
    if rules.allow_email and "@" in username:
        # Any provider will do for a name: the Hotmail/Yahoo refusal is about delivering mail.
        address = parse_email(username, refused_providers=())
        if isinstance(address, str) and not rules.min_length <= len(address) <= rules.max_length:
            return Problem(
                N_("A username has {min} to {max} characters."), params=length_params, example=EXAMPLE_EMAIL
            )
        return address
    if rules.allow_email and not _USERNAME_CHARACTERS.fullmatch(username):
        return Problem(
            N_(
                "A username is an e-mail address, or English letters, digits and the underscore _ "
                "starting with a letter."
            ),
            params=length_params,
            example=EXAMPLE_EMAIL,
        )
    if not _USERNAME_CHARACTERS.fullmatch(username):
        return Problem(
            N_("A username may contain only English letters, digits and the underscore _."),
            params=length_params,
            example=EXAMPLE_USERNAME,
        )
    if not _LETTER.match(username):
        return Problem(
            N_("A username must start with an English letter."),
            params=length_params,
            example=EXAMPLE_USERNAME,
        )
    if not rules.min_length <= len(username) <= rules.max_length:
        return Problem(
            N_("A username has {min} to {max} characters."),
            params=length_params,
            example=EXAMPLE_USERNAME,
        )
    return username


def check_password(raw: str, policy: PasswordPolicy) -> list[Problem]:
    """Every rule the password breaks, all at once so the applicant fixes them in one go.

    No problem carries the password or any part of it.
    """
    length: dict[str, str | int] = {"min": policy.min_length, "max": policy.max_length}
    if not raw:
        return [Problem(N_("Enter a password."), params=length)]
    problems = []
    if len(raw) < policy.min_length:
        problems.append(Problem(N_("The password is too short: use {min} to {max} characters."), length))
    if len(raw) > policy.max_length:
        problems.append(Problem(N_("The password is too long: use {min} to {max} characters."), length))
    if policy.require_letter and not _LETTER.search(raw):
        problems.append(Problem(N_("The password needs at least one English letter."), length))
    if policy.require_digit and not _DIGIT.search(raw):
        problems.append(Problem(N_("The password needs at least one digit."), length))
    if policy.letters_and_digits_only and not _LETTERS_AND_DIGITS.fullmatch(raw):
        problems.append(Problem(N_("The password may contain only English letters and digits."), length))
    return problems


def passwords_match(first: str, second: str) -> Problem | None:
    """The confirmation must repeat the password exactly."""
    if hmac.compare_digest(first.encode(), second.encode()):
        return None
    return Problem(N_("The two passwords are not the same. Enter the same password twice."))


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """False on a wrong password and on a stored hash that is not an argon2 hash."""
    try:
        return PASSWORD_HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the hasher's current ones."""
    try:
        return PASSWORD_HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True
