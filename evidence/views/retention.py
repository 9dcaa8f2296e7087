"""The admins' report of the evidence files removed under the retention policy, as a page and a CSV."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from assessor_portal.spreadsheets import csv_bytes
from evidence.permissions import can_see_retention_report
from evidence.services.retention import describe_retention_period, removed_evidence

REMOVED_PER_PAGE = 50
CSV_HEADER = [
    "Removed on",
    "Student ID",
    "Student",
    "Unit code",
    "Task",
    "Attempt",
    "File name",
    "Size (bytes)",
    "SHA-256",
]


@require_safe
@login_required
def retention_report(request):
    if not can_see_retention_report(request.user):
        raise Http404
    page = Paginator(removed_evidence(), REMOVED_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "period": describe_retention_period(),
        "records_years": settings.RECORDS_RETENTION_YEARS,
    }
    return render(request, "evidence/retention_report.html", context)


@require_safe
@login_required
def retention_report_csv(request):
    if not can_see_retention_report(request.user):
        raise Http404
    rows = (
        [
            timezone.localtime(item.file_removed_at).strftime("%d/%m/%Y"),
            item.attempt.enrolment.student.student_id,
            item.attempt.enrolment.student.get_full_name(),
            item.attempt.enrolment.tool.unit.code,
            f"{item.attempt.task.number}: {item.attempt.task.title}",
            item.attempt.number,
            item.title,
            item.size,
            item.sha256,
        ]
        for item in removed_evidence().iterator(chunk_size=1000)
    )
    response = HttpResponse(csv_bytes(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-removed-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
