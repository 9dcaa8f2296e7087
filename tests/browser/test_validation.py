"""A validation plan end to end: an admin plans it, the validator reviews each sampled judgement and
signs, the report is downloaded as a PDF and read, and the admin acts on a recommended change."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from units.models import AssessmentTool
from validation.models import ValidationAction
from validation.tests.conftest import judged, with_file

from .conftest import assert_accessible, save_screenshot, sign_in


@pytest.fixture
def judged_work(enrolled, bob, erin):
    """Charlie's FNSPIM409 portfolio and three other students', judged by Bob (three) and Erin (one)."""
    tool = enrolled["FNSPIM409"].tool
    with_file(judged(tool, bob, student=enrolled["FNSPIM409"].student))
    with_file(judged(tool, bob))
    with_file(judged(tool, bob, result="NS"))
    with_file(judged(tool, erin))
    return tool


@pytest.mark.browser
def test_a_validation_plan_is_planned_reviewed_signed_reported_and_acted_on(
    page, new_context, alice, erin, judged_work
):
    erin.first_name, erin.last_name = "Erin", "Park"
    vera = erin  # Erin judged one attempt: it is left out of her sample.
    sign_in(page, alice)
    page.get_by_role("link", name="Validation of assessment").click()
    expect(page.get_by_role("heading", name="Validation of assessment")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New validation plan").click()
    page.get_by_label("Unit release").select_option(
        label=f"FNSPIM409 {judged_work.unit.title} (release {judged_work.unit.release})"
    )
    page.get_by_label("Validator").select_option(label="Erin Park (Assessor)")
    page.get_by_label("Sample size").fill("2")
    assert_accessible(page)
    save_screenshot(page, "validation-new-plan")
    page.get_by_role("button", name="Draw the sample and make the plan").click()

    expect(page.get_by_role("status")).to_have_text("Plan made: 2 judged attempts sampled.")
    expect(page.get_by_role("heading", name="Sample: 2 of 3 judged attempts")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text(
        "1 judgement signed by Erin Park was left out of the sample: a validator does not validate their own"
    )
    assert_accessible(page)
    save_screenshot(page, "validation-plan-open")

    validator = new_context().new_page()
    sign_in(validator, vera)
    validator.get_by_role("link", name="Validation").click()
    expect(validator.get_by_role("row", name=re.compile("FNSPIM409"))).to_contain_text("0 of 2")
    assert_accessible(validator)
    save_screenshot(validator, "validation-plans-of-the-validator")
    validator.get_by_role("link", name=re.compile("FNSPIM409")).click()
    sample = validator.get_by_role("region", name=re.compile("^Sample"))
    sample.get_by_role("link", name=re.compile("task 1, attempt 1")).first.click()

    expect(validator.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sample 1: "))
    expect(validator.get_by_role("region", name="Evidence (1)")).to_contain_text("portfolio.pdf")
    expect(validator.get_by_role("region", name=re.compile("^Judgement:"))).to_contain_text("Clear analysis.")
    with validator.expect_download() as download:
        validator.get_by_role("link", name="portfolio.pdf").click(modifiers=["Alt"])
    assert download.value.path().read_bytes() == b"%PDF-1.4 the student's portfolio"
    assert_accessible(validator)
    save_screenshot(validator, "validation-sample-review")
    finding = validator.get_by_role("region", name="Your finding")
    finding.get_by_label("Agree: the evidence supports the judgement against the tool").check()
    finding.get_by_label("Comments").fill("Sufficient and current evidence.")
    finding.get_by_role("button", name="Save finding").click()

    expect(validator.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Sample 2: "))
    finding = validator.get_by_role("region", name="Your finding")
    finding.get_by_label("Disagree").check()
    finding.get_by_role("button", name="Save finding").click()
    expect(validator.get_by_role("alert")).to_contain_text("Say in the comments why you disagree")
    finding = validator.get_by_role("region", name="Your finding")
    finding.get_by_label("Disagree").check()
    finding.get_by_label("Comments").fill(
        "<script>alert('x')</script> The portfolio shows one complaint, not two."
    )
    finding.get_by_label("Recommended change to the tool (optional)").fill(
        "Ask for two complaints in task 1."
    )
    finding.get_by_role("button", name="Save finding").click()

    expect(validator.get_by_role("status")).to_have_text("Finding saved for sample 2.")
    signing = validator.get_by_role("region", name="Sign the plan")
    expect(signing).to_contain_text("1 agree, 1 disagree")
    assert_accessible(validator)
    signing.get_by_label("Type your full name to sign").fill("Erin Park")
    signing.get_by_label("Your password").fill(vera.raw_password)
    signing.get_by_role("button", name="Sign the plan").click()
    expect(validator.get_by_role("status")).to_have_text("Signed: the plan's findings are on the record.")
    expect(validator.get_by_role("region", name="Signed")).to_contain_text("Signed by Erin Park on")
    save_screenshot(validator, "validation-plan-signed")

    validator.get_by_role("link", name="Validation report", exact=True).click()
    expect(validator.get_by_role("heading", name="Validation of Assessment Report")).to_be_visible()
    assert_accessible(validator)
    save_screenshot(validator, "validation-report")
    with validator.expect_download() as download:
        validator.get_by_role("link", name="Download PDF").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(pdf_page.extract_text() for pdf_page in reader.pages).split())
    assert "FNSPIM409" in text
    assert "1 agree, 1 disagree" in text
    assert "<script>alert('x')</script> The portfolio shows one complaint" in text
    assert "Ask for two complaints in task 1." in text
    assert "Signed electronically as “Erin Park”" in text

    page.reload()
    page.get_by_role("button", name="Make a new version of the tool for sample 2").click()
    expect(page.get_by_role("status")).to_have_text(
        "Draft version 1.1 of the FNSPIM409 tool is ready for the recommended change."
    )
    expect(page.get_by_role("link", name="Version 1.1")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "validation-plan-acted-on")
    action = ValidationAction.objects.get()
    assert action.new_tool == AssessmentTool.objects.get(previous_version=judged_work)
