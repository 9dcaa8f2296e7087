"""The assessment cover sheet of an attempt: the declaration as signed, the result and feedback in force."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw
from pypdf import PdfReader

from assessor_portal.tests.pdfs import pdf_pages, pdf_text
from evidence.models import Declaration
from evidence.tests.journeys import mark_all, sign, submitted

pytestmark = pytest.mark.django_db


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def cover_pdf(client, attempt):
    response = client.get(reverse("evidence:attempt_cover_sheet_pdf", args=[attempt.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def judged(fnscus504, charlie, bob):
    """Charlie's task 2 project, signed Not satisfactory by Bob with feedback that carries markup."""
    attempt = submitted(fnscus504, 2, charlie)
    mark_all(attempt, bob)
    sign(attempt, bob, result="NS", feedback='Add the segment analysis. <img src="file:///etc/passwd">')
    attempt.refresh_from_db()
    return attempt


def test_cover_sheet_pdf_has_every_field_of_the_seed_form(client, judged, charlie):
    client.force_login(charlie)
    pages = pdf_pages(cover_pdf(client, judged))
    text = " ".join(pages)
    declaration, judgement = judged.declaration, judged.judgements.get()
    assert "Assessment Cover Sheet FNSCUS504 - Manage premium customer relationships" in text
    assert f"Assessment task 2: {judged.task.title}" in text
    assert "Student name: Charlie Wilson Student ID: S0001" in text
    assert "I declare that the assessment tasks submitted for this unit are my own work." in text
    assert (
        f"Student signature: Signed electronically as “{declaration.typed_name}” Date: {day(declaration.signed_at)}"
        in text
    )
    assert "Result: ☐ Satisfactory ☑ Not satisfactory" in text
    assert 'Add the segment analysis. <img src="file:///etc/passwd">' in text
    assert (
        f"Assessor name: Bob Taylor Signature: Signed electronically as “Bob Taylor” Date: {day(judgement.signed_at)}"
        in text
    )
    assert pages[-1].endswith(f"Page {len(pages)} of {len(pages)}")


def test_the_page_escapes_the_feedback_and_offers_the_pdf(client, judged, bob):
    client.force_login(bob)
    page = client.get(reverse("evidence:attempt_cover_sheet", args=[judged.pk])).content.decode()
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in page
    assert '<img src="file:///etc/passwd">' not in page
    assert f'href="{reverse("evidence:attempt_cover_sheet_pdf", args=[judged.pk])}">Download PDF</a>' in page


def test_a_student_sees_no_result_before_it_is_released(client, judged, charlie):
    judged.feedback_released_at = None
    judged.save(update_fields=["feedback_released_at"])
    client.force_login(charlie)
    text = pdf_text(cover_pdf(client, judged))
    assert "Result: ☐ Satisfactory ☐ Not satisfactory" in text
    assert "segment analysis" not in text
    assert "once they have been released to you" in text


def test_a_submitted_attempt_shows_the_declaration_and_an_empty_result(client, fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 1, charlie)
    client.force_login(bob)
    text = pdf_text(cover_pdf(client, attempt))
    assert "Student signature: Signed electronically as “Charlie Wilson”" in text
    assert "Result: ☐ Satisfactory ☐ Not satisfactory" in text


def test_strangers_get_nothing(client, judged, dana, erin):
    for stranger in (dana, erin):
        client.force_login(stranger)
        assert client.get(reverse("evidence:attempt_cover_sheet_pdf", args=[judged.pk])).status_code == 404


def test_the_students_drawn_signature_prints_on_the_pdf(client, judged, bob):
    """A signature drawn on the tablet is a stored image: the PDF carries it beside the typed name."""
    signature = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(signature).line([(10, 60), (80, 15), (150, 65), (230, 20)], fill="black", width=4)
    drawn = io.BytesIO()
    signature.save(drawn, format="PNG")
    name = default_storage.save("signatures/drawn.png", ContentFile(drawn.getvalue()))
    Declaration.objects.filter(pk=judged.declaration.pk).update(signature=name)

    client.force_login(bob)
    content = cover_pdf(client, judged)
    images = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    assert [image.image.size for image in images] == [(240, 80)]
    assert "Student signature: Signed electronically as “Charlie Wilson”" in pdf_text(content)

    page = client.get(reverse("evidence:attempt_cover_sheet", args=[judged.pk])).content.decode()
    assert "<img" not in page  # the page never links a stored file; only the PDF embeds it
