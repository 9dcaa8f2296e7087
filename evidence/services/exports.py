"""A cohort's documents in one download: asked for on a page, built by the task worker.

A request only queues the work: the worker (evidence/tasks.py) renders each document in turn,
counting it done so the export's page can show progress, and writes the file as it goes: a ZIP
of one PDF per student grows in a temporary file, one document in memory at a time; one merged
PDF is assembled by pypdf and written out at the end.
"""

import io
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfWriter

from assessor_portal.revisions import lock_row
from evidence.documents import record_sheet
from evidence.models import DocumentExport, Enrolment
from evidence.permissions import can_export_cohort
from evidence.services.records import record_sheet_filename, record_sheet_pdf
from evidence.tasks import queue_export

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The download could not be made: something went wrong while writing the file. "
    "Try again; if it fails again, tell the RTO's support."
)


class ExportError(Exception):
    """The export cannot be made; the message says why, for the person who asked for it."""


def export_filename(export):
    """Name the download for the cohort and what it holds: `FNS-T4 record sheets.zip`."""
    return f"{export.cohort.code} {export.get_kind_display().lower()}.{export.format}"


@transaction.atomic
def request_export(cohort, *, by, kind, format):
    """Queue one download of the cohort's documents for the worker to build; return the export to follow."""
    if not can_export_cohort(by, cohort):
        raise PermissionDenied
    total = Enrolment.objects.filter(cohort=cohort).count()
    if not total:
        raise ExportError(
            "No one in this cohort is enrolled in a unit yet: there are no record sheets to download."
        )
    asked = {"cohort": cohort, "requested_by": by, "kind": kind, "format": format}
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

    Only the task worker calls this: a page never renders more than one document.
    """
    started = _start(export)
    if started is None:
        return None
    export, enrolment_pks = started
    try:
        with tempfile.TemporaryFile() as spool:
            with WRITERS[export.format](spool) as writer:
                for number, document in enumerate(_record_sheets(enrolment_pks), start=1):
                    writer.add(document)
                    # Saved at once, outside any transaction, so the export's page sees it.
                    DocumentExport.objects.filter(pk=export.pk).update(done=number)
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
    export = lock_row(DocumentExport.objects.select_related("cohort"), export.pk)
    if export.status != DocumentExport.Status.QUEUED:
        return None
    enrolment_pks = list(
        Enrolment.objects.filter(cohort=export.cohort)
        .order_by("tool__unit__code", "student__last_name", "student__first_name", "pk")
        .values_list("pk", flat=True)
    )
    export.status, export.total, export.done = DocumentExport.Status.RUNNING, len(enrolment_pks), 0
    export.save(update_fields=["status", "total", "done"])
    return export, enrolment_pks


def _fail(export, error):
    # The count of documents made stays as the worker left it: the page shows where it stopped.
    export.file.delete(save=False)
    export.status, export.error, export.finished_at = DocumentExport.Status.FAILED, error, timezone.now()
    export.save(update_fields=["status", "error", "file", "finished_at"])
    return export


@dataclass
class ExportDocument:
    """One document of an export: its file name in a ZIP, its bookmark in one PDF, its bytes."""

    filename: str
    title: str
    content: bytes


def _record_sheets(enrolment_pks):
    """Yield each enrolment's record sheet in turn: its kept archival copy, or rendered now."""
    if not enrolment_pks:
        raise ExportError("No one in this cohort is enrolled in a unit any more: there are no record sheets.")
    for pk in enrolment_pks:
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
        yield ExportDocument(record_sheet_filename(sheet), f"{name}, {unit}", content)


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
