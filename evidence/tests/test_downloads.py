"""Evidence files are served only through a view that checks who is asking."""

import pytest
from django.urls import reverse

from evidence.services.attempts import add_file_evidence, open_attempt
from evidence.tests.files import PDF, PNG, TEXT, docx, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(charlie, enrolment, portfolio):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    pdf, _ = add_file_evidence(attempt, upload("Customer log.pdf", PDF), by=charlie)
    text, _ = add_file_evidence(attempt, upload("notes.txt", TEXT), by=charlie)
    return pdf, text


@pytest.mark.parametrize("persona", ["charlie", "bob", "alice"])
def test_student_cohort_assessor_and_admin_can_download(client, files, persona, request):
    pdf, text = files
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("evidence:evidence_download", args=[text.pk]))
    assert b"".join(response.streaming_content) == TEXT
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    inline = client.get(reverse("evidence:evidence_download", args=[pdf.pk]))
    assert b"".join(inline.streaming_content) == PDF
    assert inline["Content-Disposition"] == 'inline; filename="Customer log.pdf"'


@pytest.mark.parametrize("persona", ["dana", "erin"])
def test_strangers_get_404(client, files, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("evidence:evidence_download", args=[files[0].pk])).status_code == 404


def test_files_have_no_public_url(client, files, settings):
    stored = files[0].file.name
    assert client.get(f"/media/{stored}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{stored}").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "disposition"),
    [("photo.png", PNG, "inline"), ("essay.docx", docx(), "attachment")],
)
def test_images_open_in_the_browser_and_office_files_download(
    client, charlie, enrolment, portfolio, name, content, disposition
):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    item, _ = add_file_evidence(attempt, upload(name, content), by=charlie)
    client.force_login(charlie)
    response = client.get(reverse("evidence:evidence_download", args=[item.pk]))
    response.close()
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
