"""Reading a CSV file of students: its encoding, delimiter, columns and every line checked."""

import codecs
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from evidence.services.cohorts import _check_manager, _plural

from .matching import _check_rows
from .values import (
    CSV_MAX_BYTES,
    CSV_MAX_ROWS,
    HEADER_NAMES,
    REQUIRED_FIELDS,
    STUDENT_FIELDS,
    StudentRow,
    normalise_student,
)


@dataclass
class StudentCsv:
    """A parsed student file: every row with its errors, and errors about the file as a whole."""

    rows: list[StudentRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_with_errors(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_clean(self):
        return not self.errors and bool(self.rows) and not self.rows_with_errors

    @property
    def new_count(self):
        return sum(1 for row in self.rows if not row.errors and not row.existing)

    @property
    def existing_count(self):
        return sum(1 for row in self.rows if not row.errors and row.existing and not row.in_cohort)

    @property
    def in_cohort_count(self):
        return sum(1 for row in self.rows if not row.errors and row.in_cohort)


class _FileRefused(Exception):
    pass


def _header_key(text):
    text = re.sub(r"[\s_\-]+", " ", text.replace("\ufeff", "").strip().lower())
    return re.sub(r"[^a-z0-9 ]", "", text).strip()


def _decode(data):
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _FileRefused(
            f"The file is not UTF-8 text: line {line} has a character that cannot be read. "
            "In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again."
        ) from None


def _delimiter(text):
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


def _columns(header):
    """Map each student field to its column number; say what is missing, repeated or unused."""
    columns, unused = {}, []
    for index, name in enumerate(header):
        key = _header_key(name)
        field_name = next((f for f, names in HEADER_NAMES.items() if key in names), None)
        if field_name is None:
            if key:
                unused.append(name.strip())
            continue
        if field_name in columns:
            raise _FileRefused(
                f"The header row has two {STUDENT_FIELDS[field_name]} columns "
                f"(columns {columns[field_name] + 1} and {index + 1}); keep one."
            )
        columns[field_name] = index
    missing = [STUDENT_FIELDS[name] for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        found = ", ".join(f"“{name.strip()}”" for name in header if name.strip()) or "nothing"
        raise _FileRefused(
            f"The header row (line 1) has no {' or '.join(missing)} column. The first line must name "
            "the columns: Given name, Family name, Email, Student ID and, if you have them, USI. "
            f"It has {found}."
        )
    return columns, unused


def _read_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise _FileRefused("The file is empty: it has no header row and no students.")
        columns, unused = _columns(header)
        rows, start = [], reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == CSV_MAX_ROWS:
                raise _FileRefused(
                    f"The file has more than {CSV_MAX_ROWS:,} students. Split it into files of at most "
                    f"{CSV_MAX_ROWS:,} and import them one after the other."
                )
            rows.append(_row(line, cells, columns, len(header)))
    except csv.Error as error:
        raise _FileRefused(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    if not rows:
        raise _FileRefused("The file has a header row but no students.")
    notes = (
        [f"Not imported: the column{'s' if len(unused) > 1 else ''} {', '.join(unused)}."] if unused else []
    )
    return rows, notes


def _row(line, cells, columns, width):
    # Spreadsheets often pad a row with empty trailing cells; only real values count.
    while len(cells) > width and not cells[-1].strip():
        cells = cells[:-1]
    values = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
    row = StudentRow(line=line, **normalise_student(values))
    if len(cells) != width:
        row.errors.append(
            f"This line has {_plural(len(cells), 'value')}; the header row has {_plural(width, 'column')}. "
            "Check for a missing value or an unquoted comma."
        )
    return row


def _mark_duplicates(rows):
    """Mark every row whose student ID, email or USI appears on another line of the file."""
    for name, fold in (("student_id", str.upper), ("email", str.lower), ("usi", str.upper)):
        same_value = defaultdict(list)
        for row in rows:
            if getattr(row, name):
                same_value[fold(getattr(row, name))].append(row)
        for same in same_value.values():
            for row in same if len(same) > 1 else ():
                others = [str(other.line) for other in same if other is not row]
                row.errors.append(
                    f"{STUDENT_FIELDS[name]} {getattr(row, name)} is also on "
                    f"line{'s' if len(others) > 1 else ''} {', '.join(others)}."
                )


def parse_student_csv(data, *, cohort, by):
    """Read a CSV file of students and check every row, saving nothing."""
    _check_manager(by)
    if not data.strip():
        return StudentCsv(errors=["The file is empty: it has no header row and no students."])
    if len(data) > CSV_MAX_BYTES:
        return StudentCsv(
            errors=[
                f"The file is {len(data) / 1024 / 1024:.1f} MB; a student file is at most "
                f"{CSV_MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            ]
        )
    try:
        rows, notes = _read_rows(_decode(data))
    except _FileRefused as refusal:
        return StudentCsv(errors=[str(refusal)])
    _mark_duplicates(rows)
    _check_rows(rows, cohort)
    return StudentCsv(rows=rows, notes=notes)
