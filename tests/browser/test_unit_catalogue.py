"""Everyone signed in reads the unit catalogue: a student browses, searches and opens a unit."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, save_screenshot, sign_in, sub_items

FNSPIM409_KEY_FEATURES = [
    "industry and organisation codes of practice, policy and operating procedures",
    "current organisation’s services",
    "databases and computer systems",
    "relevant legislation.",
]


@pytest.mark.browser
def test_everyone_signed_in_browses_and_searches_the_catalogue(page, seed_units, charlie):
    sign_in(page, charlie)
    expect(page).to_have_url(re.compile(r"/student/$"))
    expect(page.get_by_role("heading", name="Welcome, Charlie")).to_be_visible()
    expect(page.get_by_role("link", name="Import a unit")).to_have_count(0)
    save_screenshot(page, "student-home")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Units").click()
    expect(page.get_by_role("heading", name="Units of competency")).to_be_visible()
    expect(page.get_by_role("link", name="FNSCUS504")).to_be_visible()
    expect(page.get_by_role("link", name="FNSPIM409")).to_be_visible()
    expect(page.get_by_role("link", name="Import a unit")).to_have_count(0)
    save_screenshot(page, "unit-list-student")
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search by code or title").fill("PIM")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 unit release matching “PIM”.")).to_be_visible()
    expect(page.get_by_role("link", name="FNSPIM409")).to_be_visible()
    expect(page.get_by_role("link", name="FNSCUS504")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="FNSPIM409").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FNSPIM409 - Maintain customer relationship")
    knowledge = page.get_by_role("region", name="Knowledge evidence")
    expect(sub_items(knowledge, "describe key features of:")).to_have_text(FNSPIM409_KEY_FEATURES)
    save_screenshot(page, "unit-detail-fnspim409-student")
    assert_accessible(page)
