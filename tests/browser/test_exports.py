"""An assessor downloads every record sheet of a cohort as one ZIP, following the worker's progress, and
one task's cover sheets as one PDF."""

import datetime
import io
import threading
import zipfile

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from assessor_portal.tests.pdfs import pdf_text
from evidence.models import DocumentExport, Enrolment
from evidence.services import exports
from evidence.tests.journeys import mark_all, satisfactory, sign, submitted
from tests.browser.conftest import assert_accessible, save_screenshot, sign_in

# The worker must not wait for ever on a test that has already failed.
PATIENCE = 30


@pytest.fixture
def database_queue(settings):
    """Queue tasks in the database, as `make run` does: nothing runs until a worker takes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def paced_worker(monkeypatch):
    """A real database worker in a thread that holds back after its first record sheet.

    It waits until the test has seen "1 of 3" in the browser, so the page is seen moving
    through its progress however fast the machine renders.
    """
    seen_first = threading.Event()
    made = []
    render = exports.record_sheet_pdf

    def render_paced(sheet):
        if made:
            seen_first.wait(PATIENCE)
        made.append(sheet)
        return render(sheet)

    monkeypatch.setattr(exports, "record_sheet_pdf", render_paced)

    def run():
        try:
            Worker(
                queue_names=["default"],
                interval=0.1,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="browser-test-worker",
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="db_worker")
    yield thread, seen_first
    seen_first.set()
    if thread.ident is not None:  # started: let it finish before the database is flushed
        thread.join(PATIENCE)


@pytest.mark.browser
def test_assessor_downloads_every_record_sheet_of_the_cohort_as_a_zip(
    page, bob, dana, enrolled, database_queue, paced_worker
):
    cohort = enrolled["FNSPIM409"].cohort
    cohort.students.add(dana)
    Enrolment.objects.create(
        student=dana, tool=enrolled["FNSPIM409"].tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    worker, seen_first = paced_worker

    sign_in(page, bob)
    page.goto(f"/cohorts/{cohort.pk}/grid/")
    buttons = page.get_by_role("group", name="All record sheets")
    expect(buttons.get_by_role("button", name="One PDF")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "export-cohort-grid")
    buttons.get_by_role("button", name="ZIP").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("FNS-PB1 - Premium banking: record sheets")
    progress = page.locator("progress")
    expect(page.get_by_role("progressbar", name="0 of 3 record sheets")).to_be_visible()
    expect(progress).to_have_attribute("value", "0")
    expect(page.get_by_role("heading", name="Waiting for the worker to start")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "export-queued")

    worker.start()
    expect(page.get_by_role("progressbar", name="1 of 3 record sheets")).to_be_visible(
        timeout=PATIENCE * 1000
    )
    expect(progress).to_have_attribute("value", "1")
    expect(page.get_by_role("heading", name="Making the record sheets")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "export-running")
    seen_first.set()

    link = page.get_by_role("link", name="Download FNS-PB1 record sheets.zip")
    expect(link).to_be_visible(timeout=PATIENCE * 1000)
    expect(page.get_by_role("progressbar", name="3 of 3 record sheets")).to_have_attribute("value", "3")
    assert_accessible(page)
    save_screenshot(page, "export-done")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "FNS-PB1 record sheets.zip"
    with open(download.value.path(), "rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        sheets = {name: pdf_text(archive.read(name)) for name in archive.namelist()}

    assert sorted(sheets) == [
        "FNSCUS504 record sheet, Charlie Wilson.pdf",
        "FNSPIM409 record sheet, Charlie Wilson.pdf",
        "FNSPIM409 record sheet, Dana Lee.pdf",
    ]
    for name, text in sheets.items():
        unit, student = name.removesuffix(".pdf").split(" record sheet, ")
        assert f"Student name: {student}" in text
        assert f"Assessment Record Sheet {unit} - " in text
    assert DocumentExport.objects.get().status == "done"


@pytest.mark.browser
def test_assessor_downloads_one_tasks_cover_sheets_as_one_pdf(page, bob, charlie, dana, enrolled, tmp_path):
    """Tasks run as they are queued here: the page shows the file ready when it opens."""
    enrolment = enrolled["FNSCUS504"]
    cohort = enrolment.cohort
    cohort.students.add(dana)
    dana_enrolment = Enrolment.objects.create(
        student=dana, tool=enrolment.tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    satisfactory(enrolment, 2, charlie, bob)
    project = submitted(dana_enrolment, 2, dana)
    mark_all(project, bob, answer="N")
    sign(
        project,
        bob,
        result="NS",
        feedback="Compare results with targets.",
        resubmit_by=datetime.date(2026, 12, 9),
    )

    sign_in(page, bob)
    page.goto(f"/cohorts/{cohort.pk}/grid/")
    covers = page.get_by_role("group", name="One task's cover sheets")
    covers.get_by_label("Task").select_option(label="FNSCUS504 task 2: " + project.task.title)
    covers.get_by_role("button", name="One PDF of cover sheets").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "FNS-PB1 - Premium banking: FNSCUS504 task 2 cover sheets"
    )
    link = page.get_by_role("link", name="Download FNS-PB1 FNSCUS504 task 2 cover sheets.pdf")
    expect(link).to_be_visible()
    expect(page.get_by_role("progressbar", name="2 of 2 cover sheets")).to_have_attribute("value", "2")
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "covers.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert text.count("Assessment Cover Sheet FNSCUS504 - Manage premium customer relationships") == 2
    assert "Student name: Dana Lee" in text
    assert "Result: ☐ Satisfactory ☑ Not satisfactory" in text
    assert "Compare results with targets." in text
    assert "Result: ☑ Satisfactory ☐ Not satisfactory" in text

    page.get_by_role("link", name="FNS-PB1 progress").click()
    recent = page.get_by_role("region", name="Downloads").get_by_role("listitem")
    expect(recent).to_contain_text("FNSCUS504 task 2 cover sheets, One PDF · Done")
    save_screenshot(page, "export-cohort-grid-downloads")
