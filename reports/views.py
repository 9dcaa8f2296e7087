"""The reports: progress (stages and completions) and exceptions, the lists behind their figures,
and each as CSV and XLSX. Admins see every cohort, an assessor their own; students nothing."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from assessor_portal.spreadsheets import csv_bytes, xlsx_bytes

from . import charts, selectors
from .forms import NO_COHORT, ExceptionFilterForm, MonthForm, ReportFilterForm, StageForm
from .listings import EXCEPTIONS, Row, display, results_listing, stage_listing
from .permissions import check_can_view_reports

PER_PAGE = 25
FILTER_FIELDS = ("cohort", "unit", "assessor", "date_from", "date_to", "waiting_days", "inactive_days")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
@login_required
def progress(request):
    form = _filter_form(request, ReportFilterForm)
    filters = form.filters()
    report = selectors.progress_report(request.user, filters)
    if request.GET.get("download"):
        header = ["Cohort", "Cohort name", "Unit", "Unit title", *[stage.label for stage in selectors.STAGES]]
        rows = [
            Row([row.cohort_code, row.cohort_name, row.unit_code, row.unit_title, *row.counts_in_order], "")
            for row in report.rows
        ]
        return _download(request, "progress", header, rows)
    months = selectors.completions(request.user, filters)
    return render(request, "reports/progress.html", _progress_context(request, form, report, months))


def _progress_context(request, form, report, months):
    """The progress page: its table a page at a time, its charts, and every figure's link."""
    query = _query(request)
    stage_url, results_url = reverse("reports:progress_students"), reverse("reports:progress_results")
    page = Paginator(report.rows, PER_PAGE).get_page(request.GET.get("page"))
    # Only the stages someone is at: ten columns of mostly zeros would hide the ones that matter.
    columns = [stage for stage, count in report.totals if count]
    table = [
        (
            row,
            [
                (
                    stage.label,
                    count,
                    _link(
                        stage_url,
                        query,
                        stage=stage.key,
                        cohort=row.cohort_id or NO_COHORT,
                        unit=row.unit_code,
                    ),
                )
                for stage, count in row.cells
                if stage in columns
            ],
        )
        for row in page.object_list
    ]
    return {
        "form": form,
        "report": report,
        "page": page,
        "table": table,
        "columns": columns,
        "totals": [
            (stage, count, _link(stage_url, query, stage=stage.key)) for stage, count in report.totals
        ],
        "stage_chart": charts.horizontal_bars(
            [(stage.label, count, stage.colour) for stage, count in report.totals],
            title="Students by stage",
        ),
        "months": [(month, _link(results_url, query, month=f"{month.month:%Y-%m}")) for month in months],
        "month_chart": charts.columns(
            [(f"{month.month:%b}", f"{month.month:%Y}", month.results) for month in months],
            title="Unit results signed per month",
        ),
        "page_query": urlencode(query),
    }


@require_safe
@login_required
def progress_students(request):
    form = _filter_form(request, ReportFilterForm)
    stage = StageForm(request.GET)
    if not stage.is_valid():
        raise Http404
    listing = stage_listing(request.user, form.filters(), stage.cleaned_data["stage"])
    return _listing_page(request, form, listing, back=("Progress", reverse("reports:progress")))


@require_safe
@login_required
def progress_results(request):
    form = _filter_form(request, ReportFilterForm)
    month = MonthForm(request.GET)
    if not month.is_valid():
        raise Http404
    listing = results_listing(request.user, form.filters(), month.cleaned_data["month"])
    return _listing_page(request, form, listing, back=("Progress", reverse("reports:progress")))


@require_safe
@login_required
def exceptions(request):
    form = _filter_form(request, ExceptionFilterForm)
    filters = form.filters()
    days = form.days()
    query = _query(request)
    figures = []
    for slug, (label, make_listing) in EXCEPTIONS.items():
        listing = make_listing(request.user, filters, _days_for(slug, days))
        figures.append(
            (
                label,
                listing.intro,
                listing.objects.count(),
                _link(reverse("reports:exception_list", args=[slug]), query),
            )
        )
    workload = selectors.workload(request.user, filters, days[0])
    if request.GET.get("download"):
        header = ["Exception", "Count"]
        rows = [Row([label, count], "") for label, _, count, _ in figures]
        rows += [
            Row([f"Waiting for {row.assessor.get_full_name()} (more than {days[0]} days)", row.late], "")
            for row in workload
        ]
        return _download(request, "exceptions", header, rows)
    waiting_url = reverse("reports:exception_list", args=["waiting"])
    page = Paginator(workload, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "figures": figures,
        "page": page,
        "workload": [
            (row, _link(waiting_url, query, assessor=row.assessor.pk), display(row.oldest)[:10])
            for row in page.object_list
        ],
        "waiting_days": days[0],
        "chart": charts.horizontal_bars(
            [(row.assessor.get_full_name(), row.late, "#b02a37") for row in workload[:12]],
            title=f"Work waiting more than {days[0]} days, by assessor",
            unit="attempts",
        ),
        "page_query": urlencode(query),
    }
    return render(request, "reports/exceptions.html", context)


@require_safe
@login_required
def exception_list(request, kind):
    if kind not in EXCEPTIONS:
        raise Http404
    form = _filter_form(request, ExceptionFilterForm)
    _, make_listing = EXCEPTIONS[kind]
    listing = make_listing(request.user, form.filters(), _days_for(kind, form.days()))
    return _listing_page(request, form, listing, back=("Exceptions", reverse("reports:exceptions")))


def _days_for(slug, days):
    waiting_days, inactive_days = days
    return inactive_days if slug == "inactive" else waiting_days


def _filter_form(request, form_class):
    check_can_view_reports(request.user)
    cohorts, units, assessors = selectors.filter_choices(request.user)
    form = form_class(
        request.GET or None,
        cohorts=cohorts,
        units=units,
        assessors=assessors,
        outside_cohorts=request.user.is_rto_admin,
    )
    # A cohort the viewer does not follow is not theirs to learn about, even that it exists.
    if form.stranger_cohort():
        raise Http404
    return form


def _listing_page(request, form, listing, *, back):
    if request.GET.get("download"):
        return _download(request, listing.filename, listing.columns, listing.rows())
    page = Paginator(listing.objects if listing.pages is None else listing.pages, PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "listing": listing,
        "page": page,
        "rows": [
            (row.url, list(zip(row.cells, listing.columns, strict=True)))
            for row in listing.rows(page.object_list)
        ],
        "page_size": PER_PAGE,
        "back": back,
        "hidden": [(name, request.GET[name]) for name in ("stage", "month") if request.GET.get(name)],
        "page_query": urlencode(_query(request, keep=("stage", "month"))),
    }
    return render(request, "reports/listing.html", context)


def _download(request, name, header, rows):
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    if request.GET["download"] == "xlsx":
        content, content_type, suffix = (
            xlsx_bytes(header, [row.values for row in rows], title=name),
            XLSX_TYPE,
            "xlsx",
        )
    elif request.GET["download"] == "csv":
        content = csv_bytes(header, [[display(value) for value in row.values] for row in rows])
        content_type, suffix = "text/csv; charset=utf-8", "csv"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{suffix}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _query(request, *, keep=()):
    """Return the filters of this request, for links that keep them."""
    return {name: request.GET[name] for name in FILTER_FIELDS + tuple(keep) if request.GET.get(name)}


def _link(url, query, **extra):
    """Return the url with the filters, and the extra parameters in place of any of the same name."""
    params = urlencode({**query, **{name: value for name, value in extra.items() if value != ""}})
    return f"{url}?{params}" if params else url
