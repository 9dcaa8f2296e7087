"""Hostile and broken uploads: a clear message, no server error, nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceItem
from evidence.services.attempts import add_file_evidence, open_attempt
from evidence.tests.files import EXE, PDF, PNG, TEXT, docx, upload, zip_bomb
from evidence.uploads import UploadRefused, check_upload

pytestmark = pytest.mark.django_db

CORPUS = [
    # (name as sent, content, what the student is told)
    ("report.pdf", EXE, "“report.pdf” is not a type of file we accept as evidence"),
    ("setup.exe", EXE, "“setup.exe” is not a type of file we accept as evidence"),
    ("essay.docx", b"PK\x03\x04" + b"\x00" * 60, "“essay.docx” is not a type of file we accept as evidence"),
    (
        "gifar.png",
        b"GIF89a/*\x00\x00*/=alert(1)//" + b"PK\x03\x04",
        "“gifar.png” is not a type of file we accept",
    ),
    ("page.txt", b"<!DOCTYPE html><script>alert(1)</script>", "“page.txt” is not a type of file we accept"),
    (
        "image.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "“image.svg” is not a type",
    ),
    (
        "latin1.txt",
        "Café notes".encode("latin-1") + b"\xff" * 10 + b" more text here",
        "“latin1.txt” is not a type",
    ),
    ("bomb.zip", zip_bomb(), "“bomb.zip” is not a type of file we accept as evidence"),
    ("empty.pdf", b"", "“empty.pdf” is empty (0 bytes)."),
]


@pytest.mark.parametrize(("name", "content", "message"), CORPUS, ids=[case[0] for case in CORPUS])
def test_bad_upload_gets_a_clear_message_and_stores_nothing(
    client, charlie, enrolment, portfolio, settings, name, content, message
):
    client.force_login(charlie)
    response = client.post(
        reverse("evidence:evidence_upload", args=[enrolment.pk, portfolio.pk]),
        {"files": [upload(name, content)]},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["results"][0]["message"].startswith(message)
    assert EvidenceItem.objects.count() == 0
    assert not any((settings.MEDIA_ROOT / "evidence").glob("**/*.*"))


def test_oversize_file_is_refused_before_it_is_read(client, charlie, enrolment, portfolio, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(charlie)
    response = client.post(
        reverse("evidence:evidence_upload", args=[enrolment.pk, portfolio.pk]),
        {"files": [upload("video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (2 * 1024 * 1024))]},
        headers={"Accept": "application/json"},
    )
    assert response.json()["results"][0]["message"] == "“video.mp4” is 2 MB; the limit is 1 MB."
    assert EvidenceItem.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("C:\\Users\\me\\notes.txt", "has folder names in it"),
        ("invoice\u202efdp.exe.txt", "has hidden control or right-to-left characters in its name"),
        ("bell\x07.txt", "has hidden control or right-to-left characters in its name"),
        ("...", "The file has no usable name"),
    ],
)
def test_names_that_hide_what_the_file_is_are_refused(charlie, enrolment, portfolio, name, message):
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    with pytest.raises(UploadRefused, match=message):
        add_file_evidence(attempt, SimpleUploadedFile(name, TEXT), by=charlie)
    assert EvidenceItem.objects.count() == 0


def test_the_browser_path_strips_folder_names_before_the_portal_sees_them(
    client, charlie, enrolment, portfolio
):
    """Django's own multipart parser keeps only the last part of a sent file name."""
    client.force_login(charlie)
    client.post(
        reverse("evidence:evidence_upload", args=[enrolment.pk, portfolio.pk]),
        {"files": [upload("../../etc/notes.txt", TEXT)]},
    )
    item = EvidenceItem.objects.get()
    assert item.title == "notes.txt"
    assert ".." not in item.file.name


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("essay.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notes.txt", TEXT, "text/plain"),
        ("wrongly-named.pdf", PNG, "image/png"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, content_type):
    checked = check_upload(SimpleUploadedFile(name, content))
    assert checked.content_type == content_type
