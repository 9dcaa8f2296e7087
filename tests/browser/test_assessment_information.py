"""A student reads their unit's assessment information (the student version of the assessor resource)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.mark.browser
def test_student_opens_assessment_information_from_home_and_finds_the_way_back(page, charlie, enrolled):
    tool = enrolled["FNSCUS504"].tool
    sign_in(page, charlie)
    page.get_by_role("link", name="Assessment information for FNSCUS504").click()
    expect(page).to_have_url(f"{page.url.split('/tools/')[0]}/tools/{tool.pk}/student/")
    expect(page.get_by_role("heading", name="Observation Checklist: task 3", exact=False)).to_be_visible()
    expect(page.get_by_text("Assessor-only guidance")).to_have_count(0)
    expect(page.get_by_role("heading", name="Assessment Matrix")).to_have_count(0)
    breadcrumbs = page.get_by_role("navigation", name="breadcrumb")
    expect(breadcrumbs.get_by_role("link")).to_have_text(["Home"])  # no staff-only tool pages
    expect(breadcrumbs).to_contain_text("FNSCUS504 assessment information")
    assert_accessible(page)
    save_screenshot(page, "assessment-information-student")
    breadcrumbs.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Charlie")).to_be_visible()
