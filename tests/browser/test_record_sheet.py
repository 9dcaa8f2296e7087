"""A student downloads their signed record sheet; an employer, not signed in, verifies the file."""

import pytest
from playwright.sync_api import expect

from assessor_portal.tests.pdfs import pdf_text
from evidence.services.marking import record_unit_result
from evidence.tests.journeys import satisfactory
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.mark.browser
def test_student_downloads_the_signed_record_sheet_and_an_employer_verifies_it(
    page, new_context, bob, charlie, enrolled, tmp_path
):
    enrolment = enrolled["FNSPIM409"]
    satisfactory(enrolment, 1, charlie, bob)
    result = record_unit_result(
        enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
    )

    sign_in(page, charlie)
    page.goto(f"/enrolments/{enrolment.pk}/record/")
    page.get_by_role("link", name="Assessment record sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment Record Sheet")
    expect(page.get_by_text("FNSPIM409 - Maintain customer relationship")).to_be_visible()
    expect(page.get_by_role("img", name="Competent: ticked")).to_be_visible()
    expect(page.get_by_role("img", name="Not yet competent: not ticked")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "record-sheet-student")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "record-sheet.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "Assessment Record Sheet" in text
    assert "Student name: Charlie Wilson" in text
    assert "☑ Competent ☐ Not yet competent" in text
    assert result.sha256 in text

    employer = new_context().new_page()
    employer.goto("/verify/")
    expect(employer.get_by_role("heading", level=1)).to_have_text("Verify an assessment record")
    assert_accessible(employer)
    employer.get_by_label("The record sheet's PDF").set_input_files(saved)
    employer.get_by_role("button", name="Check").click()
    verdict = employer.get_by_role("status")
    expect(verdict).to_contain_text("This file is a true copy of the signed record")
    expect(verdict).to_contain_text("Charlie Wilson")
    expect(verdict).to_contain_text("Competency achieved (outcome 20)")
    assert_accessible(employer)
    save_screenshot(employer, "verify-true-copy")

    altered = tmp_path / "altered.pdf"
    content = bytearray(saved.read_bytes())
    content[len(content) // 2] ^= 1
    altered.write_bytes(bytes(content))
    employer.get_by_label("The record sheet's PDF").set_input_files(altered)
    employer.get_by_role("button", name="Check").click()
    expect(employer.get_by_role("status")).not_to_contain_text("true copy")
    expect(employer.get_by_role("status")).not_to_contain_text("Charlie Wilson")
