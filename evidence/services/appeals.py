"""A student's appeal against a signed unit result: lodged, assigned to a reviewer, decided.

Each step is a dated record that never changes. The student lodges within APPEAL_PERIOD_DAYS of
the result's signature and signs with their typed name; an admin assigns a reviewer, an assessor
other than the one who signed the result; the reviewer signs the decision with their password.

Upheld means re-assessment: each task the reviewer names gets a new attempt at once (a draft,
even past the task's maximum attempts), which the student fills and submits as usual (an
observation's is the one its assessor starts when they observe again). The cohort's assessors
judge it through the usual marking, and then correct the unit result through the usual
correction, with a reason; the appealed result stays on the record. Dismissed: the result stands.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessor_portal.mail import queue_email
from assessor_portal.models import User
from assessor_portal.revisions import lock_row
from evidence.models import Appeal, AppealAssignment, AppealDecision, Attempt, UnitResult
from evidence.permissions import can_manage_appeals, can_work_on_enrolment
from evidence.services.marking import check_signer, signature_fields
from evidence.signing import names_match

MAX_GROUNDS = 5000


class AppealError(Exception):
    """The appeal step is refused; the message says why."""


class AlreadyAppealed(AppealError):
    """The result has an appeal already: a second press of the button, or a second tab."""


class AlreadyDecided(AppealError):
    """The appeal has its decision already: a second press of the button, or a second tab."""


def appeal_closes_on(result):
    """The last day (Australia/Sydney) the result may be appealed."""
    return timezone.localdate(result.signed_at) + datetime.timedelta(days=settings.APPEAL_PERIOD_DAYS)


def appeal_refusal(result, *, today=None):
    """Say why the result cannot be appealed now, or "" when it can.

    `result` comes with `correction` and `appeal` selected, or costs a query for each.
    """
    if hasattr(result, "appeal"):
        return f"This result was appealed on {timezone.localtime(result.appeal.signed_at):%d/%m/%Y}."
    if hasattr(result, "correction"):
        return "This result has been corrected: appeal the result in force."
    closes = appeal_closes_on(result)
    if (today or timezone.localdate()) > closes:
        return (
            f"The appeal period for this result ended on {closes:%d/%m/%Y}, "
            f"{settings.APPEAL_PERIOD_DAYS} days after it was signed. Talk to your RTO if you "
            "believe there is a reason to hear it late."
        )
    return ""


@transaction.atomic
def lodge_appeal(result, *, by, grounds, typed_name):
    """The student appeals their unit result, with their grounds, signed with their typed name."""
    result = lock_row(UnitResult.objects.select_related("enrolment__tool__unit", "assessor"), result.pk)
    if not can_work_on_enrolment(by, result.enrolment):
        raise PermissionDenied
    if Appeal.objects.filter(result=result).exists():
        raise AlreadyAppealed("You have already appealed this result: it is listed below.")
    refusal = appeal_refusal(UnitResult.objects.select_related("correction").get(pk=result.pk))
    if refusal:
        raise AppealError(refusal)
    grounds = (grounds or "").strip()
    if not grounds:
        raise AppealError("Say why you appeal: what you believe is wrong with the result.")
    if len(grounds) > MAX_GROUNDS or "\x00" in grounds:
        raise AppealError(f"Keep your grounds under {MAX_GROUNDS} characters of plain text.")
    if not names_match(typed_name, by.get_full_name()):
        raise AppealError(
            f"Type your full name exactly as it is on your enrolment ({by.get_full_name()}) to sign."
        )
    now = timezone.now()
    content = {"result": result.sha256, "student": by.pk, "grounds": grounds, "signed_at": now.isoformat()}
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                result=result,
                student=by,
                assessor=result.assessor,
                grounds=grounds,
                **signature_fields(typed_name, content, now),
            )
    except IntegrityError as error:
        raise AlreadyAppealed("You have already appealed this result: it is listed below.") from error
    unit = result.enrolment.tool.unit
    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).exclude(email="")
    _mail(
        [admin.email for admin in admins],
        f"Appeal lodged: {by.get_full_name()}, {unit.code}",
        f"{by.get_full_name()} has appealed their result for {unit.code} {unit.title} "
        f"({result.outcome}).\n\nAssign a reviewer: {settings.SITE_URL}{appeal.get_absolute_url()}\n",
    )
    return appeal


@transaction.atomic
def assign_appeal_reviewer(appeal, *, by, reviewer):
    """An admin gives the appeal to an assessor other than the one who signed the result."""
    if not can_manage_appeals(by):
        raise PermissionDenied
    appeal = lock_row(Appeal.objects.select_related("result__enrolment__tool__unit"), appeal.pk)
    if AppealAssignment.objects.filter(appeal=appeal).exists():
        raise AppealError("This appeal already has a reviewer.")
    if reviewer is None or not reviewer.is_assessor or not reviewer.is_active:
        raise AppealError("Choose an assessor to review the appeal.")
    if reviewer.pk == appeal.assessor_id:
        raise AppealError(
            f"{reviewer.get_full_name()} signed the result appealed against: choose a different assessor."
        )
    assignment = AppealAssignment.objects.create(
        appeal=appeal,
        reviewer=reviewer,
        result_assessor_id=appeal.assessor_id,
        assigned_by=by,
        assigned_at=timezone.now(),
    )
    unit = appeal.result.enrolment.tool.unit
    _mail(
        [reviewer.email],
        f"Appeal to review: {appeal.typed_name}, {unit.code}",
        f"You have been asked to review {appeal.typed_name}'s appeal against their result for "
        f"{unit.code} {unit.title}.\n\n{settings.SITE_URL}{appeal.get_absolute_url()}\n",
    )
    return assignment


@transaction.atomic
def decide_appeal(appeal, *, by, outcome, reasons, typed_name, password, reassessed_tasks=()):
    """The reviewer upholds the appeal (opening a new attempt at each task named) or dismisses it."""
    appeal = lock_row(
        Appeal.objects.select_related("result__enrolment__tool__unit", "assignment", "student"), appeal.pk
    )
    assignment = getattr(appeal, "assignment", None)
    if assignment is None or assignment.reviewer_id != by.pk:
        raise PermissionDenied
    if AppealDecision.objects.filter(appeal=appeal).exists():
        raise AlreadyDecided("This appeal has already been decided: the decision is below.")
    reasons = (reasons or "").strip()
    if not reasons:
        raise AppealError("Give the reasons for your decision: the student reads them.")
    enrolment = appeal.result.enrolment
    tasks = sorted(reassessed_tasks, key=lambda task: task.number)
    if outcome == AppealDecision.Outcome.UPHELD:
        if not tasks:
            raise AppealError("Name the tasks to assess again: each gets a new attempt.")
        if any(task.tool_id != enrolment.tool_id for task in tasks):
            raise AppealError("Those tasks are not all part of the student's unit.")
    elif outcome == AppealDecision.Outcome.DISMISSED:
        tasks = []
    else:
        raise AppealError("Choose Upheld or Dismissed.")
    check_signer(by, typed_name, password)
    now = timezone.now()
    content = {
        "appeal": appeal.sha256,
        "reviewer": by.pk,
        "outcome": outcome,
        "reasons": reasons,
        "tasks": [task.number for task in tasks],
        "signed_at": now.isoformat(),
    }
    decision = AppealDecision.objects.create(
        appeal=appeal,
        reviewer=by,
        result_assessor_id=appeal.assessor_id,
        outcome=outcome,
        reasons=reasons,
        **signature_fields(typed_name, content, now),
    )
    decision.reassessed_tasks.set(tasks)
    for task in tasks:
        _open_reassessment(enrolment, task)
    unit = enrolment.tool.unit
    _mail(
        [appeal.student.email],
        f"Your appeal for {unit.code} has been decided",
        f"Your appeal against your result for {unit.code} {unit.title} was "
        f"{decision.get_outcome_display().lower()}.\n\n"
        f"Read the decision: {settings.SITE_URL}{appeal.get_absolute_url()}\n",
    )
    return decision


def _open_reassessment(enrolment, task):
    """Open a new attempt at the task, unless the student already has one open."""
    last = (
        Attempt.objects.select_for_update().filter(enrolment=enrolment, task=task).order_by("-number").first()
    )
    if last is not None and not last.is_judged:
        return last  # a draft or submitted work: the re-assessment judges that
    # The enrolment's stage stays its result's: the result stands until a new one is recorded.
    return Attempt.objects.create(enrolment=enrolment, task=task, number=last.number + 1 if last else 1)


def _mail(to, subject, body):
    to = [address for address in to if address]
    if to:
        queue_email(subject=subject, body=body, to=to)
