"""天津高职升本 志愿 (seed 002 2.7): the year's list, typed choices, 志愿一 required, no major twice."""

from datetime import date

from domain import tj_choices
from domain.problems import Problem

TODAY = date(2022, 11, 21)


def test_the_list_and_the_count_come_from_the_catalog() -> None:
    year = tj_choices.choice_year()
    assert year is not None and year.year == 2023 and year.choice_count == 3
    assert tj_choices.label(year.majors[0]) == "天津商业大学 · 会计学"


def test_a_typed_choice_matches_the_whole_label_or_a_part_naming_exactly_one() -> None:
    assert tj_choices.parse_choice("天津中医药大学 · 护理学") == "tjau_nursing"
    assert tj_choices.parse_choice(" 护理学 ") == "tjau_nursing"
    assert tj_choices.parse_choice("tjut_civil") == "tjut_civil"
    several = tj_choices.parse_choice("天津商业大学")
    assert isinstance(several, Problem) and several.params["count"] == 2
    unknown = tj_choices.parse_choice("北京大学")
    assert isinstance(unknown, Problem) and unknown.example == "天津商业大学 · 会计学"


def test_choice_one_is_required_and_no_major_is_chosen_twice() -> None:
    assert [p.params for p in tj_choices.check_choices({}, TODAY)] == [{}]
    assert tj_choices.check_choices({"choice1": "tjau_nursing"}, TODAY) == []
    assert tj_choices.check_choices({"choice1": "tjau_nursing", "choice2": "tjut_civil"}, TODAY) == []
    twice = tj_choices.check_choices({"choice1": "tjau_nursing", "choice2": "tjau_nursing"}, TODAY)
    assert [p.params for p in twice] == [{"major": "天津中医药大学 · 护理学", "first": "1", "second": 2}]
    unknown = tj_choices.check_choices({"choice1": "gone"}, TODAY)
    assert [p.params for p in unknown] == [{"choice": 1, "code": "gone"}]
