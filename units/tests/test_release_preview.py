"""Importing a new release: the preview compares it with the release it supersedes and lists the
tools written for that one, saving nothing; confirming stores the unit's mapping and equivalence."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.demo import load_demo_tool
from units.diff import rows_from_snapshot
from units.importing import dump_unit_json, parse_unit_source
from units.models import AssessmentTool, Element, PerformanceCriterion, RequirementItem, Task, Unit
from units.selectors import release_diff_for, release_rows
from units.services import add_task, create_tool, import_unit, retire_tool, set_mapping, unit_snapshot
from units.tests.factories import parsed_unit
from units.tests.releases import FNSPIM409_R2_TEXT

pytestmark = pytest.mark.django_db

DEMO_TOOL = settings.BASE_DIR / "fixtures" / "tools" / "FNSPIM409-v1.0.json"
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def release_1_tool(seed_units, alice):
    """The demo's published FNSPIM409 release 1 tool: one portfolio task mapping every row."""
    tool, _ = load_demo_tool(DEMO_TOOL, by=alice)
    return tool


def row_counts():
    return [model.objects.count() for model in (Unit, Element, PerformanceCriterion, RequirementItem, Task)]


def preview(client, text):
    return client.post(reverse("units:unit_import"), {"text": text})


def confirm(client, response, **choice):
    form = response.context["confirm_form"]
    data = {name: value for name, value in form.initial.items() if name != "equivalence"}
    return client.post(reverse("units:unit_import_confirm"), {**data, **choice})


def labels(changes, side="old"):
    return [getattr(change, side).label for change in changes]


def test_saved_rows_are_numbered_as_a_parsed_unit_numbers_them(seed_units):
    unit = seed_units["FNSPIM409"]
    saved = [(row.kind, row.label, row.text, row.is_heading) for row in release_rows(unit.pk)]
    parsed = [(r.kind, r.label, r.text, r.is_heading) for r in rows_from_snapshot(unit_snapshot(unit))]
    assert saved == parsed


def test_preview_of_a_new_release_shows_the_diff_and_saves_nothing(client, alice, release_1_tool):
    client.force_login(alice)
    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        response = preview(client, FNSPIM409_R2_TEXT)
    assert response.status_code == 200
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)] == []
    assert row_counts() == before
    html = response.content.decode()
    assert "Changes from FNSPIM409 release 1" in html
    assert "2 added, 1 removed, 2 reworded, 3 renumbered, 16 unchanged" in html
    assert 'Keep <ins><span class="visually-hidden">[inserted: </span>accurate<span' in html
    assert "Reworded and renumbered" not in html
    assert html.index("Changes from FNSPIM409 release 1") < html.index("Confirm import")


def test_preview_lists_each_tool_with_the_rows_its_tasks_would_lose(client, alice, release_1_tool):
    client.force_login(alice)
    release_diff = preview(client, FNSPIM409_R2_TEXT).context["release_diff"]
    (impact,) = release_diff.tools
    assert impact.tool == release_1_tool
    (task,) = impact.tasks
    assert labels(task.lost) == ["2.1"]
    assert labels(task.to_decide, "new") == ["1.2", "KE 2.4"]
    assert labels(impact.lost) == ["2.1"]


def test_preview_lists_drafts_but_not_retired_tools(client, alice, release_1_tool, seed_units):
    draft = create_tool(seed_units["FNSPIM409"], by=alice)
    task = add_task(draft, by=alice, title="Questions", type="questions")
    removed = PerformanceCriterion.objects.get(element__unit=draft.unit, text__startswith="Review previous")
    set_mapping(task, removed, by=alice, mapped=True)
    retire_tool(release_1_tool, by=alice)
    client.force_login(alice)
    response = preview(client, FNSPIM409_R2_TEXT)
    (impact,) = response.context["release_diff"].tools
    assert impact.tool == draft
    assert [labels(t.lost) for t in impact.tasks] == [["2.1"]]
    assert "FNSPIM409 assessment tool v2.0" in response.content.decode()


def test_a_row_two_tasks_map_is_lost_once_for_the_tool(client, alice, release_1_tool, seed_units):
    draft = create_tool(seed_units["FNSPIM409"], by=alice)
    removed = PerformanceCriterion.objects.get(element__unit=draft.unit, text__startswith="Review previous")
    for title in ("Questions", "Project"):
        set_mapping(add_task(draft, by=alice, title=title, type="project"), removed, by=alice, mapped=True)
    impact = next(i for i in release_diff_for(parse_unit_source(FNSPIM409_R2_TEXT)).tools if i.tool == draft)
    assert [labels(task.lost) for task in impact.tasks] == [["2.1"], ["2.1"]]
    assert labels(impact.lost) == ["2.1"]


def test_release_diff_costs_a_fixed_number_of_queries(
    seed_units, alice, release_1_tool, django_assert_max_num_queries
):
    for major in range(3):
        tool = create_tool(seed_units["FNSPIM409"], by=alice)
        for number in range(major + 2):
            add_task(tool, by=alice, title=f"Task {number}", type="project")
    parsed = parse_unit_source(FNSPIM409_R2_TEXT)
    with django_assert_max_num_queries(7):
        release_diff = release_diff_for(parsed)
    assert len(release_diff.tools) == 4


def test_a_unit_with_nothing_older_has_no_release_diff(client, alice):
    client.force_login(alice)
    response = preview(client, FNSPIM409_R2_TEXT)
    assert response.context["release_diff"] is None
    assert "Changes from" not in response.content.decode()


def test_confirming_stores_the_mapping_note_and_its_equivalence(client, alice, release_1_tool):
    client.force_login(alice)
    response = confirm(client, preview(client, FNSPIM409_R2_TEXT), equivalence="equivalent")
    unit = Unit.objects.get(code="FNSPIM409", release=2)
    assert response.url == unit.get_absolute_url()
    assert unit.prerequisites == "Nil"
    assert unit.mapping_note.startswith("Supersedes and is equivalent to FNSPIM409")
    assert (unit.equivalence, unit.equivalence_source) == ("equivalent", "mapping_note")
    page = client.get(unit.get_absolute_url()).content.decode()
    assert "Equivalent to the unit it supersedes, as the unit&#x27;s mapping information states" in page
    assert "Prerequisite units</dt><dd>Nil" in page


def test_the_admin_can_set_equivalence_on_the_preview(client, alice, release_1_tool):
    client.force_login(alice)
    confirm(client, preview(client, FNSPIM409_R2_TEXT), equivalence="not_equivalent")
    unit = Unit.objects.get(code="FNSPIM409", release=2)
    assert (unit.equivalence, unit.equivalence_source) == ("not_equivalent", "admin")


def test_confirming_leaves_the_old_release_and_its_tool_as_they_were(client, alice, release_1_tool):
    mapped_before = Task.criteria.through.objects.filter(task__tool=release_1_tool).count()
    client.force_login(alice)
    confirm(client, preview(client, FNSPIM409_R2_TEXT))
    release_1_tool.refresh_from_db()
    assert release_1_tool.unit.release == 1
    assert release_1_tool.status == AssessmentTool.Status.PUBLISHED
    assert Task.criteria.through.objects.filter(task__tool=release_1_tool).count() == mapped_before


def test_mapping_and_prerequisites_are_read_not_skipped():
    parsed = parse_unit_source(FNSPIM409_R2_TEXT)
    assert (parsed.prerequisites, parsed.equivalence) == ("Nil", "equivalent")
    assert not [s for s in parsed.skipped if "Supersedes" in s.text or s.text == "Nil"]


@pytest.mark.parametrize(
    ("note", "code", "equivalence"),
    [
        ("Supersedes and is equivalent to BSBWOR203 Work effectively with others", "BSBWOR203", "equivalent"),
        (
            "Supersedes but is not equivalent to BSBCUS401 Coordinate implementation",
            "BSBCUS401",
            "not_equivalent",
        ),
        (
            "BSBTWK201 Work effectively with others\tBSBWOR203\tUpdated\tNo equivalent unit",
            "BSBWOR203",
            "not_equivalent",
        ),
        ("Not applicable.", "", ""),
    ],
)
def test_the_mapping_note_names_the_superseded_code_and_equivalence(note, code, equivalence):
    parsed = parsed_unit(code="BSBTWK201")
    parsed.mapping_note = note
    assert (parsed.supersedes_code, parsed.equivalence) == (code, equivalence)


def test_the_mapping_note_travels_in_the_portals_json():
    parsed = parse_unit_source(FNSPIM409_R2_TEXT)
    again = parse_unit_source(dump_unit_json(parsed.snapshot()), filename="unit.json")
    assert (again.prerequisites, again.mapping_note) == (parsed.prerequisites, parsed.mapping_note)
    assert unit_snapshot(import_unit(again).unit) == parsed.snapshot()


def test_a_release_saved_before_its_mapping_note_was_kept_imports_again_unchanged():
    without_notes = parse_unit_source(FNSPIM409_R2_TEXT)
    without_notes.prerequisites = without_notes.mapping_note = ""
    import_unit(without_notes)
    outcome = import_unit(parse_unit_source(FNSPIM409_R2_TEXT))
    assert not outcome.created
    assert outcome.message.endswith("nothing was changed.")


def test_a_new_code_that_names_the_unit_it_supersedes_is_compared_with_it(alice):
    old = import_unit(parsed_unit(code="TSTXYZ101", release=2)).unit
    new = parsed_unit(code="TSTABC201")
    new.mapping_note = "Supersedes but is not equivalent to TSTXYZ101 Test a generated unit"
    for element in new.elements:
        element.title = element.title.replace("TSTABC201", "TSTXYZ101")
        for pc in element.criteria:
            pc.text = pc.text.replace("TSTABC201", "TSTXYZ101")
    new.elements[0].criteria[0].text = "Criterion 1.1 of TSTXYZ101, reworded"
    release_diff = release_diff_for(new)
    assert release_diff.older == old
    assert release_diff.diff.counts["reworded"] == 1
    assert release_diff.stated_equivalence == "Not equivalent"
    outcome = import_unit(new, by=alice)
    old.refresh_from_db()
    assert (old.status, old.superseded_by) == (Unit.Status.SUPERSEDED, outcome.unit)
    assert outcome.message.endswith("TSTXYZ101 release 2 is now marked superseded.")
    assert outcome.unit.supersedes_code == "TSTXYZ101"
