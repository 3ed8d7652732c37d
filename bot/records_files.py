"""The operator's file of 学籍 / 学历 records (``baoming records import``): CSV with a header row.

Decoded and split like the other operators' files (bot/registration_files.py): UTF-8 with or
without a byte-order mark, else GB18030; columns found by their header, Chinese or English, in any
order. Lines starting with ``#`` before the header are comments (a sample file says that it is made
up); line numbers in messages stay those of the file. The rules of each row are the domain's
(domain/tj_verification.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.registration_files import FileError, decode, parse_csv
from domain.tj_verification import RECORD_COLUMNS, RecordRow

__all__ = ["RECORD_HEADERS", "FileError", "RecordFile", "read_records"]

# The header of each column, as a 学信网 export or an operator's spreadsheet may write it.
RECORD_HEADERS = {
    "证件号码": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "姓名": "name",
    "类别": "kind",
    "院校": "school",
    "学校": "school",
    "院校名称": "school",
    "专业": "major",
    "专业名称": "major",
    "毕业年月": "graduation",
    "毕业时间": "graduation",
}

# The header named in a message about a missing column: the first spelling above.
_CHINESE = {column: header for header, column in reversed(RECORD_HEADERS.items())}


@dataclass(frozen=True)
class RecordFile:
    rows: list[RecordRow]
    headers: dict[str, str]  # column → its header as written in the file, for error messages


def read_records(data: bytes) -> RecordFile | list[FileError]:
    """The records of a file, or every problem of its shape (header, number of fields)."""
    text = decode(data)
    if isinstance(text, FileError):
        return [text]
    lines = text.splitlines(keepends=True)
    comments = 0
    while comments < len(lines) and lines[comments].lstrip().startswith("#"):
        comments += 1
    table = parse_csv("".join(lines[comments:]), RECORD_HEADERS, RECORD_COLUMNS, _missing_columns)
    if isinstance(table, list):
        return [replace(error, line=error.line + comments) for error in table]
    return RecordFile([RecordRow(line + comments, values) for line, values in table.rows], table.headers)


def _missing_columns(positions: Mapping[str, int]) -> list[FileError]:
    missing = [column for column in RECORD_COLUMNS if column not in positions]
    if not missing:
        return []
    wanted = ", ".join(f"{column} ({_CHINESE[column]})" for column in missing)
    return [FileError(1, f"the header lacks the column(s) {wanted}")]
