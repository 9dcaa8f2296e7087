"""CSV and XLSX files the portal writes, made safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula when the file is opened: a
student named `=HYPERLINK("http://x","y")` would become a link. Following OWASP's advice on CSV
injection, such a CSV cell gets a leading apostrophe, which spreadsheets show as text and hide.
An XLSX cell carries its type: every text cell is written as a string (never a formula), and one
that looks like a formula also gets Excel's quote prefix, so editing it keeps it text.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def safe_cell(value):
    """Return the value as text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(header, rows):
    """Write the header and rows as UTF-8 CSV, every cell made safe; return the bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header, rows, *, title="Report"):
    """Write the header and rows as a one-sheet XLSX workbook; return the bytes.

    Whole numbers and dates stay numbers and dates (DD/MM/YYYY); everything else is a string cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append([xlsx_cell(sheet, cell) for cell in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell(sheet, value):
    """Return a write-only cell for the value: numbers and dates typed, text always a string."""
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    # XML 1.0 cannot hold most control characters: openpyxl would refuse the whole file.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl reads a leading "=" as a formula; the type is set after, so it never is one.
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def sheet_title(text):
    """Return a sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:31] or "Sheet"
