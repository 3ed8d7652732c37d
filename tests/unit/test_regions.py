"""Countries and regions (国家或地区) of seed 003, loaded from domain/data/regions.toml."""

import pytest

from domain.problems import Problem
from domain.regions import (
    Region,
    RegionDataError,
    _from_toml,
    default_region,
    find_region,
    parse_region,
    region,
    regions,
)


def test_the_prc_comes_first_and_is_the_default():
    first = regions()[0]

    assert first == default_region()
    assert (first.code, first.name_zh) == ("CN", "中华人民共和国")


def test_hong_kong_macao_and_taiwan_follow_the_prc_with_their_platform_names():
    assert [(r.code, r.name_zh) for r in regions()[1:4]] == [
        ("HK", "中国香港"),
        ("MO", "中国澳门"),
        ("TW", "中国台湾"),
    ]


def test_at_least_sixty_regions_each_with_a_two_letter_code_and_both_names():
    listed = regions()

    assert len(listed) >= 60
    assert len({r.code for r in listed}) == len(listed)
    for each in listed:
        assert len(each.code) == 2 and each.code.isupper()
        assert not each.name_zh.isascii() and each.name_en.isascii() != (each.code == "TR")


def test_the_list_returned_cannot_change_the_catalogue():
    regions().clear()

    assert regions()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("美国", "US"),
        ("united states", "US"),
        ("USA", "US"),
        ("us", "US"),
        ("中国", "CN"),
        ("  China ", "CN"),
        ("香港", "HK"),
        ("macau", "MO"),
        ("ＵＫ", "GB"),
        ("阿联酋", "AE"),
    ],
)
def test_a_region_is_found_by_code_chinese_or_english_name_or_alias_ignoring_case_and_width(typed, code):
    found = find_region(typed)

    assert found is not None and found.code == code


def test_an_unknown_name_finds_nothing_and_asks_to_choose_from_the_list():
    assert find_region("Narnia") is None
    problem = parse_region("Narnia")
    assert isinstance(problem, Problem) and problem.example == "中华人民共和国"


def test_a_known_name_parses_to_its_region():
    assert parse_region("Japan") == region("jp")


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="XX"):
        region("XX")


def test_a_duplicate_name_in_the_data_fails_loudly():
    text = """
[[regions]]
code = "CN"
name_zh = "中华人民共和国"
name_en = "China"

[[regions]]
code = "XC"
name_zh = "别处"
name_en = "china"
"""
    with pytest.raises(RegionDataError, match=r"regions\[1\].*already names CN"):
        _from_toml(text)


@pytest.mark.parametrize(
    "entry",
    [
        'code = "CHN"\nname_zh = "中国"\nname_en = "China"',
        'code = "CN"\nname_zh = ""\nname_en = "China"',
        'code = "CN"\nname_zh = "中国"\nname_en = "China"\nflag = "red"',
    ],
    ids=["three-letter-code", "empty-name", "unknown-key"],
)
def test_malformed_entries_fail_loudly_naming_the_entry(entry):
    with pytest.raises(RegionDataError, match=r"regions\[0\]"):
        _from_toml("[[regions]]\n" + entry)


def test_data_without_the_default_region_fails_loudly():
    with pytest.raises(RegionDataError, match="default region CN"):
        _from_toml('[[regions]]\ncode = "JP"\nname_zh = "日本"\nname_en = "Japan"')


def test_regions_are_plain_values():
    assert Region("JP", "日本", "Japan") == Region("JP", "日本", "Japan")
