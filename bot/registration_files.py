"""The operator's file of exam registrations (README, "医师资格考试"): CSV with a header row.

Excel saves "CSV UTF-8" with a byte-order mark, and a Chinese Windows Excel saves plain "CSV" in
GB18030 (GBK): both are read. Columns are found by their header, English or Chinese, in any order;
other columns (a 序号, say) are ignored. Problems with the file itself are plain English for the
operator; the rules of each row are the domain's (domain/exam_registrations.py).
"""

import csv
import io
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from domain.exam_registrations import COLUMNS, ImportRow

# The header of each column, as the NMEC export and Chinese operators write it.
CHINESE_HEADERS = {
    "报名号": "registration_number",
    "姓名": "name",
    "证件号码": "id_number",
    "手机号": "mobile",
    "考区": "exam_region",
    "考点": "exam_site",
    "报考类别": "category",
}


@dataclass(frozen=True)
class FileError:
    line: int
    reason: str


@dataclass(frozen=True)
class RegistrationFile:
    rows: list[ImportRow]
    headers: dict[str, str]  # column → its header as written in the file, for error messages


def decode(data: bytes) -> str | FileError:
    """UTF-8 (with or without a byte-order mark), else GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return FileError(line, "neither UTF-8 nor GB18030 text: save the file as CSV UTF-8")


@dataclass(frozen=True)
class CsvTable:
    rows: list[tuple[int, dict[str, str]]]  # (the line a record starts on, its values by column)
    headers: dict[str, str]  # column → its header as written in the file, for error messages


def parse_csv(
    text: str,
    headers: Mapping[str, str],
    columns: Collection[str],
    missing: Callable[[Mapping[str, int]], list[FileError]],
) -> CsvTable | list[FileError]:
    """The records of a CSV text, or every problem of its shape. Columns are found by their header:
    ``headers`` maps written (Chinese) headers to columns, and a column's own name works too; other
    columns are ignored; ``missing`` names what the found columns lack."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [FileError(1, "the file is empty; the first line must name the columns")]
    except csv.Error as error:
        return [FileError(reader.line_num, f"not valid CSV: {error}")]
    positions, errors = _columns(header, headers, columns)
    errors += missing(positions)
    rows: list[tuple[int, dict[str, str]]] = []
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
        rows.append((start, {column: record[index] for column, index in positions.items()}))
    if errors:
        return errors
    return CsvTable(rows, {column: header[index].strip() for column, index in positions.items()})


def _columns(
    header: list[str], headers: Mapping[str, str], columns: Collection[str]
) -> tuple[dict[str, int], list[FileError]]:
    positions: dict[str, int] = {}
    errors = []
    for index, written in enumerate(header):
        name = unicodedata.normalize("NFKC", written).strip()
        column = headers.get(name) or (name.lower() if name.lower() in columns else None)
        if column is None:
            continue
        if column in positions:
            errors.append(FileError(1, f"the column {column} appears twice ({name!r})"))
        positions[column] = index
    return positions, errors


def _missing_registration_columns(positions: Mapping[str, int]) -> list[FileError]:
    missing = [column for column in COLUMNS if column not in positions]
    if not missing:
        return []
    chinese = {column: header for header, column in CHINESE_HEADERS.items()}
    wanted = ", ".join(f"{column} ({chinese[column]})" for column in missing)
    return [FileError(1, f"the header lacks the column(s) {wanted}")]


def parse(text: str) -> RegistrationFile | list[FileError]:
    """The records of the file, or every problem of its shape (header, number of fields)."""
    table = parse_csv(text, CHINESE_HEADERS, COLUMNS, _missing_registration_columns)
    if isinstance(table, list):
        return table
    return RegistrationFile([ImportRow(line, values) for line, values in table.rows], table.headers)


def read(data: bytes) -> RegistrationFile | list[FileError]:
    text = decode(data)
    if isinstance(text, FileError):
        return [text]
    return parse(text)
