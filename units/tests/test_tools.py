"""Assessment tools: authoring, the matrix and its gaps, publishing, versions and who sees what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.matrix import build_matrix, checklist_criteria, get_matrix_row
from units.models import AssessmentTool, RequirementItem, Task
from units.services import (
    ToolError,
    add_task,
    create_tool,
    delete_task,
    move_task,
    new_tool_version,
    publish_tool,
    retire_tool,
    set_mapping,
    update_task,
    update_tool,
)
from units.tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seed_units, alice):
    """A draft FNSPIM409 tool with a portfolio task and an observation task, nothing mapped."""
    tool = create_tool(seed_units["FNSPIM409"], by=alice, purpose="summative")
    add_task(
        tool,
        by=alice,
        title="Evidence portfolio",
        type="portfolio",
        instructions="Gather evidence.",
        evidence_required="Workplace documents linked to the criteria.",
    )
    add_task(
        tool,
        by=alice,
        title="Workplace observation",
        type="observation",
        evidence_required="The assessor's observation checklist.",
        assessor_guidance="SECRET-ASSESSOR-NOTE watch for privacy breaches",
    )
    return tool


def map_everything(tool, task, by):
    for row in build_matrix(tool).rows:
        if not row.is_heading:
            set_mapping(task, get_matrix_row(tool, row.key), by=by, mapped=True)


def published(tool, alice):
    portfolio, observation = tool.tasks.order_by("number")
    map_everything(tool, portfolio, alice)
    set_mapping(observation, get_matrix_row(tool, build_matrix(tool).rows[1].key), by=alice, mapped=True)
    return publish_tool(tool, by=alice)


def test_matrix_rows_cover_every_criterion_and_nested_item(draft):
    matrix = build_matrix(draft)
    assert matrix.summary == [("PCs", 0, 10), ("PE", 0, 3), ("KE", 0, 5)]
    labels = [row.label for row in matrix.rows if not row.is_heading]
    assert labels[:3] == ["1.1", "1.2", "1.3"]
    assert "KE 2.4" in labels
    assert "KE 2" not in labels, "an item with sub-items is a heading: its sub-items are mapped"
    assert len(matrix.gaps) == 18


def test_gap_detection_covers_pcs_pe_ke_and_conditions(seed_units, alice):
    tool = create_tool(seed_units["FNSCUS504"], by=alice)
    task = add_task(tool, by=alice, title="Project", type="project")
    map_everything(tool, task, alice)
    matrix = build_matrix(tool)
    assert matrix.summary_text == "PCs 15/15 · PE 5/5 · KE 6/6 · conditions 5/5"
    assert matrix.gaps == []
    for label in ["2.3", "PE 4", "KE 6", "AC 1.2", "AC 2"]:
        row = next(row for row in matrix.rows if row.label == label)
        set_mapping(task, get_matrix_row(tool, row.key), by=alice, mapped=False)
    assert [row.label for row in build_matrix(tool).gaps] == ["2.3", "PE 4", "KE 6", "AC 1.2", "AC 2"]


def test_set_mapping_ticks_then_unticks(draft, alice):
    task = draft.tasks.get(number=1)
    pc = get_matrix_row(draft, build_matrix(draft).rows[1].key)
    assert set_mapping(task, pc, by=alice, mapped=True) is True
    assert list(task.criteria.all()) == [pc]
    assert set_mapping(task, pc, by=alice, mapped=False) is False
    assert task.criteria.count() == 0


def statements(queries):
    """The SQL a toggle runs, less the savepoints the test's own transaction adds."""
    return [q["sql"].split()[0] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_publishing_is_refused_while_a_gap_remains_and_lists_it(draft, alice):
    portfolio = draft.tasks.get(number=1)
    map_everything(draft, portfolio, alice)
    last = get_matrix_row(draft, build_matrix(draft).rows[-1].key)
    set_mapping(portfolio, last, by=alice, mapped=False)
    with pytest.raises(ToolError) as refusal:
        publish_tool(draft, by=alice)
    assert str(refusal.value) == (
        "Version 1.0 cannot be published: no task addresses KE 2.4; observation task 2 "
        "(Workplace observation) maps no performance criterion."
    )
    assert AssessmentTool.objects.get(pk=draft.pk).status == "draft"


def test_publishing_is_refused_until_every_task_says_what_evidence_is_required(draft, alice):
    observation = draft.tasks.get(number=2)
    update_task(observation, by=alice, evidence_required="   ")
    with pytest.raises(ToolError) as refusal:
        published(draft, alice)
    assert str(refusal.value) == (
        "Version 1.0 cannot be published: task 2 (Workplace observation) does not say what evidence "
        "is required."
    )
    update_task(observation, by=alice, evidence_required="The assessor's observation checklist.")
    assert publish_tool(draft, by=alice).status == "published"


def test_publishing_a_fully_mapped_tool_makes_it_read_only(draft, alice):
    tool = published(draft, alice)
    assert (tool.status, tool.published_by) == ("published", alice)
    assert tool.issue_date is not None
    task = tool.tasks.get(number=1)
    for attempt in [
        lambda: update_tool(tool, by=alice, target_group="changed"),
        lambda: add_task(tool, by=alice, title="Extra", type="essay"),
        lambda: update_task(task, by=alice, title="Changed"),
        lambda: delete_task(task, by=alice),
        lambda: move_task(task, by=alice, offset=1),
        lambda: set_mapping(task, task.criteria.first(), by=alice, mapped=True),
        lambda: publish_tool(tool, by=alice),
    ]:
        with pytest.raises(ToolError, match=r"Version 1\.0 is published and cannot be changed"):
            attempt()
    task.refresh_from_db()
    assert (task.title, task.criteria.count(), tool.tasks.count()) == ("Evidence portfolio", 10, 2)


def test_published_tool_refuses_tampering_through_every_url(client, draft, alice):
    tool = published(draft, alice)
    task = tool.tasks.get(number=1)
    client.force_login(alice)
    posts = {
        reverse("units:tool_edit", args=[tool.pk]): {"target_group": "tampered", "purpose": "formative"},
        reverse("units:task_create", args=[tool.pk]): {
            "title": "Tampered",
            "type": "essay",
            "max_attempts": 1,
        },
        reverse("units:task_edit", args=[tool.pk, task.pk]): {
            "title": "Tampered",
            "type": "essay",
            "max_attempts": 1,
        },
        reverse("units:task_delete", args=[tool.pk, task.pk]): {},
        reverse("units:task_move", args=[tool.pk, task.pk]): {"direction": "down"},
        reverse("units:tool_matrix_toggle", args=[tool.pk]): {
            "cell": f"{task.pk} pc-{task.criteria.first().pk} 0"
        },
        reverse("units:tool_publish", args=[tool.pk]): {},
    }
    for url, data in posts.items():
        response = client.post(url, data, follow=True)
        assert "Version 1.0 is published and cannot be changed. Make a new version to change it." in (
            response.content.decode().replace("&#x27;", "'")
        ), url
    tool.refresh_from_db()
    task.refresh_from_db()
    assert (tool.target_group, task.title, task.number, task.criteria.count(), tool.tasks.count()) == (
        "",
        "Evidence portfolio",
        1,
        10,
        2,
    )


def test_htmx_toggle_on_a_published_tool_is_refused_with_409(client, draft, alice):
    tool = published(draft, alice)
    task = tool.tasks.get(number=2)
    client.force_login(alice)
    response = client.post(
        reverse("units:tool_matrix_toggle", args=[tool.pk]),
        {"cell": f"{task.pk} pc-{task.criteria.first().pk} 0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert task.criteria.count() == 1


def test_new_version_clones_every_task_and_mapping(draft, alice):
    tool = published(draft, alice)
    clone = new_tool_version(tool, by=alice)
    assert (clone.version, clone.status, clone.previous_version) == ("1.1", "draft", tool)
    old = [(t.number, t.title, t.type, t.assessor_guidance, t.max_attempts) for t in tool.tasks.all()]
    new = [(t.number, t.title, t.type, t.assessor_guidance, t.max_attempts) for t in clone.tasks.all()]
    assert new == old
    for old_task, new_task in zip(tool.tasks.order_by("number"), clone.tasks.order_by("number"), strict=True):
        assert set(new_task.criteria.values_list("pk", flat=True)) == set(
            old_task.criteria.values_list("pk", flat=True)
        )
        assert set(new_task.items.values_list("pk", flat=True)) == set(
            old_task.items.values_list("pk", flat=True)
        )
    assert build_matrix(clone).summary == build_matrix(tool).summary
    assert new_tool_version(tool, by=alice).version == "1.2"


def test_new_version_of_a_draft_is_refused(draft, alice):
    with pytest.raises(ToolError, match="still a draft"):
        new_tool_version(draft, by=alice)


def test_reorder_and_delete_renumber_tasks(draft, alice):
    add_task(draft, by=alice, title="Third", type="essay")
    third = draft.tasks.get(number=3)
    move_task(third, by=alice, offset=-1)
    assert list(draft.tasks.order_by("number").values_list("title", flat=True)) == [
        "Evidence portfolio",
        "Third",
        "Workplace observation",
    ]
    with pytest.raises(ToolError, match="Task 1 is already first"):
        move_task(draft.tasks.get(number=1), by=alice, offset=-1)
    delete_task(draft.tasks.get(number=1), by=alice)
    assert list(draft.tasks.order_by("number").values_list("number", "title")) == [
        (1, "Third"),
        (2, "Workplace observation"),
    ]


def test_observation_checklist_lists_mapped_criteria_in_unit_order(draft, alice):
    observation = draft.tasks.get(number=2)
    for label in ["3.2", "1.1", "2.4"]:
        row = next(row for row in build_matrix(draft).rows if row.label == label)
        set_mapping(observation, get_matrix_row(draft, row.key), by=alice, mapped=True)
    assert [pc.code for pc in checklist_criteria(observation)] == ["1.1", "2.4", "3.2"]


def test_checklist_page_has_the_seed_heading_and_yes_no_comments(client, draft, alice, bob):
    tool = published(draft, alice)
    observation = tool.tasks.get(number=2)
    client.force_login(bob)
    html = client.get(reverse("units:task_checklist", args=[tool.pk, observation.pk])).content.decode()
    assert (
        "Tasks to be observed according to workplace/college/TAFE policy and procedures, relevant legislation "
        "and Codes of Practice" in html
    )
    assert ">Yes<" in html
    assert ">No<" in html
    assert "Comments/feedback" in html
    assert "1.1</span> Collect and check customer information with existing records" in html


def test_assessor_only_guidance_never_reaches_the_student_view(client, draft, alice, bob):
    tool = published(draft, alice)
    client.force_login(bob)
    full = client.get(reverse("units:tool_resource", args=[tool.pk])).content.decode()
    student = client.get(reverse("units:tool_resource_student", args=[tool.pk])).content.decode()
    assert "SECRET-ASSESSOR-NOTE" in full
    assert "SECRET-ASSESSOR-NOTE" not in student
    assert "Assessment Matrix" in full
    assert "Assessment Matrix" not in student
    assert "Gather evidence." in student


def test_students_see_no_tool_until_enrolled(client, draft, alice, charlie):
    tool = published(draft, alice)
    task = tool.tasks.get(number=2)
    client.force_login(charlie)
    for name, args in [
        ("tool_list", []),
        ("tool_detail", [tool.pk]),
        ("tool_matrix", [tool.pk]),
        ("tool_resource", [tool.pk]),
        ("tool_resource_student", [tool.pk]),
        ("task_checklist", [tool.pk, task.pk]),
    ]:
        assert client.get(reverse(f"units:{name}", args=args)).status_code == 404, name


def test_assessors_read_but_cannot_author(client, draft, bob):
    client.force_login(bob)
    assert client.get(reverse("units:tool_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("units:tool_create")).status_code == 403
    task = draft.tasks.get(number=1)
    pc = draft.unit.elements.first().criteria.first()
    response = client.post(
        reverse("units:tool_matrix_toggle", args=[draft.pk]), {"cell": f"{task.pk} pc-{pc.pk} 1"}
    )
    assert response.status_code == 403
    assert task.criteria.count() == 0
    with pytest.raises(PermissionDenied):
        add_task(draft, by=bob, title="Nope", type="essay")


def test_toggle_refuses_a_row_from_another_unit(client, draft, alice, seed_units):
    other = AssessmentTool.objects.create(unit=seed_units["FNSCUS504"])
    foreign_item = RequirementItem.objects.filter(unit=other.unit).first()
    task = draft.tasks.get(number=1)
    client.force_login(alice)
    response = client.post(
        reverse("units:tool_matrix_toggle", args=[draft.pk]),
        {"cell": f"{task.pk} {foreign_item.kind.lower()}-{foreign_item.pk} 1"},
    )
    assert response.status_code == 404
    assert task.items.count() == 0


def test_matrix_cell_without_the_state_to_set_is_refused_and_changes_nothing(client, draft, alice):
    task = draft.tasks.get(number=1)
    pc = task.tool.unit.elements.first().criteria.first()
    client.force_login(alice)
    response = client.post(
        reverse("units:tool_matrix_toggle", args=[draft.pk]), {"cell": f"{task.pk} pc-{pc.pk}"}
    )
    assert response.status_code == 400
    assert task.criteria.count() == 0


def test_matrix_toggle_without_javascript_redirects_back_to_the_row(client, draft, alice):
    task = draft.tasks.get(number=1)
    pc = task.tool.unit.elements.first().criteria.first()
    client.force_login(alice)
    response = client.post(
        reverse("units:tool_matrix_toggle", args=[draft.pk]), {"cell": f"{task.pk} pc-{pc.pk} 1"}
    )
    assert response.url == reverse("units:tool_matrix", args=[draft.pk]) + f"#row-pc-{pc.pk}"
    assert list(task.criteria.all()) == [pc]


def test_htmx_toggle_returns_the_row_and_the_new_summary(client, draft, alice):
    task = draft.tasks.get(number=1)
    pc = task.tool.unit.elements.first().criteria.first()
    client.force_login(alice)
    html = client.post(
        reverse("units:tool_matrix_toggle", args=[draft.pk]),
        {"cell": f"{task.pk} pc-{pc.pk} 1"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'id="row-pc-{pc.pk}"' in html
    assert 'aria-pressed="true"' in html
    assert 'id="matrix-summary"' in html
    assert 'hx-swap-oob="true"' in html
    assert "PCs 1/10" in html


def test_matrix_page_query_count_does_not_grow_with_tasks_and_rows(client, alice, django_assert_num_queries):
    small_unit = make_unit(code="TSTSML101", elements=3, criteria=5)
    large_unit = make_unit(code="TSTLRG101", elements=10, criteria=15)
    tools = []
    for unit, task_count in [(small_unit, 3), (large_unit, 12)]:
        tool = create_tool(unit, by=alice)
        for n in range(task_count):
            task = add_task(tool, by=alice, title=f"Task {n}", type="project")
            for pc in Task.criteria.field.related_model.objects.filter(element__unit=unit)[: n + 1]:
                set_mapping(task, pc, by=alice, mapped=True)
        tools.append(tool)
    client.force_login(alice)
    pages = []
    for tool in tools:
        with django_assert_num_queries(
            7
        ):  # user (the session is cached), tool, tasks, 2 mapping tables, criteria, items
            pages.append(client.get(reverse("units:tool_matrix", args=[tool.pk])).content.decode())
    assert pages[0].count('class="cell-toggle"') == 3 * (15 + 7)
    assert pages[1].count('class="cell-toggle"') == 12 * (150 + 7)


def test_admin_builds_a_tool_through_the_forms(client, seed_units, alice):
    client.force_login(alice)
    response = client.post(
        reverse("units:tool_create"),
        {"unit": seed_units["FNSPIM409"].pk, "purpose": "formative", "issue_date": "2026-11-23"},
        follow=True,
    )
    tool = AssessmentTool.objects.get()
    assert tool.issue_date == datetime.date(2026, 11, 23)
    assert "Draft version 1.0 created. Add its tasks next." in response.content.decode()
    response = client.post(
        reverse("units:task_create", args=[tool.pk]),
        {
            "title": "Role play",
            "type": "role_play",
            "max_attempts": 2,
            "due_date": "2026-12-24",
            "due_days_after_enrolment": 5,
        },
    )
    assert (
        "Give a due date or a number of days after the student starts, not both." in response.content.decode()
    )
    client.post(
        reverse("units:task_create", args=[tool.pk]),
        {"title": "Role play", "type": "role_play", "max_attempts": 2, "due_date": "2026-12-24"},
    )
    detail = client.get(tool.get_absolute_url()).content.decode()
    assert "Role play" in detail
    assert "24/12/2026" in detail


def test_retiring_keeps_the_tool_readable_and_allows_a_new_version(client, draft, alice, bob):
    tool = published(draft, alice)
    with pytest.raises(ToolError, match="Only a published tool can be retired"):
        retire_tool(draft.next_versions.first() or new_tool_version(tool, by=alice), by=alice)
    retired = retire_tool(tool, by=alice)
    assert (retired.status, retired.retired_at is not None) == ("retired", True)
    client.force_login(bob)
    assert "Retired" in client.get(tool.get_absolute_url()).content.decode()
    with pytest.raises(ToolError, match="is retired and cannot be changed"):
        add_task(tool, by=alice, title="Late", type="essay")


def test_matrix_cell_sends_the_state_it_changes_to_so_repeats_do_not_undo(client, draft, alice):
    task = draft.tasks.get(number=1)
    pc = task.tool.unit.elements.first().criteria.first()
    client.force_login(alice)
    page = client.get(reverse("units:tool_matrix", args=[draft.pk])).content.decode()
    assert f'value="{task.pk} pc-{pc.pk} 1"' in page
    url = reverse("units:tool_matrix_toggle", args=[draft.pk])
    for _ in range(2):  # a double click, or the same click from a second, stale tab
        client.post(url, {"cell": f"{task.pk} pc-{pc.pk} 1"}, headers={"HX-Request": "true"})
    assert list(task.criteria.all()) == [pc]
    page = client.get(reverse("units:tool_matrix", args=[draft.pk])).content.decode()
    assert f'value="{task.pk} pc-{pc.pk} 0"' in page
    client.post(url, {"cell": f"{task.pk} pc-{pc.pk} 0"})
    client.post(url, {"cell": f"{task.pk} pc-{pc.pk} 0"})
    assert task.criteria.count() == 0


def test_setting_a_cell_costs_at_most_three_statements(draft, alice):
    task = Task.objects.select_related("tool").get(tool=draft, number=1)
    pc = get_matrix_row(draft, build_matrix(draft).rows[1].key)
    with CaptureQueriesContext(connection) as tick:
        set_mapping(task, pc, by=alice, mapped=True)
    with CaptureQueriesContext(connection) as untick:
        set_mapping(task, pc, by=alice, mapped=False)
    assert statements(tick.captured_queries) == ["SELECT", "SELECT", "INSERT"]
    assert statements(untick.captured_queries) == ["SELECT", "DELETE"]


def test_stale_task_form_is_refused_and_keeps_what_was_typed(client, draft, alice):
    task = draft.tasks.get(number=1)
    client.force_login(alice)
    opened = client.get(reverse("units:task_edit", args=[draft.pk, task.pk]))
    revision = opened.context["form"]["revision"].value()
    update_task(task, by=alice, title="Changed by a colleague", type="portfolio")
    response = client.post(
        reverse("units:task_edit", args=[draft.pk, task.pk]),
        {"title": "My careful rewrite", "type": "portfolio", "max_attempts": 2, "revision": revision},
    )
    page = response.content.decode()
    assert "Someone changed this tool after you opened this page" in page.replace("&#x27;", "'")
    assert 'value="My careful rewrite"' in page
    task.refresh_from_db()
    assert task.title == "Changed by a colleague"


def test_fresh_tool_form_saves_and_bumps_the_revision(client, draft, alice):
    client.force_login(alice)
    opened = client.get(reverse("units:tool_edit", args=[draft.pk]))
    revision = opened.context["form"]["revision"].value()
    client.post(
        reverse("units:tool_edit", args=[draft.pk]),
        {"purpose": "formative", "target_group": "New staff", "revision": revision},
    )
    draft.refresh_from_db()
    assert (draft.target_group, draft.revision) == ("New staff", revision + 1)
    stale = client.post(
        reverse("units:tool_edit", args=[draft.pk]),
        {"purpose": "summative", "target_group": "Overwritten", "revision": revision},
    )
    assert "Someone changed this tool" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.target_group == "New staff"


def test_each_edit_of_a_tool_and_its_tasks_is_kept_with_who_made_it(client, draft, alice):
    task = draft.tasks.get(number=1)
    draft.refresh_from_db()
    client.force_login(alice)
    client.post(
        reverse("units:tool_edit", args=[draft.pk]),
        {"purpose": "formative", "target_group": "New staff", "revision": draft.revision},
    )
    tool_edit = draft.history.latest()
    assert (tool_edit.history_user, tool_edit.target_group) == (alice, "New staff")
    assert tool_edit.prev_record.target_group == ""
    draft.refresh_from_db()
    client.post(
        reverse("units:task_edit", args=[draft.pk, task.pk]),
        {"title": "Workplace portfolio", "type": "portfolio", "max_attempts": 3, "revision": draft.revision},
    )
    task_edit = task.history.latest()
    changes = {
        change.field: (change.old, change.new)
        for change in task_edit.diff_against(task_edit.prev_record).changes
    }
    assert task_edit.history_user == alice
    assert changes["title"] == ("Evidence portfolio", "Workplace portfolio")
    assert changes["max_attempts"] == (2, 3)


def test_a_tool_stops_at_forty_tasks_and_says_so(draft, alice, client):
    """Each task is a bit of a 64-bit number on the enrolment (the tasks handed in)."""
    for number in range(3, Task.MAX_PER_TOOL + 1):
        add_task(draft, by=alice, title=f"Question set {number}", type="questions")
    assert draft.tasks.count() == 40
    client.force_login(alice)
    response = client.post(
        reverse("units:task_create", args=[draft.pk]),
        {"title": "One too many", "type": "questions", "max_attempts": 2},
    )
    page = response.content.decode()
    assert "A tool has at most 40 tasks: this one has 40." in page
    assert 'value="One too many"' in page  # the form comes back with what was typed
    assert draft.tasks.count() == 40
    assert not draft.tasks.filter(title="One too many").exists()
