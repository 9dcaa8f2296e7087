"""Cells the portal writes to CSV never run as formulas in a spreadsheet."""

import csv
import datetime
import io

import openpyxl
import pytest

from assessor_portal.spreadsheets import csv_bytes, safe_cell, xlsx_bytes


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


def read_back(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook.worksheets[0]


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+61 400 000 000", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "=1+1"],
)
def test_an_xlsx_cell_that_looks_like_a_formula_reads_back_as_a_string_not_a_formula(value):
    sheet = read_back(xlsx_bytes(["Given name"], [[value]]))
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == value
    assert cell.quotePrefix


def test_xlsx_ordinary_text_is_a_string_without_a_quote_prefix():
    sheet = read_back(xlsx_bytes(["Student"], [["O'Brien"]]))
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == ("O'Brien", "s", False)


def test_xlsx_numbers_and_dates_stay_numbers_and_australian_dates():
    sheet = read_back(xlsx_bytes(["Count", "Signed"], [[12, datetime.date(2026, 10, 5)]]))
    assert sheet["A2"].value == 12
    assert sheet["A2"].data_type == "n"
    assert sheet["B2"].value == datetime.datetime(2026, 10, 5)
    assert sheet["B2"].number_format == "DD/MM/YYYY"


def test_xlsx_header_is_the_first_row_and_the_sheet_is_named():
    sheet = read_back(
        xlsx_bytes(["Given name", "Family name"], [["Charlie", "Wilson"]], title="Progress: FNS/1")
    )
    assert [cell.value for cell in sheet[1]] == ["Given name", "Family name"]
    assert sheet.title == "Progress  FNS 1"


def test_xlsx_drops_control_characters_that_xml_cannot_hold():
    sheet = read_back(xlsx_bytes(["Feedback"], [["Good\x00 work\x07"]]))
    assert sheet["A2"].value == "Good work"
