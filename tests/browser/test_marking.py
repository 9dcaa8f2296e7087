"""An assessor marks a checklist on a tablet, keyboard first, through a dropped connection and a colleague."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from evidence.models import CriterionMark, Enrolment
from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.matrix import build_matrix, get_matrix_row
from units.services import add_task, create_tool, publish_tool, set_mapping

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def submitted_project(seed_units, alice, bob, charlie, cohort_factory):
    """Charlie's FNSCUS504 project, mapped to all 15 criteria, submitted to Bob's cohort."""
    tool = create_tool(seed_units["FNSCUS504"], by=alice, evidence_required="A project report.")
    task = add_task(
        tool,
        by=alice,
        title="Premium customer project",
        type="project",
        instructions="Manage a premium customer segment for four weeks and report on it.",
        evidence_required="The segment report.",
    )
    for row in build_matrix(tool).rows:
        if not row.is_heading:
            set_mapping(task, get_matrix_row(tool, row.key), by=alice, mapped=True)
    tool = publish_tool(tool, by=alice)
    cohort = cohort_factory(bob, charlie)
    enrolment = Enrolment.objects.create(
        student=charlie, tool=tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    attempt = open_attempt(enrolment, task, by=charlie)
    add_text_evidence(attempt, by=charlie, title="Project report", text="Segment: 214 premium customers.")
    attempt.refresh_from_db()
    return submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)


@pytest.fixture
def cohort_factory(db):
    from evidence.models import Cohort

    def make(assessor, *students):
        cohort = Cohort.objects.create(
            name="Premium banking", code="FNS-PB1", start_date=datetime.date(2026, 10, 5)
        )
        cohort.assessors.add(assessor)
        cohort.students.add(*students)
        return cohort

    return make


def row(page, code):
    return page.locator("[data-mark-row]").filter(
        has=page.locator(".pc-number", has_text=re.compile(rf"^{re.escape(code)}$"))
    )


def sign_judgement(page, result, feedback, password):
    form = page.get_by_role("region", name="Judge and sign")
    form.get_by_label(result, exact=True).check()
    form.get_by_label("Feedback to the student").fill(feedback)
    form.get_by_label("Type your full name to sign").fill("Bob Taylor")
    form.get_by_label("Your password").fill(password)
    form.get_by_role("button", name="Sign judgement").click()


@pytest.mark.browser
def test_assessor_marks_every_criterion_by_keyboard_signs_and_the_student_reads_it(
    page, new_context, bob, charlie, submitted_project
):
    page.set_viewport_size(TABLET)
    sign_in(page, bob)
    page.get_by_role("link", name=re.compile(r"^Charlie Wilson: FNSCUS504 task 1")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charlie Wilson: task 1, attempt 1")
    expect(page.locator("[data-mark-row]")).to_have_count(15)
    assert_accessible(page)

    codes = [element.inner_text() for element in page.locator("[data-mark-row] .pc-number").all()]
    assert codes[:3] == ["1.1", "1.2", "1.3"]
    # The page's script replaces the server's line once it listens for keys.
    expect(page.get_by_role("status").filter(has_text="changes")).to_have_text("All changes saved")
    row(page, "1.1").get_by_text("Yes").focus()
    for code in codes:
        page.keyboard.press("n" if code == "2.3" else "y")
    for code in codes:
        expect(row(page, code)).to_contain_text("Saved")
    expect(page.get_by_role("status").filter(has_text="changes")).to_have_text("All changes saved")
    sign_judgement(page, "Satisfactory", "Thorough segment analysis.", bob.raw_password)
    expect(page.get_by_text("Satisfactory needs every criterion answered Yes; not yet: 2.3.")).to_be_visible()
    save_screenshot(page, "marking-refused-satisfactory-tablet")
    assert_accessible(page)

    row(page, "2.3").get_by_text("Yes").click()
    expect(row(page, "2.3")).to_contain_text("Saved")
    sign_judgement(page, "Satisfactory", "Thorough segment analysis.", bob.raw_password)
    expect(page.get_by_role("status").filter(has_text="Signed")).to_have_text(
        "Signed: Satisfactory. The feedback is with the student."
    )
    expect(page.get_by_role("heading", name="Judgement: Satisfactory")).to_be_visible()
    expect(page.get_by_role("button", name="Sign judgement")).to_have_count(0)
    save_screenshot(page, "marking-signed-tablet")
    assert_accessible(page)
    assert CriterionMark.objects.filter(answer="Y").count() == 15

    student = new_context().new_page()
    sign_in(student, charlie)
    task_row = student.get_by_role("row").filter(has_text="Premium customer project")
    expect(task_row).to_contain_text("Satisfactory")
    expect(student.get_by_text("Thorough segment analysis.")).to_be_visible()
    assert_accessible(student)


@pytest.mark.browser
def test_two_assessors_on_one_checklist_see_each_others_change_and_lose_nothing(
    page, new_context, bob, erin, submitted_project
):
    submitted_project.enrolment.cohort.assessors.add(erin)
    sign_in(page, bob)
    page.goto(submitted_project.get_marking_url())
    other = new_context().new_page()
    sign_in(other, erin)
    other.goto(submitted_project.get_marking_url())

    row(page, "1.1").get_by_text("Yes").click()
    expect(row(page, "1.1")).to_contain_text("Saved")
    row(other, "1.1").get_by_label("Comment on 1.1").fill("Erin: customer list not checked")
    row(other, "1.1").get_by_text("No").click()

    conflict = row(other, "1.1")
    expect(conflict).to_contain_text("Bob Taylor changed 1.1")
    expect(conflict.get_by_role("button", name="Keep mine")).to_be_visible()
    save_screenshot(other, "marking-conflict")
    assert_accessible(other)
    conflict.get_by_role("button", name="Keep mine").click()
    expect(conflict).to_contain_text("Saved")
    mark = CriterionMark.objects.get()
    assert (mark.answer, mark.comment, mark.version) == ("N", "Erin: customer list not checked", 2)
    assert [entry.answer for entry in mark.history.order_by("history_date")] == ["Y", "N"]


@pytest.mark.browser
def test_marks_made_offline_wait_and_sync_when_the_connection_returns(page, context, bob, submitted_project):
    page.set_viewport_size(TABLET)
    sign_in(page, bob)
    page.goto(submitted_project.get_marking_url())
    context.set_offline(True)
    for code in ("1.1", "1.2", "1.3"):
        row(page, code).get_by_text("Yes").click()
    sync = page.get_by_role("status").filter(has_text="sync")
    expect(sync).to_have_text("3 changes waiting to sync")
    expect(page.get_by_role("button", name="Sign judgement")).to_be_disabled()
    save_screenshot(page, "marking-offline-tablet")
    assert not CriterionMark.objects.exists()

    context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text="changes")).to_have_text("All changes saved")
    assert CriterionMark.objects.filter(answer="Y").count() == 3
    expect(page.get_by_role("button", name="Sign judgement")).to_be_enabled()


@pytest.mark.browser
def test_assessor_finds_work_in_the_queue_by_unit_and_opens_it(page, bob, submitted_project):
    page.set_viewport_size(TABLET)
    sign_in(page, bob)
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("link", name="Marking queue").click()
    expect(page.get_by_role("heading", name="Marking queue")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="waiting")).to_contain_text("1 attempt waiting")
    page.get_by_label("Unit").select_option("FNSCUS504")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Charlie Wilson")).to_contain_text(
        "Premium customer project"
    )
    save_screenshot(page, "marking-queue-tablet")
    assert_accessible(page)
    page.get_by_role("link", name="Mark Charlie Wilson, task 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charlie Wilson: task 1, attempt 1")
