"""A cohort's record sheets (or one task's cover sheets) in one download: asked for on the grid, built by the worker, followed, fetched.

Tasks run as they are queued here (the root conftest's ImmediateBackend), once the request's
transaction commits; tests/browser/test_exports.py runs the real database queue and its worker.
"""

import datetime
import io
import os
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from assessor_portal.tests.pdfs import pdf_text
from conftest import make_user
from evidence.documents import record_sheet
from evidence.models import DocumentExport, Enrolment, RecordSheetCopy
from evidence.services import exports
from evidence.services.attempts import open_attempt
from evidence.services.exports import ExportError, build_export, request_export
from evidence.services.marking import record_unit_result
from evidence.services.records import record_sheet_pdf
from evidence.tests.journeys import mark_all, satisfactory, sign, submitted

pytestmark = pytest.mark.django_db

CHARLIE_SHEET = "FNSPIM409 record sheet, Charlie Wilson.pdf"
DANA_SHEET = "FNSPIM409 record sheet, Dana Lee.pdf"


@pytest.fixture
def class_of_two(enrolment, cohort, dana, tools):
    """Charlie and Dana, both enrolled in FNSPIM409 through Bob's cohort."""
    cohort.students.add(dana)
    dana_enrolment = Enrolment.objects.create(
        student=dana, tool=tools["FNSPIM409"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    return [enrolment, dana_enrolment]


def ask_for(client, cohort, capture, format="zip"):
    """Press a download button on the cohort grid; the worker's task runs as the request commits."""
    with capture(execute=True):
        response = client.post(
            reverse("evidence:cohort_export", args=[cohort.pk]), {"kind": "record_sheets", "format": format}
        )
    export = DocumentExport.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == export.get_absolute_url()
    return export


def download(client, export):
    response = client.get(reverse("evidence:export_download", args=[export.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def unzip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_assessor_downloads_a_zip_of_one_record_sheet_per_student(
    client, bob, cohort, class_of_two, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    export = ask_for(client, cohort, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    assert (export.status, export.total, export.done) == ("done", 2, 2)
    assert export.requested_by == bob
    assert export.finished_at is not None
    assert export.file.name.startswith(f"exports/{cohort.pk}/")
    response, content = download(client, export)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="FNS-T4 record sheets.zip"'
    assert response["Cache-Control"] == "private, no-store"
    sheets = unzip(content)
    assert sorted(sheets) == [CHARLIE_SHEET, DANA_SHEET]
    assert "Charlie Wilson" in pdf_text(sheets[CHARLIE_SHEET])
    assert "Dana Lee" not in pdf_text(sheets[CHARLIE_SHEET])
    assert "Dana Lee" in pdf_text(sheets[DANA_SHEET])
    assert "Charlie Wilson" not in pdf_text(sheets[DANA_SHEET])


def test_a_signed_record_sheet_goes_into_the_zip_as_its_archival_copy_byte_for_byte(
    client, bob, charlie, cohort, class_of_two, django_capture_on_commit_callbacks
):
    satisfactory(class_of_two[0], 1, charlie, bob)
    with django_capture_on_commit_callbacks(execute=True):
        result = record_unit_result(
            class_of_two[0], by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
        )
    kept = RecordSheetCopy.objects.get(result=result)
    client.force_login(bob)

    sheets = unzip(download(client, ask_for(client, cohort, django_capture_on_commit_callbacks))[1])

    with kept.pdf.open("rb") as handle:
        assert sheets[CHARLIE_SHEET] == handle.read()


def test_admin_downloads_one_pdf_of_every_students_record_sheet(
    client, alice, cohort, class_of_two, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    export = ask_for(client, cohort, django_capture_on_commit_callbacks, format="pdf")

    response, content = download(client, export)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="FNS-T4 record sheets.pdf"'
    text = pdf_text(content)
    assert text.index("Student name: Dana Lee") < text.index("Student name: Charlie Wilson")
    reader = PdfReader(io.BytesIO(content))
    one_by_one = [
        len(PdfReader(io.BytesIO(record_sheet_pdf(record_sheet(enrolment)))).pages)
        for enrolment in class_of_two
    ]
    assert len(reader.pages) == sum(one_by_one)
    # Each student's bookmark, with the sheet's own headings nested under it.
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks == ["Dana Lee, FNSPIM409", "Charlie Wilson, FNSPIM409"]


@pytest.mark.parametrize("stranger", ["erin", "charlie"])
def test_strangers_get_404_for_the_export_page_and_its_download(
    client, bob, cohort, class_of_two, stranger, request, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    export = ask_for(client, cohort, django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(stranger))

    assert client.get(export.get_absolute_url()).status_code == 404
    assert client.get(reverse("evidence:export_download", args=[export.pk])).status_code == 404


def test_strangers_cannot_ask_for_a_cohorts_record_sheets(client, erin, cohort, class_of_two):
    client.force_login(erin)
    response = client.post(
        reverse("evidence:cohort_export", args=[cohort.pk]), {"kind": "record_sheets", "format": "zip"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        request_export(cohort, by=erin, kind="record_sheets", format="zip")
    assert not DocumentExport.objects.exists()


def test_a_failing_render_marks_the_export_failed_naming_the_record_sheet(
    client, bob, cohort, class_of_two, monkeypatch, django_capture_on_commit_callbacks
):
    def render(sheet):
        # Dana Lee's sheet comes first (by surname) and is made; Charlie Wilson's fails.
        if sheet.enrolment.student.first_name == "Charlie":
            raise OSError("font cache unreadable")
        return b"%PDF-1.7 Dana's sheet"

    monkeypatch.setattr(exports, "record_sheet_pdf", render)
    client.force_login(bob)
    export = ask_for(client, cohort, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    assert (export.status, export.total, export.done) == ("failed", 2, 1)
    assert export.error.startswith("Charlie Wilson's FNSPIM409 record sheet could not be made")
    assert export.file.name == ""
    assert export.finished_at is not None
    page = client.get(export.get_absolute_url())
    assert escape(export.error) in page.content.decode()
    assert b"hx-trigger" not in page.content
    assert client.get(reverse("evidence:export_download", args=[export.pk])).status_code == 404


def test_progress_page_shows_the_count_and_polls_until_the_file_is_ready(client, bob, cohort, class_of_two):
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")  # queued: no worker here
    client.force_login(bob)

    page = client.get(export.get_absolute_url()).content.decode()
    assert '<progress class="w-100 mb-1" max="2" value="0"' in page
    assert "0 of 2 record sheets" in page
    assert 'hx-trigger="every 1s"' in page
    assert "Download" not in page

    build_export(export)
    fragment = client.get(export.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<section id="export-progress"')
    assert "<h1" not in fragment
    assert 'max="2" value="2"' in fragment
    assert "2 of 2 record sheets" in fragment
    assert "hx-trigger" not in fragment
    assert "Download FNS-T4 record sheets.zip" in fragment


def test_following_an_export_writes_nothing(client, bob, cohort, class_of_two):
    export = request_export(cohort, by=bob, kind="record_sheets", format="pdf")
    client.force_login(bob)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(export.get_absolute_url()).status_code == 200
        assert client.get(export.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 200

    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert DocumentExport.objects.get().status == "queued"


def test_pressing_twice_before_the_worker_starts_asks_once(bob, cohort, class_of_two):
    first = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    second = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    as_pdf = request_export(cohort, by=bob, kind="record_sheets", format="pdf")
    assert second == first
    assert as_pdf != first
    assert DocumentExport.objects.count() == 2


def test_a_cohort_without_enrolments_has_nothing_to_download(client, bob, cohort):
    with pytest.raises(ExportError, match="No one in this cohort is enrolled"):
        request_export(cohort, by=bob, kind="record_sheets", format="zip")
    client.force_login(bob)
    response = client.post(
        reverse("evidence:cohort_export", args=[cohort.pk]), {"kind": "record_sheets", "format": "zip"}
    )
    assert response.url == reverse("evidence:cohort_grid", args=[cohort.pk])
    assert not DocumentExport.objects.exists()


def test_the_worker_builds_an_export_once(bob, cohort, class_of_two, monkeypatch):
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    build_export(export)
    monkeypatch.setattr(exports, "record_sheet_pdf", lambda sheet: pytest.fail("rendered again"))
    assert build_export(export) is None
    assert DocumentExport.objects.get().status == "done"


def test_zip_memory_does_not_grow_with_the_number_of_students(bob, cohort, tools, monkeypatch):
    """Twelve 1 MB record sheets: a ZIP built in memory would hold all twelve at once."""
    for number in range(12):
        student = make_user(f"student{number}", "student", first_name="Student", last_name=f"{number:02}")
        cohort.students.add(student)
        Enrolment.objects.create(
            student=student, tool=tools["FNSPIM409"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
        )
    # Random bytes do not compress, so each sheet stays 1 MB inside the ZIP too.
    monkeypatch.setattr(exports, "record_sheet_pdf", lambda sheet: os.urandom(1024 * 1024))
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")

    tracemalloc.start()
    try:
        build_export(export)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    export.refresh_from_db()
    assert (export.status, export.done, export.file.size > 12 * 1024 * 1024) == ("done", 12, True)
    assert peak < 6 * 1024 * 1024


# -- one task's cover sheets ---------------------------------------------------------------------


def ask_for_cover_sheets(client, cohort, task, capture, format="zip"):
    with capture(execute=True):
        response = client.post(
            reverse("evidence:cohort_export", args=[cohort.pk]),
            {"kind": "cover_sheets", "task": task.pk, "format": format},
        )
    export = DocumentExport.objects.latest("pk")
    assert response.url == export.get_absolute_url()
    return export


def test_assessor_downloads_one_tasks_cover_sheets_latest_attempt_each(
    client, bob, cohort, class_of_two, portfolio, charlie, dana, django_capture_on_commit_callbacks
):
    charlie_enrolment, dana_enrolment = class_of_two
    first = submitted(charlie_enrolment, portfolio.number, charlie)
    mark_all(first, bob, answer="N")
    resubmit_by = timezone.localdate() + datetime.timedelta(days=14)
    sign(first, bob, result="NS", feedback="Add the complaint file.", resubmit_by=resubmit_by)
    second = open_attempt(charlie_enrolment, portfolio, by=charlie)  # the resubmission, in progress
    satisfactory(dana_enrolment, portfolio.number, dana, bob)
    client.force_login(bob)

    export = ask_for_cover_sheets(client, cohort, portfolio, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    assert (export.status, export.total, export.done) == ("done", 2, 2)
    response, content = download(client, export)
    assert response["Content-Disposition"] == (
        f'attachment; filename="FNS-T4 FNSPIM409 task {portfolio.number} cover sheets.zip"'
    )
    files = unzip(content)
    assert sorted(files) == [
        f"FNSPIM409 task {portfolio.number} cover sheet, Charlie Wilson.pdf",
        f"FNSPIM409 task {portfolio.number} cover sheet, Dana Lee.pdf",
    ]
    charlie_text = pdf_text(files[f"FNSPIM409 task {portfolio.number} cover sheet, Charlie Wilson.pdf"])
    assert f"attempt {second.number}" in charlie_text  # the latest attempt, not the judged first
    assert "Add the complaint file." not in charlie_text
    assert "Result: ☐ Satisfactory ☐ Not satisfactory" in charlie_text
    dana_text = pdf_text(files[f"FNSPIM409 task {portfolio.number} cover sheet, Dana Lee.pdf"])
    assert "Student name: Dana Lee Student ID: S0002" in dana_text
    assert "Result: ☑ Satisfactory ☐ Not satisfactory" in dana_text
    assert "Well done." in dana_text


def test_one_pdf_of_cover_sheets_has_a_bookmark_per_student(
    client, alice, cohort, class_of_two, portfolio, charlie, dana, bob, django_capture_on_commit_callbacks
):
    for enrolment, student in zip(class_of_two, (charlie, dana), strict=True):
        satisfactory(enrolment, portfolio.number, student, bob)
    client.force_login(alice)
    export = ask_for_cover_sheets(client, cohort, portfolio, django_capture_on_commit_callbacks, format="pdf")
    _, content = download(client, export)
    reader = PdfReader(io.BytesIO(content))
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks == ["Dana Lee, attempt 1", "Charlie Wilson, attempt 1"]  # by family name
    assert pdf_text(content).count("Assessment Cover Sheet") == 2


def test_a_task_with_no_attempts_or_of_another_cohort_is_refused(
    client, bob, cohort, class_of_two, portfolio, tools
):
    with pytest.raises(ExportError, match="No one in this cohort has started this task yet"):
        request_export(cohort, by=bob, kind="cover_sheets", format="zip", task=portfolio)
    other_task = tools["FNSCUS504"].tasks.get(number=1)  # no one in the cohort is enrolled in FNSCUS504
    with pytest.raises(ExportError, match="Choose one of this cohort's tasks"):
        request_export(cohort, by=bob, kind="cover_sheets", format="zip", task=other_task)
    client.force_login(bob)
    response = client.post(
        reverse("evidence:cohort_export", args=[cohort.pk]), {"kind": "cover_sheets", "format": "zip"}
    )
    assert response.url == reverse("evidence:cohort_grid", args=[cohort.pk])
    grid = client.get(response.url).content.decode()
    assert "Choose the task whose cover sheets you want." in grid
    assert not DocumentExport.objects.exists()


def test_the_grid_offers_each_task_and_lists_recent_downloads(client, bob, cohort, class_of_two, portfolio):
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    build_export(export)
    client.force_login(bob)
    grid = client.get(reverse("evidence:cohort_grid", args=[cohort.pk])).content.decode()
    assert (
        f'<option value="{portfolio.pk}">FNSPIM409 task {portfolio.number}: {escape(portfolio.title)}</option>'
        in grid
    )
    recent = grid[grid.index("Recent downloads") :]
    assert (
        f'<a href="{export.get_absolute_url()}">Record sheets, ZIP of one PDF per student</a> · Done'
        in recent
    )


# -- a worker that stops, and old files ----------------------------------------------------------


def test_a_stalled_export_says_so_and_asking_again_starts_afresh(client, bob, cohort, class_of_two, settings):
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    DocumentExport.objects.filter(pk=export.pk).update(
        status="running", done=1, progressed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    client.force_login(bob)
    page = client.get(export.get_absolute_url()).content.decode()
    assert "The work has stopped" in page
    assert "has added nothing to this file for 10 minutes" in page
    assert "Ask again" in page

    again = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    export.refresh_from_db()
    assert again != export
    assert (export.status, export.done) == ("failed", 1)
    assert "The task worker stopped before the file was finished" in export.error
    assert again.status == "queued"


def test_a_recent_export_is_not_stalled(client, bob, cohort, class_of_two):
    export = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    client.force_login(bob)
    page = client.get(export.get_absolute_url()).content.decode()
    assert "Waiting for the worker to start" in page
    assert "Ask again" not in page
    assert request_export(cohort, by=bob, kind="record_sheets", format="zip") == export


def test_the_worker_deletes_exports_older_than_the_keeping_time(bob, cohort, class_of_two):
    old = request_export(cohort, by=bob, kind="record_sheets", format="zip")
    build_export(old)
    old.refresh_from_db()
    old_file = old.file.path
    DocumentExport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    assert os.path.exists(old_file)

    build_export(request_export(cohort, by=bob, kind="record_sheets", format="pdf"))

    assert not DocumentExport.objects.filter(pk=old.pk).exists()
    assert not os.path.exists(old_file)
    assert DocumentExport.objects.get().status == "done"
