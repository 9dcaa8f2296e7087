"""Making a new version of a tool for the release that supersedes its unit's: what is carried over,
what is left for the author to decide, and what never moves (students' enrolments)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evidence.models import Enrolment
from units.demo import load_demo_tool
from units.importing import parse_unit_source
from units.matrix import build_matrix
from units.models import AssessmentTool, Task
from units.selectors import matrix_with_decisions, release_decisions
from units.services import ToolError, import_unit, new_tool_version, new_tool_version_for_release
from units.tests.releases import FNSPIM409_R2_TEXT

pytestmark = pytest.mark.django_db

DEMO_TOOL = settings.BASE_DIR / "fixtures" / "tools" / "FNSPIM409-v1.0.json"
TO_DECIDE = ["1.2", "3.4", "KE 2.4", "KE 3"]


@pytest.fixture
def release_1_tool(seed_units, alice):
    """The demo's published FNSPIM409 release 1 tool: one portfolio task mapping every row."""
    tool, _ = load_demo_tool(DEMO_TOOL, by=alice)
    return tool


@pytest.fixture
def release_2(release_1_tool, alice):
    """FNSPIM409 release 2 imported: 1.2 reworded, 2.1 removed, 3.4 added, KE 2.4 reworded, KE 3 added."""
    return import_unit(parse_unit_source(FNSPIM409_R2_TEXT), by=alice).unit


@pytest.fixture
def enrolment(release_1_tool, charlie, alice):
    """Charlie, enrolled in the release 1 tool before release 2 came out."""
    return Enrolment.objects.create(
        student=charlie, tool=release_1_tool, enrolled_on=datetime.date(2026, 10, 5), enrolled_by=alice
    )


def mapped_labels(tool):
    return [row.label for row in build_matrix(tool).rows if not row.is_heading and row.covered]


def test_carry_over_makes_a_draft_for_the_new_release_with_every_task(release_1_tool, release_2, alice):
    made = new_tool_version_for_release(release_1_tool, by=alice)
    draft = made.tool
    assert made.created
    assert (draft.unit, draft.status, draft.version, draft.previous_version) == (
        release_2,
        AssessmentTool.Status.DRAFT,
        "2.0",
        release_1_tool,
    )
    assert list(draft.tasks.values_list("number", "title", "type", "due_days_after_enrolment")) == list(
        release_1_tool.tasks.values_list("number", "title", "type", "due_days_after_enrolment")
    )
    assert draft.evidence_required == release_1_tool.evidence_required


def test_mappings_of_unchanged_and_renumbered_rows_are_carried(release_1_tool, release_2, alice):
    made = new_tool_version_for_release(release_1_tool, by=alice)
    mapped = mapped_labels(made.tool)
    assert [label for label in mapped if "." in label and not label.startswith("KE")] == [
        "1.1",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
    ]
    renumbered = Task.criteria.through.objects.get(
        task__tool=made.tool, performancecriterion__element__number=2, performancecriterion__number=1
    )
    assert (
        renumbered.performancecriterion.text
        == "Take steps to determine customer satisfaction with service provided"
    )
    assert made.carried == len(mapped) == 8 + 3 + 4  # criteria, PE, KE 1 and KE 2.1–2.3


def test_reworded_and_new_rows_are_left_for_the_author(release_1_tool, release_2, alice):
    made = new_tool_version_for_release(release_1_tool, by=alice)
    assert [row.label for row in build_matrix(made.tool).gaps] == TO_DECIDE
    assert made.to_decide == 4
    decisions = release_decisions(made.tool)
    by_label = {decision.change.new.label: decision for decision in decisions.values()}
    assert sorted(by_label) == TO_DECIDE
    assert by_label["1.2"].explanation == (
        "Reworded in this release. Task 1 mapped the old wording; that tick was not carried over. "
        "Decide which tasks address it now."
    )
    assert by_label["3.4"].explanation.startswith("New in this release: no task mapped it before.")
    assert (
        "Draft version 2.0 for FNSPIM409 release 2 made from version 1.0: 1 task and 15 mappings"
        in made.message
    )


def test_the_matrix_highlights_the_rows_needing_a_decision(client, release_1_tool, release_2, alice):
    draft = new_tool_version_for_release(release_1_tool, by=alice).tool
    client.force_login(alice)
    html = client.get(reverse("units:tool_matrix", args=[draft.pk])).content.decode()
    assert html.count('class="matrix-gap matrix-decide"') == 4
    assert "4 rows need your decision." in html
    assert "reworded: needs your decision" in html
    assert "Keep <ins>" in html
    assert "units/releases.css" in html


def test_the_highlight_leaves_a_row_once_it_is_no_longer_a_draft_of_a_new_release(
    release_1_tool, release_2, alice
):
    draft = new_tool_version_for_release(release_1_tool, by=alice).tool
    assert len(matrix_with_decisions(draft).decisions) == 4
    assert release_decisions(release_1_tool) == {}
    AssessmentTool.objects.filter(pk=draft.pk).update(
        status=AssessmentTool.Status.PUBLISHED, published_at=draft.created_at
    )
    draft.refresh_from_db()
    assert release_decisions(draft) == {}
    assert release_decisions(new_tool_version(draft, by=alice)) == {}, "a new version of the same release"


def test_enrolled_students_stay_on_the_tool_they_started(release_1_tool, release_2, enrolment, alice):
    draft = new_tool_version_for_release(release_1_tool, by=alice).tool
    enrolment.refresh_from_db()
    assert enrolment.tool == release_1_tool
    assert not draft.enrolments.exists()
    assert Enrolment.objects.count() == 1


def test_the_old_tool_is_left_as_it_was(release_1_tool, release_2, alice):
    before = mapped_labels(release_1_tool)
    new_tool_version_for_release(release_1_tool, by=alice)
    release_1_tool.refresh_from_db()
    assert release_1_tool.status == AssessmentTool.Status.PUBLISHED
    assert mapped_labels(release_1_tool) == before


def test_a_second_press_returns_the_first_draft(client, release_1_tool, release_2, alice):
    first = new_tool_version_for_release(release_1_tool, by=alice)
    again = new_tool_version_for_release(release_1_tool, by=alice)
    assert (again.tool, again.created) == (first.tool, False)
    assert AssessmentTool.objects.filter(unit=release_2).count() == 1
    client.force_login(alice)
    response = client.post(reverse("units:tool_new_release_version", args=[release_1_tool.pk]), follow=True)
    assert response.redirect_chain[-1][0] == first.tool.get_absolute_url()
    assert "was already made from this version: nothing new was made." in response.content.decode()
    assert AssessmentTool.objects.filter(unit=release_2).count() == 1


def test_only_admins_make_a_version_for_the_new_release(client, release_1_tool, release_2, bob, charlie):
    with pytest.raises(PermissionDenied):
        new_tool_version_for_release(release_1_tool, by=bob)
    url = reverse("units:tool_new_release_version", args=[release_1_tool.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 403
    client.force_login(charlie)
    assert client.post(url).status_code == 404
    assert not AssessmentTool.objects.filter(unit=release_2).exists()


def test_a_tool_of_the_current_release_has_nothing_to_carry_over_to(release_1_tool, alice):
    with pytest.raises(ToolError, match="FNSPIM409 release 1 is current"):
        new_tool_version_for_release(release_1_tool, by=alice)


def test_the_tool_page_offers_the_button_to_admins_then_links_the_draft(
    client, release_1_tool, release_2, alice, bob
):
    url = release_1_tool.get_absolute_url()
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "FNSPIM409 release 2 supersedes release 1 (equivalent)" in page
    assert "Make a new version for the new release" not in page
    client.force_login(alice)
    assert "Make a new version for the new release" in client.get(url).content.decode()
    response = client.post(reverse("units:tool_new_release_version", args=[release_1_tool.pk]), follow=True)
    draft = AssessmentTool.objects.get(unit=release_2)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "Made from <a" in response.content.decode()
    assert "for FNSPIM409 release 1." in response.content.decode()
    page = client.get(url).content.decode()
    assert "Make a new version for the new release" not in page
    assert (
        f'<a href="{draft.get_absolute_url()}">Version 2.0 for release 2</a> was made from this version.'
        in page
    )
