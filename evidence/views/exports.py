"""A cohort's documents in one download: asked for on the cohort grid, followed on the export's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from assessor_portal.downloads import stored_file_response
from evidence.forms.exports import ExportForm
from evidence.models import DocumentExport
from evidence.permissions import get_cohort_to_follow, get_export_for
from evidence.services.exports import ExportError, export_filename, request_export

CONTENT_TYPES = {DocumentExport.Format.ZIP: "application/zip", DocumentExport.Format.PDF: "application/pdf"}


@require_POST
@login_required
def cohort_export(request, pk):
    cohort = get_cohort_to_follow(request.user, pk)
    form = ExportForm(request.POST)
    if not form.is_valid():
        message = form.non_field_errors() or ["Choose which documents to download, as a ZIP or as one PDF."]
        messages.error(request, message[0])
        return redirect("evidence:cohort_grid", cohort.pk)
    try:
        export = request_export(cohort, by=request.user, **form.cleaned_data)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("evidence:cohort_grid", cohort.pk)
    return redirect(export)


@require_safe
@login_required
def export_detail(request, pk):
    export = get_export_for(request.user, pk)
    # htmx polls for the progress alone while the worker builds the file.
    template = "evidence/export_detail.html#progress" if request.htmx else "evidence/export_detail.html"
    context = {
        "export": export,
        "filename": export_filename(export),
        "stalled_minutes": int(settings.EXPORT_STALLED_AFTER.total_seconds() // 60),
    }
    return render(request, template, context)


@require_safe
@login_required
def export_download(request, pk):
    export = get_export_for(request.user, pk)
    if not export.is_done:
        raise Http404
    return stored_file_response(
        export.file,
        filename=export_filename(export),
        content_type=CONTENT_TYPES[export.format],
        as_attachment=True,
    )
