"""Comparing two releases of a unit row by row (units/diff.py): pure, no database."""

import json

import pytest
from django.conf import settings

from units.diff import (
    ADDED,
    REMOVED,
    RENUMBERED,
    REWORDED,
    UNCHANGED,
    Row,
    Segment,
    diff_rows,
    rows_from_snapshot,
)
from units.importing import parse_unit_source
from units.tests.releases import FNSPIM409_R2_TEXT

RELEASE_1 = json.loads((settings.BASE_DIR / "fixtures" / "units" / "FNSPIM409-R1.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def fnspim409():
    """FNSPIM409 release 1 (the seed) against the release 2 the browser test pastes."""
    release_2 = parse_unit_source(FNSPIM409_R2_TEXT)
    assert release_2.errors == []
    return diff_rows(rows_from_snapshot(RELEASE_1), rows_from_snapshot(release_2.snapshot()))


def changed(diff, kind):
    section = next(section for section in diff.sections if section.kind == kind)
    return [
        (change.status, change.old.label if change.old else None, change.new.label if change.new else None)
        for change in section.differences
    ]


def pc(label, text):
    return Row("PC", label, text)


def test_rows_are_numbered_as_the_matrix_numbers_them():
    labels = [row.label for row in rows_from_snapshot(RELEASE_1)]
    assert labels[:5] == ["1.", "1.1", "1.2", "1.3", "2."]
    assert [row.label for row in rows_from_snapshot(RELEASE_1) if row.kind == "KE"] == [
        "KE 1",
        "KE 2",
        "KE 2.1",
        "KE 2.2",
        "KE 2.3",
        "KE 2.4",
    ]
    heading = next(row for row in rows_from_snapshot(RELEASE_1) if row.label == "KE 2")
    assert heading.is_heading, "an item with sub-items is a heading, as in the matrix"


def test_criteria_added_removed_reworded_and_renumbered_are_told_apart(fnspim409):
    assert changed(fnspim409, "PC") == [
        (REWORDED, "1.2", "1.2"),
        (REMOVED, "2.1", None),
        (RENUMBERED, "2.2", "2.1"),
        (RENUMBERED, "2.3", "2.2"),
        (RENUMBERED, "2.4", "2.3"),
        (ADDED, None, "3.4"),
    ]


def test_a_reworded_criterion_marks_the_words_that_changed(fnspim409):
    reworded = next(
        change for change in fnspim409.changes if change.status == REWORDED and change.kind == "PC"
    )
    assert reworded.old_words == [Segment("same", "Keep records of customer interaction up to date")]
    assert reworded.new_words == [
        Segment("same", "Keep "),
        Segment("ins", "accurate"),
        Segment("same", " records of customer interaction up to date "),
        Segment("ins", "and secure"),
    ]
    assert reworded.ratio == pytest.approx(16 / 19)


def test_deleted_words_are_marked_on_the_old_side():
    diff = diff_rows([pc("1.1", "Check customer records daily")], [pc("1.1", "Check customer records")])
    (change,) = diff.changes
    assert change.status == REWORDED
    assert change.old_words == [Segment("same", "Check customer records "), Segment("del", "daily")]
    assert change.new_words == [Segment("same", "Check customer records")]


def test_knowledge_evidence_changes_are_found_inside_a_sub_list(fnspim409):
    assert changed(fnspim409, "KE") == [(REWORDED, "KE 2.4", "KE 2.4"), (ADDED, None, "KE 3")]
    reworded = next(
        change for change in fnspim409.changes if change.kind == "KE" and change.status == REWORDED
    )
    assert reworded.new_words == [
        Segment("same", "relevant "),
        Segment("ins", "privacy"),
        Segment("same", " legislation."),
    ]


def test_unchanged_sections_report_no_differences(fnspim409):
    assert changed(fnspim409, "EL") == []
    assert changed(fnspim409, "PE") == []
    assert fnspim409.counts == {ADDED: 2, REMOVED: 1, REWORDED: 2, RENUMBERED: 3, UNCHANGED: 16}


def test_rows_are_matched_by_their_words_not_their_numbers():
    old = [pc("1.1", "Identify customer needs"), pc("1.2", "Record customer complaints")]
    new = [pc("1.1", "Record customer complaints"), pc("1.2", "Identify customer needs")]
    diff = diff_rows(old, new)
    assert [(c.status, c.old.label, c.new.label) for c in diff.changes] == [
        (RENUMBERED, "1.2", "1.1"),
        (RENUMBERED, "1.1", "1.2"),
    ]


def test_a_row_too_different_is_removed_and_another_added():
    diff = diff_rows([pc("1.1", "Identify customer needs")], [pc("1.1", "Prepare the monthly sales report")])
    assert [(c.status, c.ratio) for c in diff.changes] == [(REMOVED, 0.0), (ADDED, 0.0)]


def test_each_old_row_goes_to_its_most_similar_new_row():
    old = [pc("1.1", "Review previous interactions with customers")]
    new = [
        pc("1.1", "Review interactions with customers"),
        pc("1.2", "Review previous interactions with all customers"),
    ]
    diff = diff_rows(old, new)
    assert [(c.status, c.new.label) for c in diff.changes] == [(ADDED, "1.1"), (REWORDED, "1.2")]


def test_the_threshold_decides_what_counts_as_reworded():
    old, new = (
        [pc("1.1", "Keep records up to date")],
        [pc("1.1", "Keep records current and up to date daily")],
    )
    assert [c.status for c in diff_rows(old, new).changes] == [REWORDED]
    assert [c.status for c in diff_rows(old, new, threshold=0.8).changes] == [REMOVED, ADDED]


def test_a_removed_row_is_shown_where_it_was():
    old = [pc("1.1", "Alpha task done"), pc("1.2", "Beta task done"), pc("1.3", "Gamma task done")]
    new = [pc("1.1", "Alpha task done"), pc("1.2", "Gamma task done")]
    assert [(c.status, (c.old or c.new).text) for c in diff_rows(old, new).changes] == [
        (UNCHANGED, "Alpha task done"),
        (REMOVED, "Beta task done"),
        (RENUMBERED, "Gamma task done"),
    ]


def test_identical_texts_pair_in_order():
    old = [pc("1.1", "Check records"), pc("2.1", "Check records")]
    new = [pc("1.1", "Check records"), pc("2.1", "Check records"), pc("3.1", "Check records")]
    assert [(c.status, c.old and c.old.label) for c in diff_rows(old, new).changes] == [
        (UNCHANGED, "1.1"),
        (UNCHANGED, "2.1"),
        (ADDED, None),
    ]


def test_only_unchanged_or_renumbered_leaf_rows_carry_a_mapping(fnspim409):
    carried = {(c.old.label, c.new.label) for c in fnspim409.changes if c.carries_mapping}
    assert ("2.2", "2.1") in carried
    assert ("1.1", "1.1") in carried
    assert not any(label == "1.2" for label, _ in carried), "a reworded criterion needs a decision"
    assert ("KE 2", "KE 2") not in carried, "a heading is never mapped"
    assert sorted(c.new.label for c in fnspim409.changes if c.needs_decision) == [
        "1.2",
        "3.4",
        "KE 2.4",
        "KE 3",
    ]


def test_an_item_that_gains_sub_items_is_reworded_not_carried():
    old = [Row("KE", "KE 1", "describe key features of:")]
    new = [
        Row("KE", "KE 1", "describe key features of:", is_heading=True),
        Row("KE", "KE 1.1", "privacy law"),
    ]
    first, second = diff_rows(old, new).changes
    assert (first.status, first.carries_mapping) == (REWORDED, False)
    assert second.status == ADDED
