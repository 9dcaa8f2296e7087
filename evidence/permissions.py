"""Who may see and change which enrolment, attempt and piece of evidence.

A student sees only their own work; an assessor only the work of cohorts they assess; RTO
admins see everything. Fetchers answer 404 to strangers, so they cannot learn what exists.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    Appeal,
    AppealAssignment,
    Attempt,
    Cohort,
    DocumentExport,
    Enrolment,
    EvidenceItem,
    OutcomeExport,
)


def can_manage_cohorts(user):
    """Let only RTO admins create cohorts, add students and enrol them."""
    return user.is_authenticated and user.is_rto_admin


def can_view_enrolment(user, enrolment):
    """Let the student, the cohort's assessors and admins see an enrolment's work."""
    if not user.is_authenticated:
        return False
    if user.is_rto_admin or enrolment.student_id == user.pk:
        return True
    return is_cohort_assessor(user, enrolment) or reviews_appeal_of(user, enrolment)


def reviews_appeal_of(user, enrolment):
    """Say whether the user reviews an appeal against the enrolment's result: they read its work."""
    return (
        user.is_authenticated
        and user.is_assessor
        and AppealAssignment.objects.filter(reviewer=user, appeal__result__enrolment=enrolment).exists()
    )


def assesses_cohort(user, cohort):
    """Say whether the user is one of the cohort's assessors."""
    return user.is_authenticated and user.is_assessor and cohort.assessors.filter(pk=user.pk).exists()


def is_cohort_assessor(user, enrolment):
    """Say whether the user is an assessor of the cohort the enrolment belongs to."""
    return enrolment.cohort_id is not None and assesses_cohort(user, enrolment.cohort)


def can_use_marking_queue(user):
    """Let assessors see the work waiting in their cohorts."""
    return user.is_authenticated and user.is_assessor


def can_mark_attempt(user, attempt):
    """Let only an assessor of the student's cohort mark, judge and check an attempt."""
    return is_cohort_assessor(user, attempt.enrolment)


def can_check_judgement(user, attempt, judgement):
    """Let a second assessor of the cohort check a judgement held for a quality check, once."""
    return (
        settings.MARKING_QUALITY_CHECK
        and judgement is not None
        and judgement.assessor_id != user.pk
        and attempt.is_judged
        and attempt.feedback_released_at is None
        and not hasattr(judgement, "quality_check")
        and can_mark_attempt(user, attempt)
    )


def can_reopen_judgement(user, attempt):
    """Let the cohort's assessor reopen a judged attempt to correct it, while it is the latest."""
    return (
        attempt.is_judged
        and can_mark_attempt(user, attempt)
        and not Attempt.objects.filter(
            enrolment=attempt.enrolment_id, task=attempt.task_id, number__gt=attempt.number
        ).exists()
    )


def can_record_result(user, enrolment):
    """Let only an assessor of the student's cohort record the unit's result."""
    return is_cohort_assessor(user, enrolment)


def can_work_on_enrolment(user, enrolment):
    """Let only the enrolled student add evidence and submit."""
    return user.is_authenticated and enrolment.student_id == user.pk


def get_cohort_for(user, pk):
    """Fetch a cohort an admin manages, or 404."""
    if not can_manage_cohorts(user):
        raise Http404
    return get_object_or_404(Cohort, pk=pk)


def get_cohort_to_follow(user, pk):
    """Fetch a cohort whose progress the user may follow (its assessors, admins), or 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if can_manage_cohorts(user) or assesses_cohort(user, cohort):
        return cohort
    raise Http404


def get_enrolment_for(user, pk):
    """Fetch an enrolment the user may see, or 404."""
    enrolment = get_object_or_404(Enrolment.objects.select_related("tool__unit", "cohort", "student"), pk=pk)
    if not can_view_enrolment(user, enrolment):
        raise Http404
    return enrolment


def get_own_enrolment(user, pk):
    """Fetch the signed-in student's own enrolment, or 404 for anyone else."""
    enrolment = get_enrolment_for(user, pk)
    if not can_work_on_enrolment(user, enrolment):
        raise Http404
    return enrolment


def get_attempt_for(user, pk):
    """Fetch an attempt the user may see, or 404."""
    attempt = get_object_or_404(
        Attempt.objects.select_related(
            "enrolment__cohort", "enrolment__student", "enrolment__tool__unit", "task"
        ),
        pk=pk,
    )
    if not can_view_enrolment(user, attempt.enrolment):
        raise Http404
    return attempt


def get_attempt_to_mark(user, pk):
    """Fetch an attempt the user may mark: 404 for strangers, 403 for those who may only read it."""
    attempt = get_attempt_for(user, pk)
    if not can_mark_attempt(user, attempt):
        raise PermissionDenied
    return attempt


def get_evidence_for(user, pk):
    """Fetch a piece of evidence the user may see, or 404."""
    item = get_object_or_404(
        EvidenceItem.objects.select_related("attempt__enrolment__cohort", "attempt__task"), pk=pk
    )
    if not can_view_enrolment(user, item.attempt.enrolment):
        raise Http404
    return item


def can_export_cohort(user, cohort):
    """Let those who follow the cohort (its assessors, admins) download its documents together."""
    return user.is_authenticated and (can_manage_cohorts(user) or assesses_cohort(user, cohort))


def get_export_for(user, pk):
    """Fetch an export of a cohort the user follows (its assessors, admins), or 404."""
    export = get_object_or_404(
        DocumentExport.objects.select_related("cohort", "requested_by", "task__tool__unit"), pk=pk
    )
    get_cohort_to_follow(user, export.cohort_id)
    return export


def can_export_outcomes(user):
    """Let only RTO admins send unit outcomes to the student management system."""
    return user.is_authenticated and user.is_rto_admin


def get_outcome_export_for(user, pk):
    """Fetch an outcome export for an admin, or 404."""
    if not can_export_outcomes(user):
        raise Http404
    return get_object_or_404(OutcomeExport.objects.select_related("exported_by"), pk=pk)


def can_manage_appeals(user):
    """Let only RTO admins see every appeal and assign its reviewer."""
    return user.is_authenticated and user.is_rto_admin


def can_view_appeal(user, appeal):
    """Let the student who lodged it, its reviewer, the cohort's assessors and admins see an appeal."""
    if not user.is_authenticated:
        return False
    if user.is_rto_admin or appeal.student_id == user.pk:
        return True
    assignment = getattr(appeal, "assignment", None)
    if assignment is not None and assignment.reviewer_id == user.pk:
        return True
    return is_cohort_assessor(user, appeal.result.enrolment)


def can_decide_appeal(user, appeal):
    """Let only the appeal's assigned reviewer decide it (once: the service refuses a second decision)."""
    assignment = getattr(appeal, "assignment", None)
    return user.is_authenticated and assignment is not None and assignment.reviewer_id == user.pk


def get_appeal_for(user, pk):
    """Fetch an appeal the user may see, or 404."""
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "result__enrolment__tool__unit",
            "result__enrolment__cohort",
            "result__enrolment__student",
            "result__outcome",
            "assignment__reviewer",
            "assignment__assigned_by",
            "decision__reviewer",
        ),
        pk=pk,
    )
    if not can_view_appeal(user, appeal):
        raise Http404
    return appeal


def can_see_retention_report(user):
    """Let only RTO admins see which evidence files the retention policy removed."""
    return user.is_authenticated and user.is_rto_admin
