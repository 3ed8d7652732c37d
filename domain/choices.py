"""Fixed lists applicants pick from, as data in ``domain/data``: 民族, 政治面貌 and provinces.

Each list is a ``Catalog`` of ``Choice`` items with an official code, loaded from one TOML file with
``[[choices]]`` entries (code, name_zh, name_en, optional aliases):

- ``ethnicities()``: 民族, GB/T 3304-1991 codes 01–56 plus 97 其他 and 98 外国血统中国籍人士;
- ``political_statuses()``: 政治面貌, GB/T 4762-1984 codes 01–13;
- ``provinces()``: the 34 provincial-level divisions, GB/T 2260 two-digit codes.
"""

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

from domain.problems import Problem
from domain.text import N_

# All three standards use two-digit codes, so a code of another shape in a data file is a typo.
_TWO_DIGITS = re.compile(r"\d{2}")
_KEYS = frozenset({"code", "name_zh", "name_en", "aliases"})


class ChoiceDataError(ValueError):
    """A catalog file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Choice:
    code: str  # the standard's code, e.g. "01"
    name_zh: str  # as forms show it (data, shown as-is)
    name_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """One list of choices, in the data file's order, with lookups by code and by any name."""

    source: str  # the data file, for error messages
    refusal: str  # the N_ message id of ``parse``'s refusal
    choices: tuple[Choice, ...]
    # Derived from ``choices``; left out of equality and hashing (a mapping proxy has no hash).
    by_code: Mapping[str, Choice] = field(compare=False, repr=False)
    by_name: Mapping[str, Choice] = field(compare=False, repr=False)

    def items(self) -> list[Choice]:
        """Every choice in the data file's order (a new list: changing it changes nothing here)."""
        return list(self.choices)

    def get(self, code: str) -> Choice:
        try:
            return self.by_code[code.strip()]
        except KeyError:
            raise KeyError(f"{self.source}: unknown code {code!r}") from None

    def find(self, text: str) -> Choice | None:
        """The choice with this code, Chinese or English name or alias, ignoring case, width and spaces."""
        return self.by_name.get(_key(text))

    def parse(self, raw: str) -> Choice | Problem:
        """A typed code or name, or a request to pick from the list (example: the first item)."""
        found = self.find(raw)
        if found is not None:
            return found
        return Problem(self.refusal, example=self.choices[0].name_zh)


def ethnicities() -> Catalog:
    """民族: the 56 ethnic groups in GB/T 3304 order, then 97 其他 and 98 外国血统中国籍人士."""
    return _catalog("ethnicities.toml", N_("Choose your ethnic group from the list, or type its name."))


def political_statuses() -> Catalog:
    """政治面貌: GB/T 4762 codes 01 中共党员 … 13 群众."""
    return _catalog(
        "political_status.toml", N_("Choose your political status from the list, or type its name.")
    )


def provinces() -> Catalog:
    """The 34 provincial-level divisions: 11 北京市 … 65 新疆维吾尔自治区, 71 台湾省, 81 香港, 82 澳门."""
    return _catalog("provinces.toml", N_("Choose a province from the list, or type its name."))


def _key(text: str) -> str:
    # Spaces are dropped, not collapsed: "汉 族" and "Inner  Mongolia" are still what was meant.
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@cache
def _catalog(data_file: str, refusal: str) -> Catalog:
    text = resources.files("domain.data").joinpath(data_file).read_text(encoding="utf-8")
    return _from_toml(text, data_file, refusal)


def _from_toml(text: str, source: str, refusal: str) -> Catalog:
    """The catalog in ``text``, read from ``source``. Fails loudly on bad data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChoiceDataError(f"{source}: not valid TOML: {error}") from error
    entries = data.get("choices")
    if not isinstance(entries, list) or not entries:
        raise ChoiceDataError(f"{source}: expected a non-empty [[choices]] array")
    loaded: list[Choice] = []
    by_code: dict[str, Choice] = {}
    by_name: dict[str, Choice] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: choices[{index}]"
        if not isinstance(entry, dict) or set(entry) - _KEYS:
            raise ChoiceDataError(f"{where}: keys are code, name_zh, name_en and optional aliases")
        strings = [entry.get(key) for key in ("code", "name_zh", "name_en")]
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(
            isinstance(value, str) and value.strip() for value in [*strings, *aliases]
        ):
            raise ChoiceDataError(f"{where}: code, names and aliases must be non-empty strings")
        code, name_zh, name_en = (str(value) for value in strings)
        if not _TWO_DIGITS.fullmatch(code) or not code.isascii():
            raise ChoiceDataError(f"{where}: code {code!r} is not a two-digit code")
        item = Choice(code=code, name_zh=name_zh, name_en=name_en, aliases=tuple(aliases))
        for name in (code, name_zh, name_en, *aliases):
            key = _key(name)
            if key in by_name:
                raise ChoiceDataError(f"{where}: {name!r} already names {by_name[key].code}")
            by_name[key] = item
        by_code[code] = item
        loaded.append(item)
    return Catalog(
        source=source,
        refusal=refusal,
        choices=tuple(loaded),
        by_code=MappingProxyType(by_code),
        by_name=MappingProxyType(by_name),
    )
