"""A student's filled-in forms, each as a page and as a PDF: observation checklist, cover sheet,
record sheet and evidence guide."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from assessor_portal.documents import document_response
from evidence.documents import attempt_checklist, cover_sheet
from evidence.permissions import can_work_on_enrolment, get_attempt_for


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
    enrolment = attempt.enrolment
    context = {
        "sheet": cover_sheet(attempt, for_student=can_work_on_enrolment(request.user, enrolment)),
        "attempt": attempt,
        "task": attempt.task,
        "tool": enrolment.tool,
        "unit": enrolment.tool.unit,
        "student": enrolment.student,
    }
    filename = f"{enrolment.tool.unit.code} task {attempt.task.number} cover sheet, {enrolment.student.get_full_name()}.pdf"
    return document_response(request, "documents/cover_sheet.html", context, filename=filename, as_pdf=as_pdf)
