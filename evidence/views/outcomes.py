"""Unit outcomes out to the student management system: the log, the preview and the CSV."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from evidence.forms.outcomes import OutcomeExportForm, OutcomeScopeForm
from evidence.models import OutcomeExport
from evidence.permissions import can_export_outcomes, get_outcome_export_for
from evidence.services.outcomes import (
    OutcomeExportError,
    export_filename,
    export_outcomes,
    outcomes_to_export,
)

EXPORTS_PER_PAGE = 20


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def outcome_exports(request):
    if not can_export_outcomes(request.user):
        raise Http404
    if request.method == "POST":
        form = OutcomeExportForm(request.POST)
        if form.is_valid():
            try:
                return csv_response(export_outcomes(by=request.user, **form.cleaned_data))
            except OutcomeExportError as error:
                messages.error(request, str(error))
                return redirect("evidence:outcome_exports")
        status = 400
    else:
        form = OutcomeScopeForm(request.GET if "scope" in request.GET else None)
        status = 200
    scope = (
        form.cleaned_data if form.is_bound and form.is_valid() else {"scope": OutcomeExport.Scope.SINCE_LAST}
    )
    context = {
        "form": form,
        "scope": scope,
        "batch": outcomes_to_export(**scope) if status == 200 else None,
        "token": uuid.uuid4(),
        "export_form": OutcomeExportForm(),
        "log": Paginator(
            OutcomeExport.objects.select_related("exported_by").defer("content"), EXPORTS_PER_PAGE
        ).get_page(request.GET.get("page")),
        "log_query": scope_query(request),
    }
    return render(request, "evidence/outcome_exports.html", context, status=status)


@require_safe
@login_required
def outcome_export_download(request, pk):
    return csv_response(get_outcome_export_for(request.user, pk))


def csv_response(export):
    response = HttpResponse(bytes(export.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(export)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def scope_query(request):
    """The page's query without its page number, for the log's page links to keep the scope."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
