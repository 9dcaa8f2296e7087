"""Every write the RTO's admin staff make to cohorts and enrolments.

Adding students, one by one or from a CSV file, lives in evidence/services/students/.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from evidence.models import Cohort, Enrolment
from evidence.permissions import can_manage_cohorts
from units.models import AssessmentTool

User = get_user_model()
logger = logging.getLogger(__name__)


class CohortError(Exception):
    """The change is refused; the message says why, for the admin making it."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def _check_manager(by):
    if not can_manage_cohorts(by):
        raise PermissionDenied


# -- cohorts ------------------------------------------------------------------------------

COHORT_FIELDS = ("name", "code", "start_date", "end_date")


def _apply_cohort_fields(cohort, fields, assessors):
    for name in COHORT_FIELDS:
        if name in fields:
            setattr(cohort, name, fields[name])
    cohort.name, cohort.code = (cohort.name or "").strip(), (cohort.code or "").strip()
    if not cohort.code:
        raise CohortError("Give the cohort a code.", field="code")
    if cohort.end_date and cohort.start_date and cohort.end_date < cohort.start_date:
        raise CohortError("The end date must be on or after the start date.", field="end_date")
    clash = Cohort.objects.filter(code__iexact=cohort.code).exclude(pk=cohort.pk).first()
    if clash:
        raise CohortError(f"Another cohort ({clash.name}) already has the code {clash.code}.", field="code")
    for person in assessors or ():
        if not (person.is_assessor and person.is_active):
            raise CohortError(f"{person} is not an active assessor.", field="assessors")
    cohort.full_clean(exclude=["assessors", "students"])
    cohort.save()
    if assessors is not None:
        cohort.assessors.set(assessors)
    return cohort


@transaction.atomic
def create_cohort(*, by, assessors=(), **fields):
    """Start a cohort with its name, code, dates and assessors."""
    _check_manager(by)
    return _apply_cohort_fields(Cohort(), fields, list(assessors))


@transaction.atomic
def update_cohort(cohort, *, by, assessors=None, **fields):
    """Change a cohort's details; its assessors too when they are given."""
    _check_manager(by)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    return _apply_cohort_fields(cohort, fields, None if assessors is None else list(assessors))


# -- one student's details ----------------------------------------------------------------


def _plural(count, word, plural=None):
    return f"{count} {word if count == 1 else plural or word + 's'}"


@dataclass
class EnrolOutcome:
    created: int
    existing: int
    message: str


def _tool_label(tool):
    return f"{tool.unit.code} {tool.unit.title} (assessment tool v{tool.version})"


def _lock_published(tool):
    """Lock the tool's row and refuse any tool that is not published."""
    tool = AssessmentTool.objects.select_for_update(of=("self",)).select_related("unit").get(pk=tool.pk)
    if tool.status == AssessmentTool.Status.DRAFT:
        raise CohortError(
            f"{_tool_label(tool)} is a draft: students can be enrolled only in a published tool. "
            "Publish it first.",
            field="tool",
        )
    if tool.status != AssessmentTool.Status.PUBLISHED:
        raise CohortError(
            f"{_tool_label(tool)} is {tool.get_status_display().lower()}: students can be enrolled only "
            "in a published tool. Choose the unit's current version.",
            field="tool",
        )
    return tool


def _enrol(students, tool, cohort, by):
    already = set(
        Enrolment.objects.filter(tool=tool, student__in=students).values_list("student_id", flat=True)
    )
    today = timezone.localdate()
    new = [
        Enrolment(student=student, tool=tool, cohort=cohort, enrolled_on=today, enrolled_by=by)
        for student in students
        if student.pk not in already
    ]
    Enrolment.objects.bulk_create(new)
    return len(new), len(already)


def enrol_cohort(cohort, tool, *, by):
    """Enrol every student of the cohort in a published tool; existing enrolments are kept."""
    _check_manager(by)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            tool = _lock_published(tool)
            students = list(cohort.students.order_by("pk"))
            if not students:
                raise CohortError("The cohort has no students yet: add them before enrolling the cohort.")
            created, existing = _enrol(students, tool, cohort, by)
    except IntegrityError:
        raise CohortError(
            "Someone else enrolled some of these students at the same moment; nothing was saved. Try again."
        ) from None
    if not created:
        everyone = "The student" if existing == 1 else f"All {existing} students"
        message = f"{everyone} of {cohort.code} {'was' if existing == 1 else 'were'} already enrolled in {_tool_label(tool)}; nothing was changed."
    else:
        message = f"Enrolled {_plural(created, 'student')} of {cohort.code} in {_tool_label(tool)}."
        if existing:
            message += f" {_plural(existing, 'student was', 'students were')} already enrolled and kept as they were."
    return EnrolOutcome(created, existing, message)


def enrol_student(cohort, tool, student, *, by):
    """Enrol one student of the cohort in a published tool; an existing enrolment is kept."""
    _check_manager(by)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            tool = _lock_published(tool)
            if not cohort.students.filter(pk=student.pk).exists():
                raise CohortError(f"{student} is not a student of {cohort.code}.", field="student")
            created, _ = _enrol([student], tool, cohort, by)
    except IntegrityError:
        raise CohortError(f"{student} was enrolled by someone else at the same moment. Try again.") from None
    if created:
        return EnrolOutcome(1, 0, f"Enrolled {student} in {_tool_label(tool)}.")
    return EnrolOutcome(0, 1, f"{student} was already enrolled in {_tool_label(tool)}; nothing was changed.")
