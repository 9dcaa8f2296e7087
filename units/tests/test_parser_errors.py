"""Malformed and hostile input: a clear message naming the line, and nothing guessed."""

import time

import pytest

from units.importing import parse_unit_source

HEAD = "FNSPIM409 - Maintain customer relationship\n"


def errors_of(text):
    return parse_unit_source(text).errors


def test_gap_in_criteria_names_the_line_and_both_numbers():
    text = HEAD + "1. Maintain records\n1.1 a\n2. Provide service\n2.1 b\n2.2 c\n2.3 d\n2.5 e\n"
    assert errors_of(text) == ["line 8: '2.5' follows '2.3'"]


def test_duplicate_criterion_names_the_first_line():
    text = HEAD + "1. Maintain records\n1.1 a\n1.2 b\n1.2 c\n"
    assert errors_of(text) == ["line 5: '1.2' appears twice (first at line 4)"]


def test_criterion_under_the_wrong_element():
    text = HEAD + "1. Maintain records\n1.1 a\n2.1 b\n"
    assert errors_of(text) == ["line 4: '2.1' is listed under element 1 (expected '1.2')"]


def test_element_gap_and_duplicate_elements():
    assert errors_of(HEAD + "1. A\n1.1 a\n3. C\n3.1 c\n") == ["line 4: element '3' follows element '1'"]
    assert errors_of(HEAD + "1. A\n1.1 a\n1. A again\n") == [
        "line 4: element '1' appears twice (first at line 2)"
    ]


def test_first_criterion_must_be_one():
    assert errors_of(HEAD + "1. A\n1.2 a\n") == [
        "line 3: '1.2' is the first criterion of element 1; expected '1.1'"
    ]


def test_element_without_criteria():
    assert errors_of(HEAD + "1. A\n1.1 a\n2. B\n") == ["line 4: element 2 has no performance criteria"]


def test_criterion_before_any_element():
    assert "line 2: '1.1' comes before any element" in errors_of(HEAD + "1.1 a\n1. A\n")


def test_numbered_and_unnumbered_criteria_mixed():
    errors = errors_of(HEAD + "1. A\n1.1 a\nsomething without a number\n")
    assert errors == [
        "line 4: 'something without a number' has no number, but the other criteria of element 1 "
        "do (expected '1.2 …')"
    ]


def test_text_without_elements_says_what_was_expected():
    errors = errors_of(HEAD + "Just some words.\n")
    assert any("no elements were found: expected lines like '1. Element title'" in e for e in errors)


def test_missing_numbers_are_errors_even_mid_list():
    text = HEAD + "1. A\n1.1 a\n1.2 b\n2. B\n2.1 c\n2.3 d\n"
    assert errors_of(text) == ["line 7: '2.3' follows '2.1'"]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t\n", ""])
def test_empty_input(data):
    assert parse_unit_source(data).errors == ["the file is empty: there is no unit to import"]


def test_wrong_encoding_names_the_line_and_byte():
    data = (HEAD + "1. Maintain records\n1.1 Customer\u2019s records\n").encode("cp1252")
    assert parse_unit_source(data).errors == [
        "line 3: byte 0x92 is not UTF-8 text; save the file as UTF-8 and upload it again"
    ]


def test_utf16_with_byte_order_mark_is_read():
    data = (HEAD + "1. A\n1.1 a\n").encode("utf-16")
    unit = parse_unit_source(data)
    assert unit.errors == []
    assert unit.criteria_count == 1


def test_binary_file_is_refused():
    errors = parse_unit_source(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").errors
    assert errors == [
        "this is not a text file (it holds NUL bytes); upload the unit as plain text, "
        "the portal's JSON or training.gov.au's XML"
    ]


def test_five_megabytes_of_junk_is_refused_for_size_at_once():
    junk = bytes(range(32, 127)) * (5 * 1024 * 1024 // 95)
    started = time.perf_counter()
    unit = parse_unit_source(junk)
    assert unit.errors == ["the file is 5.0 MB; a unit file is at most 2 MB"]
    assert time.perf_counter() - started < 1, "size must be refused before any parsing"


def test_junk_just_under_the_limit_is_parsed_to_a_clear_error():
    junk = ("1.1.1.1 ::::: 9999. " * 20 + "\n") * 4000
    unit = parse_unit_source(junk.encode())
    assert unit.errors
    assert unit.elements == []


def test_control_and_direction_characters_are_removed_from_text():
    unit = parse_unit_source(HEAD + "1. Keep\u202e records\x07\n1.1 Check\u200b it\n")
    assert unit.errors == []
    assert unit.elements[0].title == "Keep records"
    assert unit.elements[0].criteria[0].text == "Check it"


def test_overlong_title_is_an_error():
    unit = parse_unit_source(f"FNSPIM409 - {'x' * 301}\n1. A\n1.1 a\n")
    assert "the title is longer than 300 characters" in unit.errors
