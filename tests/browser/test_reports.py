"""A compliance manager (admin) reads the progress and exceptions reports, filters them, follows a
figure to the students behind it and downloads CSV and XLSX; an assessor sees only their cohorts."""

import csv
import datetime

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evidence.models import Cohort
from evidence.services.marking import record_unit_result
from reports.tests.conftest import attempt, enrol
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.fixture
def rto(enrolled, bob, erin):
    """Bob's cohort at every stage, with one result signed; Erin's cohort beside it."""
    cohort = enrolled["FNSPIM409"].cohort
    pim409 = enrolled["FNSPIM409"].tool
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    attempt(enrolled["FNSPIM409"], status="S")
    record_unit_result(
        enrolled["FNSPIM409"], by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
    )
    for number, (name, status) in enumerate(
        [
            ("Priya", "submitted"),
            ("Wei", "submitted"),
            ("Aroha", "draft"),
            ("Linh", "assessing"),
            ("Kiri", None),
        ]
    ):
        enrolment = enrol(cohort, pim409, f"s{number}", first_name=name, enrolled_on=long_ago)
        if status:
            attempt(enrolment, status=status, days_ago=20)
    theirs = Cohort.objects.create(name="Erin's evening class", code="FNS-EV2", start_date=long_ago)
    theirs.assessors.add(erin)
    enrol(theirs, pim409, "e1", first_name="Yuki")
    return cohort


@pytest.mark.browser
def test_compliance_manager_reads_progress_follows_a_figure_and_downloads(page, alice, rto, tmp_path):
    sign_in(page, alice)
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", name="Progress report")).to_be_visible()
    expect(page.get_by_role("heading", name="Students by stage (8 enrolments)")).to_be_visible()
    expect(page.get_by_role("img", name="Students by stage: 8 students in all.")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "reports-progress")

    page.get_by_label("Cohort", exact=True).select_option(label="FNS-PB1 Premium banking")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="Students by stage (7 enrolments)")).to_be_visible()
    expect(page.get_by_role("row", name="Competent 1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="2 students at Submitted").click()
    expect(page.get_by_role("heading", name="Students at “Submitted”")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("link", name="Priya Student")).to_be_visible()
    expect(page.get_by_role("link", name="Wei Student")).to_be_visible()
    expect(page.get_by_text("Yuki")).to_have_count(0)
    assert_accessible(page)
    save_screenshot(page, "reports-submitted-list")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    download.value.save_as(tmp_path / "submitted.csv")
    with (tmp_path / "submitted.csv").open(newline="", encoding="utf-8") as file:
        assert [(row["Student"], row["Stage"]) for row in csv.DictReader(file)] == [
            ("Priya Student", "Submitted"),
            ("Wei Student", "Submitted"),
        ]
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    download.value.save_as(tmp_path / "submitted.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "submitted.xlsx").worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Priya Student",
        "Wei Student",
    ]

    page.get_by_role("link", name="Priya Student").click()
    expect(page.get_by_text("FNSPIM409").first).to_be_visible()


@pytest.mark.browser
def test_compliance_manager_reads_exceptions_and_the_workload(page, alice, rto, tmp_path):
    sign_in(page, alice)
    page.goto("/reports/")
    page.get_by_role("link", name="Exceptions").click()
    expect(page.get_by_role("heading", name="Exceptions report")).to_be_visible()
    expect(page.get_by_role("img", name="Work waiting more than 14 days, by assessor")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "reports-exceptions")

    page.get_by_label("Late after (days)").fill("30")
    page.get_by_role("button", name="Filter").click()
    expect(
        page.get_by_role("link", name="0 — Work waiting for marking too long: open the list")
    ).to_be_visible()
    page.get_by_label("Late after (days)").fill("14")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="3 — Work waiting for marking too long: open the list").click()
    expect(page.get_by_role("heading", name="Work waiting for marking more than 14 days")).to_be_visible()
    expect(page.get_by_role("link", name="Linh Student")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    download.value.save_as(tmp_path / "waiting.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "waiting.xlsx").worksheets[0]
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "Linh Student",
        "Priya Student",
        "Wei Student",
    ]


@pytest.mark.browser
def test_an_assessor_sees_only_their_own_cohort_in_the_reports(page, erin, rto):
    sign_in(page, erin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Students by stage (1 enrolment)")).to_be_visible()
    expect(page.get_by_role("rowheader", name="FNS-EV2 Erin's evening class")).to_be_visible()
    expect(page.get_by_text("FNS-PB1")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Exceptions").click()
    expect(page.get_by_text("Bob Taylor")).to_have_count(0)
    assert_accessible(page)
