"""A file past its retention period is removed: the student and the assessor see when; the admin reads the report."""

import csv
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from evidence.models import Judgement
from evidence.services.attempts import add_file_evidence, open_attempt, submit_attempt
from evidence.services.retention import apply_retention
from evidence.tests.files import PDF, upload
from evidence.tests.journeys import mark_all, sign
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.fixture
def removed(enrolled, charlie, bob):
    """Charlie's portfolio file, judged Satisfactory seven months ago and removed by tonight's run."""
    enrolment = enrolled["FNSPIM409"]
    attempt = open_attempt(enrolment, enrolment.tool.tasks.get(number=1), by=charlie)
    item, _ = add_file_evidence(attempt, upload("call-log.pdf", PDF), by=charlie)
    attempt.refresh_from_db()
    submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)
    mark_all(attempt, bob)
    judgement = sign(attempt, bob, feedback="Well done.")
    Judgement.objects.filter(pk=judgement.pk).update(signed_at=timezone.now() - relativedelta(months=7))
    [item] = apply_retention(apply=True).removed
    return item


@pytest.mark.browser
def test_student_sees_when_the_file_was_removed_and_the_admin_lists_it(
    page, new_context, alice, bob, charlie, removed, tmp_path
):
    today = timezone.localdate().strftime("%d/%m/%Y")
    sign_in(page, charlie)
    page.get_by_role("link", name=re.compile("^Task 1: Evidence portfolio")).click()
    evidence = page.get_by_role("region", name=re.compile("^Evidence"))
    expect(evidence).to_contain_text("call-log.pdf")
    expect(evidence).to_contain_text(f"File removed under the retention policy on {today}")
    expect(evidence.get_by_role("link", name="call-log.pdf")).to_have_count(0)
    save_screenshot(page, "retention-file-removed-student")
    assert_accessible(page)

    gone = page.goto(f"/evidence/{removed.pk}/download/")
    assert gone.status == 410
    expect(page.get_by_role("heading", name="This file has been removed")).to_be_visible()
    assert_accessible(page)

    assessor = new_context().new_page()
    sign_in(assessor, bob)
    assessor.goto(f"/attempts/{removed.attempt_id}/mark/")
    expect(assessor.get_by_role("region", name=re.compile("^Evidence"))).to_contain_text(
        f"File removed under the retention policy on {today}"
    )
    assert_accessible(assessor)

    admin = new_context().new_page()
    sign_in(admin, alice)
    admin.get_by_role("link", name="Evidence removed").click()
    row = admin.get_by_role("row").filter(has_text="call-log.pdf")
    expect(row).to_contain_text("Charlie Wilson")
    expect(row).to_contain_text("FNSPIM409")
    expect(row).to_contain_text(removed.sha256)
    expect(row).to_contain_text(today)
    save_screenshot(admin, "retention-report")
    assert_accessible(admin)
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download CSV").click()
    saved = tmp_path / "removed.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["Removed on"], row["File name"], row["SHA-256"]) for row in rows] == [
        (today, "call-log.pdf", removed.sha256)
    ]
