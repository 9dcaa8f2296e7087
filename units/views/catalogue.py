"""The unit catalogue: search, a unit's page, and importing a unit (upload or paste, preview, confirm)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessor_portal.documents import document_response

from ..documents import EvidenceGuide, guide_elements
from ..forms import UnitImportConfirmForm, UnitImportForm, UnitReportingForm, UnitSearchForm
from ..importing import parse_unit_source
from ..models import Unit
from ..permissions import (
    can_import_units,
    get_unit_for,
)
from ..selectors import elements_with_criteria, release_diff_for, reporting_changes, search_units
from ..services import (
    UnitImportError,
    import_unit,
    set_unit_reporting,
)

UNITS_PER_PAGE = 20


@login_required
def unit_list(request):
    form = UnitSearchForm(request.GET)
    query = form.data.get("q", "").strip()
    page = Paginator(search_units(query), UNITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "units/unit_list.html",
        {"form": form, "page": page, "query": query, "can_import": can_import_units(request.user)},
    )


@login_required
def unit_current(request, code):
    unit = get_object_or_404(Unit.objects.order_by("-release"), code=code.upper(), status=Unit.Status.CURRENT)
    return redirect(unit)


@login_required
def unit_detail(request, code, release):
    unit = get_unit_for(request.user, code, release)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "elements": elements_with_criteria(unit.pk),
            "requirement_lists": unit.requirement_lists(),
            "can_set_reporting": can_import_units(request.user),
        },
    )


@require_safe
@login_required
def unit_evidence_guide(request, code, release, as_pdf=False):
    """The unit's evidence guide as a blank form, for a student to fill in by hand."""
    unit = get_unit_for(request.user, code, release)
    elements = elements_with_criteria(unit.pk)
    context = {
        "guide": EvidenceGuide(guide_elements(elements)),
        "unit": unit,
        "elements": elements,
        "requirement_lists": unit.requirement_lists(),
    }
    filename = f"{unit.code} evidence guide (blank).pdf"
    return document_response(
        request, "documents/evidence_guide.html", context, filename=filename, as_pdf=as_pdf
    )


@login_required
def unit_import(request):
    if not can_import_units(request.user):
        raise PermissionDenied
    form = UnitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, filename = form.submitted_source()
        return _preview(request, data, filename, form.overrides())
    return render(request, "units/unit_import.html", {"form": form})


@require_POST
@login_required
def unit_import_confirm(request):
    if not can_import_units(request.user):
        raise PermissionDenied
    form = UnitImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The preview's data was damaged; start the import again.")
        return redirect("units:unit_import")
    data, filename = form.submitted_source()
    parsed = parse_unit_source(data, filename=filename, **form.overrides())
    equivalence = form.cleaned_data["equivalence"]
    try:
        outcome = import_unit(parsed, by=request.user, equivalence=equivalence)
    except UnitImportError as error:
        messages.error(request, str(error))
        return _preview(request, data, filename, form.overrides(), equivalence=equivalence)
    (messages.success if outcome.created else messages.info)(request, outcome.message)
    return redirect(outcome.unit)


def _preview(request, data, filename, overrides, *, equivalence=""):
    """Show what the import would save, and what it changes from the release it supersedes; save nothing."""
    parsed = parse_unit_source(data, filename=filename, **overrides)
    existing = Unit.objects.filter(code=parsed.code, release=parsed.effective_release).first()
    release_diff = None if parsed.errors or existing else release_diff_for(parsed)
    return render(
        request,
        "units/unit_import_preview.html",
        {
            "parsed": parsed,
            "existing": existing,
            "release_diff": release_diff,
            "confirm_form": UnitImportConfirmForm.carrying(
                data, filename, overrides, equivalence=equivalence or parsed.equivalence
            ),
            # Pasted or plain text comes back editable, so a wrong line or nesting is fixed here.
            "retry_form": UnitImportForm.retrying(data, overrides)
            if parsed.source_format == "text"
            else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def unit_reporting(request, code, release):
    unit = get_unit_for(request.user, code, release)
    if not can_import_units(request.user):
        raise PermissionDenied
    form = UnitReportingForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        set_unit_reporting(unit, by=request.user, **form.cleaned_data)
        messages.success(request, f"{unit.code}'s reporting details are saved.")
        return redirect(request.GET.get("next") if is_safe_next(request) else unit)
    return render(
        request,
        "units/unit_reporting.html",
        {"unit": unit, "form": form, "changes": reporting_changes(unit)},
    )


def is_safe_next(request):
    return url_has_allowed_host_and_scheme(
        request.GET.get("next"), allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
