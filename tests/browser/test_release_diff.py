"""An admin imports FNSPIM409 release 2, reads what changed and which tool it touches, confirms,
then carries the release 1 tool over and decides the highlighted rows of its matrix."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.models import AssessmentTool
from units.tests.releases import FNSPIM409_R2_TEXT


@pytest.mark.browser
def test_admin_imports_a_new_release_sees_the_diff_and_carries_the_tool_over(page, alice, enrolled):
    release_1_tool = enrolled["FNSPIM409"].tool
    sign_in(page, alice)
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()

    page.goto("/units/import/")
    page.get_by_label("Or paste the unit's text").fill(FNSPIM409_R2_TEXT)
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Preview: FNSPIM409 - Maintain customer relationship")
    )
    changes = page.get_by_role("region", name="Changes from FNSPIM409 release 1")
    expect(changes).to_contain_text("2 added, 1 removed, 2 reworded, 3 renumbered, 16 unchanged")
    criteria = changes.get_by_role("table", name=re.compile(r"^Performance criteria"))
    expect(criteria.get_by_role("row")).to_have_count(7)  # the header and six changes
    reworded = criteria.get_by_role("row").filter(has_text="Reworded")
    expect(reworded.get_by_role("insertion")).to_have_text(["[inserted: accurate]", "[inserted: and secure]"])
    expect(criteria.get_by_role("row").filter(has_text="Removed")).to_contain_text(
        "2.1Review previous interactions with customers"
    )
    expect(criteria.get_by_role("row").filter(has_text="Renumbered")).to_have_count(3)
    expect(criteria.get_by_role("row").filter(has_text="Added")).to_contain_text(
        "3.4Seek customer feedback on the communication provided"
    )
    knowledge = changes.get_by_role("table", name=re.compile(r"^Knowledge evidence"))
    expect(knowledge.get_by_role("insertion")).to_have_text("[inserted: privacy]")

    tools = page.get_by_role("region", name="Assessment tools for release 1 (1)")
    expect(tools.get_by_role("link", name="FNSPIM409 assessment tool v1.0")).to_be_visible()
    expect(tools).to_contain_text("1 student enrolled · would lose 1 mapped row")
    task_row = tools.get_by_role("row", name=re.compile(r"^Task 1: Evidence portfolio"))
    expect(task_row).to_contain_text("2.1Review previous interactions with customers")
    expect(task_row).to_contain_text("1.2Keep")
    expect(page.get_by_role("radio", name="Equivalent", exact=True)).to_be_checked()
    expect(page.get_by_role("group", name="Is it equivalent to FNSPIM409 release 1?")).to_contain_text(
        "The unit's mapping information states: equivalent."
    )
    save_screenshot(page, "release-diff-preview-fnspim409")
    assert_accessible(page)

    page.get_by_role("button", name="Confirm import").click()
    expect(page).to_have_url(re.compile(r"/units/FNSPIM409/release-2/$"))
    expect(page.get_by_role("status")).to_have_text(
        "Imported FNSPIM409 Maintain customer relationship, release 2: 3 elements, 10 performance criteria. "
        "Release 1 is now marked superseded."
    )
    mapping = page.get_by_role("region", name="Prerequisites and unit mapping")
    expect(mapping).to_contain_text(
        "Equivalent to the unit it supersedes, as the unit's mapping information states"
    )
    save_screenshot(page, "release-diff-unit-release-2")
    assert_accessible(page)

    page.goto(release_1_tool.get_absolute_url())
    newer = page.get_by_role("region", name="FNSPIM409 release 2 supersedes release 1 (equivalent)")
    expect(newer).to_contain_text("Students enrolled in this version stay on it.")
    save_screenshot(page, "release-diff-release-1-tool")
    assert_accessible(page)
    newer.get_by_role("button", name="Make a new version for the new release").click()

    expect(page.get_by_role("status").filter(has_text="Draft version")).to_have_text(
        "Draft version 2.0 for FNSPIM409 release 2 made from version 1.0: 1 task and 15 mappings carried "
        "over. 4 rows new or reworded in this release need your decision: see the assessment matrix."
    )
    expect(page.get_by_text("Made from version 1.0 for FNSPIM409 release 1.")).to_be_visible()
    save_screenshot(page, "release-diff-draft-tool")
    assert_accessible(page)

    page.get_by_role("link", name="Assessment matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment matrix: FNSPIM409 v2.0")
    expect(page.get_by_role("note")).to_contain_text("4 rows need your decision.")
    to_decide = page.get_by_role("row").filter(has_text="needs your decision")
    expect(to_decide).to_have_count(4)
    expect(to_decide.first).to_contain_text(
        "Reworded in this release. Task 1 mapped the old wording; that tick was not carried over."
    )
    expect(page.get_by_role("row", name=re.compile(r"^3\.4 Seek customer feedback"))).to_contain_text(
        "New in this release"
    )
    expect(page.get_by_role("button", name="Task 1 addresses 2.1", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    save_screenshot(page, "release-diff-matrix-decisions")
    assert_accessible(page)

    page.get_by_role("button", name="Task 1 addresses 1.2", exact=True).click()
    expect(page.get_by_role("button", name="Task 1 addresses 1.2", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    enrolled["FNSPIM409"].refresh_from_db()
    assert enrolled["FNSPIM409"].tool == release_1_tool
    assert AssessmentTool.objects.filter(unit__code="FNSPIM409", unit__release=2).count() == 1
