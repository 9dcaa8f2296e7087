"""Cells the portal writes to CSV never run as formulas in a spreadsheet."""

import csv
import io

import pytest

from assessor_portal.spreadsheets import csv_bytes, safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+61 400 000 000", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"],
)
def test_a_cell_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Charlie", "O'Brien", "S0001", "05/10/2026", "20", "a=b", ""])
def test_ordinary_text_is_written_as_it_is(value):
    assert safe_cell(value) == value


def test_none_and_numbers_become_text():
    assert safe_cell(None) == ""
    assert safe_cell(20) == "20"
    assert safe_cell(-1) == "'-1"


def test_a_student_named_as_a_formula_reads_back_as_text_with_quotes_and_commas_intact():
    data = csv_bytes(["Given name", "Family name"], [['=HYPERLINK("http://x","y")', "Wilson, Jr"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [["Given name", "Family name"], ['\'=HYPERLINK("http://x","y")', "Wilson, Jr"]]
