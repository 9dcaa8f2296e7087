"""The evidence guide (seed 004): blank per unit release, filled in per enrolment, as a page and as a PDF."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessor_portal.tests.pdfs import pdf_pages, pdf_text
from evidence.services.attempts import add_text_evidence, link_criteria, open_attempt
from evidence.services.marking import record_unit_result
from evidence.tests.journeys import mark_all, sign, submitted

pytestmark = pytest.mark.django_db

FNSPIM409_CRITERIA = [
    "1.1 Collect and check customer information with existing records",
    "1.2 Keep records of customer interaction up to date",
    "1.3 Maintain records of customer interaction in accordance with organisational procedures and relevant "
    "legislation",
    "2.1 Review previous interactions with customers",
    "2.2 Take steps to determine customer satisfaction with service provided",
    "2.3 Resolve problems or refer to relevant personnel as required",
    "2.4 Record areas where problems occur and provide information to management",
    "3.1 Determine customer needs based on records and claim information",
    "3.2 Establish effective regular communication with customers",
    "3.3 Ensure level of communication is appropriate to customer requirements",
]


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def guide_url(enrolment, pdf=False):
    return reverse("evidence:evidence_guide_pdf" if pdf else "evidence:evidence_guide", args=[enrolment.pk])


def guide_pdf(client, enrolment):
    response = client.get(guide_url(enrolment, pdf=True))
    assert response["Content-Type"] == "application/pdf"
    assert "FNS" in response["Content-Disposition"]
    return response.content


def criterion_block(text, code, next_code):
    """The PDF text of one criterion's block: from its number to the next criterion's."""
    start = text.index(f"{code} ")
    return text[start : text.index(f"{next_code} ", start)]


def test_blank_guide_pdf_lists_every_criterion_with_empty_fields_and_the_instructions(
    client, seed_units, charlie
):
    client.force_login(charlie)  # the catalogue, and its blank forms, are every signed-in user's
    response = client.get(reverse("units:unit_evidence_guide_pdf", args=["FNSPIM409", 1]))
    assert response["Content-Disposition"] == 'attachment; filename="FNSPIM409 evidence guide (blank).pdf"'
    pages = pdf_pages(response.content)
    text = " ".join(pages)
    assert "Evidence Guide: FNSPIM409 - Maintain customer relationship Student: Signature: Tips" in text
    for criterion in FNSPIM409_CRITERIA:
        assert text.count(criterion) == 2, criterion  # once with its boxes, once in the assessors' table
    assert text.count("Completed ☐ Date: Teacher: Evidence:") == 10
    assert "☑" not in text
    assert "Assessed Teacher: Date: Signature: Comments:" in text
    instructions = text[text.index("Instructions to Assessors") :]
    assert "ELEMENT" in instructions
    assert "PERFORMANCE CRITERIA" in instructions
    assert "maintain records and documentation relating to customer relationships" in instructions
    assert "Blank form" in pages[0]
    assert "Unit release 1" in pages[0]
    assert "Charlie" not in text
    assert all(page.endswith(f"Page {n} of {len(pages)}") for n, page in enumerate(pages, 1))


def test_filled_guide_pdf_shows_the_linked_evidence_and_the_sign_off(
    client, enrolment, portfolio, charlie, bob
):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item = add_text_evidence(attempt, by=charlie, title='Call log <img src="file:///etc/passwd">', text="…")
    link_criteria(item, [portfolio.criteria.get(element__number=1, number=1).pk], by=charlie)
    attempt = submitted(enrolment, portfolio.number, charlie)
    mark_all(attempt, bob)
    judgement = sign(attempt, bob, feedback="Thorough records.")
    record_unit_result(enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)

    client.force_login(charlie)
    pages = pdf_pages(guide_pdf(client, enrolment))
    text = " ".join(pages)
    assert "Student: Charlie Wilson (S0001) Signature: Signed electronically as “Charlie Wilson”" in text
    first = criterion_block(text, "1.1", "1.2")
    assert f"Completed ☑ Date: {day(judgement.signed_at)} Teacher: Bob Taylor" in first
    assert f'Call log <img src="file:///etc/passwd"> (task {portfolio.number}, attempt 1)' in first
    assert "None linked" in criterion_block(text, "1.2", "1.3")
    assert text.count("Completed ☑") == 10
    assert f"Assessed Teacher: Bob Taylor Date: {day(judgement.signed_at)}" in text
    assert "Competency achieved (outcome 20)." in text
    assert "Charlie Wilson (S0001)" in pages[-1]
    assert "Assessment tool v" in pages[-1]


def test_the_page_escapes_evidence_titles_and_offers_the_pdf(client, enrolment, portfolio, charlie):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item = add_text_evidence(attempt, by=charlie, title="<script>alert(1)</script>", text="…")
    link_criteria(item, [portfolio.criteria.get(element__number=1, number=1).pk], by=charlie)
    client.force_login(charlie)
    page = client.get(guide_url(enrolment)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert f'href="{guide_url(enrolment, pdf=True)}">Download PDF</a>' in page


def test_completed_follows_the_signed_yes_marks_and_the_release(client, fnscus504, charlie, bob, settings):
    settings.MARKING_QUALITY_CHECK = True
    observation = submitted(fnscus504, 3, charlie)
    mark_all(observation, bob)
    sign(observation, bob, result="S")

    client.force_login(charlie)
    assert "Completed ☑" not in pdf_text(guide_pdf(client, fnscus504))  # held for its quality check
    client.force_login(bob)
    text = pdf_text(guide_pdf(client, fnscus504))
    assert text.count("Completed ☑ Date:") == 8  # the observation's eight criteria
    assert text.count("Completed ☐ Date:") == 7
    assert text.count("Teacher: Bob Taylor") == 8
    assert "Assessed Teacher: Date: Signature: Comments:" in text


def test_only_the_student_and_their_assessors_may_read_a_filled_guide(client, enrolment, dana, erin, bob):
    for outsider in (dana, erin):
        client.force_login(outsider)
        assert client.get(guide_url(enrolment)).status_code == 404
        assert client.get(guide_url(enrolment, pdf=True)).status_code == 404
    client.force_login(bob)
    assert "Charlie Wilson" in client.get(guide_url(enrolment)).content.decode()
