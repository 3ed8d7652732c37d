"""姓名 as on the resident ID card (step 1/7 of 学员注册, seed 000 §一)."""

import pytest

from domain.names import MAX_NAME_LENGTH, parse_real_name
from domain.problems import Problem

MIDDLE_DOT = "\u00b7"


@pytest.mark.parametrize("name", ["张三", "欧阳娜娜", "司马相如"])
def test_a_chinese_name_is_accepted_as_typed(name):
    assert parse_real_name(name) == name


def test_a_minority_name_with_the_id_card_middle_dot_is_accepted():
    assert parse_real_name("阿卜杜·热合曼") == "阿卜杜·热合曼"


def test_a_name_of_three_parts_is_accepted():
    assert parse_real_name("米尔扎·阿卜杜·热合曼") == "米尔扎·阿卜杜·热合曼"


@pytest.mark.parametrize(
    "dot",
    [
        "\u30fb",  # ・ katakana middle dot (Japanese-style IMEs)
        "\uff65",  # ･ its half-width form
        "\u2022",  # • bullet
        "\u2027",  # ‧ hyphenation point
        "\u2219",  # ∙ bullet operator
        "\uff0e",  # ． full-width full stop
        ".",
        "\u0387",  # · Greek ano teleia
    ],
)
def test_a_look_alike_dot_in_a_minority_name_becomes_the_id_card_middle_dot(dot):
    assert parse_real_name(f"阿卜杜{dot}热合曼") == f"阿卜杜{MIDDLE_DOT}热合曼"


def test_spaces_around_the_dot_and_inside_a_chinese_name_are_dropped():
    assert parse_real_name(" 阿卜杜 · 热合曼 ") == "阿卜杜·热合曼"
    assert parse_real_name("张 三") == "张三"


@pytest.mark.parametrize(
    "name",
    [
        "刘䶮",  # U+4DAE, CJK Extension A: the emperor's name character, on real ID cards
        "𠈌三",  # U+2020C, CJK Extension B, outside the Basic Multilingual Plane
        "张𪚥",  # U+2A6A5, Extension B
    ],
)
def test_a_rare_character_of_the_cjk_extensions_is_accepted(name):
    assert parse_real_name(name) == name


def test_a_name_in_latin_letters_is_accepted():
    assert parse_real_name("Zhang San") == "Zhang San"


@pytest.mark.parametrize("name", ["张3", "张三😀", "张三!", "·热合曼", "阿卜杜·", "阿卜杜··热合曼", "张"])
def test_a_name_that_cannot_be_on_an_id_card_is_refused_with_an_example(name):
    outcome = parse_real_name(name)

    assert isinstance(outcome, Problem)
    assert outcome.message == "Enter your name exactly as on your ID card, in Chinese characters."
    assert outcome.example is not None


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_an_empty_name_is_asked_for(name):
    assert parse_real_name(name) == Problem("Please enter your name.", example="张三")


def test_a_name_of_thirty_characters_is_accepted():
    assert parse_real_name("张" * MAX_NAME_LENGTH) == "张" * MAX_NAME_LENGTH


def test_a_name_over_thirty_characters_is_refused_with_the_limit():
    outcome = parse_real_name("张" * (MAX_NAME_LENGTH + 1))

    assert isinstance(outcome, Problem)
    assert outcome.params == {"limit": 30}


def test_a_rare_character_counts_as_one_character_towards_the_limit():
    name = "𠈌" * MAX_NAME_LENGTH

    assert parse_real_name(name) == name
