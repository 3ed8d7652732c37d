from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from domain.clock import BEIJING
from domain.credentials import PasswordPolicy, check_password
from domain.programmes import (
    DECLARATIONS,
    CatalogError,
    available_programmes,
    catalog,
    programme,
    programme_from_toml,
)

GD = next(d for d in DECLARATIONS if d.code == "gd-residency")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)


def test_the_catalog_holds_the_four_programmes_in_seed_order():
    assert list(catalog()) == ["gd-residency", "nmec-materials", "tj-upgrade", "degree-equiv"]
    assert [p.seed for p in catalog().values()] == ["000", "001", "002", "003"]


def test_the_catalog_is_loaded_once():
    assert catalog() is catalog()


def test_all_four_programmes_are_offered():
    assert [p.code for p in available_programmes()] == [
        "gd-residency",
        "nmec-materials",
        "tj-upgrade",
        "degree-equiv",
    ]


def test_each_programme_has_an_english_name_and_its_chinese_official_name():
    gd = programme("gd-residency")
    assert gd.name == "Guangdong residency training admission"
    assert gd.official_name == "广东省住院医师规范化培训"
    for each in catalog().values():
        assert each.name.isascii() and each.description.isascii()
        assert not each.official_name.isascii()


def test_an_unknown_programme_code_lists_the_known_ones():
    with pytest.raises(KeyError, match="gd-residency, nmec-materials, tj-upgrade, degree-equiv"):
        programme("gd")


def test_a_year_without_data_names_the_years_that_have_it():
    with pytest.raises(KeyError, match="2023"):
        programme("tj-upgrade").year(2030)


def test_tianjin_upgrade_registration_closes_at_five_pm_on_november_23():
    registration = programme("tj-upgrade").year(2023).window("registration")
    assert registration.start == beijing(2022, 11, 21, 9, 0)
    assert registration.contains(beijing(2022, 11, 23, 16, 59))
    assert not registration.contains(beijing(2022, 11, 23, 17, 0))


def test_the_tianjin_exam_region_uploads_until_january_27_inclusive():
    region = programme("nmec-materials").year(2022).region("tianjin")
    assert region.official_name == "天津考区"
    upload = region.windows["upload"]
    assert (upload.first_day, upload.last_day) == (date(2022, 1, 18), date(2022, 1, 27))
    assert upload.contains(beijing(2022, 1, 27, 23, 59, 59))


def test_degree_equivalence_activation_lasts_a_day_and_unactivated_accounts_a_week():
    degree = programme("degree-equiv")
    assert degree.duration("activation") == timedelta(hours=24)
    assert degree.duration("purge_unactivated") == timedelta(days=7)
    assert degree.years == {}


def test_degree_equivalence_passwords_take_letters_and_digits_only():
    policy = programme("degree-equiv").password_policy
    assert policy.letters_and_digits_only and policy.require_letter and policy.require_digit
    assert check_password("abcd1234", policy) == []
    assert check_password("abcd_1234", policy) != []


def test_gd_residency_passwords_need_eight_characters_a_letter_and_a_digit():
    assert programme("gd-residency").password_policy == PasswordPolicy(min_length=8)
    assert check_password("abcdefg1", programme("gd-residency").password_policy) == []


GOOD_TOML = """
code = "gd-residency"
official_name = "广东省住院医师规范化培训"
[years.2021.windows]
registration = "2021-04-15..2021-04-22"
"""


def test_a_minimal_data_file_loads_with_default_rules():
    loaded = programme_from_toml(GOOD_TOML, GD)
    assert loaded.password_policy == PasswordPolicy()
    assert loaded.login_by_id_number is False
    assert loaded.year(2021).window("registration").last_day == date(2021, 4, 22)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("code = ", "not valid TOML"),
        (GOOD_TOML.replace('code = "gd-residency"', 'code = "tj-upgrade"'), "code"),
        (GOOD_TOML.replace("2021-04-22", "2021-04-32"), "years.2021.windows.registration"),
        (GOOD_TOML.replace("2021-04-22", "2021-04-01"), "window ends before it starts"),
        (GOOD_TOML.replace("years.2021.windows", "years.2021.windowz"), "years.2021.windowz: unknown key"),
        (GOOD_TOML + "\n[password_policy]\nmin_length = '8'\n", "password_policy.min_length"),
        (GOOD_TOML + "\n[password_policy]\nmin_lenght = 8\n", "password_policy.min_lenght: unknown key"),
        (GOOD_TOML.replace("years.2021", "years.twenty"), "years.twenty"),
        (GOOD_TOML + "\n[durations]\nactivation = 24\n", "durations.activation"),
        (GOOD_TOML.replace('official_name = "广东省住院医师规范化培训"', ""), "official_name"),
        ('login_by_id_number = "yes"\n' + GOOD_TOML, "login_by_id_number: must be true or false"),
    ],
)
def test_a_bad_data_file_fails_loudly_naming_the_file_and_the_key(text, where):
    with pytest.raises(CatalogError) as raised:
        programme_from_toml(text, GD)
    message = str(raised.value)
    assert message.startswith("gd_residency.toml: ")
    assert where in message


def test_a_data_file_belongs_to_its_declaration():
    with pytest.raises(CatalogError, match=r"degree_equiv\.toml"):
        programme_from_toml(GOOD_TOML, replace(GD, code="degree-equiv", data_file="degree_equiv.toml"))


def test_tianjin_upgrade_candidates_log_in_with_their_id_number_and_guangdong_ones_with_a_username():
    assert programme("tj-upgrade").login_by_id_number
    assert not programme("gd-residency").login_by_id_number


def test_tianjin_upgrade_passwords_need_eight_characters_a_letter_and_a_digit():
    policy = programme("tj-upgrade").password_policy
    assert (policy.min_length, policy.max_length, policy.require_letter, policy.require_digit) == (
        8,
        32,
        True,
        True,
    )
