"""An observation marked live on a tablet and signed by the student on it; a unit result signed and acknowledged."""

import re

import pytest
from playwright.sync_api import expect

from evidence.models import Declaration, ResultAcknowledgement, UnitResult
from evidence.tests.journeys import satisfactory
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in

TABLET = {"width": 768, "height": 1024}


def sign_as(form, name, password):
    form.get_by_label(re.compile("full name to sign")).fill(name)
    form.get_by_label(re.compile("password", re.IGNORECASE)).fill(password)


@pytest.mark.browser
def test_assessor_observes_marks_signs_and_the_student_signs_on_the_same_tablet(
    page, new_context, bob, charlie, enrolled
):
    page.set_viewport_size(TABLET)
    sign_in(page, bob)
    page.goto("/queue/")
    expect(page.get_by_role("heading", name="Observations ready to start")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start observation of Charlie Wilson, task 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charlie Wilson: task 3, attempt 1")
    expect(page.locator("[data-mark-row]")).to_have_count(8)
    # The page's script replaces the server's line once it listens for keys.
    expect(page.get_by_role("status").filter(has_text="changes")).to_have_text("All changes saved")
    page.locator("[data-mark-row]").first.get_by_text("Yes").focus()
    for _ in range(8):
        page.keyboard.press("y")
    for mark_row in page.locator("[data-mark-row]").all():
        expect(mark_row).to_contain_text("Saved")
    expect(page.get_by_role("status").filter(has_text="changes")).to_have_text("All changes saved")

    judge = page.get_by_role("region", name="Judge and sign")
    judge.get_by_label("Satisfactory", exact=True).check()
    judge.get_by_label("Feedback to the student").fill("Resolved the complaint calmly and kept the customer.")
    sign_as(judge, "Bob Taylor", bob.raw_password)
    judge.get_by_role("button", name="Sign judgement").click()
    expect(page.get_by_role("heading", name="Judgement: Satisfactory")).to_be_visible()

    handover = page.get_by_role("region", name="Student signs the observation")
    expect(handover).to_contain_text("Hand the device to Charlie Wilson")
    save_screenshot(page, "observation-handover-tablet")
    assert_accessible(page)
    handover.get_by_label("I was observed as this record says and I have read it.").check()
    sign_as(handover, "Charlie Wilson", "not his password")
    handover.get_by_role("button", name="Sign as Charlie Wilson").click()
    expect(page.get_by_role("alert").filter(has_text="password")).to_have_text(
        "That is not Charlie Wilson's password. Nothing was signed."
    )
    handover = page.get_by_role("region", name="Student signs the observation")
    handover.get_by_label("I was observed as this record says and I have read it.").check()
    sign_as(handover, "Charlie Wilson", charlie.raw_password)
    handover.get_by_role("button", name="Sign as Charlie Wilson").click()
    signature = page.get_by_role("region", name="Student's signature")
    expect(signature).to_contain_text("I confirm that Bob Taylor observed me performing this task on")
    expect(signature).to_contain_text("Signed by Charlie Wilson")
    save_screenshot(page, "observation-signed-tablet")
    assert_accessible(page)
    assert Declaration.objects.get().student == charlie

    student = new_context().new_page()
    sign_in(student, charlie)
    student.get_by_role("link", name=re.compile("Task 3: Providing tailored service")).click()
    record = student.get_by_role("region", name="The assessor's record: Satisfactory")
    expect(record.get_by_role("row")).to_have_count(9)
    expect(record).to_contain_text("Resolved the complaint calmly")
    expect(student.get_by_role("heading", name="Sign and submit")).to_have_count(0)
    assert_accessible(student)


@pytest.mark.browser
def test_assessor_records_competent_from_the_grid_and_the_student_acknowledges_it(
    page, new_context, bob, charlie, enrolled
):
    satisfactory(enrolled["FNSPIM409"], 1, charlie, bob)
    sign_in(page, bob)
    page.goto(f"/cohorts/{enrolled['FNSPIM409'].cohort_id}/grid/")
    page.get_by_role("link", name="Not recorded for Charlie Wilson").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Assessment record: FNSPIM409 "))
    assert_accessible(page)
    form = page.get_by_role("region", name="Record the unit result")
    form.get_by_label("Competency achieved (20)").check()
    sign_as(form, "Bob Taylor", bob.raw_password)
    form.get_by_role("button", name="Sign the unit result").click()
    expect(page.get_by_role("status").filter(has_text="Signed")).to_have_text(
        "Signed: Competency achieved (20)."
    )
    expect(page.get_by_role("region", name="Unit result", exact=True)).to_contain_text(
        "Not yet acknowledged by the student."
    )
    save_screenshot(page, "unit-result-signed")
    assert_accessible(page)

    student = new_context().new_page()
    sign_in(student, charlie)
    student.get_by_role("region", name=re.compile("FNSPIM409")).get_by_role(
        "link", name="Assessment record"
    ).click()
    result = student.get_by_role("region", name="Unit result", exact=True)
    expect(result).to_contain_text("Competency achieved")
    result.get_by_label("Type your full name to sign").fill("Charlie Wilson")
    result.get_by_role("button", name="Sign").click()
    expect(student.get_by_role("region", name="Unit result", exact=True)).to_contain_text(
        "Acknowledged by the student, Charlie Wilson, on"
    )
    save_screenshot(student, "unit-result-acknowledged")
    assert_accessible(student)
    assert ResultAcknowledgement.objects.get().result == UnitResult.objects.get()
