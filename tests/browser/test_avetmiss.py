"""An RTO admin checks the AVETMISS files for a collection period, narrows the results to fix a failing
check, downloads both files as a ZIP and gets exactly the lines the specification lays out."""

import datetime
import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from evidence.models import Enrolment, UnitResult
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in
from units.models import Unit

SYDNEY = ZoneInfo("Australia/Sydney")


def signed(enrolment, outcome, assessor, day):
    return UnitResult.objects.create(
        enrolment=enrolment,
        outcome_id=outcome,
        assessor=assessor,
        signed_at=datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SYDNEY),
        typed_name=assessor.get_full_name(),
        sha256="0" * 64,
    )


@pytest.mark.browser
def test_admin_fixes_a_failing_check_by_narrowing_the_results_and_downloads_the_files(
    page, settings, alice, bob, dana, enrolled
):
    settings.AVETMISS = {
        **settings.AVETMISS,
        "training_organisation_id": "90001",
        "delivery_location_id": "CAMPUS1",
    }
    Unit.objects.update(nominal_hours=30, field_of_education="081101")
    charlie_unit = enrolled["FNSPIM409"]
    signed(charlie_unit, "20", bob, datetime.date(2026, 11, 2))
    # Dana finished last year: her result belongs to the 2025 collection, not 2026's.
    dana_unit = Enrolment.objects.create(
        student=dana, tool=charlie_unit.tool, enrolled_on=datetime.date(2025, 2, 3)
    )
    signed(dana_unit, "20", bob, datetime.date(2025, 6, 10))

    sign_in(page, alice)
    page.get_by_role("link", name="Outcomes to the SMS").click()
    page.get_by_role("link", name="AVETMISS files").click()
    expect(page.get_by_role("heading", name="AVETMISS files for the national VET collection")).to_be_visible()
    page.get_by_label("Collection period from").fill("2026-01-01")
    page.get_by_label("Collection period to").fill("2026-12-31")
    page.get_by_role("button", name="Check the results").click()

    expect(page.get_by_text("1 check fails")).to_be_visible()
    failure = page.get_by_role("row").filter(has_text="Dana Lee (S0002)")
    expect(failure.get_by_role("cell", name="FNSPIM409", exact=True)).to_be_visible()
    expect(failure).to_contain_text("The activity ended 10/06/2025, before the collection period began")
    expect(page.get_by_role("link", name="Download both files (ZIP)")).to_have_count(0)
    assert_accessible(page)
    save_screenshot(page, "avetmiss-failing")

    page.get_by_label("Results signed from").fill("2026-01-01")
    page.get_by_label("Results signed to").fill("2026-12-31")
    page.get_by_role("button", name="Check the results").click()
    expect(page.get_by_text("Every check passes.", exact=True)).to_be_visible()
    expect(page.get_by_text("1 training activity (NAT00120) in 1 unit (NAT00060)")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "avetmiss-passing")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download both files (ZIP)").click()
    assert download.value.suggested_filename == "avetmiss-20260101-20261231.zip"
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        activity = archive.read("NAT00120.txt")
        subject = archive.read("NAT00060.txt")
    assert activity == (
        b"90001     CAMPUS1   S0001     FNSPIM409             0510202602112026YNN20208"
        + b" " * 20
        + b"@@N"
        + b" " * 58
        + b"I\r\n"
    )
    assert subject == b"FNSPIM409   Maintain customer relationship" + b" " * 70 + b"081101Y0030\r\n"


@pytest.mark.browser
def test_admin_sets_a_units_nominal_hours_from_its_failing_check_and_comes_back_to_pass(
    page, settings, alice, bob, enrolled
):
    settings.AVETMISS = {
        **settings.AVETMISS,
        "training_organisation_id": "90001",
        "delivery_location_id": "CAMPUS1",
    }
    Unit.objects.filter(code="FNSPIM409").update(field_of_education="081101")
    signed(enrolled["FNSPIM409"], "20", bob, datetime.date(2026, 11, 2))

    sign_in(page, alice)
    page.goto("/outcomes/avetmiss/?period_start=01/01/2026&period_end=31/12/2026")
    failure = page.get_by_role("row").filter(has_text="The unit has no nominal hours")
    expect(failure.get_by_role("cell", name="FNSPIM409", exact=True)).to_be_visible()
    failure.get_by_role("link", name="Set the unit's reporting details").click()

    expect(page.get_by_role("heading", name="FNSPIM409 - reporting details")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "unit-reporting")
    page.get_by_label("Nominal hours").fill("30")
    page.get_by_role("button", name="Save reporting details").click()

    expect(page.get_by_text("FNSPIM409's reporting details are saved.")).to_be_visible()
    expect(page.get_by_text("Every check passes.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download both files (ZIP)")).to_be_visible()

    # Back on the reporting details, the change is listed with who made it, above the first record.
    page.go_back()
    page.reload()
    changes = page.get_by_role("table", name="The reporting details each time they changed, newest first")
    newest, first = changes.get_by_role("row").nth(1), changes.get_by_role("row").nth(2)
    expect(newest.get_by_role("cell", name="Alice Nguyen")).to_be_visible()
    expect(newest.get_by_role("cell", name="30", exact=True)).to_be_visible()
    expect(first).to_contain_text("first recorded")
    expect(first.get_by_role("cell", name="—").first).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "unit-reporting-changes")
