"""A student reads their evidence guide from home and downloads it; a student prints the blank one by hand."""

import re

import pytest
from playwright.sync_api import expect

from assessor_portal.tests.pdfs import pdf_text
from evidence.services.attempts import add_text_evidence, link_criteria, open_attempt
from evidence.tests.journeys import satisfactory
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.mark.browser
def test_student_reads_the_filled_guide_and_downloads_it(page, bob, charlie, enrolled, tmp_path):
    enrolment = enrolled["FNSPIM409"]
    task = enrolment.tool.tasks.get(number=1)
    attempt = open_attempt(enrolment, task, by=charlie)
    item = add_text_evidence(attempt, by=charlie, title="Call log for Mrs Rossi", text="…")
    link_criteria(item, [task.criteria.get(element__number=2, number=1).pk], by=charlie)
    satisfactory(enrolment, 1, charlie, bob)

    sign_in(page, charlie)
    page.get_by_role("link", name="Evidence guide for FNSPIM409").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Evidence Guide: FNSPIM409 - Maintain customer relationship"
    )
    criterion = page.locator("#pc-2\\.1")
    expect(criterion.get_by_role("heading")).to_have_text("2.1 Review previous interactions with customers")
    expect(criterion.get_by_role("img", name="Completed: ticked")).to_be_visible()
    expect(criterion).to_contain_text(re.compile(r"Teacher:\s*Bob Taylor"))
    expect(criterion.get_by_role("listitem")).to_have_text("Call log for Mrs Rossi (task 1, attempt 1)")
    expect(page.locator("#pc-1\\.2")).to_contain_text("None linked")
    assert_accessible(page)
    save_screenshot(page, "evidence-guide-student")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "guide.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "Student: Charlie Wilson (S0001)" in text
    assert "Call log for Mrs Rossi (task 1, attempt 1)" in text


@pytest.mark.browser
def test_the_blank_guide_is_linked_from_the_unit_page(page, charlie, seed_units, tmp_path):
    sign_in(page, charlie)
    page.goto("/units/FNSPIM409/release-1/")
    page.get_by_role("link", name="Evidence guide (blank form)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Evidence Guide: FNSPIM409 - Maintain customer relationship"
    )
    expect(page.get_by_role("img", name="Completed: not ticked")).to_have_count(10)
    expect(page.get_by_role("heading", name="Instructions to Assessors")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "evidence-guide-blank")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "FNSPIM409 evidence guide (blank).pdf"
