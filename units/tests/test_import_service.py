"""Saving a parsed unit: atomic, idempotent, releases supersede."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from units.importing import dump_unit_json, parse_unit_source
from units.models import Element, PerformanceCriterion, RequirementItem, Unit
from units.services import UnitImportError, import_unit, unit_snapshot
from units.tests.factories import parsed_unit

pytestmark = pytest.mark.django_db


def row_counts():
    return (
        Unit.objects.count(),
        Element.objects.count(),
        PerformanceCriterion.objects.count(),
        RequirementItem.objects.count(),
    )


def test_import_saves_every_row_and_records_who(alice):
    outcome = import_unit(parsed_unit(elements=3, criteria=4), by=alice)
    assert outcome.created
    assert (
        outcome.message
        == "Imported TSTXYZ101 Test a generated unit, release 1: 3 elements, 12 performance criteria."
    )
    assert row_counts() == (1, 3, 12, 3 + 4 + 1)
    assert outcome.unit.imported_by == alice
    nested = RequirementItem.objects.get(text="law.")
    assert (nested.parent.text, nested.depth, nested.position) == ("describe key features of:", 1, 2)


def test_saved_unit_reads_back_exactly_as_parsed():
    parsed = parsed_unit(elements=2, criteria=3)
    unit = import_unit(parsed).unit
    assert unit_snapshot(unit) == parsed.snapshot()


def test_importing_the_same_release_again_changes_nothing_and_says_so():
    first = import_unit(parsed_unit())
    before = row_counts()
    again = import_unit(parsed_unit())
    assert not again.created
    assert again.unit.pk == first.unit.pk
    assert again.message == "TSTXYZ101 release 1 is already in the catalogue; nothing was changed."
    assert row_counts() == before


def test_same_release_with_different_text_is_refused():
    import_unit(parsed_unit())
    changed = parsed_unit()
    changed.elements[0].criteria[0].text = "Changed text"
    with pytest.raises(UnitImportError, match="already in the catalogue with different text"):
        import_unit(changed)
    assert PerformanceCriterion.objects.filter(text="Changed text").count() == 0


def test_new_release_is_a_new_row_and_supersedes_the_old():
    old = import_unit(parsed_unit(release=1)).unit
    outcome = import_unit(parsed_unit(release=2))
    old.refresh_from_db()
    assert outcome.message.endswith("Release 1 is now marked superseded.")
    assert (old.status, old.superseded_by) == (Unit.Status.SUPERSEDED, outcome.unit)
    assert outcome.unit.status == Unit.Status.CURRENT


def test_importing_an_older_release_after_a_newer_keeps_the_newer_current():
    newer = import_unit(parsed_unit(release=3)).unit
    outcome = import_unit(parsed_unit(release=2))
    assert outcome.unit.status == Unit.Status.SUPERSEDED
    assert outcome.unit.superseded_by == newer
    assert outcome.message.endswith("A newer release (3) is current.")


def test_unit_with_errors_saves_nothing():
    parsed = parse_unit_source("FNSPIM409 - Maintain customer relationship\n1. A\n1.1 a\n1.3 c\n")
    with pytest.raises(UnitImportError, match=re.escape("'1.3' follows '1.1'")):
        import_unit(parsed)
    assert row_counts() == (0, 0, 0, 0)


def test_failure_halfway_through_rolls_back_every_row(monkeypatch):
    def explode(*args, **kwargs):
        raise IntegrityError("simulated failure while saving criteria")

    monkeypatch.setattr(PerformanceCriterion.objects, "bulk_create", explode)
    with pytest.raises(IntegrityError):
        import_unit(parsed_unit())
    assert row_counts() == (0, 0, 0, 0)


def test_students_and_assessors_cannot_import(charlie, bob):
    for user in (charlie, bob):
        with pytest.raises(PermissionDenied):
            import_unit(parsed_unit(), by=user)
    assert Unit.objects.count() == 0


def test_database_refuses_duplicate_criterion_numbers():
    unit = import_unit(parsed_unit()).unit
    element = unit.elements.first()
    with pytest.raises(IntegrityError):
        PerformanceCriterion.objects.create(element=element, number=1, text="again")


def test_database_refuses_duplicate_item_positions_at_the_top_level():
    unit = import_unit(parsed_unit()).unit
    with pytest.raises(IntegrityError):
        RequirementItem.objects.create(unit=unit, kind="PE", position=1, sequence=99, text="again")


def test_import_unit_command_reads_files_and_is_idempotent(tmp_path, capsys):
    path = tmp_path / "unit.json"
    path.write_text(dump_unit_json(parsed_unit().snapshot()))
    call_command("import_unit", str(path))
    call_command("import_unit", str(path))
    out = capsys.readouterr().out
    assert "Imported TSTXYZ101" in out
    assert "already in the catalogue; nothing was changed." in out
    assert Unit.objects.count() == 1


def test_import_unit_command_takes_code_and_title_for_bare_text(tmp_path, capsys):
    path = tmp_path / "unit.txt"
    path.write_bytes(b"1. Maintain records\r\n1.1 Collect information\r\n")
    call_command("import_unit", str(path), "--code", "FNSPIM409", "--title", "Maintain customer relationship")
    unit = Unit.objects.get()
    assert (unit.code, unit.title, unit.source_format) == (
        "FNSPIM409",
        "Maintain customer relationship",
        "text",
    )


def test_import_unit_command_fails_with_the_line_for_a_bad_file(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("FNSPIM409 - Maintain customer relationship\n1. A\n1.1 a\n1.1 b\n")
    with pytest.raises(CommandError, match="1 of 1 files were not imported"):
        call_command("import_unit", str(path))
    assert "line 4: '1.1' appears twice (first at line 3)" in capsys.readouterr().err
    assert Unit.objects.count() == 0


def test_export_then_import_into_an_empty_catalogue_gives_the_same_unit(seed_units, tmp_path, capsys):
    call_command("export_unit", "FNSPIM409")
    exported = capsys.readouterr().out
    Unit.objects.all().delete()
    unit = import_unit(parse_unit_source(exported.encode())).unit
    assert unit.requirement_items.filter(depth=1).count() == 4
    assert unit_snapshot(unit)["elements"][2]["criteria"][2]["text"] == (
        "Ensure level of communication is appropriate to customer requirements"
    )
