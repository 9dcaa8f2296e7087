"""Every write an assessor makes when judging: marks, signed judgements, checks and unit results.

A mark can change until the attempt is signed; a signature locks the attempt, and everything
signed is a record that never changes: a correction is a newer signed record with a reason.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessor_portal.revisions import lock_row
from evidence.models import (
    COMPETENT,
    NOT_YET_COMPETENT,
    Attempt,
    Cohort,
    CriterionMark,
    Enrolment,
    Judgement,
    OutcomeCode,
    QualityCheck,
    ResultAcknowledgement,
    UnitResult,
)
from evidence.permissions import (
    can_mark_attempt,
    can_record_result,
    can_work_on_enrolment,
    get_attempt_to_mark,
)
from evidence.services.progress import refresh_stage
from evidence.signing import names_match, signer_refusal
from evidence.tasks import queue_record_sheet_copy
from units.matrix import checklist_criteria
from units.models import PerformanceCriterion, Task

MAX_COMMENT = 2000


class MarkingError(Exception):
    """The change is refused; the message says why, for the assessor."""


@dataclass
class StaleMark(MarkingError):
    """Someone else saved this criterion since the assessor's page loaded it: here is what they saved."""

    mark: CriterionMark

    def __str__(self):
        who = self.mark.updated_by.get_full_name() or self.mark.updated_by.username
        answer = self.mark.get_answer_display() or "no answer"
        return (
            f"{who} changed {self.mark.criterion.code} at {timezone.localtime(self.mark.updated_at):%H:%M} "
            f"({answer}{': ' + self.mark.comment if self.mark.comment else ''}). "
            "Your change was not saved: choose which to keep."
        )


def _lock_for_marking(attempt, by):
    attempt = lock_row(Attempt.objects.select_related("enrolment__cohort", "task"), attempt.pk)
    if not can_mark_attempt(by, attempt):
        raise PermissionDenied
    _refuse_unless_markable(attempt)
    return attempt


def _refuse_unless_markable(attempt):
    if attempt.status not in {Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED}:
        raise MarkingError(
            f"Attempt {attempt.number} is {attempt.get_status_display().lower()}: its marks can no longer change."
        )


def save_mark(attempt_id, criterion_id, *, by, answer, comment, version):
    """Save one criterion's Yes or No and comment, unless someone saved it since `version`.

    `version` is the mark's version the assessor's page showed (0 for a criterion not yet
    marked). The attempt's row is locked first, so two saves of the same attempt take turns.
    An autosave is four queries: the user, the locked attempt (which also says whether the user
    may mark it and whether the criterion is on its checklist), the mark and its history row.
    """
    if answer not in {"", *CriterionMark.Answer.values}:
        raise MarkingError("Answer Yes or No.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT or "\x00" in comment:
        raise MarkingError(f"Keep the comment under {MAX_COMMENT} characters of plain text.")
    try:
        return _save_mark(
            attempt_id, criterion_id, by=by, answer=answer, comment=comment, version=int(version)
        )
    except IntegrityError:
        # Someone marked this criterion for the first time while this save waited for the attempt.
        raise StaleMark(_current_mark(attempt_id, criterion_id)) from None


@transaction.atomic
def _save_mark(attempt_id, criterion_id, *, by, answer, comment, version):
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .annotate(
            may_mark=Exists(
                Cohort.assessors.through.objects.filter(cohort=OuterRef("enrolment__cohort"), user=by.pk)
            ),
            on_checklist=Exists(
                Task.criteria.through.objects.filter(task=OuterRef("task"), performancecriterion=criterion_id)
            ),
            mark_id=CriterionMark.objects.filter(attempt=OuterRef("pk"), criterion=criterion_id).values("pk"),
        )
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not (by.is_authenticated and by.is_assessor and attempt.may_mark):
        get_attempt_to_mark(by, attempt_id)  # 404 for strangers, 403 for those who may only read
        raise PermissionDenied
    _refuse_unless_markable(attempt)
    if not attempt.on_checklist:
        criterion = PerformanceCriterion.objects.filter(pk=criterion_id).select_related("element").first()
        raise MarkingError(
            f"{criterion.code if criterion else 'That criterion'} is not on this task's checklist."
        )
    mark = CriterionMark(
        pk=attempt.mark_id,
        attempt=attempt,
        criterion_id=criterion_id,
        answer=answer,
        comment=comment,
        version=version + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if attempt.mark_id is None:
        if version != 0:
            raise StaleMark(_current_mark(attempt_id, criterion_id))
        mark._history_user = by
        mark.save(force_insert=True)
    else:
        # The version condition runs after the attempt's lock is held, so it sees every save
        # committed before this one; an older version means someone else saved in between.
        changed = CriterionMark.objects.filter(pk=mark.pk, version=version).update(
            answer=answer, comment=comment, version=version + 1, updated_by=by, updated_at=mark.updated_at
        )
        if not changed:
            raise StaleMark(_current_mark(attempt_id, criterion_id))
        CriterionMark.history.bulk_history_create([mark], update=True, default_user=by)
    if attempt.status == Attempt.Status.SUBMITTED:
        attempt.status = Attempt.Status.BEING_ASSESSED
        attempt.save(update_fields=["status"])
        refresh_stage(attempt.enrolment_id)
    return mark


def _current_mark(attempt_id, criterion_id):
    return CriterionMark.objects.select_related("updated_by", "criterion__element").get(
        attempt=attempt_id, criterion=criterion_id
    )


def canonical_marks(attempt):
    """The attempt's marks in unit order, as they are signed."""
    marks = {mark.criterion_id: mark for mark in attempt.marks.all()}
    return [
        {
            "criterion": pc.code,
            "answer": marks[pc.pk].answer if pc.pk in marks else "",
            "comment": marks[pc.pk].comment if pc.pk in marks else "",
        }
        for pc in checklist_criteria(attempt.task)
    ]


def signed_content(attempt, *, result, feedback, marks, assessor, signed_at, corrects=""):
    """Everything a judgement signs, in one canonical form: its SHA-256 proves it later.

    `corrects` is the hash of the judgement this one corrects, chaining a corrected record to it.
    """
    return {
        "attempt": attempt.pk,
        "student": attempt.enrolment.student_id,
        "unit": attempt.enrolment.tool.unit.code,
        "task": attempt.task.number,
        "number": attempt.number,
        "result": result,
        "feedback": feedback,
        "marks": marks,
        "evidence": sorted(
            item.sha256 or hashlib.sha256((item.text or item.url).encode()).hexdigest()
            for item in attempt.evidence.all()
        ),
        "assessor": assessor.pk,
        "signed_at": signed_at.isoformat(),
        "corrects": corrects,
    }


def content_hash(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_signer(by, typed_name, password):
    """Refuse a signature whose password or typed name is not the signer's own."""
    refusal = signer_refusal(by, typed_name, password)
    if refusal:
        raise MarkingError(refusal)


@transaction.atomic
def sign_judgement(attempt, *, by, result, feedback, typed_name, password, resubmit_by=None, reason=""):
    """Sign the attempt Satisfactory or Not satisfactory; the attempt and its marks then lock.

    Satisfactory needs every criterion on the task's checklist answered Yes; Not satisfactory
    needs feedback that says what is missing. The feedback reaches the student at once, or after
    a second assessor's quality check where the RTO turns that on. An attempt judged before (sent
    back by a quality check, or reopened to correct) is signed again with a reason: the new
    judgement corrects the earlier one, which stays on the record.
    """
    attempt = _lock_for_marking(attempt, by)
    earlier = Judgement.objects.filter(attempt=attempt).order_by("-signed_at", "-pk").first()
    reason = (reason or "").strip()
    if earlier and not reason:
        raise MarkingError(
            f"This attempt was judged {earlier.get_result_display()} on "
            f"{timezone.localtime(earlier.signed_at):%d/%m/%Y}: give a reason for the new judgement."
        )
    feedback = (feedback or "").strip()
    marks = canonical_marks(attempt)
    if result == Judgement.Result.SATISFACTORY:
        open_rows = [mark["criterion"] for mark in marks if mark["answer"] != CriterionMark.Answer.YES]
        if open_rows:
            raise MarkingError(
                "Satisfactory needs every criterion answered Yes; not yet: " + ", ".join(open_rows) + "."
            )
    elif result == Judgement.Result.NOT_SATISFACTORY:
        if not feedback:
            raise MarkingError("Say in the feedback what is missing, so the student can resubmit.")
    else:
        raise MarkingError("Choose Satisfactory or Not satisfactory.")
    check_signer(by, typed_name, password)
    now = timezone.now()
    content = signed_content(
        attempt,
        result=result,
        feedback=feedback,
        marks=marks,
        assessor=by,
        signed_at=now,
        corrects=earlier.sha256 if earlier else "",
    )
    judgement = Judgement.objects.create(
        attempt=attempt,
        result=result,
        feedback=feedback,
        marks=marks,
        assessor=by,
        corrects=earlier,
        reason=reason if earlier else "",
        **signature_fields(typed_name, content, now),
    )
    attempt.status, attempt.feedback = result, feedback
    attempt.resubmit_by = resubmit_by if result == Judgement.Result.NOT_SATISFACTORY else None
    attempt.feedback_released_at = None if settings.MARKING_QUALITY_CHECK else now
    attempt.save(update_fields=["status", "feedback", "resubmit_by", "feedback_released_at"])
    refresh_stage(attempt.enrolment_id)
    return judgement


@transaction.atomic
def check_judgement(judgement, *, by, approved, comment, typed_name, password):
    """A second assessor approves a judgement (its feedback is released) or sends it back."""
    judgement = lock_row(Judgement.objects.select_related("attempt__enrolment__cohort"), judgement.pk)
    attempt = lock_row(Attempt.objects.select_related("enrolment__cohort", "task"), judgement.attempt_id)
    if not can_mark_attempt(by, attempt) or judgement.assessor_id == by.pk:
        raise PermissionDenied
    if QualityCheck.objects.filter(judgement=judgement).exists() or attempt.feedback_released_at:
        raise MarkingError("This judgement has already been checked.")
    comment = (comment or "").strip()
    if not approved and not comment:
        raise MarkingError("Say why the judgement goes back to its assessor.")
    check_signer(by, typed_name, password)
    now = timezone.now()
    check = QualityCheck.objects.create(
        judgement=judgement,
        checker=by,
        approved=approved,
        comment=comment,
        **signature_fields(
            typed_name, {"judgement": judgement.sha256, "approved": approved, "comment": comment}, now
        ),
    )
    if approved:
        attempt.feedback_released_at = now
        attempt.save(update_fields=["feedback_released_at"])
    else:
        attempt.status = Attempt.Status.BEING_ASSESSED
        attempt.save(update_fields=["status"])
        refresh_stage(attempt.enrolment_id)
    return check


@transaction.atomic
def reopen_judgement(attempt, *, by):
    """Open a judged attempt's marks again so its assessor can correct them and sign anew.

    The signed judgement stays as it was; the new one will correct it, with a reason. Only the
    task's latest attempt reopens: once the student has started another, the record moves on.
    """
    attempt = lock_row(Attempt.objects.select_related("enrolment__cohort", "task"), attempt.pk)
    if not can_mark_attempt(by, attempt):
        raise PermissionDenied
    if not attempt.is_judged:
        raise MarkingError(f"Attempt {attempt.number} is not judged yet: mark it and sign.")
    if Attempt.objects.filter(
        enrolment=attempt.enrolment_id, task=attempt.task_id, number__gt=attempt.number
    ).exists():
        raise MarkingError(
            f"The student has started attempt {attempt.number + 1}: attempt {attempt.number} can no longer be reopened."
        )
    attempt.status, attempt.feedback_released_at = Attempt.Status.BEING_ASSESSED, None
    attempt._history_user = by
    attempt.save(update_fields=["status", "feedback_released_at"])
    refresh_stage(attempt.enrolment_id)
    return attempt


def unit_result_rule(enrolment):
    """Say which of Competent and Not yet competent the enrolment's attempts allow, and why not.

    Competent: every task's latest attempt Satisfactory. Not yet competent: some task Not
    satisfactory with its attempts used up.
    """
    latest = {}
    for attempt in Attempt.objects.filter(enrolment=enrolment).order_by("number"):
        latest[attempt.task_id] = attempt
    tasks = list(enrolment.tool.tasks.order_by("number"))
    unsatisfied = [
        task for task in tasks if getattr(latest.get(task.pk), "status", "") != Attempt.Status.SATISFACTORY
    ]
    exhausted = [
        task
        for task in unsatisfied
        if task.pk in latest
        and latest[task.pk].status == Attempt.Status.NOT_SATISFACTORY
        and latest[task.pk].number >= task.max_attempts
    ]
    return {
        COMPETENT: ""
        if not unsatisfied
        else "Competent needs every task Satisfactory; not yet: "
        + ", ".join(f"task {task.number}" for task in unsatisfied)
        + ".",
        NOT_YET_COMPETENT: ""
        if exhausted
        else "Not yet competent is recorded once a task is Not satisfactory with its attempts used up.",
    }


@transaction.atomic
def record_unit_result(enrolment, *, by, outcome, typed_name, password, reason=""):
    """Record and sign the unit's outcome; a second result for the same enrolment corrects the first."""
    enrolment = lock_row(Enrolment.objects.select_related("cohort", "tool__unit", "student"), enrolment.pk)
    if not can_record_result(by, enrolment):
        raise PermissionDenied
    outcome = OutcomeCode.objects.filter(code=outcome, recordable=True).first()
    if outcome is None:
        raise MarkingError("Choose one of the outcomes listed.")
    refusal = unit_result_rule(enrolment).get(outcome.code, "")
    if refusal:
        raise MarkingError(refusal)
    current = enrolment.results.filter(correction__isnull=True).order_by("-signed_at", "-pk").first()
    reason = (reason or "").strip()
    if current and not reason:
        raise MarkingError(f"{current.outcome} is already recorded: give a reason to correct it.")
    check_signer(by, typed_name, password)
    now = timezone.now()
    content = {
        "enrolment": enrolment.pk,
        "student": enrolment.student_id,
        "unit": enrolment.tool.unit.code,
        "outcome": outcome.code,
        "assessor": by.pk,
        "corrects": current.sha256 if current else "",
        "reason": reason,
        "signed_at": now.isoformat(),
    }
    result = UnitResult.objects.create(
        enrolment=enrolment,
        outcome=outcome,
        assessor=by,
        corrects=current,
        reason=reason,
        **signature_fields(typed_name, content, now),
    )
    refresh_stage(enrolment.pk)
    queue_record_sheet_copy(result)
    return result


@transaction.atomic
def acknowledge_result(result, *, by, typed_name):
    """The student signs that they have read their unit result."""
    result = lock_row(UnitResult.objects.select_related("enrolment"), result.pk)
    if not can_work_on_enrolment(by, result.enrolment):
        raise PermissionDenied
    if ResultAcknowledgement.objects.filter(result=result).exists():
        raise MarkingError("You have already signed this result.")
    if not names_match(typed_name, by.get_full_name()):
        raise MarkingError(
            f"Type your full name exactly as it is on your enrolment ({by.get_full_name()}) to sign."
        )
    now = timezone.now()
    acknowledgement = ResultAcknowledgement.objects.create(
        result=result,
        student=by,
        **signature_fields(
            typed_name, {"result": result.sha256, "student": by.pk, "signed_at": now.isoformat()}, now
        ),
    )
    queue_record_sheet_copy(result)
    return acknowledgement


def signature_fields(typed_name, content, signed_at):
    """The fields every signed record shares: who typed their name, when, and the hash of what."""
    return {"typed_name": typed_name.strip(), "signed_at": signed_at, "sha256": content_hash(content)}
