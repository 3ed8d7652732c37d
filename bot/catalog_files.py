"""The operator's files for 广东住培: the year's catalog (TOML) and a base's decisions (CSV).

Problems with the file itself are plain English for the operator, as in bot/registration_files.py
(whose decoding this shares: UTF-8 with or without a byte-order mark, else GB18030); the rules of
the content are the domain's (domain/gd_catalog.py, domain/offers.py).
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from bot.registration_files import FileError, decode, parse_csv
from domain.gd_catalog import CatalogFileError, validate_catalog
from domain.model import YearCatalog
from domain.offers import DECISION_COLUMNS, DecisionRow

__all__ = [
    "DECISION_HEADERS",
    "DecisionFile",
    "FileError",
    "read_catalog",
    "read_decisions",
]


def read_catalog(data: bytes) -> YearCatalog | list[CatalogFileError]:
    """The catalog of a TOML file, or every problem with it (a TOML syntax error alone stops early)."""
    text = decode(data)
    if isinstance(text, FileError):
        return [CatalogFileError(f"line {text.line}", text.reason)]
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [CatalogFileError("TOML", f"not valid TOML: {error}")]
    return validate_catalog(parsed)


# The header of each column, as a base's spreadsheet may write it (English or Chinese).
DECISION_HEADERS = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "证件号码": "id_number",
    "报名号": "application_id",
    "结果": "result",
    "录取结果": "result",
}


@dataclass(frozen=True)
class DecisionFile:
    rows: list[DecisionRow]
    headers: dict[str, str]  # column → its header as written in the file, for error messages


def read_decisions(data: bytes) -> DecisionFile | list[FileError]:
    """The records of a decisions file, or every problem of its shape (header, number of fields)."""
    text = decode(data)
    if isinstance(text, FileError):
        return [text]
    table = parse_csv(text, DECISION_HEADERS, DECISION_COLUMNS, _missing_decision_columns)
    if isinstance(table, list):
        return table
    return DecisionFile([DecisionRow(line, values) for line, values in table.rows], table.headers)


def _missing_decision_columns(positions: Mapping[str, int]) -> list[FileError]:
    errors = []
    if "result" not in positions:
        errors.append(FileError(1, "the header lacks the column result (结果)"))
    if "id_number" not in positions and "application_id" not in positions:
        errors.append(
            FileError(
                1,
                "the header lacks a column naming the applicant: "
                "id_number (身份证号) or application_id (报名号)",
            )
        )
    return errors
