"""Reads the assessors' pages need, each in a fixed number of queries whatever the data."""

from dataclasses import dataclass

from evidence.models import Attempt, CriterionMark, Judgement
from units.matrix import checklist_criteria


@dataclass
class MarkRow:
    """One row of the marking checklist: a criterion and the mark it has so far (None if none)."""

    criterion: object
    mark: CriterionMark | None

    @property
    def answer(self):
        return self.mark.answer if self.mark else ""

    @property
    def comment(self):
        return self.mark.comment if self.mark else ""

    @property
    def version(self):
        return self.mark.version if self.mark else 0


def mark_rows(attempt):
    """Return the attempt's checklist rows in unit order, each with its current mark."""
    marks = {
        mark.criterion_id: mark
        for mark in CriterionMark.objects.filter(attempt=attempt).select_related("updated_by")
    }
    return [MarkRow(pc, marks.get(pc.pk)) for pc in checklist_criteria(attempt.task)]


def earlier_attempts(attempt):
    """Return the student's earlier attempts at the task, each with its judgements."""
    return list(
        Attempt.objects.filter(
            enrolment=attempt.enrolment_id, task=attempt.task_id, number__lt=attempt.number
        )
        .prefetch_related("judgements")
        .order_by("number")
    )


def current_judgement(attempt):
    """Return the attempt's judgement in force (the latest, which corrects any before it)."""
    return Judgement.objects.filter(attempt=attempt).order_by("-signed_at", "-pk").first()


def next_waiting(attempt, assessor):
    """Return the oldest other attempt waiting for the assessor, to move on to after this one."""
    return (
        Attempt.objects.filter(
            enrolment__cohort__assessors=assessor,
            status__in=[Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED],
        )
        .exclude(pk=attempt.pk)
        .order_by("submitted_at", "pk")
        .first()
    )
