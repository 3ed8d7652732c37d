import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.masking import mask_email, mask_id_number, mask_mobile, mask_phone


def test_an_id_number_keeps_only_its_first_and_last_four_characters():
    assert mask_id_number("110101199003071233") == "1101**********1233"


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_mobile("13812345678") == "138****5678"


def test_an_email_keeps_its_first_character_and_domain():
    assert mask_email("zhang.san@example.com") == "z***@example.com"


def test_the_email_mask_does_not_reveal_the_length_of_the_name():
    assert mask_email("a@example.com") == mask_email("abcdefgh@example.com")


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+86 138 1234 5678", "138****5678"),
        ("010-62961234", "010******34"),
        ("0755-8668888", "0755*****88"),
        ("010-62961234-123", "010******34-***"),
    ],
)
def test_a_phone_is_masked_as_a_mobile_or_keeps_the_area_code_and_last_two_digits(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize("text", ["", "1", "1234", "12345678", "no-at-sign", "@"])
def test_short_or_unrecognised_input_is_masked_whole(text):
    for mask in (mask_id_number, mask_mobile, mask_email, mask_phone):
        assert set(mask(text)) <= {"*"}


@given(st.text())
def test_masking_never_raises(text):
    for mask in (mask_id_number, mask_mobile, mask_email, mask_phone):
        assert isinstance(mask(text), str)


@given(st.from_regex(r"\A[0-9]{1,20}\Z"))
def test_a_masked_number_always_hides_some_digits(number):
    for mask in (mask_id_number, mask_mobile, mask_phone):
        assert "*" in mask(number)
