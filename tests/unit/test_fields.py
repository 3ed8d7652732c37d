"""Seed 003's registration form fields: e-mail, postcode, ID documents, address, contact phones."""

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.credentials import UsernameRules, parse_username
from domain.fields import (
    ID_EXAMPLES,
    ID_TYPE_LABELS,
    ID_TYPE_OFFICIAL_NAMES,
    MAX_ADDRESS_LENGTH,
    IdType,
    emails_match,
    ids_match,
    parse_address,
    parse_contact_phone,
    parse_email,
    parse_id_of_type,
    parse_postcode,
)
from domain.identity import check_character, make_resident_id
from domain.problems import Problem
from domain.programmes import programme

TODAY = date(2024, 6, 1)

# --- e-mail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("zhangsan1990@163.com", "zhangsan1990@163.com"),
        ("  Zhang.San@QQ.COM ", "Zhang.San@qq.com"),
        ("ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", "zhangsan@163.com"),
        ("zhangsan@163。com", "zhangsan@163.com"),
        ("zhang+exam@mail.example.edu.cn", "zhang+exam@mail.example.edu.cn"),
    ],
    ids=["plain", "domain-lower-cased", "full-width", "ime-full-stop", "plus-and-subdomains"],
)
def test_an_email_address_is_accepted_with_its_domain_lower_cased(typed, kept):
    assert parse_email(typed) == kept


@pytest.mark.parametrize(
    "address",
    [
        "someone@hotmail.com",
        "someone@yahoo.com.cn",
        "someone@yahoo.cn",
        "someone@mail.yahoo.co.jp",
        "someone@HOTMAIL.co.uk",
        "someone@hotmail-backup.com",
    ],
)
def test_hotmail_and_yahoo_addresses_are_refused_with_the_reason_and_a_domestic_example(address):
    problem = parse_email(address)

    assert isinstance(problem, Problem)
    assert "activation e-mail" in problem.message
    assert problem.params == {"domain": address.partition("@")[2].lower()}
    assert problem.example is not None and "163.com" in problem.example and "qq.com" in problem.example


def test_a_provider_whose_name_only_contains_yahoo_is_not_refused():
    assert parse_email("someone@notyahoo.com") == "someone@notyahoo.com"


def test_without_refused_providers_hotmail_is_accepted():
    assert parse_email("someone@hotmail.com", refused_providers=()) == "someone@hotmail.com"


def test_degree_equiv_refuses_hotmail_and_yahoo_by_its_catalog_data():
    assert programme("degree-equiv").email_rules.refused_providers == ("hotmail", "yahoo")
    assert programme("gd-residency").email_rules.refused_providers == ()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Enter your e-mail address"),
        ("zhang san@163.com", "no spaces"),
        ("zhangsan.163.com", "exactly one @"),
        ("zhang@san@163.com", "exactly one @"),
        ("张三@163.com", "English letters"),
        ("zhangsan@例子.中国", "English letters"),
        (".zhangsan@163.com", "no dot at the start"),
        ("zhang..san@163.com", "twice in a row"),
        ("a" * 65 + "@163.com", "1 to {max}"),
        ("zhangsan@163", "domain"),
        ("zhangsan@163.c", "domain"),
        ("zhangsan@-163.com", "domain"),
        ("zhangsan@163..com", "domain"),
        ("zhangsan@163.com.", "domain"),
        ("a@" + ".".join(["b" * 60] * 5) + ".com", "at most {max}"),
    ],
)
def test_a_malformed_email_address_is_refused_with_the_rule_and_an_example(typed, words):
    problem = parse_email(typed)

    assert isinstance(problem, Problem)
    assert words in problem.message
    assert problem.example == "zhangsan1990@163.com"


def test_no_email_refusal_repeats_the_address():
    problem = parse_email("zhang..san@163.com")

    assert isinstance(problem, Problem)
    assert "zhang" not in problem.message + str(problem.params)


def test_matching_email_addresses_ignore_width_spaces_and_domain_case():
    assert emails_match("zhangsan@163.com", " zhangsan@163.COM ") is None
    assert emails_match("zhangsan@163.com", "ｚｈａｎｇｓａｎ@163.com") is None


def test_differing_email_addresses_are_refused_without_echoing_them():
    problem = emails_match("zhangsan@163.com", "zhangshan@163.com")

    assert isinstance(problem, Problem)
    assert "not the same" in problem.message and problem.params == {}


# --- username as e-mail (seed 003: "建议使用电子邮箱地址注册") ------------------------------------------

DEGREE_EQUIV_USERNAMES = programme("degree-equiv").username_rules


def test_degree_equiv_accepts_an_email_address_as_username_from_any_provider():
    assert parse_username("Zhang.San@Hotmail.com", DEGREE_EQUIV_USERNAMES) == "Zhang.San@hotmail.com"


def test_degree_equiv_still_accepts_a_plain_username():
    assert parse_username("zhangsan_1990", DEGREE_EQUIV_USERNAMES) == "zhangsan_1990"


def test_a_malformed_email_username_is_refused_with_the_email_rule():
    problem = parse_username("zhangsan@163", DEGREE_EQUIV_USERNAMES)

    assert isinstance(problem, Problem)
    assert "domain" in problem.message


def test_an_email_username_longer_than_the_programme_allows_is_refused():
    problem = parse_username("a" * 60 + "@163.com", DEGREE_EQUIV_USERNAMES)

    assert isinstance(problem, Problem)
    assert problem.message == "A username has {min} to {max} characters."


def test_a_username_with_other_characters_mentions_the_email_option_where_it_exists():
    problem = parse_username("zhang-san", DEGREE_EQUIV_USERNAMES)

    assert isinstance(problem, Problem)
    assert "e-mail address" in problem.message


def test_programmes_without_the_option_refuse_an_email_username():
    assert isinstance(parse_username("zhangsan@163.com", UsernameRules()), Problem)


# --- postcode --------------------------------------------------------------------------------------


@given(st.text(alphabet=string.digits, min_size=6, max_size=6).filter(lambda code: code != "000000"))
def test_any_six_digits_but_zeros_are_a_postcode(code):
    assert parse_postcode(code) == code


@given(st.text(alphabet=string.digits, min_size=0, max_size=12).filter(lambda code: len(code) != 6))
def test_a_postcode_of_another_length_is_refused(code):
    assert isinstance(parse_postcode(code), Problem)


@pytest.mark.parametrize(
    ("typed", "kept"), [("１０００８４", "100084"), (" 100 084 ", "100084"), ("999077", "999077")]
)
def test_full_width_and_spaced_postcodes_and_the_outside_mainland_code_are_accepted(typed, kept):
    assert parse_postcode(typed) == kept


def test_six_zeros_are_refused_pointing_to_the_outside_mainland_code():
    problem = parse_postcode("000000")

    assert isinstance(problem, Problem)
    assert problem.params == {"outside": "999077"}


@pytest.mark.parametrize("typed", ["", "10008a", "１００ＡＢ4", "١٠٠٠٨٤"])
def test_a_postcode_with_other_characters_is_refused_with_an_example(typed):
    problem = parse_postcode(typed)

    assert isinstance(problem, Problem)
    assert problem.example == "100084"


# --- ID documents ----------------------------------------------------------------------------------


def test_every_id_type_has_an_official_name_a_label_and_a_valid_example():
    for id_type in IdType:
        assert ID_TYPE_OFFICIAL_NAMES[id_type] and ID_TYPE_LABELS[id_type].isascii()
        assert parse_id_of_type(id_type, ID_EXAMPLES[id_type], TODAY) == ID_EXAMPLES[id_type]


def test_the_resident_id_card_is_the_default_id_type_named_as_the_platform_does():
    from domain.fields import DEFAULT_ID_TYPE

    assert ID_TYPE_OFFICIAL_NAMES[DEFAULT_ID_TYPE] == "中华人民共和国居民身份证"


def test_a_resident_id_number_is_checked_like_everywhere_else():
    assert parse_id_of_type(IdType.RESIDENT_ID, "11010119800101103x", TODAY) == "11010119800101103X"
    problem = parse_id_of_type(IdType.RESIDENT_ID, "110101199003071230", TODAY)
    assert isinstance(problem, Problem) and "check character" in problem.message


def test_a_residence_permit_number_entered_as_a_resident_id_points_to_the_right_type():
    permit = make_resident_id("820000", date(1988, 8, 8), 11)

    problem = parse_id_of_type(IdType.RESIDENT_ID, permit, TODAY)

    assert isinstance(problem, Problem)
    assert "residence permit" in problem.message and problem.params == {"prefix": "82"}


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_residence_permits_of_hong_kong_macao_and_taiwan_residents_are_accepted(prefix):
    permit = make_resident_id(prefix, date(1992, 12, 31), 7)

    assert parse_id_of_type(IdType.HMT_RESIDENCE_PERMIT, permit, TODAY) == permit


def test_a_residence_permit_must_start_with_its_special_prefix():
    problem = parse_id_of_type(IdType.HMT_RESIDENCE_PERMIT, "110101199003071233", TODAY)

    assert isinstance(problem, Problem)
    assert "810000, 820000 or 830000" in problem.message


def test_a_residence_permit_with_a_bad_checksum_keeps_a_permit_example():
    permit = make_resident_id("810000", date(1990, 3, 7), 123)
    wrong = permit[:-1] + ("0" if permit[-1] != "0" else "1")

    problem = parse_id_of_type(IdType.HMT_RESIDENCE_PERMIT, wrong, TODAY)

    assert isinstance(problem, Problem)
    assert problem.example == ID_EXAMPLES[IdType.HMT_RESIDENCE_PERMIT]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("H12345678", "H12345678"),
        ("m12345678", "M12345678"),
        ("H12345678(01)", "H1234567801"),
        ("Ｈ１２３４５６７８", "H12345678"),
    ],
)
def test_hong_kong_and_macao_permits_are_h_or_m_with_8_or_10_digits(typed, kept):
    assert parse_id_of_type(IdType.HK_MACAO_PERMIT, typed, TODAY) == kept


@pytest.mark.parametrize("typed", ["A12345678", "H1234567", "H123456789", "12345678", ""])
def test_other_hong_kong_and_macao_permit_numbers_are_refused(typed):
    assert isinstance(parse_id_of_type(IdType.HK_MACAO_PERMIT, typed, TODAY), Problem)


@pytest.mark.parametrize(("typed", "kept"), [("12345678", "12345678"), ("12345678 (01)", "1234567801")])
def test_taiwan_permits_have_8_or_10_digits(typed, kept):
    assert parse_id_of_type(IdType.TAIWAN_PERMIT, typed, TODAY) == kept


@pytest.mark.parametrize("typed", ["1234567", "123456789", "T1234567"])
def test_other_taiwan_permit_numbers_are_refused(typed):
    assert isinstance(parse_id_of_type(IdType.TAIWAN_PERMIT, typed, TODAY), Problem)


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=5, max_size=17))
def test_any_5_to_17_letters_and_digits_are_a_passport_number(number):
    assert parse_id_of_type(IdType.PASSPORT, number, TODAY) == number.upper()


@given(
    st.one_of(
        st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=4),
        st.text(alphabet=string.ascii_uppercase + string.digits, min_size=18, max_size=25),
    )
)
def test_passport_numbers_shorter_than_5_or_longer_than_17_are_refused(number):
    problem = parse_id_of_type(IdType.PASSPORT, number, TODAY)

    assert isinstance(problem, Problem) and problem.params == {"min": 5, "max": 17}


def test_a_passport_number_with_punctuation_is_refused():
    assert isinstance(parse_id_of_type(IdType.PASSPORT, "E1234.5678", TODAY), Problem)


def test_old_and_new_foreign_permanent_resident_ids_are_accepted():
    body = "91104419851111002"
    new = body + check_character(body)

    assert parse_id_of_type(IdType.FOREIGN_PERMANENT_RESIDENT, "usa110085111100", TODAY) == "USA110085111100"
    assert parse_id_of_type(IdType.FOREIGN_PERMANENT_RESIDENT, new, TODAY) == new


def test_a_new_foreign_permanent_resident_id_with_a_wrong_check_character_is_refused():
    body = "91104419851111002"
    wrong = body + ("0" if check_character(body) != "0" else "1")

    problem = parse_id_of_type(IdType.FOREIGN_PERMANENT_RESIDENT, wrong, TODAY)

    assert isinstance(problem, Problem) and "check character" in problem.message


@pytest.mark.parametrize("typed", ["110101199003071233", "US1100851111001", "9110441985111100"])
def test_other_foreign_permanent_resident_id_shapes_are_refused(typed):
    assert isinstance(parse_id_of_type(IdType.FOREIGN_PERMANENT_RESIDENT, typed, TODAY), Problem)


def test_id_numbers_match_regardless_of_width_spaces_and_case():
    assert ids_match("11010119800101103X", "１１０１０１ 19800101103x") is None


def test_differing_id_numbers_are_refused_without_echoing_them():
    problem = ids_match("110101199003071233", "110101199003071234")

    assert isinstance(problem, Problem) and problem.params == {}


# --- address ---------------------------------------------------------------------------------------


def test_an_address_keeps_its_text_with_whitespace_runs_made_one_space():
    assert parse_address("  北京市海淀区\t中关村大街 \n 1号 ") == "北京市海淀区 中关村大街 1号"


def test_invisible_characters_pasted_with_an_address_are_dropped():
    assert parse_address("北京市\u200b海淀区") == "北京市海淀区"


@pytest.mark.parametrize("typed", ["", "   ", "京", "京" * (MAX_ADDRESS_LENGTH + 1), "北京市\x07海淀区"])
def test_an_empty_too_short_too_long_or_control_character_address_is_refused(typed):
    problem = parse_address(typed)

    assert isinstance(problem, Problem)
    assert problem.params == {"min": 2, "max": MAX_ADDRESS_LENGTH}


def test_an_address_of_the_maximum_length_is_accepted():
    assert parse_address("京" * MAX_ADDRESS_LENGTH) == "京" * MAX_ADDRESS_LENGTH


# --- day-time and evening phones -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01062961234", "01062961234"),
        ("010-62961234", "01062961234"),
        ("0755 8668 8888", "075586688888"),
        ("+86 138 1234 5678", "13812345678"),
    ],
)
def test_a_contact_phone_is_kept_in_the_seed_format_without_hyphen(typed, kept):
    assert parse_contact_phone(typed) == kept


def test_a_contact_phone_with_an_extension_is_refused_with_the_seed_example():
    problem = parse_contact_phone("010-62961234-123")

    assert isinstance(problem, Problem)
    assert "extension" in problem.message
    assert problem.params == {"landline": "01062961234", "mobile": "13812345678"}


def test_a_malformed_contact_phone_is_refused_with_the_seed_example():
    problem = parse_contact_phone("0106296123")

    assert isinstance(problem, Problem)
    assert problem.example == "01062961234 or 13812345678"
