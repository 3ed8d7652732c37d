"""The gettext catalogs: every message the code can show is translated in every locale.

The message ids come from a fresh extraction of the source, not from the committed template, so a
message added in code without running `make extract` and translating it fails here.
"""

import gettext
import re
import string
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh_Hans", "zh_Hant", "en")
SOURCE_DIRS = ("bot", "dialogs", "domain")
KEYWORDS = {"N_": None, "_": None, "__": None}  # the same keywords as `make extract`
HAN = re.compile(r"[\u4e00-\u9fff]")

# Simplified characters whose Traditional form differs; any of them in zh_Hant means a zh_Hans text
# was pasted. (送, though often listed with 发, is the same character in both scripts.)
SIMPLIFIED_ONLY = set("码号证册请输验账户时间这为们个发认录选择")


@cache
def extracted_ids() -> frozenset[str]:
    ids: set[str] = set()
    for directory in SOURCE_DIRS:
        found = extract_from_dir(str(ROOT / directory), method_map=[("**.py", "python")], keywords=KEYWORDS)
        for _filename, _lineno, message, _comments, _context in found:
            # A plural call yields (singular, plural): the singular is the catalog key.
            ids.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(ids)


@cache
def catalog_of(locale: str) -> Catalog:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def key_of(message: Message) -> str:
    """The msgid; of a plural entry, its singular."""
    return message.id if isinstance(message.id, str) else message.id[0]


def text_of(message: Message) -> str:
    """The msgstr; of a plural entry, all its forms joined (empty if any form is empty)."""
    if isinstance(message.string, str):
        return message.string
    forms = list(message.string or ())
    return "".join(forms) if forms and all(forms) else ""


def placeholders(text: str) -> set[str]:
    try:
        return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:  # a stray brace: the text is no format string, so it has no placeholders
        return set()


def compiled(locale: str) -> gettext.GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, catalog_of(locale))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def test_the_fresh_extraction_finds_messages() -> None:
    # Guards the other tests: an extraction that found nothing would make them pass vacuously.
    assert "Forgot password" in extracted_ids()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_of_the_code_is_translated(locale: str) -> None:
    catalog = catalog_of(locale)
    translated = {key_of(message) for message in entries(catalog) if text_of(message).strip()}
    missing = sorted(extracted_ids() - translated)
    assert not missing, f"{locale}: {len(missing)} message(s) missing or untranslated " + (
        "(run `make extract` and translate them):\n" + "\n".join(f"  {m!r}" for m in missing)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_no_entry_is_fuzzy(locale: str) -> None:
    catalog = catalog_of(locale)
    fuzzy = [key_of(m) for m in [*entries(catalog), *catalog.obsolete.values()] if m.fuzzy]
    assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy"
    assert not fuzzy, f"{locale}: fuzzy entries are not shown to applicants:\n" + "\n".join(
        f"  {m!r}" for m in fuzzy
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_the_header_names_the_language_and_its_plural_forms(locale: str) -> None:
    catalog = catalog_of(locale)
    assert str(catalog.locale_identifier) == locale
    expected = "nplurals=2; plural=(n != 1);" if locale == "en" else "nplurals=1; plural=0;"
    assert catalog.plural_forms == expected


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_the_message(locale: str) -> None:
    wrong = [
        f"  {m.id!r}: {sorted(placeholders(text_of(m)))} instead of {sorted(placeholders(key_of(m)))}"
        for m in entries(catalog_of(locale))
        if text_of(m) and placeholders(text_of(m)) != placeholders(key_of(m))
    ]
    assert not wrong, f"{locale}: placeholders changed, so .format() would fail:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalog_compiles(locale: str) -> None:
    translations = compiled(locale)
    assert translations.gettext("Forgot password").strip()


def test_an_applicant_reading_simplified_chinese_gets_chinese() -> None:
    text = compiled("zh_Hans").gettext("Forgot password")
    assert text == "忘记密码"
    assert HAN.search(compiled("zh_Hans").gettext("Choose your language:"))


def test_the_traditional_catalog_holds_no_simplified_characters() -> None:
    pasted = []
    for message in entries(catalog_of("zh_Hant")):
        # Characters the message id itself carries are data (names, an example to type) and stay.
        found = (set(text_of(message)) & SIMPLIFIED_ONLY) - set(key_of(message))
        if found:
            pasted.append(f"  {message.id!r}: {''.join(sorted(found))}")
    assert not pasted, "zh_Hant: Simplified characters, probably pasted from zh_Hans:\n" + "\n".join(pasted)
