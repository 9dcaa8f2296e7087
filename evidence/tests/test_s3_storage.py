"""Evidence, record sheet copies and exports in a private S3 bucket, on a real S3 server (moto's).

Every test goes through the portal's own views and services with the default storage set to the
bucket exactly as settings.py sets it from AWS_STORAGE_BUCKET_NAME, and looks in the bucket with a
boto3 client of its own. A download is a redirect to a presigned link that works for a minute.
"""

import datetime
import hashlib
import http.client
import io
import json
import tracemalloc
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from assessor_portal.pdf import PortalURLFetcher, stored_file_url
from assessor_portal.s3 import PART_BYTES, s3_download_origin
from evidence.models import DocumentExport, EvidenceItem, RecordSheetCopy
from evidence.services.marking import record_unit_result
from evidence.services.retention import apply_retention
from evidence.tests.files import PDF, PNG, TEXT, upload
from evidence.tests.journeys import satisfactory
from evidence.tests.s3 import REGION

# The retention tests' own way of handing in and judging a file a given time ago.
from evidence.tests.test_retention import NOW, handed_in, judged

pytestmark = pytest.mark.django_db


def upload_as(client, student, enrolment, task, name, content):
    """The student's upload, as the task page's form sends it."""
    client.force_login(student)
    response = client.post(
        reverse("evidence:evidence_upload", args=[enrolment.pk, task.pk]),
        {"files": [upload(name, content)]},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.json()
    return EvidenceItem.objects.latest("pk")


def follow(response):
    """Follow the portal's redirect to the bucket, as the browser does."""
    assert response.status_code == 302
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.status_code == 200, fetched.text
    return fetched


@pytest.fixture
def uploaded(s3, client, charlie, enrolment, portfolio):
    """Charlie's PDF, uploaded through the task page into the bucket."""
    return upload_as(client, charlie, enrolment, portfolio, "Customer log.pdf", PDF)


def test_a_students_upload_is_stored_in_the_bucket(s3, uploaded):
    assert s3.object_names() == [uploaded.file.name]
    assert s3.read(uploaded.file.name) == PDF


def test_the_stored_object_is_private(s3, uploaded):
    grants = s3.client().get_object_acl(Bucket=s3.name, Key=uploaded.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"
    assert requests.get(f"{s3.endpoint_url}/{s3.name}/{uploaded.file.name}", timeout=10).status_code == 403


def test_the_student_downloads_through_a_presigned_link_that_lasts_a_minute(client, s3, uploaded):
    response = client.get(reverse("evidence:evidence_download", args=[uploaded.pk]))
    link = urlsplit(response["Location"])
    query = parse_qs(link.query)
    assert f"{link.scheme}://{link.netloc}" == s3.endpoint_url
    assert link.path == f"/{s3.name}/{uploaded.file.name}"
    assert query["X-Amz-Expires"] == ["60"]
    assert response["Cache-Control"] == "private, no-store"
    fetched = follow(response)
    assert fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"] == 'inline; filename="Customer log.pdf"'
    assert fetched.headers["Cache-Control"] == "private, no-store"


def test_a_text_file_downloads_as_an_attachment_under_its_own_name(s3, client, charlie, enrolment, portfolio):
    item = upload_as(client, charlie, enrolment, portfolio, "Notes – café visit.txt", TEXT)
    fetched = follow(client.get(reverse("evidence:evidence_download", args=[item.pk])))
    assert fetched.content == TEXT
    assert fetched.headers["Content-Type"] == "text/plain"
    assert fetched.headers["Content-Disposition"] == (
        "attachment; filename*=utf-8''Notes%20%E2%80%93%20caf%C3%A9%20visit.txt"
    )


@pytest.mark.parametrize("persona", ["bob", "alice"])
def test_the_cohort_assessor_and_an_admin_download_it_too(client, uploaded, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert follow(client.get(reverse("evidence:evidence_download", args=[uploaded.pk]))).content == PDF


@pytest.mark.parametrize("persona", ["dana", "erin"])
def test_another_student_or_assessor_gets_404_and_no_link(client, uploaded, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("evidence:evidence_download", args=[uploaded.pk]))
    assert response.status_code == 404
    assert "Location" not in response


def test_the_content_security_policy_lets_the_marking_page_show_images_from_the_bucket(
    client, s3, charlie, bob, enrolment, portfolio
):
    """The marking page shows image evidence with <img src> pointing at the download view."""
    item = upload_as(client, charlie, enrolment, portfolio, "photo.png", PNG)
    client.force_login(bob)
    link = urlsplit(client.get(reverse("evidence:evidence_download", args=[item.pk]))["Location"])
    origin = s3_download_origin(bucket=s3.name, endpoint_url=s3.endpoint_url, region=REGION)
    assert f"{link.scheme}://{link.netloc}" == origin


def test_removing_evidence_from_a_draft_deletes_the_object(
    client, s3, charlie, uploaded, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:evidence_remove", args=[uploaded.pk]))
    assert not EvidenceItem.objects.exists()
    assert s3.object_names() == []


def test_deleting_a_file_through_the_storage_removes_the_object(s3, uploaded):
    """What retention does with an expired evidence file: storage.delete, and the object is gone."""
    storage, name = uploaded.file.storage, uploaded.file.name
    storage.delete(name)
    assert s3.object_names() == []
    assert not storage.exists(name)


def test_retention_deletes_exactly_the_expired_files_from_the_bucket(s3, enrolment, fnscus504, charlie, bob):
    old = judged(handed_in(enrolment, 1, charlie, "old.pdf", PDF + b"old"), bob, relativedelta(months=7))
    recent = judged(
        handed_in(fnscus504, 1, charlie, "recent.pdf", PDF + b"recent"), bob, relativedelta(months=5)
    )
    stored = old.file.name

    dry = apply_retention(NOW)
    assert sorted(s3.object_names()) == sorted([stored, recent.file.name])
    run = apply_retention(NOW, apply=True)

    assert [item.pk for item in dry.found] == [item.pk for item in run.removed] == [old.pk]
    assert s3.object_names() == [recent.file.name]
    old.refresh_from_db()
    assert (old.file.name, old.size, old.sha256) == (
        "",
        len(PDF + b"old"),
        hashlib.sha256(PDF + b"old").hexdigest(),
    )


@pytest.fixture
def competent(s3, fnscus504, charlie, bob, django_capture_on_commit_callbacks):
    """Charlie's FNSCUS504 signed Competent by Bob; the worker keeps its record sheet as it commits."""
    for number in (1, 2, 3):
        satisfactory(fnscus504, number, charlie, bob)
    with django_capture_on_commit_callbacks(execute=True):
        return record_unit_result(
            fnscus504, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
        )


def test_a_record_sheet_copy_is_kept_in_the_bucket_and_downloads_byte_for_byte(
    client, s3, competent, charlie
):
    copy = RecordSheetCopy.objects.get()
    assert copy.pdf.name in s3.object_names()
    client.force_login(charlie)
    response = client.get(reverse("evidence:enrolment_record_sheet_pdf", args=[competent.enrolment.pk]))
    assert response.content == s3.read(copy.pdf.name)
    assert response.content.startswith(b"%PDF-")


def test_a_cohort_export_is_kept_in_the_bucket_and_downloads_through_a_link(
    client, s3, bob, cohort, enrolment, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evidence:cohort_export", args=[cohort.pk]), {"kind": "record_sheets", "format": "zip"}
        )
    export = DocumentExport.objects.get()
    assert export.status == "done"
    assert export.file.name in s3.object_names()
    fetched = follow(client.get(reverse("evidence:export_download", args=[export.pk])))
    assert fetched.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(fetched.content)) as archive:
        assert archive.namelist() == ["FNSPIM409 record sheet, Charlie Wilson.pdf"]


def test_the_worker_deletes_an_old_export_from_the_bucket(s3, bob, cohort, enrolment):
    from django.utils import timezone

    from evidence.services.exports import build_export, request_export

    old = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    build_export(old)
    old.refresh_from_db()
    DocumentExport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    build_export(request_export(cohort, by=bob, kind="record_sheets", format="pdf"))
    assert s3.object_names() == [DocumentExport.objects.get().file.name]


def test_the_pdf_renderer_reads_a_drawn_signature_from_the_bucket(s3):
    """Cover sheets and record sheets print the student's drawn signature, kept beside the evidence."""
    name = default_storage.save("signatures/drawn.png", ContentFile(PNG))
    assert s3.read(name) == PNG
    assert PortalURLFetcher().fetch(stored_file_url(name)).read() == PNG


def multipart_file_body(boundary, filename, path):
    """A form's file field as multipart/form-data, read from disk as it is sent: (length, chunks)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk
        yield tail

    return len(head) + path.stat().st_size + len(tail), chunks()


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_streams_into_the_bucket_without_holding_the_file_in_memory(
    live_server, s3, client, charlie, enrolment, portfolio, settings, tmp_path
):
    """A 200 MB video goes through Django's upload handlers and a multipart upload to the bucket.

    The live server runs in this process, so tracemalloc sees every allocation the request makes
    (the S3 server keeps the object in a process of its own); the body is sent from disk as it is
    read. bench/s3_upload.py measures the same upload's resident memory in a real server process.
    """
    size = 200 * 1024 * 1024
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 300 * 1024 * 1024
    video = tmp_path / "site-visit.mp4"
    with video.open("wb") as out:
        out.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        out.truncate(size)
    client.force_login(charlie)

    def post(path):
        length, body = multipart_file_body("UploadBoundary0123456789", path.name, path)
        connection = http.client.HTTPConnection(urlsplit(live_server.url).netloc, timeout=300)
        try:
            connection.request(
                "POST",
                reverse("evidence:evidence_upload", args=[enrolment.pk, portfolio.pk]),
                body=body,
                headers={
                    "Content-Type": "multipart/form-data; boundary=UploadBoundary0123456789",
                    "Content-Length": str(length),
                    "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={'b' * 32}",
                    "X-CSRFToken": "b" * 32,
                    "Accept": "application/json",
                },
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    # Warm up: the first request imports the views (and WeasyPrint with them) once per process.
    warm_up = tmp_path / "warm-up.txt"
    warm_up.write_bytes(TEXT)
    assert post(warm_up)[0] == 200
    tracemalloc.start()
    try:
        status, result = post(video)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 200, result
    item = EvidenceItem.objects.get(title="site-visit.mp4")
    assert (item.title, item.size) == ("site-visit.mp4", size)
    head = s3.client().head_object(Bucket=s3.name, Key=item.file.name)
    assert head["ContentLength"] == size
    assert head["ETag"].endswith(f'-{size // PART_BYTES}"')  # a multipart upload, one ETag per part
    # About 16 MB here, most of it botocore's service model, loaded once per thread. Parts read
    # into memory (S3Storage's own way: three 8 MB parts at once) would pass the limit.
    assert peak < 25 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
