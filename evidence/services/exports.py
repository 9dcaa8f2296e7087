"""A cohort's documents in one download (its record sheets, or one task's cover sheets): asked for on a
page, built by the task worker.

A request only queues the work: the worker (evidence/tasks.py) renders each document in turn,
counting it done so the export's page can show progress, and writes the file as it goes: a ZIP
of one PDF per student grows in a temporary file, one document in memory at a time; one merged
PDF is assembled by pypdf and written out at the end.
"""

import io
import logging
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfWriter

from assessor_portal import pdf
from assessor_portal.revisions import lock_row
from evidence.documents import COVER_SHEET, cover_sheet_context, cover_sheet_filename, record_sheet
from evidence.models import Attempt, DocumentExport, Enrolment
from evidence.permissions import can_export_cohort
from evidence.services.records import record_sheet_filename, record_sheet_pdf
from evidence.tasks import queue_export
from units.models import Task

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The download could not be made: something went wrong while writing the file. "
    "Try again; if it fails again, tell the RTO's support."
)


class ExportError(Exception):
    """The export cannot be made; the message says why, for the person who asked for it."""


STALLED = (
    "The task worker stopped before the file was finished, so nothing was kept. Ask for the download "
    "again; if this happens again, tell the RTO's support that the task worker is not running."
)


def export_filename(export):
    """Name the download for the cohort and what it holds: `FNS-T4 FNSCUS504 task 2 cover sheets.zip`."""
    return f"{export.cohort.code} {export.title}.{export.format}"


def exportable_tasks(cohort):
    """The tasks whose cover sheets can be downloaded for the cohort: those of its students' tools."""
    return (
        Task.objects.filter(tool__enrolments__cohort=cohort)
        .select_related("tool__unit")
        .distinct()
        .order_by("tool__unit__code", "tool__version_major", "tool__version_minor", "number")
    )


@transaction.atomic
def request_export(cohort, *, by, kind, format, task=None):
    """Queue one download of the cohort's documents for the worker to build; return the export to follow."""
    if not can_export_cohort(by, cohort):
        raise PermissionDenied
    cohort_task = task is not None and exportable_tasks(cohort).filter(pk=task.pk).exists()
    if kind == DocumentExport.Kind.COVER_SHEETS and not cohort_task:
        raise ExportError("Choose one of this cohort's tasks to download its cover sheets.")
    asked = {"cohort": cohort, "requested_by": by, "kind": kind, "format": format, "task": task}
    contents = CONTENTS[kind]
    total = len(contents.rows(DocumentExport(**asked)))
    if not total:
        raise ExportError(contents.nothing_yet)
    _give_up_stalled(asked)
    waiting = DocumentExport.objects.filter(**asked, status=DocumentExport.Status.QUEUED).first()
    if waiting is not None:
        return waiting
    export = DocumentExport(**asked, total=total)
    export.full_clean()
    try:
        with transaction.atomic():
            export.save()
    except IntegrityError:
        # The same person's second press, arriving together with the first: follow the first.
        return DocumentExport.objects.get(**asked, status=DocumentExport.Status.QUEUED)
    queue_export(export)
    return export


def build_export(export):
    """Build the export's file, counting each document done; mark it done, or failed with the reason.

    Only the task worker calls this: a page never renders more than one document. Files older than
    EXPORT_KEEP_FOR are deleted first.
    """
    prune_exports()
    started = _start(export)
    if started is None:
        return None
    export, rows = started
    contents = CONTENTS[export.kind]
    try:
        with tempfile.TemporaryFile() as spool:
            with WRITERS[export.format](spool) as writer:
                for number, pk in enumerate(rows, start=1):
                    writer.add(contents.document(pk))
                    # Saved at once, outside any transaction, so the export's page sees it.
                    DocumentExport.objects.filter(pk=export.pk).update(
                        done=number, progressed_at=timezone.now()
                    )
            spool.seek(0)
            export.file.save(f"export.{export.format}", File(spool), save=False)
    except ExportError as error:
        logger.exception("Export %s failed", export.pk)
        return _fail(export, str(error))
    except Exception:  # the worker must record every failure, or the page would wait for ever
        logger.exception("Export %s failed", export.pk)
        return _fail(export, UNEXPECTED_FAILURE)
    export.status, export.done, export.finished_at = DocumentExport.Status.DONE, export.total, timezone.now()
    export.save(update_fields=["status", "done", "file", "finished_at"])
    return export


@transaction.atomic
def _start(export):
    """Claim a queued export for this worker and fix the documents it holds; None if it was claimed already."""
    export = lock_row(DocumentExport.objects.select_related("cohort", "task__tool__unit"), export.pk)
    if export.status != DocumentExport.Status.QUEUED:
        return None
    rows = CONTENTS[export.kind].rows(export)
    export.status, export.total, export.done = DocumentExport.Status.RUNNING, len(rows), 0
    export.progressed_at = timezone.now()
    export.save(update_fields=["status", "total", "done", "progressed_at"])
    if not rows:
        _fail(export, CONTENTS[export.kind].nothing_any_more)
        return None
    return export, rows


def _fail(export, error):
    # The count of documents made stays as the worker left it: the page shows where it stopped.
    export.file.delete(save=False)
    export.status, export.error, export.finished_at = DocumentExport.Status.FAILED, error, timezone.now()
    export.save(update_fields=["status", "error", "file", "finished_at"])
    return export


def _give_up_stalled(asked):
    """Record as failed the same request's exports whose worker stopped, so asking again starts afresh."""
    for export in DocumentExport.objects.filter(**asked, status__in=DocumentExport.IN_PROGRESS):
        if export.stalled:
            _fail(export, STALLED)


def prune_exports(now=None):
    """Delete the exports (and their files) finished longer ago than EXPORT_KEEP_FOR; return how many."""
    cutoff = (now or timezone.now()) - settings.EXPORT_KEEP_FOR
    old = DocumentExport.objects.filter(finished_at__lt=cutoff)
    for export in old.exclude(file=""):
        export.file.delete(save=False)
    return old.delete()[0]


@dataclass
class ExportDocument:
    """One document of an export: its file name in a ZIP, its bookmark in one PDF, its bytes."""

    filename: str
    title: str
    content: bytes


@dataclass
class ExportContents:
    """What one kind of export holds: the rows it covers, in order, and each row's document."""

    rows: Callable  # (export) -> [pk, …]: small, so the worker holds the list, never the documents
    document: Callable  # (pk) -> ExportDocument
    nothing_yet: str  # why there is nothing to ask for
    nothing_any_more: str  # why the worker found nothing when it started


def _record_sheet_rows(export):
    return list(
        Enrolment.objects.filter(cohort=export.cohort)
        .order_by("tool__unit__code", "student__last_name", "student__first_name", "pk")
        .values_list("pk", flat=True)
    )


def _record_sheet(pk):
    """An enrolment's record sheet: its kept archival copy, or rendered now."""
    # One row at a time: the worker's memory does not grow with the cohort.
    enrolment = Enrolment.objects.select_related("student", "tool__unit", "cohort").get(pk=pk)
    name, unit = enrolment.student.get_full_name(), enrolment.tool.unit.code
    try:
        sheet = record_sheet(enrolment)
        content = record_sheet_pdf(sheet)
    except Exception as error:
        raise ExportError(
            f"{name}'s {unit} record sheet could not be made, so the download was stopped. "
            "Try again; if it fails again, open that record sheet on its own to see what is wrong."
        ) from error
    return ExportDocument(record_sheet_filename(sheet), f"{name}, {unit}", content)


def _cover_sheet_rows(export):
    """Each student's latest attempt at the task, by family name: the cover sheet in force."""
    latest = {}
    for pk, enrolment_pk in (
        Attempt.objects.filter(enrolment__cohort=export.cohort, task=export.task)
        .order_by(
            "enrolment__student__last_name", "enrolment__student__first_name", "enrolment_id", "-number"
        )
        .values_list("pk", "enrolment_id")
    ):
        latest.setdefault(enrolment_pk, pk)
    return list(latest.values())


def _cover_sheet(pk):
    attempt = Attempt.objects.select_related("enrolment__student", "enrolment__tool__unit", "task").get(pk=pk)
    name = attempt.enrolment.student.get_full_name()
    try:
        content = pdf.render_pdf(COVER_SHEET, cover_sheet_context(attempt, for_student=False))
    except Exception as error:
        raise ExportError(
            f"{name}'s cover sheet could not be made, so the download was stopped. "
            "Try again; if it fails again, open that cover sheet on its own to see what is wrong."
        ) from error
    title = f"{name}, attempt {attempt.number}"
    return ExportDocument(cover_sheet_filename(attempt), title, content)


CONTENTS = {
    DocumentExport.Kind.RECORD_SHEETS: ExportContents(
        _record_sheet_rows,
        _record_sheet,
        nothing_yet="No one in this cohort is enrolled in a unit yet: there are no record sheets to download.",
        nothing_any_more="No one in this cohort is enrolled in a unit any more: there are no record sheets.",
    ),
    DocumentExport.Kind.COVER_SHEETS: ExportContents(
        _cover_sheet_rows,
        _cover_sheet,
        nothing_yet="No one in this cohort has started this task yet: there are no cover sheets to download.",
        nothing_any_more="No one in this cohort has an attempt at this task any more: there are no cover sheets.",
    ),
}


class ZipOfPdfs:
    """A ZIP written into the spool file as each document arrives, so it holds one PDF per student."""

    def __init__(self, spool):
        self.archive = zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED)
        self.names = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.archive.close()

    def add(self, document):
        self.archive.writestr(self._unique(document.filename), document.content)

    def _unique(self, filename):
        # Two students may share a name: the second file becomes "… (2).pdf".
        path, name, number = PurePath(filename), filename, 1
        while name in self.names:
            number += 1
            name = f"{path.stem} ({number}){path.suffix}"
        self.names.add(name)
        return name


class MergedPdf:
    """One PDF of every document in turn, each bookmarked with the student's name."""

    def __init__(self, spool):
        self.spool, self.writer = spool, PdfWriter()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc_info):
        if exc_type is None:
            self.writer.write(self.spool)
        self.writer.close()

    def add(self, document):
        self.writer.append(io.BytesIO(document.content), outline_item=document.title)


WRITERS = {DocumentExport.Format.ZIP: ZipOfPdfs, DocumentExport.Format.PDF: MergedPdf}
