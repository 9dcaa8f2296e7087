"""CSV files the portal writes, made safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula when the file is opened: a
student named `=HYPERLINK("http://x","y")` would become a link. Following OWASP's advice on CSV
injection, such a cell gets a leading apostrophe, which spreadsheets show as text and hide.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
