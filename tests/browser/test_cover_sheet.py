"""A student opens the cover sheet of a judged task from its page and downloads it."""

import pytest
from playwright.sync_api import expect

from assessor_portal.tests.pdfs import pdf_text
from evidence.tests.journeys import satisfactory
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.mark.browser
def test_student_opens_and_downloads_the_cover_sheet_of_a_judged_task(page, bob, charlie, enrolled, tmp_path):
    enrolment = enrolled["FNSPIM409"]
    judgement = satisfactory(enrolment, 1, charlie, bob)
    sign_in(page, charlie)
    page.goto(f"/enrolments/{enrolment.pk}/tasks/{judgement.attempt.task_id}/")
    page.get_by_role("link", name="Cover sheet, attempt 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment Cover Sheet")
    expect(page.get_by_role("img", name="Satisfactory: ticked")).to_be_visible()
    expect(page.get_by_role("img", name="Not satisfactory: not ticked")).to_be_visible()
    expect(
        page.get_by_text("I declare that the assessment tasks submitted for this unit are my own work.")
    ).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "cover-sheet-student")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "cover.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "Assessment Cover Sheet FNSPIM409 - Maintain customer relationship" in text
    assert "Result: ☑ Satisfactory ☐ Not satisfactory" in text
    assert "Well done." in text
