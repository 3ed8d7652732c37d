"""The operator's files for 广东住培: the year's catalog (TOML) and a base's decisions (CSV).

Problems with the file itself are plain English for the operator, as in bot/registration_files.py
(whose decoding this shares: UTF-8 with or without a byte-order mark, else GB18030); the rules of
the content are the domain's (domain/gd_catalog.py, domain/offers.py).
"""

import csv
import io
import tomllib
import unicodedata
from dataclasses import dataclass

from bot.registration_files import FileError, decode
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [FileError(1, "the file is empty; the first line must name the columns")]
    except csv.Error as error:
        return [FileError(reader.line_num, f"not valid CSV: {error}")]
    positions, errors = _columns(header)
    rows: list[DecisionRow] = []
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(FileError(reader.line_num, f"not valid CSV: {error}"))
            break
        start, line = line, reader.line_num + 1
        if not any(field.strip() for field in record):
            continue  # blank lines and the empty rows spreadsheets leave at the end
        if len(record) != len(header):
            errors.append(FileError(start, f"{len(record)} fields, but the header has {len(header)}"))
            continue
        rows.append(DecisionRow(start, {column: record[index] for column, index in positions.items()}))
    if errors:
        return errors
    return DecisionFile(rows, {column: header[index].strip() for column, index in positions.items()})


def _columns(header: list[str]) -> tuple[dict[str, int], list[FileError]]:
    positions: dict[str, int] = {}
    errors = []
    for index, written in enumerate(header):
        name = unicodedata.normalize("NFKC", written).strip()
        column = DECISION_HEADERS.get(name) or (name.lower() if name.lower() in DECISION_COLUMNS else None)
        if column is None:
            continue
        if column in positions:
            errors.append(FileError(1, f"the column {column} appears twice ({name!r})"))
        positions[column] = index
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
    return positions, errors
