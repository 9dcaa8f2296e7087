"""An RTO admin sends signed unit outcomes to the student management system as a CSV, and sees it logged."""

import csv

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evidence.models import OutcomeExport
from evidence.services.marking import record_unit_result
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.mark.browser
def test_admin_downloads_the_outcomes_from_home_and_sees_the_file_logged(
    page, alice, bob, enrolled, tmp_path
):
    charlie = enrolled["FNSPIM409"].student
    charlie.usi = "ABCDE12345"
    charlie.save()
    for enrolment in enrolled.values():
        record_unit_result(
            enrolment, by=bob, outcome="40", typed_name="Bob Taylor", password=bob.raw_password
        )
    today = timezone.localdate().strftime("%d/%m/%Y")

    sign_in(page, alice)
    page.get_by_role("link", name="Outcomes to the SMS").click()
    expect(page.get_by_role("heading", name="Unit outcomes to the student management system")).to_be_visible()
    expect(page.get_by_text("2 results not sent before.")).to_be_visible()
    expect(page.get_by_text("No outcomes sent yet.")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("outcomes-")
    saved = tmp_path / "outcomes.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["Student ID"], row["USI"], row["Family name"], row["Given name"]) for row in rows] == [
        ("S0001", "ABCDE12345", "Wilson", "Charlie")
    ] * 2
    assert [(row["Unit code"], row["Outcome code"]) for row in rows] == [
        ("FNSCUS504", "40"),
        ("FNSPIM409", "40"),
    ]
    assert {(row["Activity start date"], row["Activity end date"], row["Assessor"]) for row in rows} == {
        ("05/10/2026", today, "Bob Taylor")
    }

    page.reload()
    log = page.get_by_role("table")
    expect(log.get_by_role("cell", name="Alice Nguyen")).to_be_visible()
    expect(log.get_by_role("cell", name="Since the last export")).to_be_visible()
    expect(page.get_by_text("every result in force has gone out already")).to_be_visible()
    sent = OutcomeExport.objects.get()
    expect(log.get_by_text(sent.sha256)).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "outcomes-logged")

    with page.expect_download() as again:
        log.get_by_role("link", name="Download again").click()
    again.value.save_as(tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == saved.read_bytes()
