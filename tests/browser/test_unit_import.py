"""An admin imports a unit by pasting its text from training.gov.au; nobody else may."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in, sub_items

# BSBTWK201 as a person copies it from its training.gov.au page: the elements table's header
# cells arrive tab-separated, and "outline … relating to:" opens a sub-list closed by a '.'.
BSBTWK201_TEXT = """\
BSBTWK201 - Work effectively with others
Release 1
Application
This unit describes the skills and knowledge required to work effectively with others, to develop \
effective workplace relationships and to contribute to workgroup activities.
The unit applies to individuals who perform a range of routine tasks using limited practical skills \
and fundamental operational knowledge in a defined context under direct supervision.
Elements and Performance Criteria
ELEMENT\tPERFORMANCE CRITERIA
Elements describe the essential outcomes.\tPerformance criteria describe the performance needed to \
demonstrate achievement of the element.
1. Develop effective workplace relationships
1.1 Identify and confirm work requirements with relevant personnel
1.2 Share information relevant to work with relevant personnel
1.3 Seek feedback on work performance from relevant personnel
2. Contribute to workgroup activities
2.1 Identify and confirm own role and responsibilities within workgroup
2.2 Provide support to team members to ensure workgroup goals are met
3. Deal effectively with issues, problems and conflict
3.1 Identify issues, problems and conflict encountered in the workplace
3.2 Seek assistance from relevant personnel to resolve issues, problems and conflict
Performance Evidence
Evidence of the ability to:
identify work requirements and share information with relevant personnel on at least two occasions
contribute to workgroup activities and seek feedback on own work performance
Knowledge Evidence
To complete the unit requirements safely and effectively, the individual must:
describe the range of communication techniques used in the workplace
outline organisational policies and procedures relating to:
work health and safety
equal employment opportunity
workplace communication protocols.
explain ways to deal with issues, problems and conflict in a team
Assessment Conditions
Skills in this unit must be demonstrated in a workplace or a simulated environment where the \
conditions are typical of those in a working environment in this industry.
"""
POLICY_SUB_ITEMS = [
    "work health and safety",
    "equal employment opportunity",
    "workplace communication protocols.",
]

# Element 2 jumps from 2.3 to 2.5: a criterion lost when the page was copied.
GAPPED_TEXT = """\
BSBTWK201 - Work effectively with others
Release 1
Elements and Performance Criteria
1. Develop effective workplace relationships
1.1 Identify and confirm work requirements with relevant personnel
1.2 Share information relevant to work with relevant personnel
2. Contribute to workgroup activities
2.1 Identify and confirm own role and responsibilities within workgroup
2.2 Provide support to team members to ensure workgroup goals are met
2.3 Contribute to workgroup planning
2.5 Review workgroup outcomes with relevant personnel
Performance Evidence
Evidence of the ability to:
contribute to workgroup activities
Knowledge Evidence
To complete the unit requirements safely and effectively, the individual must:
describe the range of communication techniques used in the workplace
"""
GAP_LINE = next(n for n, line in enumerate(GAPPED_TEXT.splitlines(), start=1) if line.startswith("2.5 "))


@pytest.mark.browser
def test_admin_pastes_a_unit_previews_confirms_and_opens_it(page, alice):
    sign_in(page, alice)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Import a unit").click()
    expect(page.get_by_role("heading", name="Import a unit of competency")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Or paste the unit's text").fill(BSBTWK201_TEXT)
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Preview: BSBTWK201 - Work effectively with others")
    )
    expect(page.get_by_text("Release 1 · read as text · 3 elements, 7 performance criteria")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    criteria = page.get_by_role("region", name="Elements and performance criteria").get_by_role("listitem")
    expect(criteria).to_have_count(7)
    expect(criteria.filter(has_text="Identify and confirm work requirements")).to_contain_text("1.1")
    expect(criteria.filter(has_text="Seek assistance from relevant personnel")).to_contain_text("3.2")
    knowledge = page.get_by_role("region", name="Knowledge evidence (3)")
    expect(sub_items(knowledge, "outline organisational policies")).to_have_text(POLICY_SUB_ITEMS)
    not_imported = page.get_by_role("region", name="Not imported (6)")
    for boilerplate in ("ELEMENT", "PERFORMANCE CRITERIA", "Elements describe the essential outcomes."):
        row = not_imported.get_by_role("row").filter(
            has=page.get_by_role("cell", name=boilerplate, exact=True)
        )
        expect(row).to_contain_text("standard wording found in every unit")
    expect(not_imported.get_by_role("cell", name="Evidence of the ability to:")).to_be_visible()
    save_screenshot(page, "unit-import-preview-bsbtwk201")
    assert_accessible(page)

    page.get_by_role("button", name="Confirm import").click()

    expect(page).to_have_url(re.compile(r"/units/BSBTWK201/release-1/$"))
    expect(page.get_by_role("status")).to_have_text(
        "Imported BSBTWK201 Work effectively with others, release 1: 3 elements, 7 performance criteria."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("BSBTWK201 - Work effectively with others")
    elements = page.get_by_role("region", name="Elements and Performance Criteria")
    expect(elements.get_by_role("rowheader")).to_have_text(
        [
            "1. Develop effective workplace relationships",
            "2. Contribute to workgroup activities",
            "3. Deal effectively with issues, problems and conflict",
        ]
    )
    first_row = elements.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="1. Develop effective workplace relationships")
    )
    expect(first_row.get_by_role("listitem")).to_have_count(3)
    expect(first_row.get_by_role("listitem").first).to_have_text(
        "1.1Identify and confirm work requirements with relevant personnel"
    )
    knowledge = page.get_by_role("region", name="Knowledge evidence")
    expect(sub_items(knowledge, "outline organisational policies")).to_have_text(POLICY_SUB_ITEMS)
    save_screenshot(page, "unit-detail-bsbtwk201-after-import")
    assert_accessible(page)


@pytest.mark.browser
def test_admin_sees_line_numbered_errors_and_cannot_confirm(page, alice):
    sign_in(page, alice)
    page.goto("/units/import/")
    page.get_by_label("Or paste the unit's text").fill(GAPPED_TEXT)
    page.get_by_role("button", name="Preview import").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This unit cannot be imported yet")
    expect(alert).to_contain_text(f"line {GAP_LINE}: '2.5' follows '2.3'")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    expect(page.get_by_role("link", name="Import another unit")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit the text and preview again")).to_be_visible()
    save_screenshot(page, "unit-import-preview-with-errors")
    assert_accessible(page)


@pytest.mark.browser
def test_student_is_refused_the_import_page(page, new_context, alice, charlie):
    sign_in(page, charlie)
    expect(page.get_by_role("heading", name="Welcome, Charlie")).to_be_visible()

    response = page.goto("/units/import/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Your account does not have permission for it.")
    expect(page.get_by_label("Or paste the unit's text")).to_have_count(0)
    expect(page.get_by_role("link", name="Back to your home page")).to_be_visible()
    save_screenshot(page, "unit-import-refused-to-student")
    assert_accessible(page)

    alice_page = new_context().new_page()
    sign_in(alice_page, alice)
    expect(alice_page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()
    alice_page.get_by_role("button", name="Sign out").click()
    expect(alice_page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(alice_page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(alice_page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(alice_page)


NESTING_LOST = """BSBTWK201 - Work effectively with others
1. Develop relationships
1.1 Collect information
Knowledge Evidence
workplace procedures for:
communication
conflict
equal opportunity principles
"""


@pytest.mark.browser
def test_admin_fixes_nesting_the_paste_lost_in_the_preview_and_imports_it(page, alice):
    sign_in(page, alice)
    page.goto("/units/import/")
    page.get_by_label("Or paste the unit's text").fill(NESTING_LOST)
    page.get_by_role("button", name="Preview import").click()
    knowledge = page.get_by_role("region", name="Knowledge evidence (1)")
    expect(sub_items(knowledge, "workplace procedures for:")).to_have_text(
        ["communication", "conflict", "equal opportunity principles"]
    )
    assert_accessible(page)

    page.get_by_role("link", name="Edit the text").click()
    editor = page.get_by_label("Or paste the unit's text")
    expect(editor).to_have_value(NESTING_LOST)
    editor.fill(
        NESTING_LOST.replace("\ncommunication", "\n  communication").replace("\nconflict", "\n  conflict")
    )
    page.get_by_role("button", name="Preview import").click()
    knowledge = page.get_by_role("region", name="Knowledge evidence (2)")
    expect(sub_items(knowledge, "workplace procedures for:")).to_have_text(["communication", "conflict"])
    save_screenshot(page, "unit-import-nesting-fixed")
    assert_accessible(page)

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("BSBTWK201")
    expect(
        sub_items(page.get_by_role("region", name="Knowledge evidence"), "workplace procedures for:")
    ).to_have_text(["communication", "conflict"])


@pytest.mark.browser
def test_admin_uploads_a_word_document_previews_and_imports_it(page, alice, tmp_path):
    """The .docx a unit's page offers: its Elements/PC table is read as a table, cell by cell."""
    from units.tests.test_parser_docx import unit_docx

    upload = tmp_path / "FNSPIM409_R1.docx"
    upload.write_bytes(unit_docx())
    sign_in(page, alice)
    page.goto("/units/import/")
    page.get_by_label("Unit file").set_input_files(upload)
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Preview: FNSPIM409 - Maintain customer relationship")
    )
    criteria = page.get_by_role("region", name="Elements and performance criteria").get_by_role("listitem")
    expect(criteria).to_have_count(3)
    expect(criteria.filter(has_text="Keep records of customer interaction up to date")).to_contain_text("1.2")
    knowledge = page.get_by_role("region", name=re.compile(r"^Knowledge evidence"))
    expect(sub_items(knowledge, "describe key features of")).to_have_text(
        ["privacy legislation", "complaint procedures"]
    )
    assert_accessible(page)
    save_screenshot(page, "unit-import-preview-docx")

    page.get_by_role("button", name="Confirm import").click()
    expect(page).to_have_url(re.compile(r"/units/FNSPIM409/release-1/$"))
    expect(page.get_by_role("status")).to_contain_text("2 elements, 3 performance criteria")
