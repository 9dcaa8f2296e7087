"""An attempt's observation checklist as a form: the marks exactly as signed, for its readers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessor_portal.tests.pdfs import pdf_text
from evidence.services.marking import save_mark
from evidence.tests.journeys import sign, submitted
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db


def checklist_pdf(client, attempt):
    return pdf_text(client.get(reverse("evidence:attempt_checklist_pdf", args=[attempt.pk])).content)


@pytest.fixture
def observed(fnscus504, charlie, bob):
    """Charlie's observation (8 criteria): Yes on all but 3.2, which is No with a comment; signed Not satisfactory."""
    attempt = submitted(fnscus504, 3, charlie)
    for pc in checklist_criteria(attempt.task):
        no = pc.code == "3.2"
        save_mark(
            attempt.pk,
            pc.pk,
            by=bob,
            answer="N" if no else "Y",
            comment="Usage not analysed" if no else "",
            version=0,
        )
    sign(attempt, bob, result="NS", feedback="Analyse the usage patterns <b>before</b> recommending.")
    attempt.refresh_from_db()
    return attempt


def test_filled_checklist_ticks_each_answer_as_signed(client, observed, bob):
    client.force_login(bob)
    text = checklist_pdf(client, observed)
    assert "Student name: Charlie Wilson Student ID: S0001" in text
    assert f"Observed: {timezone.localtime(observed.submitted_at):%d/%m/%Y}" in text
    assert text.count("☑ ☐") == 7  # Yes ticked
    assert (
        "3.2 Analyse current usage patterns and identify and document effective service and product options ☐ ☑ Usage not analysed"
        in text
    )
    judgement = observed.judgements.get()
    assert (
        f"Assessor name: Bob Taylor Signature: Signed electronically as “Bob Taylor” Date: {timezone.localtime(judgement.signed_at):%d/%m/%Y}"
        in text
    )


def test_student_sees_the_marks_only_once_released(client, observed, charlie, settings):
    client.force_login(charlie)
    assert "Usage not analysed" in checklist_pdf(client, observed)  # released on signing
    observed.feedback_released_at = None
    observed.save(update_fields=["feedback_released_at"])
    text = checklist_pdf(client, observed)
    assert "Usage not analysed" not in text
    assert "☑" not in text
    assert "Your assessor's marks show here once your result has been released to you." in text


def test_unsigned_marks_show_as_marks_so_far_to_the_assessor(client, fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    pc = checklist_criteria(attempt.task)[0]
    save_mark(attempt.pk, pc.pk, by=bob, answer="Y", comment="<script>alert(1)</script>", version=0)
    client.force_login(bob)
    text = checklist_pdf(client, attempt)
    assert "Not signed yet: these are the marks so far, and they may still change." in text
    assert "<script>alert(1)</ script>" in text  # printed as text (the narrow column wraps after "/")
    page = client.get(reverse("evidence:attempt_checklist", args=[attempt.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_strangers_get_nothing(client, observed, dana, erin):
    for stranger in (dana, erin):
        client.force_login(stranger)
        assert client.get(reverse("evidence:attempt_checklist_pdf", args=[observed.pk])).status_code == 404
