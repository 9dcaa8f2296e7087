"""A student's assessment record sheet (page and archival PDF), and the public page that verifies one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from assessor_portal.documents import document_response, pdf_response
from assessor_portal.http import client_ip
from evidence.documents import record_sheet, verify_code, verify_file
from evidence.forms.records import VerifyRecordForm
from evidence.permissions import get_enrolment_for
from evidence.services.records import (
    RECORD_SHEET,
    record_sheet_context,
    record_sheet_filename,
    record_sheet_pdf,
)

# An auditor checks a handful of records; anything faster is someone guessing codes.
VERIFY_RATE = "20/m"


@require_safe
@login_required
def enrolment_record_sheet(request, pk, as_pdf=False):
    enrolment = get_enrolment_for(request.user, pk)
    sheet = record_sheet(enrolment)
    if as_pdf:
        return pdf_response(record_sheet_pdf(sheet), record_sheet_filename(sheet))
    return document_response(
        request, RECORD_SHEET, record_sheet_context(sheet), filename=record_sheet_filename(sheet)
    )


def _client_key(group, request):
    return client_ip(request) or "unknown"


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key=_client_key, rate=VERIFY_RATE, method=ratelimit.ALL, block=False)
def verify_record(request, code=""):
    if request.limited:
        return render(
            request, "evidence/verify.html", {"form": VerifyRecordForm(), "limited": True}, status=429
        )
    verification = None
    if request.method == "POST":
        form = VerifyRecordForm(request.POST, request.FILES)
        if form.is_valid():
            upload, typed = form.cleaned_data["pdf"], form.cleaned_data["code"]
            verification = verify_file(upload) if upload else verify_code(typed)
    else:
        form = VerifyRecordForm(initial={"code": code})
        verification = verify_code(code) if code else None
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request, "evidence/verify.html", {"form": form, "verification": verification}, status=status
    )
