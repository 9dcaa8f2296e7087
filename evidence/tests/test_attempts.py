"""A student's attempt: evidence, links to criteria, the declaration and submission."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from evidence.models import Attempt, Declaration, EvidenceItem
from evidence.services.attempts import (
    AttemptError,
    add_file_evidence,
    add_link_evidence,
    add_text_evidence,
    link_criteria,
    open_attempt,
    remove_evidence,
    submit_attempt,
)
from evidence.tests.files import PDF, PNG, TEXT, upload

pytestmark = pytest.mark.django_db


def task_url(enrolment, task, name="task_detail"):
    return reverse(f"evidence:{name}", args=[enrolment.pk, task.pk])


def draft_with_answer(enrolment, task, student):
    """Open the student's draft and give it one written answer, as the page would."""
    attempt = open_attempt(enrolment, task, by=student)
    add_text_evidence(attempt, by=student, title="Q1", text="Answer")
    attempt.refresh_from_db()
    return attempt


def submitted(attempt, charlie):
    add_text_evidence(attempt, by=charlie, title="Answer", text="My answer")
    attempt.refresh_from_db()
    return submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)


def test_task_page_shows_attempt_one_without_writing_anything(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    page = client.get(task_url(enrolment, portfolio)).content.decode()
    assert "Assessment task 1: Evidence portfolio: maintaining customer relationships" in page
    assert "attempt 1 of up to 3" in page
    assert "Submit attempt 1" in page
    assert not Attempt.objects.exists()


def test_first_evidence_opens_attempt_one_and_later_evidence_reuses_it(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    client.post(task_url(enrolment, portfolio, "evidence_upload"), {"files": [upload("log.pdf", PDF)]})
    client.post(task_url(enrolment, portfolio, "evidence_text_add"), {"title": "Q1", "text": "Answer"})
    assert list(Attempt.objects.values_list("number", "status")) == [(1, "draft")]
    assert Attempt.objects.get().evidence.count() == 2


def test_student_sees_instructions_but_never_assessor_guidance(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    page = client.get(task_url(enrolment, portfolio)).content.decode()
    assert "Gather evidence from your work over at least four weeks." in page
    assert "Evidence required" in page
    assert "A portfolio of workplace documents (emails, call notes, CRM records" in page
    assert portfolio.assessor_guidance
    assert portfolio.assessor_guidance not in page


def test_upload_stores_file_with_random_name_and_hash(client, charlie, enrolment, portfolio, settings):
    client.force_login(charlie)
    response = client.post(
        task_url(enrolment, portfolio, "evidence_upload"),
        {"files": [upload("Customer log.pdf", PDF), upload("notes.txt", TEXT)]},
        follow=True,
    )
    page = response.content.decode()
    assert "Uploaded “Customer log.pdf” (PDF)." in page
    assert "Uploaded “notes.txt” (plain text)." in page
    item = EvidenceItem.objects.get(title="Customer log.pdf")
    assert item.file.name.startswith(f"evidence/{enrolment.pk}/")
    assert "Customer" not in item.file.name
    assert (item.size, item.content_type) == (len(PDF), "application/pdf")
    assert item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (settings.MEDIA_ROOT / item.file.name).read_bytes() == PDF


def test_json_upload_reports_each_file(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    response = client.post(
        task_url(enrolment, portfolio, "evidence_upload"),
        {"files": [upload("photo.png", PNG), upload("empty.pdf", b"")]},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["results"] == [
        {"ok": True, "name": "photo.png", "message": "Uploaded “photo.png” (PNG image)."},
        {"ok": False, "name": "empty.pdf", "message": "“empty.pdf” is empty (0 bytes)."},
    ]
    assert EvidenceItem.objects.count() == 1


def test_written_answer_and_link_are_added(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    client.post(
        task_url(enrolment, portfolio, "evidence_text_add"), {"title": "Q1", "text": "I <b>check</b>."}
    )
    client.post(task_url(enrolment, portfolio, "evidence_link_add"), {"url": "example.org/video"})
    page = client.get(task_url(enrolment, portfolio)).content.decode()
    assert "I &lt;b&gt;check&lt;/b&gt;." in page
    assert 'href="https://example.org/video"' in page


def test_invalid_answer_keeps_what_was_typed(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    response = client.post(
        task_url(enrolment, portfolio, "evidence_text_add"), {"title": "", "text": "Long answer"}
    )
    assert response.status_code == 400
    assert "Long answer" in response.content.decode()
    assert EvidenceItem.objects.count() == 0


def test_evidence_links_to_criteria_of_the_unit_only(charlie, enrolment, portfolio, seed_units):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item = add_text_evidence(attempt, by=charlie, title="Log", text="Interaction log")
    pcs = list(portfolio.criteria.order_by("element__number", "number")[:2])
    link_criteria(item, [pc.pk for pc in pcs], by=charlie)
    assert set(item.criteria.all()) == set(pcs)
    foreign = seed_units["FNSCUS504"].elements.first().criteria.first()
    with pytest.raises(AttemptError, match="not part of this unit"):
        link_criteria(item, [foreign.pk], by=charlie)


def test_evidence_guide_shows_what_was_offered_for_each_criterion(client, charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item = add_text_evidence(attempt, by=charlie, title="Interaction log", text="…")
    first = portfolio.criteria.get(element__number=1, number=1)
    link_criteria(item, [first.pk], by=charlie)
    client.force_login(charlie)
    page = client.get(reverse("evidence:evidence_guide", args=[enrolment.pk])).content.decode()
    assert "Evidence Guide: FNSPIM409 - Maintain customer relationship" in page
    row = page[page.index("1.1</span> Collect and check") :]
    assert row.index("Interaction log") < row.index("1.2</span>")
    assert "Completed" in page
    assert "Teacher" in page


def test_submission_needs_the_declaration(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    attempt = draft_with_answer(enrolment, portfolio, charlie)
    response = client.post(
        task_url(enrolment, portfolio, "attempt_submit"),
        {"typed_name": "Charlie Wilson", "revision": attempt.revision},
    )
    assert "Tick the declaration to sign it." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "draft"


def test_signing_needs_the_students_own_full_name(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    attempt = draft_with_answer(enrolment, portfolio, charlie)
    response = client.post(
        task_url(enrolment, portfolio, "attempt_submit"),
        {"agree": "on", "typed_name": "Someone Else", "revision": attempt.revision},
    )
    assert "Type your full name exactly as it is on your enrolment (Charlie Wilson) to sign." in (
        response.content.decode()
    )
    assert not Declaration.objects.exists()


def test_submission_records_who_when_where_and_the_drawn_signature(client, charlie, enrolment, portfolio):
    import base64

    client.force_login(charlie)
    attempt = draft_with_answer(enrolment, portfolio, charlie)
    response = client.post(
        task_url(enrolment, portfolio, "attempt_submit"),
        {
            "agree": "on",
            "typed_name": "  charlie   wilson ",
            "revision": attempt.revision,
            "signature": "data:image/png;base64," + base64.b64encode(PNG).decode(),
        },
        REMOTE_ADDR="203.0.113.7",
        headers={"User-Agent": "TestBrowser/1.0"},
        follow=True,
    )
    assert "Attempt 1 submitted. It is now with your assessor." in response.content.decode()
    attempt.refresh_from_db()
    declaration = attempt.declaration
    assert attempt.status == "submitted"
    assert attempt.submitted_at == declaration.signed_at
    assert (declaration.student, declaration.ip_address, declaration.user_agent) == (
        charlie,
        "203.0.113.7",
        "TestBrowser/1.0",
    )
    assert (
        declaration.wording == "I declare that the assessment tasks submitted for this unit are my own work."
    )
    with declaration.signature.open("rb") as signature:
        assert signature.read() == PNG


def test_submitted_attempt_and_its_files_are_frozen(charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item, _ = add_file_evidence(attempt, upload("log.pdf", PDF), by=charlie)
    submitted(attempt, charlie)
    for change in [
        lambda: add_text_evidence(attempt, by=charlie, title="Late", text="x"),
        lambda: add_link_evidence(attempt, by=charlie, title="", url="https://example.org"),
        lambda: add_file_evidence(attempt, upload("late.pdf", PDF), by=charlie),
        lambda: remove_evidence(item, by=charlie),
        lambda: link_criteria(item, [], by=charlie),
        lambda: submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=99),
    ]:
        with pytest.raises(AttemptError, match=r"Attempt 1 was submitted on .* and can no longer be changed"):
            change()
    assert attempt.evidence.count() == 2


def test_double_submit_is_refused_the_second_time(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    attempt = draft_with_answer(enrolment, portfolio, charlie)
    data = {"agree": "on", "typed_name": "Charlie Wilson", "revision": attempt.revision}
    client.post(task_url(enrolment, portfolio, "attempt_submit"), data)
    second = client.post(task_url(enrolment, portfolio, "attempt_submit"), data)
    assert "was submitted on" in second.content.decode()
    assert Declaration.objects.count() == 1


def test_stale_tab_cannot_submit_evidence_it_never_showed(client, charlie, enrolment, portfolio):
    client.force_login(charlie)
    attempt = draft_with_answer(enrolment, portfolio, charlie)
    old_revision = attempt.revision
    add_text_evidence(attempt, by=charlie, title="Added in another tab", text="…")
    response = client.post(
        task_url(enrolment, portfolio, "attempt_submit"),
        {"agree": "on", "typed_name": "Charlie Wilson", "revision": old_revision},
    )
    assert "This page is out of date" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "draft"


def test_new_attempt_opens_only_after_not_satisfactory_and_within_the_limit(charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    submitted(attempt, charlie)
    with pytest.raises(AttemptError, match="Attempt 1 is submitted"):
        open_attempt(enrolment, portfolio, by=charlie)
    for number in range(1, portfolio.max_attempts + 1):
        Attempt.objects.filter(number=number).update(status="NS", feedback_released_at=timezone.now())
        if number < portfolio.max_attempts:
            following = open_attempt(enrolment, portfolio, by=charlie)
            assert following.number == number + 1
            submitted(following, charlie)
    with pytest.raises(AttemptError, match="You have used all 3 attempts at this task"):
        open_attempt(enrolment, portfolio, by=charlie)


def test_another_student_cannot_change_the_attempt(dana, charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    with pytest.raises(PermissionDenied):
        add_text_evidence(attempt, by=dana, title="Sabotage", text="x")
    with pytest.raises(PermissionDenied):
        open_attempt(enrolment, portfolio, by=dana)


def test_student_home_lists_units_tasks_due_dates_and_overdue(client, charlie, enrolment, tools, cohort):
    from evidence.models import Enrolment

    Enrolment.objects.create(
        student=charlie, tool=tools["FNSCUS504"], cohort=cohort, enrolled_on=enrolment.enrolled_on
    )
    client.force_login(charlie)
    page = client.get(reverse("student_home")).content.decode()
    assert "FNSPIM409</span> Maintain customer relationship" in page
    assert "Task 3: Providing tailored service to premium customers" in page
    assert "04/12/2026" in page  # 60 days after 05/10/2026
    assert "Not started" in page


def test_student_home_query_count_does_not_grow_with_units(client, charlie, alice, django_assert_num_queries):
    import datetime

    from evidence.models import Enrolment
    from units.services import add_task, create_tool, publish_tool, set_mapping
    from units.tests.factories import make_unit

    def enrol_in_new_units(count):
        for n in range(count):
            unit = make_unit(code=f"TSTHOM{n:03d}", elements=1, criteria=1)
            tool = create_tool(unit, by=alice)
            for t in range(5):
                task = add_task(
                    tool, by=alice, title=f"Task {t}", type="project", evidence_required="A report."
                )
            for row in unit.elements.get().criteria.all():
                set_mapping(task, row, by=alice, mapped=True)
            for item in unit.requirement_items.filter(children__isnull=True):
                set_mapping(task, item, by=alice, mapped=True)
            Enrolment.objects.create(
                student=charlie, tool=publish_tool(tool, by=alice), enrolled_on=datetime.date.today()
            )

    client.force_login(charlie)
    enrol_in_new_units(1)
    with django_assert_num_queries(4):  # user (the session is cached), enrolments, tasks, attempts
        one = client.get(reverse("student_home")).content.decode()
    enrol_in_new_units(9)
    with django_assert_num_queries(4):
        ten = client.get(reverse("student_home")).content.decode()
    assert one.count("Not started") == 5
    assert ten.count("Not started") == 50


def test_enrolled_student_reads_the_student_view_of_the_tool_only(client, charlie, dana, enrolment):
    tool = enrolment.tool
    client.force_login(charlie)
    student_view = client.get(reverse("units:tool_resource_student", args=[tool.pk]))
    assert "Evidence portfolio: maintaining customer relationships" in student_view.content.decode()
    assert tool.tasks.get().assessor_guidance not in student_view.content.decode()
    assert client.get(reverse("units:tool_resource", args=[tool.pk])).status_code == 404
    client.force_login(dana)
    assert client.get(reverse("units:tool_resource_student", args=[tool.pk])).status_code == 404


def test_assessor_home_lists_submitted_work_from_their_cohorts_only(
    client, bob, erin, charlie, enrolment, portfolio
):
    attempt = submitted(open_attempt(enrolment, portfolio, by=charlie), charlie)
    client.force_login(bob)
    page = client.get(reverse("assessor_home")).content.decode()
    assert "Submitted work waiting (1)" in page
    assert f'href="{reverse("evidence:attempt_mark", args=[attempt.pk])}"' in page
    assert "FNS-T4" in page
    client.force_login(erin)
    assert "Submitted work waiting (0)" in client.get(reverse("assessor_home")).content.decode()


def test_student_links_evidence_to_criteria_through_the_page(client, charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    first = add_text_evidence(attempt, by=charlie, title="Log", text="Interaction log")
    second = add_text_evidence(attempt, by=charlie, title="Report", text="Report to management")
    pcs = list(portfolio.criteria.order_by("element__number", "number"))
    client.force_login(charlie)
    page = client.get(task_url(enrolment, portfolio)).content.decode()
    assert f'id="id_evidence{first.pk}-criteria_0"' in page
    assert f'id="id_evidence{second.pk}-criteria_0"' in page, "each item's checkboxes need their own ids"
    response = client.post(
        reverse("evidence:evidence_criteria", args=[second.pk]),
        {f"evidence{second.pk}-criteria": [pcs[0].pk, pcs[5].pk]},
        follow=True,
    )
    assert "Criteria saved for “Report”." in response.content.decode()
    assert set(second.criteria.all()) == {pcs[0], pcs[5]}
    assert first.criteria.count() == 0
