"""The FAQ knowledge base's files (issue 8): ``locales/<locale>/faq/<programme>.toml``.

Each file holds ``[[entry]]`` tables (id, question, variants, answer, source); its stem is the
programme code, or ``common`` for entries valid in every programme. A bad file stops loading with
one error naming the file and the entry, since a wrong answer given to applicants is worse than a
bot that does not start.
"""

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.config import LOCALES_DIR
from domain.faq import LOCALES, Entry, KnowledgeBase
from domain.programmes import DECLARATIONS

__all__ = ["COMMON", "MAX_ANSWER_CHARS", "FaqFileError", "load_knowledge_base", "read_entries"]

COMMON = "common"  # the file stem of the entries valid in every programme
MAX_ANSWER_CHARS = 1500  # the contract's limit: an answer must fit in one chat message
_FIELDS = {"id", "question", "variants", "answer", "source"}
_REQUIRED = ("id", "question", "answer", "source")
# Ids travel in callback data (64 bytes with the rest) and in commands: short, plain ASCII.
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class FaqFileError(ValueError):
    """A knowledge-base file that cannot be used; the message names the file and the entry."""


def load_knowledge_base(root: Path = LOCALES_DIR) -> KnowledgeBase:
    """Every locale's FAQ files under ``root``, checked for unique ids and complete translations."""
    entries = read_entries(root)
    check_translations(entries, root)
    return KnowledgeBase(entries)


def read_entries(root: Path = LOCALES_DIR) -> list[Entry]:
    """The entries of every ``<locale>/faq/*.toml`` under ``root``, each file checked on its own and
    ids checked unique per locale (not yet that the locales hold the same ids)."""
    codes = {declaration.code for declaration in DECLARATIONS}
    entries: list[Entry] = []
    for locale in LOCALES:
        seen: dict[str, Path] = {}
        for path in sorted((root / locale / "faq").glob("*.toml")):
            if path.stem != COMMON and path.stem not in codes:
                raise FaqFileError(
                    f"{path}: the file name must be a programme code ({', '.join(sorted(codes))}) "
                    f"or {COMMON}.toml"
                )
            programme = None if path.stem == COMMON else path.stem
            for entry in _read_file(path, programme, locale):
                if entry.id in seen:
                    raise FaqFileError(f"{path}: entry {entry.id!r}: the id is also used in {seen[entry.id]}")
                seen[entry.id] = path
                entries.append(entry)
    return entries


def check_translations(entries: Iterable[Entry], root: Path = LOCALES_DIR) -> None:
    """Every id in every locale, and in the same programme's file in each."""
    where: dict[str, dict[str, str | None]] = defaultdict(dict)
    for entry in entries:
        where[entry.id][entry.locale] = entry.programme
    for entry_id, programmes in sorted(where.items()):
        for locale in LOCALES:
            if locale not in programmes:
                present = next(iter(programmes))
                raise FaqFileError(
                    f"{root / locale / 'faq'}: entry {entry_id!r} (in {_file(programmes[present])} "
                    f"of {present}) has no {locale} translation"
                )
        if len(set(programmes.values())) > 1:
            files = ", ".join(f"{locale}/faq/{_file(p)}" for locale, p in sorted(programmes.items()))
            raise FaqFileError(f"{root}: entry {entry_id!r} is in different programmes' files: {files}")


def _file(programme: str | None) -> str:
    return f"{programme or COMMON}.toml"


def _read_file(path: Path, programme: str | None, locale: str) -> list[Entry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FaqFileError(f"{path}: not valid UTF-8 TOML: {error}") from error
    unknown = set(data) - {"entry"}
    if unknown:
        raise FaqFileError(f"{path}: unknown top-level keys {sorted(unknown)}; entries are [[entry]] tables")
    tables = data.get("entry", [])
    if not isinstance(tables, list):
        raise FaqFileError(f"{path}: 'entry' must be an array of tables ([[entry]])")
    return [_entry(path, number, table, programme, locale) for number, table in enumerate(tables, 1)]


def _entry(path: Path, number: int, table: Any, programme: str | None, locale: str) -> Entry:
    if not isinstance(table, dict):
        raise FaqFileError(f"{path}: entry #{number}: not a table")
    name = f"entry #{number}" + (f" {table['id']!r}" if isinstance(table.get("id"), str) else "")

    def fail(reason: str) -> FaqFileError:
        return FaqFileError(f"{path}: {name}: {reason}")

    unknown = set(table) - _FIELDS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)} (allowed: {', '.join(sorted(_FIELDS))})")
    for key in _REQUIRED:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a non-empty string")
    if not _ID.fullmatch(table["id"]):
        raise fail("the id must be 1 to 40 characters: lower-case letters, digits and hyphens")
    variants = table.get("variants", [])
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        raise fail("variants must be a list of non-empty strings")
    if len(table["answer"]) > MAX_ANSWER_CHARS:
        raise fail(f"the answer has {len(table['answer'])} characters, more than {MAX_ANSWER_CHARS}")
    return Entry(
        id=table["id"],
        programme=programme,
        locale=locale,
        question=table["question"].strip(),
        answer=table["answer"].strip(),
        source=table["source"].strip(),
        variants=tuple(v.strip() for v in variants),
    )
