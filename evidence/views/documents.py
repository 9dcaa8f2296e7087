"""A student's filled-in forms, each as a page and as a PDF: observation checklist, cover sheet,
record sheet and evidence guide."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from assessor_portal.documents import document_response
from evidence.documents import (
    COVER_SHEET,
    attempt_checklist,
    cover_sheet_context,
    cover_sheet_filename,
    evidence_guide,
)
from evidence.permissions import can_work_on_enrolment, get_attempt_for, get_enrolment_for
from units.selectors import elements_with_criteria


@require_safe
@login_required
def attempt_checklist_form(request, pk, as_pdf=False):
    attempt = get_attempt_for(request.user, pk)
    task = attempt.task
    if not task.criteria.exists():
        raise Http404
    enrolment = attempt.enrolment
    rows, judgement, notice = attempt_checklist(
        attempt, for_student=can_work_on_enrolment(request.user, enrolment)
    )
    context = {
        "attempt": attempt,
        "task": task,
        "tool": enrolment.tool,
        "unit": enrolment.tool.unit,
        "student": enrolment.student,
        "rows": rows,
        "judgement": judgement,
        "notice": notice,
    }
    filename = (
        f"{enrolment.tool.unit.code} task {task.number} checklist, {enrolment.student.get_full_name()}.pdf"
    )
    return document_response(request, "documents/checklist.html", context, filename=filename, as_pdf=as_pdf)


@require_safe
@login_required
def attempt_cover_sheet(request, pk, as_pdf=False):
    attempt = get_attempt_for(request.user, pk)
    context = cover_sheet_context(attempt, for_student=can_work_on_enrolment(request.user, attempt.enrolment))
    filename = cover_sheet_filename(attempt)
    return document_response(request, COVER_SHEET, context, filename=filename, as_pdf=as_pdf)


@require_safe
@login_required
def enrolment_evidence_guide(request, enrolment_pk, as_pdf=False):
    enrolment = get_enrolment_for(request.user, enrolment_pk)
    unit = enrolment.tool.unit
    elements = elements_with_criteria(unit.pk)
    context = {
        "guide": evidence_guide(
            enrolment, elements, for_student=can_work_on_enrolment(request.user, enrolment)
        ),
        "enrolment": enrolment,
        "tool": enrolment.tool,
        "unit": unit,
        "student": enrolment.student,
        "elements": elements,
        "requirement_lists": unit.requirement_lists(),
    }
    filename = f"{unit.code} evidence guide, {enrolment.student.get_full_name()}.pdf"
    return document_response(
        request, "documents/evidence_guide.html", context, filename=filename, as_pdf=as_pdf
    )
