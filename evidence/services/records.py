"""Archival record sheets: a signed record sheet as PDF/A-3b, made once per state and kept.

The task worker (evidence/tasks.py) makes the copy when a unit result is signed and again when
the student acknowledges it. Rendering is deterministic (the record's own dates and hash fix the PDF's
metadata), so the copy a person downloads before the worker has run is the same file.
"""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from assessor_portal import pdf
from evidence.documents import record_sheet
from evidence.models import RecordSheetCopy

RECORD_SHEET = "documents/record_sheet.html"


def record_sheet_context(sheet):
    """The template's context for a record sheet, page or PDF."""
    enrolment = sheet.enrolment
    verify = {"sha256": sheet.result.sha256, "url": sheet.verify_url} if sheet.result else None
    return {
        "sheet": sheet,
        "enrolment": enrolment,
        "unit": enrolment.tool.unit,
        "tool": enrolment.tool,
        "student": enrolment.student,
        "verify": verify,
        "document_date": sheet.dated,
    }


def record_sheet_filename(sheet):
    enrolment = sheet.enrolment
    return f"{enrolment.tool.unit.code} record sheet, {enrolment.student.get_full_name()}.pdf"


def render_record_sheet(sheet):
    """Render the sheet: PDF/A-3b with its record attached once a result is signed, a plain PDF before."""
    context = record_sheet_context(sheet)
    if sheet.result is None:
        return pdf.render_pdf(RECORD_SHEET, context)
    archival = pdf.Archival(
        record_json=sheet.as_json(), signed_at=sheet.dated, identifier=sheet.result.sha256
    )
    return pdf.render_pdf(RECORD_SHEET, context, archival=archival)


def record_sheet_pdf(sheet):
    """Return the sheet's PDF: its archival copy when one is kept, else the same file rendered now."""
    if sheet.result is not None:
        copy = RecordSheetCopy.objects.filter(
            result=sheet.result, acknowledged=sheet.acknowledgement is not None
        ).first()
        if copy is not None:
            with copy.pdf.open("rb") as handle:
                return handle.read()
    return render_record_sheet(sheet)


def archive_record_sheet(result):
    """Keep the archival copy of the result's record sheet as it stands now, once; return the copy.

    A result since corrected is not archived again: its sheet now shows the correction.
    """
    sheet = record_sheet(result.enrolment)
    if sheet.result is None or sheet.result.pk != result.pk:
        return None
    acknowledged = sheet.acknowledgement is not None
    kept = RecordSheetCopy.objects.filter(result=result, acknowledged=acknowledged).first()
    if kept is not None:
        return kept
    content = render_record_sheet(sheet)
    copy = RecordSheetCopy(
        result=result, acknowledged=acknowledged, sha256=hashlib.sha256(content).hexdigest()
    )
    copy.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            copy.save()
    except IntegrityError:
        # Another worker kept the same state first: its copy stands.
        copy.pdf.delete(save=False)
        return RecordSheetCopy.objects.get(result=result, acknowledged=acknowledged)
    return copy
