"""Names in pinyin: suggestions from the Chinese name and the check of what is typed (RULES.md §2)."""

import pytest

from domain.pinyin import COMPOUND_SURNAMES, EXAMPLE_PINYIN, SURNAMES, parse_pinyin, suggest_pinyin
from domain.problems import Problem


@pytest.mark.parametrize(
    ("name", "pinyin"),
    [
        ("张三丰", "ZHANG SANFENG"),
        ("李白", "LI BAI"),
        ("单田芳", "SHAN TIANFANG"),
        ("曾国藩", "ZENG GUOFAN"),
        ("解缙", "XIE JIN"),
        ("仇英", "QIU YING"),
        ("区永华", "OU YONGHUA"),
        ("朴明", "PIAO MING"),
        ("查良镛", "ZHA LIANGYONG"),
        ("翟志刚", "ZHAI ZHIGANG"),
        ("覃明", "QIN MING"),
    ],
)
def test_a_surname_is_read_as_a_surname_and_the_given_name_joined(name, pinyin):
    assert suggest_pinyin(name) == pinyin


@pytest.mark.parametrize(
    ("name", "pinyin"),
    [
        ("欧阳修", "OUYANG XIU"),
        ("诸葛亮", "ZHUGE LIANG"),
        ("尉迟恭", "YUCHI GONG"),
        ("司马相如", "SIMA XIANGRU"),
    ],
)
def test_a_compound_surname_comes_first(name, pinyin):
    assert suggest_pinyin(name) == pinyin


def test_a_two_character_name_is_never_all_compound_surname():
    assert suggest_pinyin("欧阳") == "OU YANG"


@pytest.mark.parametrize(
    ("name", "pinyin"), [("吕布", "LYU BU"), ("女娲", "NYU WA"), ("闾丘明", "LYUQIU MING")]
)
def test_u_umlaut_is_suggested_as_yu_the_passport_spelling(name, pinyin):
    assert suggest_pinyin(name) == pinyin


@pytest.mark.parametrize(
    "name", ["阿依古丽·买买提", "阿依古丽・买买提", "阿依古丽.买买提", " 阿依古丽 · 买买提 "]
)
def test_a_name_with_a_middle_dot_joins_each_part_and_separates_the_parts(name):
    assert suggest_pinyin(name) == "AYIGULI MAIMAITI"


@pytest.mark.parametrize(
    ("name", "pinyin"), [("Mary Smith", "MARY SMITH"), ("  john   o'neil ", "JOHN O'NEIL")]
)
def test_a_latin_name_comes_back_upper_cased_as_typed(name, pinyin):
    assert suggest_pinyin(name) == pinyin


def test_a_character_without_a_known_reading_gives_no_suggestion():
    assert suggest_pinyin("张\U0002000c") == ""


def test_a_lone_surname_is_just_the_surname():
    assert suggest_pinyin("单") == "SHAN"


def test_every_suggestion_passes_the_check():
    for name in ("张三丰", "吕布", "阿依古丽·买买提", "欧阳修"):
        assert parse_pinyin(suggest_pinyin(name)) == suggest_pinyin(name)


def test_override_tables_hold_one_or_two_characters_and_passport_spellings():
    assert all(len(surname) == 1 for surname in SURNAMES)
    assert all(len(surname) == 2 for surname in COMPOUND_SURNAMES)
    for spelling in (*SURNAMES.values(), *COMPOUND_SURNAMES.values()):
        assert parse_pinyin(spelling) == spelling and "V" not in spelling


@pytest.mark.parametrize(
    ("typed", "pinyin"),
    [
        ("ZHANG SANFENG", "ZHANG SANFENG"),
        ("  zhang   sanfeng ", "ZHANG SANFENG"),
        ("Zhāng Sānfēng", "ZHANG SANFENG"),
        ("ＺＨＡＮＧ\u3000ＳＡＮＦＥＮＧ", "ZHANG SANFENG"),
        ("lv bu", "LV BU"),
        ("LYU BU", "LYU BU"),
        ("lu bu", "LU BU"),
        ("AYIGULI MAIMAITI", "AYIGULI MAIMAITI"),
    ],
)
def test_typed_pinyin_is_upper_cased_with_single_spaces(typed, pinyin):
    assert parse_pinyin(typed) == pinyin


def refusal(raw: str) -> Problem:
    result = parse_pinyin(raw)
    assert isinstance(result, Problem), result
    return result


@pytest.mark.parametrize("typed", ["ZHANG-SANFENG", "ZHANG3 SANFENG", "张三丰", "O'NEIL", "XI'AN"])
def test_anything_but_letters_and_spaces_is_refused(typed):
    problem = refusal(typed)

    assert "A to Z" in problem.message and problem.example == EXAMPLE_PINYIN


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_answer_asks_for_the_name(typed):
    assert refusal(typed).example == EXAMPLE_PINYIN


@pytest.mark.parametrize("typed", ["lü bu", "LǙ BU", "nü"])
def test_u_umlaut_is_refused_with_the_spellings_the_forms_accept(typed):
    problem = refusal(typed)

    assert "YU" in problem.message and problem.example == "LYU BU"
