"""An admin reads the FNSCUS504 assessor resource and the printable matrix on screen, then as PDFs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from assessor_portal.tests.pdfs import pdf_text
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.demo import load_demo_tool

ELEMENTS = [
    "1. Contribute to identification of customer segments",
    "2. Manage customer relationships with premium or high value individuals",
    "3. Provide high level and tailored service",
    "4. Evaluate and report outcomes",
]
# Task 3 is the observation; its checklist lists the eight criteria it maps, in unit order.
OBSERVED = ["2.1", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "4.3"]
GUIDANCE = "Model answers are in the assessor pack, pages 4 to 9."


@pytest.fixture
def tool(seed_units, alice):
    """The published demo FNSCUS504 tool (v1.0, May 2024): three tasks covering every row."""
    tool, _ = load_demo_tool(settings.BASE_DIR / "fixtures" / "tools" / "FNSCUS504-v1.0.json", by=alice)
    return tool


def download_pdf(page):
    """Press Download PDF; return the file's suggested name and its text as a PDF reader sees it."""
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    return info.value.suggested_filename, pdf_text(content)


@pytest.mark.browser
def test_admin_reads_the_assessor_resource_and_downloads_its_pdf(page, alice, tool):
    sign_in(page, alice)
    page.goto(tool.get_absolute_url())
    page.get_by_role("link", name="Assessor resource").click()

    cover = page.get_by_role("article").locator("header")
    expect(cover.get_by_role("heading", level=1)).to_have_text("FNSCUS504")
    for line in (
        "Assessor Resource",
        "Manage premium customer relationships",
        "Assessment tool",
        "Version 1.0",
        "Issue Date: May 2024",
    ):
        expect(cover.get_by_text(line, exact=True)).to_be_visible()
    elements = page.get_by_role("table", name="Elements and their performance criteria")
    expect(elements.get_by_role("rowheader")).to_have_text(ELEMENTS)
    expect(elements.get_by_role("listitem")).to_have_count(15)
    expect(page.get_by_text(GUIDANCE)).to_be_visible()
    checklist = page.get_by_role(
        "region", name="Observation Checklist: task 3, Providing tailored service to premium customers"
    )
    expect(checklist.get_by_role("rowheader")).to_have_text([re.compile(rf"^{code} ") for code in OBSERVED])
    expect(checklist.get_by_role("img", name="Yes: not ticked")).to_have_count(8)
    matrix = page.get_by_role("region", name="Assessment Matrix")
    expect(
        matrix.get_by_role("table", name="Coverage").get_by_role("row", name="Performance criteria")
    ).to_contain_text("15 of 15")
    expect(matrix.get_by_role("img", name="addressed by task 3")).to_have_count(13)
    expect(matrix.get_by_text("Not covered")).to_have_count(0)
    expect(page.get_by_role("region", name="Assessment Cover Sheet")).to_contain_text(
        "I declare that the assessment tasks submitted for this unit are my own work."
    )
    expect(page.get_by_role("region", name="Assessment Record Sheet").get_by_role("row")).to_have_count(4)
    assert_accessible(page)
    save_screenshot(page, "tool-form-assessor-resource-fnscus504")

    filename, text = download_pdf(page)
    assert filename == "FNSCUS504 assessor resource v1.0.pdf"
    assert "Assessor Resource FNSCUS504 Manage premium customer relationships" in text
    assert GUIDANCE in text

    page.get_by_role("link", name="FNSCUS504 v1.0").click()
    page.get_by_role("link", name="Student view").click()
    expect(page.get_by_text("Student assessment information")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(GUIDANCE)
    expect(page.get_by_role("region", name="Assessment Matrix")).to_have_count(0)
    assert_accessible(page)
    filename, text = download_pdf(page)
    assert filename == "FNSCUS504 student assessment information v1.0.pdf"
    assert "FNSCUS504" in text
    assert GUIDANCE not in text


@pytest.mark.browser
def test_admin_prints_the_matrix_of_a_new_version_with_a_gap(page, alice, tool):
    sign_in(page, alice)
    page.goto(tool.get_absolute_url())
    page.get_by_role("button", name="New version").click()
    expect(page.get_by_role("status").filter(has_text="Draft version 1.1")).to_be_visible()
    page.get_by_role("link", name="Assessment matrix").click()
    untick = page.get_by_role("button", name="Task 2 addresses 4.2", exact=True)
    untick.click()
    expect(untick).to_have_attribute("aria-pressed", "false")

    page.get_by_role("link", name="Printable matrix").click()
    expect(page.get_by_role("heading", name="Assessment Matrix", level=1)).to_be_visible()
    expect(page.get_by_text("Assessment tool version 1.1 (draft)")).to_be_visible()
    coverage = page.get_by_role("table", name="Coverage")
    expect(coverage.get_by_role("row", name="Performance criteria")).to_contain_text("14 of 15")
    expect(page.get_by_text("Not covered (1): 4.2.")).to_be_visible()
    gap = page.get_by_role("row", name=re.compile(r"^4\.2 Review product"))
    expect(gap).to_contain_text("Not covered")
    expect(gap.get_by_role("img")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile(r"^4\.3 Maintain")).get_by_role("img")).to_have_count(2)
    expect(page.get_by_role("img", name="addressed by task")).to_have_count(44)
    expect(page.get_by_role("term")).to_have_text(["Task 1", "Task 2", "Task 3"])
    assert_accessible(page)
    save_screenshot(page, "tool-form-matrix-gap-fnscus504")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    save_screenshot(page, "tool-form-matrix-gap-fnscus504-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    filename, text = download_pdf(page)
    assert filename == "FNSCUS504 assessment matrix v1.1.pdf"
    assert "Assessment Matrix FNSCUS504 - Manage premium customer relationships" in text
    assert "Not covered (1): 4.2." in text
    assert text.count("☑") == 44
