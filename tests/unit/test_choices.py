"""Choice catalogs as data: 民族 (GB/T 3304), 政治面貌 (GB/T 4762) and provinces (GB/T 2260)."""

import pytest

from domain.choices import (
    Catalog,
    Choice,
    ChoiceDataError,
    _from_toml,
    ethnicities,
    political_statuses,
    provinces,
)
from domain.problems import Problem

CATALOGS = {"ethnicities": ethnicities, "political_statuses": political_statuses, "provinces": provinces}

# GB/T 3304-1991 order, codes 01-56.
FIFTY_SIX = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]

# GB/T 2260 two-digit codes and names, in the standard's order.
PROVINCES = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
]


@pytest.mark.parametrize(
    ("name", "count"), [("ethnicities", 58), ("political_statuses", 13), ("provinces", 34)]
)
def test_each_catalog_has_the_standard_number_of_items(name, count):
    assert len(CATALOGS[name]().items()) == count


@pytest.mark.parametrize("name", CATALOGS)
def test_codes_and_names_are_unique_two_digit_codes_with_both_names(name):
    items = CATALOGS[name]().items()

    assert len({c.code for c in items}) == len(items)
    assert len({c.name_zh for c in items}) == len(items)
    assert len({c.name_en.casefold() for c in items}) == len(items)
    for each in items:
        assert len(each.code) == 2 and each.code.isdigit()
        assert not each.name_zh.isascii() and each.name_en.isascii()


@pytest.mark.parametrize("name", CATALOGS)
def test_every_item_is_found_by_its_code_names_and_aliases(name):
    catalog = CATALOGS[name]()
    for each in catalog.items():
        assert catalog.get(each.code) is each
        for typed in (each.code, each.name_zh, each.name_en, *each.aliases):
            assert catalog.find(typed) is each, typed


def test_the_fifty_six_ethnic_groups_are_in_gb_t_3304_order_then_97_and_98():
    items = ethnicities().items()

    assert [(c.code, c.name_zh) for c in items[:56]] == [
        (f"{number:02d}", name) for number, name in enumerate(FIFTY_SIX, start=1)
    ]
    assert [(c.code, c.name_zh) for c in items[56:]] == [("97", "其他"), ("98", "外国血统中国籍人士")]


@pytest.mark.parametrize(
    ("code", "english"),
    [
        ("01", "Han"),
        ("02", "Mongol"),
        ("03", "Hui"),
        ("04", "Tibetan"),
        ("05", "Uyghur"),
        ("09", "Bouyei"),
        ("10", "Korean"),
        ("11", "Manchu"),
        ("56", "Jino"),
    ],
)
def test_ethnic_groups_carry_their_usual_english_names(code, english):
    assert ethnicities().get(code).name_en == english


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("汉", "01"),
        ("汉族", "01"),
        ("01", "01"),
        ("ｈａｎ", "01"),
        ("维 吾 尔 族", "05"),
        ("uygur", "05"),
        ("Zang", "04"),
        ("朝鲜", "10"),
        ("  manchu ", "11"),
        ("崩龙族", "46"),
        ("其他", "97"),
    ],
)
def test_an_ethnic_group_is_found_ignoring_case_width_and_spaces(typed, code):
    found = ethnicities().find(typed)

    assert found is not None and found.code == code


def test_political_statuses_run_from_cpc_member_to_the_masses_in_gb_t_4762_order():
    assert [(c.code, c.name_zh) for c in political_statuses().items()] == [
        ("01", "中共党员"),
        ("02", "中共预备党员"),
        ("03", "共青团员"),
        ("04", "民革会员"),
        ("05", "民盟盟员"),
        ("06", "民建会员"),
        ("07", "民进会员"),
        ("08", "农工党党员"),
        ("09", "致公党党员"),
        ("10", "九三学社社员"),
        ("11", "台盟盟员"),
        ("12", "无党派人士"),
        ("13", "群众"),
    ]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("中国共产党党员", "01"),
        ("团员", "03"),
        ("cpc member", "01"),
        ("无党派民主人士", "12"),
        ("群众", "13"),
    ],
)
def test_a_political_status_is_found_by_full_name_short_name_or_english(typed, code):
    found = political_statuses().find(typed)

    assert found is not None and found.code == code


def test_provinces_carry_the_gb_t_2260_codes_and_names_in_order():
    items = provinces().items()

    assert [(c.code, c.name_zh) for c in items] == PROVINCES


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("北京", "11"),
        ("广东", "44"),
        ("粤", "44"),
        ("新疆", "65"),
        ("Inner Mongolia", "15"),
        ("innermongolia", "15"),
        ("Shaanxi", "61"),
        ("shanxi", "14"),
        ("Tibet", "54"),
        ("Macau", "82"),
        ("香港特别行政区", "81"),
    ],
)
def test_a_province_is_found_by_short_chinese_name_abbreviation_or_english(typed, code):
    found = provinces().find(typed)

    assert found is not None and found.code == code


@pytest.mark.parametrize(("name", "example"), [("ethnicities", "汉族"), ("political_statuses", "中共党员")])
def test_an_unknown_name_asks_to_choose_with_the_first_item_as_example(name, example):
    catalog = CATALOGS[name]()

    assert catalog.find("Narnia") is None
    problem = catalog.parse("Narnia")
    assert isinstance(problem, Problem) and problem.example == example
    assert "list" in problem.message


def test_a_known_name_parses_to_its_choice():
    assert provinces().parse("北京") == provinces().get("11")


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="99"):
        ethnicities().get("99")


def test_the_list_returned_cannot_change_the_catalog():
    provinces().items().clear()

    assert len(provinces().items()) == 34


def test_catalogs_are_loaded_once():
    assert ethnicities() is ethnicities()


def _load(text: str) -> Catalog:
    return _from_toml(text, "test.toml", "Choose.")


def test_a_duplicate_name_in_the_data_fails_loudly():
    text = """
[[choices]]
code = "01"
name_zh = "汉族"
name_en = "Han"

[[choices]]
code = "02"
name_zh = "别的"
name_en = "han"
"""
    with pytest.raises(ChoiceDataError, match=r"test\.toml: choices\[1\].*already names 01"):
        _load(text)


@pytest.mark.parametrize(
    "entry",
    [
        'code = "1"\nname_zh = "汉族"\nname_en = "Han"',
        'code = "01"\nname_zh = ""\nname_en = "Han"',
        'code = "01"\nname_zh = "汉族"\nname_en = "Han"\naliases = "汉"',
        'code = "01"\nname_zh = "汉族"\nname_en = "Han"\ncolour = "red"',
    ],
    ids=["one-digit-code", "empty-name", "aliases-not-a-list", "unknown-key"],
)
def test_malformed_entries_fail_loudly_naming_the_entry(entry):
    with pytest.raises(ChoiceDataError, match=r"choices\[0\]"):
        _load("[[choices]]\n" + entry)


@pytest.mark.parametrize("text", ["", "choices = 1", "[[choices]"], ids=["empty", "not-an-array", "bad-toml"])
def test_a_file_without_choices_fails_loudly(text):
    with pytest.raises(ChoiceDataError, match=r"test\.toml"):
        _load(text)


def test_choices_are_plain_values():
    assert Choice("01", "汉族", "Han") == Choice("01", "汉族", "Han")
