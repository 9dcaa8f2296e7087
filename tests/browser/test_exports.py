"""An assessor downloads every record sheet of a cohort as one ZIP, following the worker's progress."""

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
    buttons = page.get_by_role("group", name="Download all record sheets")
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
