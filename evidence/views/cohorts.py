"""The RTO admin's pages: cohorts, their students (one by one or from a CSV file) and enrolments."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from evidence.forms.cohorts import CohortForm, EnrolForm, StudentCsvConfirmForm, StudentCsvForm, StudentForm
from evidence.models import Cohort, Enrolment
from evidence.permissions import assesses_cohort, can_manage_cohorts, get_cohort_for, get_cohort_to_follow
from evidence.selectors import cohort_progress, recent_exports
from evidence.services.cohorts import CohortError, create_cohort, enrol_cohort, enrol_student, update_cohort
from evidence.services.students import add_student, import_students, parse_student_csv
from units.models import AssessmentTool

User = get_user_model()


@require_safe
@login_required
def cohort_list(request):
    if not can_manage_cohorts(request.user):
        raise Http404
    cohorts = Cohort.objects.annotate(student_count=Count("students", distinct=True)).prefetch_related(
        Prefetch("assessors", queryset=User.objects.order_by("last_name", "first_name"))
    )
    return render(request, "evidence/cohort_list.html", {"cohorts": cohorts})


@login_required
def cohort_create(request):
    if not can_manage_cohorts(request.user):
        raise PermissionDenied
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = create_cohort(by=request.user, **form.cohort_fields())
        except CohortError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, f"Cohort {cohort.code} created. Add its students next.")
            return redirect(cohort)
    return render(request, "evidence/cohort_form.html", {"form": form})


@login_required
def cohort_edit(request, pk):
    cohort = get_cohort_for(request.user, pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            update_cohort(cohort, by=request.user, **form.cohort_fields())
        except CohortError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Cohort details saved.")
            return redirect(cohort)
    return render(request, "evidence/cohort_form.html", {"form": form, "cohort": cohort})


@require_safe
@login_required
def cohort_detail(request, pk):
    cohort = get_cohort_for(request.user, pk)
    return render(request, "evidence/cohort_detail.html", _detail_context(cohort))


@require_POST
@login_required
def cohort_student_add(request, pk):
    cohort = get_cohort_for(request.user, pk)
    form = StudentForm(request.POST)
    if form.is_valid():
        try:
            outcome = add_student(cohort, by=request.user, site_url=_site_url(request), **form.cleaned_data)
        except CohortError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, outcome.message)
            return redirect(cohort)
    return render(request, "evidence/cohort_detail.html", _detail_context(cohort, student_form=form))


@login_required
def cohort_students_import(request, pk):
    cohort = get_cohort_for(request.user, pk)
    form = StudentCsvForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        parsed = parse_student_csv(data, cohort=cohort, by=request.user)
        if not parsed.errors:
            return _import_preview(request, cohort, data, parsed)
        for error in parsed.errors:
            form.add_error("file", error)
    return render(request, "evidence/cohort_students_import.html", {"cohort": cohort, "form": form})


@require_POST
@login_required
def cohort_students_import_confirm(request, pk):
    cohort = get_cohort_for(request.user, pk)
    form = StudentCsvConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The preview's data was damaged; upload the file again.")
        return redirect("evidence:cohort_students_import", cohort.pk)
    data = form.cleaned_data["source"]
    try:
        outcome = import_students(cohort, data, by=request.user, site_url=_site_url(request))
    except CohortError as error:
        messages.error(request, str(error))
        return _import_preview(request, cohort, data, parse_student_csv(data, cohort=cohort, by=request.user))
    (messages.success if outcome.changed else messages.info)(request, outcome.message)
    return redirect(cohort)


@require_POST
@login_required
def cohort_enrol(request, pk):
    cohort = get_cohort_for(request.user, pk)
    form = EnrolForm(request.POST, cohort=cohort)
    if not form.is_valid():
        return render(request, "evidence/cohort_detail.html", _detail_context(cohort, enrol_form=form))
    tool, student = form.cleaned_data["tool"], form.cleaned_data["student"]
    try:
        if student:
            outcome = enrol_student(cohort, tool, student, by=request.user)
        else:
            outcome = enrol_cohort(cohort, tool, by=request.user)
    except CohortError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, outcome.message)
    return redirect(cohort)


def _site_url(request):
    """Return this site's address as the admin reached it, for the links in invitations."""
    return request.build_absolute_uri("/").rstrip("/")


def _import_preview(request, cohort, data, parsed):
    return render(
        request,
        "evidence/cohort_students_import_preview.html",
        {"cohort": cohort, "parsed": parsed, "confirm_form": StudentCsvConfirmForm.carrying(data)},
    )


def _detail_context(cohort, *, student_form=None, enrol_form=None):
    # A student may belong to several cohorts: this page shows only the enrolments made
    # through this one (Enrolment.cohort), whose assessors are this cohort's.
    students = cohort.students.order_by("last_name", "first_name").prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.filter(cohort=cohort)
            .select_related("tool__unit")
            .order_by("tool__unit__code"),
        )
    )
    tools = (
        AssessmentTool.objects.filter(enrolments__cohort=cohort)
        .annotate(enrolled=Count("enrolments", distinct=True))
        .select_related("unit")
        .order_by("unit__code", "-version_major", "-version_minor")
    )
    return {
        "cohort": cohort,
        "assessors": cohort.assessors.order_by("last_name", "first_name"),
        "students": students,
        "student_count": len(students),
        "enrolled_tools": tools,
        "student_form": student_form or StudentForm(),
        "enrol_form": enrol_form or EnrolForm(cohort=cohort),
    }


@require_safe
@login_required
def cohort_grid(request, pk):
    cohort = get_cohort_to_follow(request.user, pk)
    return render(
        request,
        "evidence/cohort_grid.html",
        {
            "cohort": cohort,
            "units": cohort_progress(cohort),
            "exports": recent_exports(cohort),
            # Its assessors start observations from the grid; admins only follow progress.
            "may_observe": assesses_cohort(request.user, cohort),
        },
    )
