"""Observation tasks: the assessor starts the observation and marks it live; the student signs it after.

An observation has nothing to submit: the assessor watched. The student may still upload supporting
evidence (photos, notes) beforehand; starting the observation takes that draft along.
"""

from django.db import transaction
from django.utils import timezone

from assessor_portal.revisions import bump_revision, lock_row
from evidence.models import Attempt, Declaration, Enrolment
from evidence.permissions import can_work_on_enrolment, is_cohort_assessor
from evidence.services.attempts import AttemptError
from evidence.services.marking import MarkingError
from evidence.services.progress import refresh_stage
from evidence.signing import names_match

OBSERVED_WORDING = (
    "I confirm that {assessor} observed me performing this task on {date} "
    "and that I have read the assessor's record of it."
)


def observation_refusal(task, last):
    """Say why a new observation of the task cannot start after `last` (the latest attempt), or ""."""
    if last is None or last.is_draft:
        return ""
    if last.status == Attempt.Status.SATISFACTORY:
        return f"Task {task.number} is already Satisfactory (attempt {last.number})."
    if last.status == Attempt.Status.NOT_SATISFACTORY:
        if not last.feedback_released_at:
            return f"Attempt {last.number} waits for its quality check."
        if last.number >= task.max_attempts:
            return f"All {task.max_attempts} attempts at task {task.number} are used."
        return ""
    return f"Attempt {last.number} is under way: open it from the queue."


@transaction.atomic
def start_observation(enrolment, task, *, by):
    """Open (or return, if already open) the attempt the assessor marks while observing the student."""
    enrolment = lock_row(Enrolment.objects.select_related("cohort"), enrolment.pk)
    if not is_cohort_assessor(by, enrolment):
        raise MarkingError("Only an assessor of the student's cohort can observe them.")
    if task.tool_id != enrolment.tool_id or not task.is_observation:
        raise MarkingError(f"Task {task.number} is not an observation of this unit.")
    last = Attempt.objects.filter(enrolment=enrolment, task=task).order_by("-number").first()
    if last and last.status in {Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED}:
        return last  # already under way: a second press, or a colleague's, opens the same one
    if refusal := observation_refusal(task, last):
        raise MarkingError(refusal)
    now = timezone.now()
    if last and last.is_draft:
        attempt = last  # the student's supporting uploads come along
        attempt.status, attempt.submitted_at = Attempt.Status.BEING_ASSESSED, now
        bump_revision(attempt, "status", "submitted_at")
    else:
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            task=task,
            number=last.number + 1 if last else 1,
            status=Attempt.Status.BEING_ASSESSED,
            submitted_at=now,
        )
    refresh_stage(enrolment.pk)
    return attempt


def awaits_observed_signature(attempt):
    """Say whether a judged observation still waits for the student's signature."""
    return (
        attempt.task.is_observation
        and attempt.is_judged
        and not Declaration.objects.filter(attempt=attempt).exists()
    )


@transaction.atomic
def sign_observation(attempt, *, by, typed_name, ip_address=None, user_agent=""):
    """The student signs that they were observed and have read the record, once it is judged."""
    attempt = lock_row(Attempt.objects.select_related("enrolment", "task"), attempt.pk)
    if not can_work_on_enrolment(by, attempt.enrolment):
        raise AttemptError("Only the student who was observed can sign this record.")
    if not attempt.task.is_observation:
        raise AttemptError("Only an observation is signed after it is judged.")
    if not awaits_observed_signature(attempt):
        if Declaration.objects.filter(attempt=attempt).exists():
            raise AttemptError("This observation is already signed.")
        raise AttemptError("The assessor has not signed the observation yet.")
    expected = by.get_full_name()
    if not names_match(typed_name, expected):
        raise AttemptError(f"Type your full name exactly as it is on your enrolment ({expected}) to sign.")
    judgement = attempt.judgements.order_by("-signed_at", "-pk").first()
    return Declaration.objects.create(
        attempt=attempt,
        student=by,
        wording=OBSERVED_WORDING.format(
            assessor=judgement.typed_name, date=timezone.localtime(attempt.submitted_at).strftime("%d/%m/%Y")
        ),
        typed_name=typed_name.strip(),
        signed_at=timezone.now(),
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300],
    )
