"""天津高职升本 志愿 (seed 002 2.7): 院校 and 专业 from the year's list; 志愿一 required, the others optional.

The list and the number of choices are catalog data (domain/programmes/tj_upgrade.toml, per year).
The choices are one profile module ("choices"): saved like the others, judged complete by
:func:`check_choices`.
"""

from collections.abc import Mapping
from datetime import date

from domain.problems import Problem
from domain.programmes import ProgrammeYear, UpgradeMajor, programme
from domain.text import N_

TJ = "tj-upgrade"
CHOICE_KEYS = ("choice1", "choice2", "choice3")  # at most three: domain/programmes checks the count

_FIRST_REQUIRED = N_("志愿一 is required: choose an institution and a major.")
_UNKNOWN = N_("{choice}: {code} is not in this year's list of institutions and majors.")
_NOT_LISTED = N_("No institution or major of this year's list matches {text}: press one of the buttons.")
_SEVERAL = N_("{text} matches {count} choices: type more of the name, or press a button.")
_TWICE = N_("{major} is chosen twice ({first} and {second}): each choice must be different.")


def choice_year(year: int | None = None) -> ProgrammeYear | None:
    """The year whose list is offered: the given one, else the latest with a list."""
    years = programme(TJ).years
    if year is not None:
        return years.get(year)
    listed = [item for item in years.values() if item.majors]
    return max(listed, key=lambda item: item.year) if listed else None


def label(major: UpgradeMajor) -> str:
    return f"{major.institution} · {major.name}"


def find(code: str, year: int | None = None) -> UpgradeMajor | None:
    chosen = choice_year(year)
    return next((m for m in chosen.majors if m.code == code), None) if chosen else None


def parse_choice(raw: str, year: int | None = None) -> str | Problem:
    """A typed choice: the whole "院校 · 专业", or any part that names exactly one (护理学, 天津农学院)."""
    chosen = choice_year(year)
    text = "".join(raw.split())
    majors = chosen.majors if chosen else ()
    exact = [m for m in majors if text in (m.code, "".join(label(m).split()))]
    found = exact or [m for m in majors if text and text in "".join(label(m).split())]
    if len(found) == 1:
        return found[0].code
    example = label(majors[0]) if majors else None
    if not found:
        return Problem(_NOT_LISTED, {"text": raw.strip()[:40]}, example=example)
    return Problem(_SEVERAL, {"text": raw.strip()[:40], "count": len(found)}, example=example)


def check_choices(answers: Mapping[str, object], today: date) -> list[Problem]:
    """志愿一 given; every choice known; no major twice."""
    given = [(key, str(answers[key])) for key in CHOICE_KEYS if answers.get(key)]
    if not any(key == CHOICE_KEYS[0] for key, _ in given):
        return [Problem(_FIRST_REQUIRED)]
    problems = []
    seen: dict[str, str] = {}
    for key, code in given:
        number = CHOICE_KEYS.index(key) + 1
        major = find(code)
        if major is None:
            problems.append(Problem(_UNKNOWN, {"choice": number, "code": code}))
        elif code in seen:
            problems.append(Problem(_TWICE, {"major": label(major), "first": seen[code], "second": number}))
        else:
            seen[code] = str(number)
    return problems
