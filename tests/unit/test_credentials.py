import pytest

from domain.credentials import (
    PASSWORD_HASHER,
    PasswordPolicy,
    UsernameRules,
    canonical_username,
    check_password,
    hash_password,
    parse_username,
    password_needs_rehash,
    passwords_match,
    verify_password,
)
from domain.problems import Problem

DEFAULT = PasswordPolicy()
LETTERS_AND_DIGITS = PasswordPolicy(letters_and_digits_only=True)


def test_a_username_is_kept_as_typed():
    assert parse_username("  Zhang_San90 ") == "Zhang_San90"


def test_full_width_username_letters_are_accepted():
    assert parse_username("ｚｈａｎｇｓａｎ") == "zhangsan"


def test_usernames_compare_regardless_of_case():
    assert canonical_username("Zhang_San") == canonical_username("zhang_san") == "zhang_san"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "Choose a username"),
        ("zhang san", "only English letters"),
        ("张三abc", "only English letters"),
        ("zhang.san@example.com", "only English letters"),
        ("1zhang", "start with an English letter"),
        ("_zhang", "start with an English letter"),
        ("zha", "4 to 30"),
        ("z" * 31, "4 to 30"),
    ],
)
def test_a_username_breaking_a_rule_is_refused_with_the_reason(raw, words):
    problem = parse_username(raw)
    assert isinstance(problem, Problem)
    assert words in problem.message.format(**problem.params)
    assert problem.example is not None


def test_username_lengths_follow_the_programme_rules():
    rules = UsernameRules(min_length=6, max_length=8)
    assert isinstance(parse_username("zhang", rules), Problem)
    assert parse_username("zhangsan", rules) == "zhangsan"
    assert isinstance(parse_username("zhangsan1", rules), Problem)


def test_a_password_with_a_letter_and_a_digit_is_accepted():
    assert check_password("secret12", DEFAULT) == []


def test_every_password_problem_is_reported_at_once():
    messages = [p.message for p in check_password("abc", PasswordPolicy())]
    assert len(messages) == 2
    assert any("too short" in m for m in messages)
    assert any("digit" in m for m in messages)


def test_password_length_problems_carry_the_limits():
    (short,) = check_password("ab1", PasswordPolicy(min_length=6, max_length=20))
    assert short.params == {"min": 6, "max": 20}
    (long,) = check_password("a1" * 11, PasswordPolicy(min_length=6, max_length=20))
    assert "too long" in long.message


def test_a_password_without_a_letter_is_refused():
    (problem,) = check_password("12345678", DEFAULT)
    assert "letter" in problem.message


def test_an_empty_password_gets_one_clear_problem():
    (problem,) = check_password("", DEFAULT)
    assert problem.message == "Enter a password."


def test_seed_003_passwords_take_only_letters_and_digits():
    assert check_password("abcd1234", LETTERS_AND_DIGITS) == []
    (problem,) = check_password("abcd-1234", LETTERS_AND_DIGITS)
    assert "only English letters and digits" in problem.message
    assert check_password("abcd-1234", DEFAULT) == []


def test_password_problems_never_contain_the_password():
    password = "Zz!#%&*()+=~Zz"
    for problem in check_password(password, PasswordPolicy(max_length=10, letters_and_digits_only=True)):
        assert password not in problem.message
        assert all(password not in str(value) for value in problem.params.values())


def test_the_confirmation_must_repeat_the_password():
    assert passwords_match("secret12", "secret12") is None
    problem = passwords_match("secret12", "secret13")
    assert isinstance(problem, Problem)
    assert "not the same" in problem.message


def test_a_hashed_password_verifies_and_a_wrong_one_does_not():
    stored = hash_password("secret12")
    assert stored.startswith("$argon2id$")
    assert "secret12" not in stored
    assert verify_password(stored, "secret12")
    assert not verify_password(stored, "secret13")


def test_a_malformed_stored_hash_never_verifies():
    assert not verify_password("not-a-hash", "secret12")
    assert not verify_password("", "")


def test_a_hash_made_with_the_current_parameters_needs_no_rehash():
    assert not password_needs_rehash(PASSWORD_HASHER.hash("secret12"))
    assert password_needs_rehash("not-a-hash")
