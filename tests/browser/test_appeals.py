"""A student appeals their unit result; an admin assigns another assessor, who upholds it; the student reads it."""

import re

import pytest
from playwright.sync_api import expect

from evidence.models import AppealDecision, Attempt
from evidence.services.marking import record_unit_result
from evidence.tests.journeys import mark_all, sign, submitted
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in


@pytest.fixture
def not_yet_competent(enrolled, charlie, bob):
    """Charlie's FNSPIM409 portfolio judged Not satisfactory, its one attempt used: Bob signs NYC."""
    enrolment = enrolled["FNSPIM409"]
    task = enrolment.tool.tasks.get(number=1)
    task.max_attempts = 1
    task.save()
    attempt = submitted(enrolment, 1, charlie)
    mark_all(attempt, bob, answer="N")
    sign(attempt, bob, result="NS", feedback="The portfolio does not show 1.3.")
    return record_unit_result(
        enrolment, by=bob, outcome="30", typed_name="Bob Taylor", password=bob.raw_password
    )


@pytest.mark.browser
def test_student_appeals_another_assessor_upholds_it_and_the_student_reads_the_outcome(
    page, new_context, alice, erin, charlie, not_yet_competent
):
    sign_in(page, charlie)
    page.get_by_role("link", name="Assessment record for FNSPIM409").click()
    appeal_section = page.get_by_role("region", name="Appeal this result")
    expect(appeal_section).to_contain_text(re.compile(r"you may appeal it until \d\d/\d\d/\d{4}"))
    assert_accessible(page)
    appeal_section.get_by_text("Write your appeal").click()
    appeal_section.get_by_label("Your grounds for the appeal").fill(
        "My portfolio's second file shows 1.3: the call log of 12/11/2026."
    )
    appeal_section.get_by_label("Type your full name to sign the appeal").fill("Charlie Wilson")
    save_screenshot(page, "appeal-form-student")
    appeal_section.get_by_role("button", name="Sign and lodge the appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Appeal against the result for FNSPIM409")
    )
    expect(page.get_by_text("Your appeal is lodged.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reviewer")).to_be_visible()
    expect(page.get_by_text("Not assigned yet")).to_be_visible()
    assert_accessible(page)

    admin = new_context().new_page()
    sign_in(admin, alice)
    admin.get_by_role("link", name="Appeals").click()
    expect(admin.get_by_role("heading", name="Appeals against unit results")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text="Charlie Wilson")
    expect(row).to_contain_text("Competency not achieved (30)")
    reviewer = row.get_by_label("Reviewer")
    expect(reviewer.locator("option")).to_have_text(["Choose an assessor", "Erin Park"])  # never Bob
    assert_accessible(admin)
    save_screenshot(admin, "appeals-list-to-assign")
    reviewer.select_option(label="Erin Park")
    row.get_by_role("button", name=re.compile("^Assign")).click()
    expect(admin.get_by_text("Erin Park reviews Charlie Wilson's appeal.")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="Charlie Wilson")).to_contain_text("With the reviewer")

    reviewer_page = new_context().new_page()
    sign_in(reviewer_page, erin)
    reviewer_page.get_by_role("link", name="Appeals to review").click()
    reviewer_page.get_by_role("link", name="Charlie Wilson").click()
    expect(reviewer_page.get_by_text("the call log of 12/11/2026")).to_be_visible()
    expect(reviewer_page.get_by_text("The portfolio does not show 1.3.")).to_be_visible()
    assert_accessible(reviewer_page)
    decide = reviewer_page.get_by_role("region", name="Decide the appeal")
    decide.get_by_label("Upheld: re-assessment").check()
    decide.get_by_label("Reasons for the decision").fill(
        "The call log shows 1.3; assess the portfolio again."
    )
    decide.get_by_role("checkbox", name=re.compile("^Task 1: ")).check()
    decide.get_by_label("Type your full name to sign").fill("Erin Park")
    decide.get_by_label("Your password").fill(erin.raw_password)
    decide.get_by_role("button", name="Sign the decision").click()
    expect(reviewer_page.get_by_text("Signed: the appeal is upheld: re-assessment.")).to_be_visible()
    save_screenshot(reviewer_page, "appeal-decided")
    assert_accessible(reviewer_page)

    page.get_by_role("link", name="FNSPIM409 record").click()
    expect(page.get_by_role("region", name="Unit result", exact=True)).to_contain_text(
        "Upheld: re-assessment"
    )
    page.get_by_role("link", name=re.compile("^Read the appeal")).click()
    expect(page.get_by_text("The call log shows 1.3; assess the portfolio again.")).to_be_visible()
    expect(page.get_by_text("Each task has a new attempt open")).to_be_visible()
    save_screenshot(page, "appeal-outcome-student")
    assert_accessible(page)
    page.get_by_role("listitem").get_by_role("link", name=re.compile("^Task 1: ")).click()
    expect(page.get_by_role("heading", name=re.compile("^Your evidence"))).to_be_visible()
    assert AppealDecision.objects.get().reviewer == erin
    assert Attempt.objects.filter(enrolment=not_yet_competent.enrolment, status="draft").count() == 1
