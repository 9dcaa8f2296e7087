"""The lists behind the reports' figures: their columns, and each object as a row of values.

The same rows make the page (a page of them at a time) and the CSV and XLSX downloads (all of
them), so the three always agree.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from . import selectors
from .selectors import STAGE_LABELS


@dataclass
class Row:
    values: list  # str, int, date or datetime: typed in the XLSX, shown as text on the page
    url: str  # where the first cell leads

    @property
    def cells(self):
        return [display(value) for value in self.values]


@dataclass
class Listing:
    """A list behind a figure: heading, what it counts, columns, objects and how each is a row."""

    title: str
    intro: str
    columns: list
    objects: object  # a queryset, in the list's order
    row: Callable
    filename: str
    pages: object = None  # what the page is cut from, when not the objects themselves

    def rows(self, objects=None):
        return [self.row(obj) for obj in (self.objects if objects is None else objects)]


def display(value):
    """Return a value as the page shows it: dates DD/MM/YYYY, times in Australia/Sydney."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _record(enrolment_pk):
    return reverse("evidence:enrolment_record", args=[enrolment_pk])


def _student(enrolment):
    return [enrolment.student.get_full_name(), enrolment.student.student_id, _cohort(enrolment)]


def _cohort(enrolment):
    return enrolment.cohort.code if enrolment.cohort_id else "No cohort"


def stage_listing(viewer, filters, stage):
    enrolments = selectors.students_at_stage(viewer, filters, stage)
    return Listing(
        title=f"Students at “{STAGE_LABELS[stage]}”",
        intro="Each student's stage in the unit, as the progress report counts it.",
        columns=["Student", "Student ID", "Cohort", "Unit", "Stage"],
        objects=enrolments,
        row=lambda e: Row([*_student(e), e.tool.unit.code, STAGE_LABELS[stage]], _record(e.pk)),
        filename=f"progress-{stage}",
        pages=selectors.stage_pages(enrolments),
    )


def results_listing(viewer, filters, month):
    return Listing(
        title=f"Unit results signed in {month:%B %Y}",
        intro="Results in force (not corrected since), as the completions chart counts them.",
        columns=["Student", "Student ID", "Cohort", "Unit", "Outcome", "Outcome code", "Signed", "Assessor"],
        objects=selectors.results_signed_in(viewer, filters, month),
        row=lambda r: Row(
            [
                *_student(r.enrolment),
                r.enrolment.tool.unit.code,
                r.outcome.label,
                r.outcome.code,
                r.signed_at,
                r.typed_name,
            ],
            _record(r.enrolment_id),
        ),
        filename=f"results-{month:%Y-%m}",
    )


def overdue_listing(viewer, filters, days):
    today = timezone.localdate()
    pairs = selectors.overdue_tasks(viewer, filters, today=today)
    return Listing(
        title="Tasks overdue",
        intro="Tasks past their due date with nothing handed in (not started, or still a draft).",
        columns=["Student", "Student ID", "Cohort", "Unit", "Task", "Due", "Days overdue"],
        objects=pairs,
        row=lambda e: Row(
            [
                *_student(e),
                e.tool.unit.code,
                f"{e.task_number}. {e.task_title}",
                selectors.due_date(e),
                (today - selectors.due_date(e)).days,
            ],
            _record(e.pk),
        ),
        filename="overdue-tasks",
        pages=selectors.overdue_pages(pairs),
    )


def waiting_listing(viewer, filters, days):
    now = timezone.now()
    return Listing(
        title=f"Work waiting for marking more than {days} days",
        intro="Submitted attempts no assessor has judged yet, oldest first.",
        columns=["Student", "Student ID", "Cohort", "Unit", "Task", "Attempt", "Submitted", "Days waiting"],
        objects=selectors.waiting_longer_than(viewer, filters, days, now=now),
        row=lambda a: Row(
            [
                *_student(a.enrolment),
                a.enrolment.tool.unit.code,
                f"{a.task.number}. {a.task.title}",
                a.number,
                a.submitted_at,
                (now - a.submitted_at).days,
            ],
            a.get_marking_url(),
        ),
        filename="waiting-for-marking",
    )


def not_satisfactory_listing(viewer, filters, days):
    return Listing(
        title="Not satisfactory twice or more on a task",
        intro="Students judged Not satisfactory on the same task two times or more: time for a conversation.",
        columns=[
            "Student",
            "Student ID",
            "Cohort",
            "Unit",
            "Task",
            "Times Not satisfactory",
            "Last submitted",
        ],
        objects=selectors.not_satisfactory_twice(viewer, filters),
        row=lambda a: Row(
            [
                *_student(a.enrolment),
                a.enrolment.tool.unit.code,
                f"{a.task.number}. {a.task.title}",
                a.number,
                a.submitted_at,
            ],
            _record(a.enrolment_id),
        ),
        filename="not-satisfactory-twice",
    )


def inactive_listing(viewer, filters, days):
    enrolments = selectors.inactive_students(viewer, filters, days)
    return Listing(
        title=f"Students inactive for {days} days",
        intro="No attempt started, evidence added or work submitted in the unit for that long, "
        "and no result yet. Work waiting for an assessor does not count as inactive.",
        columns=["Student", "Student ID", "Cohort", "Unit", "Enrolled", "Last activity"],
        objects=selectors.with_last_activity(enrolments),
        row=lambda e: Row(
            [*_student(e), e.tool.unit.code, e.enrolled_on, selectors.last_activity(e) or "Never started"],
            _record(e.pk),
        ),
        filename="inactive-students",
        pages=selectors.inactive_pages(enrolments),
    )


def quality_check_listing(viewer, filters, days):
    return Listing(
        title="Judgements waiting for a quality check",
        intro="Signed judgements held until a second assessor checks them; the student sees nothing yet.",
        columns=["Student", "Student ID", "Cohort", "Unit", "Task", "Result", "Assessor", "Signed"],
        objects=selectors.waiting_quality_check(viewer, filters),
        row=lambda j: Row(
            [
                *_student(j.attempt.enrolment),
                j.attempt.enrolment.tool.unit.code,
                f"{j.attempt.task.number}. {j.attempt.task.title}",
                j.get_result_display(),
                j.typed_name,
                j.signed_at,
            ],
            j.attempt.get_marking_url(),
        ),
        filename="waiting-quality-check",
    )


def superseded_listing(viewer, filters, days):
    return Listing(
        title="Assessment tools for a superseded unit",
        intro="Tools written for a unit release that training.gov.au has superseded: "
        "plan a new tool before enrolling more students.",
        columns=[
            "Tool",
            "Unit",
            "Release",
            "Superseded by",
            "Status",
            "Students enrolled",
            "Without a result",
        ],
        objects=selectors.superseded_tools(viewer, filters),
        row=lambda t: Row(
            [
                f"{t.unit.code} v{t.version}",
                f"{t.unit.code} {t.unit.title}",
                t.unit.release,
                f"{t.unit.superseded_by.code} release {t.unit.superseded_by.release}"
                if t.unit.superseded_by
                else "",
                t.get_status_display(),
                t.enrolled,
                t.open,
            ],
            t.get_absolute_url(),
        ),
        filename="superseded-tools",
    )


# The exceptions, in the order the report shows them: (slug, figure label, listing).
EXCEPTIONS = {
    "overdue": ("Tasks overdue", overdue_listing),
    "waiting": ("Work waiting for marking too long", waiting_listing),
    "not-satisfactory-twice": ("Not satisfactory twice on a task", not_satisfactory_listing),
    "inactive": ("Students inactive", inactive_listing),
    "quality-check": ("Judgements waiting for a quality check", quality_check_listing),
    "superseded": ("Tools for a superseded unit", superseded_listing),
}
