"""Countries and regions (国家或地区) of seed 003's forms, as data: ``domain/data/regions.toml``.

Not to be confused with ``domain.programmes.Region``, an exam region (考区) of seed 001.
"""

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from domain.problems import Problem
from domain.text import N_

DATA_FILE = "regions.toml"
# Seed 003 (填写基本信息): 国家或地区 defaults to 中华人民共和国.
DEFAULT_REGION_CODE = "CN"


class RegionDataError(ValueError):
    """The regions file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Region:
    code: str  # ISO 3166-1 alpha-2
    name_zh: str  # as the platform shows it (data, shown as-is)
    name_en: str
    aliases: tuple[str, ...] = ()


def regions() -> list[Region]:
    """Every country or region in the data file's order: the PRC first."""
    return list(_loaded()[0])


def region(code: str) -> Region:
    try:
        return _loaded()[1][code.strip().upper()]
    except KeyError:
        raise KeyError(f"unknown region code {code!r}") from None


def default_region() -> Region:
    return region(DEFAULT_REGION_CODE)


def find_region(name: str) -> Region | None:
    """The region with this code, Chinese or English name or alias, ignoring case and width."""
    return _loaded()[2].get(_key(name))


def parse_region(raw: str) -> Region | Problem:
    """A typed country or region name, or a request to pick one from the list."""
    found = find_region(raw)
    if found is not None:
        return found
    return Problem(
        N_("Choose a country or region from the list, or type its name in Chinese or English."),
        example=default_region().name_zh,
    )


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


@cache
def _loaded() -> tuple[tuple[Region, ...], Mapping[str, Region], Mapping[str, Region]]:
    text = resources.files("domain.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return _from_toml(text)


def _from_toml(text: str) -> tuple[tuple[Region, ...], Mapping[str, Region], Mapping[str, Region]]:
    """The regions in order, by code, and by every name they answer to. Fails loudly on bad data."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RegionDataError(f"{DATA_FILE}: not valid TOML: {error}") from error
    entries = data.get("regions")
    if not isinstance(entries, list) or not entries:
        raise RegionDataError(f"{DATA_FILE}: expected a non-empty [[regions]] array")
    loaded: list[Region] = []
    by_code: dict[str, Region] = {}
    by_name: dict[str, Region] = {}
    for index, entry in enumerate(entries):
        where = f"{DATA_FILE}: regions[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"code", "name_zh", "name_en", "aliases"}:
            raise RegionDataError(f"{where}: keys are code, name_zh, name_en and optional aliases")
        strings = [entry.get(key) for key in ("code", "name_zh", "name_en")]
        aliases = entry.get("aliases", [])
        if not all(isinstance(value, str) and value.strip() for value in [*strings, *aliases]):
            raise RegionDataError(f"{where}: code, names and aliases must be non-empty strings")
        code, name_zh, name_en = (str(value) for value in strings)
        if not (len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
            raise RegionDataError(f"{where}: code {code!r} is not an ISO 3166-1 alpha-2 code")
        item = Region(code=code, name_zh=name_zh, name_en=name_en, aliases=tuple(aliases))
        for name in (code, name_zh, name_en, *aliases):
            key = _key(name)
            if key in by_name:
                raise RegionDataError(f"{where}: {name!r} already names {by_name[key].code}")
            by_name[key] = item
        by_code[code] = item
        loaded.append(item)
    if DEFAULT_REGION_CODE not in by_code:
        raise RegionDataError(f"{DATA_FILE}: the default region {DEFAULT_REGION_CODE} is missing")
    return tuple(loaded), MappingProxyType(by_code), MappingProxyType(by_name)
