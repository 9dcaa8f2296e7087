"""Reads the pages need, each in a fixed number of queries whatever the data: a student's units
and tasks, the evidence linked to each criterion, an assessor's cohorts and waiting work, and the
marking page's rows."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from evidence.models import (
    Appeal,
    Attempt,
    Cohort,
    CriterionMark,
    DocumentExport,
    Enrolment,
    EvidenceItem,
    Judgement,
    UnitResult,
)
from evidence.services.observations import observation_refusal
from units.matrix import checklist_criteria
from units.models import Task


@dataclass
class TaskProgress:
    task: Task
    attempt: Attempt | None
    due: datetime.date | None
    overdue: bool

    @property
    def status(self):
        if self.attempt is None:
            return "Not started"
        status = self.attempt.student_status()
        label = status.label
        if self.attempt.number > 1:
            label += f" (attempt {self.attempt.number})"
        if status == Attempt.Status.NOT_SATISFACTORY and self.attempt.resubmit_by:
            label += f" — resubmit by {self.attempt.resubmit_by:%d/%m/%Y}"
        return label

    @property
    def status_key(self):
        return self.attempt.student_status().value if self.attempt else "new"

    @property
    def feedback(self):
        if self.attempt and self.attempt.feedback_released_at:
            return self.attempt.feedback
        return ""


@dataclass
class UnitProgress:
    enrolment: Enrolment
    tasks: list


def task_progress(task, enrolment, attempt, today=None):
    today = today or timezone.localdate()
    due = task.due_for(enrolment.starts_on)
    open_work = attempt is None or attempt.is_draft
    return TaskProgress(task, attempt, due, overdue=bool(due and due < today and open_work))


def student_progress(student, today=None):
    """Return the student's units with every task's progress, in three queries however many."""
    enrolments = list(Enrolment.objects.filter(student=student).select_related("tool__unit", "cohort"))
    tasks = Task.objects.filter(tool__in=[e.tool_id for e in enrolments]).order_by("tool_id", "number")
    latest = {}
    for attempt in Attempt.objects.filter(enrolment__in=enrolments).order_by("number"):
        latest[(attempt.enrolment_id, attempt.task_id)] = attempt
    by_tool = {}
    for task in tasks:
        by_tool.setdefault(task.tool_id, []).append(task)
    return [
        UnitProgress(
            enrolment,
            [
                task_progress(task, enrolment, latest.get((enrolment.pk, task.pk)), today)
                for task in by_tool.get(enrolment.tool_id, [])
            ],
        )
        for enrolment in sorted(enrolments, key=lambda e: e.tool.unit.code)
    ]


def evidence_by_criterion(enrolment):
    """Map each performance criterion's pk to the evidence the student linked to it."""
    offered = {}
    items = EvidenceItem.objects.filter(attempt__enrolment=enrolment).prefetch_related("criteria")
    for item in items.select_related("attempt__task"):
        for criterion in item.criteria.all():
            offered.setdefault(criterion.pk, []).append(item)
    return offered


def assessor_overview(assessor):
    """Return the assessor's cohorts, and the submitted attempts waiting in them oldest first (a queryset)."""
    cohorts = list(
        Cohort.objects.filter(assessors=assessor).annotate(
            student_count=models.Count("students", distinct=True)
        )
    )
    waiting = (
        Attempt.objects.filter(
            enrolment__cohort__in=cohorts,
            status__in=[Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED],
        )
        .select_related("enrolment__student", "enrolment__tool__unit", "task")
        .order_by("submitted_at", "pk")
    )
    return cohorts, waiting


def duplicate_owners(attempt, items, *, viewer):
    """Map a file's SHA-256 to who else handed in the very same file, as the viewer may know them.

    Only assessors and admins are told, and only about submitted work on both sides: a draft is
    not handed in yet. A student in a cohort the viewer does not assess stays unnamed.
    """
    hashes = {item.sha256 for item in items if item.sha256}
    if not hashes or attempt.is_draft or not (viewer.is_assessor or viewer.is_rto_admin):
        return {}
    others = (
        EvidenceItem.objects.filter(sha256__in=hashes)
        .exclude(attempt__enrolment__student_id=attempt.enrolment.student_id)
        .exclude(attempt__status=Attempt.Status.DRAFT)
        .select_related("attempt__enrolment__student")
    )
    visible_cohorts = (
        set() if viewer.is_rto_admin else set(viewer.assessed_cohorts.values_list("pk", flat=True))
    )
    owners = {}
    for other in others:
        enrolment = other.attempt.enrolment
        if viewer.is_rto_admin or enrolment.cohort_id in visible_cohorts:
            owner = str(enrolment.student)
        else:
            owner = "a student in another cohort"
        owners.setdefault(other.sha256, set()).add(owner)
    return {sha: sorted(names) for sha, names in owners.items()}


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


def attempt_judgements(attempt):
    """Return every judgement signed on the attempt, newest (the one in force) first, with its check."""
    return list(
        Judgement.objects.filter(attempt=attempt)
        .select_related("quality_check", "quality_check__checker")
        .order_by("-signed_at", "-pk")
    )


def waiting_quality_checks(assessor):
    """Return the judgements in the assessor's cohorts that wait for a second assessor's check."""
    if not settings.MARKING_QUALITY_CHECK:
        return Judgement.objects.none()
    return (
        Judgement.objects.filter(
            attempt__enrolment__cohort__assessors=assessor,
            attempt__status__in=Attempt.JUDGED,
            attempt__feedback_released_at__isnull=True,
            quality_check__isnull=True,
            correction__isnull=True,
        )
        .exclude(assessor=assessor)
        .select_related("attempt__enrolment__student", "attempt__enrolment__tool__unit", "attempt__task")
        .order_by("signed_at", "pk")
    )


def next_waiting(attempt, assessor):
    """Return the oldest other attempt waiting for the assessor, to move on to after this one."""
    return (
        Attempt.objects.filter(
            enrolment__cohort__assessors=assessor,
            status__in=[Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED],
        )
        .exclude(pk=attempt.pk)
        .select_related("enrolment__student")
        .order_by("submitted_at", "pk")
        .first()
    )


@dataclass
class MarkingQueue:
    """The work waiting for an assessor, filtered, with how much of it waits too long."""

    attempts: object  # a queryset, oldest first: the page paginates it
    total: int
    overdue: int
    overdue_after_days: int


def waiting_work(assessor, *, cohort=None, unit=None, task=None, today=None):
    """Return the submitted work in the assessor's cohorts, oldest first, filtered as asked.

    Work waiting longer than MARKING_DUE_DAYS is overdue for marking: the RTO promises students
    their results within that time.
    """
    days = settings.MARKING_DUE_DAYS
    waiting = Attempt.objects.filter(
        enrolment__cohort__assessors=assessor,
        status__in=[Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED],
    )
    if cohort:
        waiting = waiting.filter(enrolment__cohort=cohort)
    if unit:
        waiting = waiting.filter(enrolment__tool__unit__code=unit)
    if task:
        waiting = waiting.filter(task__number=task)
    cutoff = timezone.now() - datetime.timedelta(days=days)
    counts = waiting.aggregate(
        total=models.Count("pk"), overdue=models.Count("pk", filter=Q(submitted_at__lt=cutoff))
    )
    attempts = (
        waiting.select_related("enrolment__student", "enrolment__cohort", "enrolment__tool__unit", "task")
        .annotate(
            is_overdue=models.ExpressionWrapper(
                Q(submitted_at__lt=cutoff), output_field=models.BooleanField()
            )
        )
        .order_by("submitted_at", "pk")
    )
    return MarkingQueue(attempts, counts["total"], counts["overdue"], days)


def queue_choices(assessor):
    """Return the cohorts, units and task numbers the assessor's queue can be filtered by."""
    cohorts = list(Cohort.objects.filter(assessors=assessor).order_by("code"))
    enrolments = Enrolment.objects.filter(cohort__in=cohorts)
    units = sorted(set(enrolments.values_list("tool__unit__code", "tool__unit__title")))
    tasks = sorted(set(Task.objects.filter(tool__enrolments__in=enrolments).values_list("number", flat=True)))
    return cohorts, units, tasks


@dataclass
class GridCell:
    """One student's standing on one task: the latest attempt, or None before the first."""

    attempt: Attempt | None
    task: Task | None = None

    @property
    def can_start_observation(self):
        return (
            self.task is not None
            and self.task.is_observation
            and not observation_refusal(self.task, self.attempt)
        )

    @property
    def label(self):
        if self.attempt is None:
            return "Not started"
        label = self.attempt.get_status_display()
        return f"{label} ({self.attempt.number})" if self.attempt.number > 1 else label

    @property
    def key(self):
        return self.attempt.status if self.attempt else "new"


@dataclass
class GridUnit:
    """One unit of the cohort: its tasks as columns, its enrolled students as rows of cells."""

    tool: object
    tasks: list
    rows: list  # [(enrolment, [GridCell …], unit result in force or None)]


def cohort_progress(cohort):
    """Return the cohort's students × tasks, unit by unit, in five queries however large the cohort."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("student", "tool__unit")
        .order_by("tool__unit__code", "student__last_name", "student__first_name")
    )
    tool_ids = {enrolment.tool_id for enrolment in enrolments}
    tasks = {}
    for task in Task.objects.filter(tool__in=tool_ids).order_by("number"):
        tasks.setdefault(task.tool_id, []).append(task)
    latest = {
        (attempt.enrolment_id, attempt.task_id): attempt
        for attempt in Attempt.objects.filter(enrolment__cohort=cohort).order_by("number")
    }
    results = current_results(Enrolment.objects.filter(cohort=cohort))
    units = {}
    for enrolment in enrolments:
        unit = units.setdefault(
            enrolment.tool_id, GridUnit(enrolment.tool, tasks.get(enrolment.tool_id, []), [])
        )
        cells = [GridCell(latest.get((enrolment.pk, task.pk)), task) for task in unit.tasks]
        unit.rows.append((enrolment, cells, results.get(enrolment.pk)))
    return list(units.values())


@dataclass
class RecordTask:
    """One task on the unit record: its progress and the judgement in force on its latest attempt."""

    progress: TaskProgress
    judgement: Judgement | None


@dataclass
class UnitRecord:
    """An enrolment's assessment record: every task's standing and every unit result signed."""

    enrolment: Enrolment
    tasks: list
    results: list  # newest first; a correction comes before the result it corrects

    @property
    def current_result(self):
        return self.results[0] if self.results else None


def unit_record(enrolment, *, for_student, today=None):
    """Return the enrolment's record in four queries however many tasks and attempts.

    A student sees a task's judgement only once its feedback is released.
    """
    tasks = list(Task.objects.filter(tool=enrolment.tool_id).order_by("number"))
    latest = {
        attempt.task_id: attempt for attempt in Attempt.objects.filter(enrolment=enrolment).order_by("number")
    }
    judgements = {}
    for judgement in Judgement.objects.filter(attempt__in=latest.values()).order_by("signed_at", "pk"):
        judgements[judgement.attempt_id] = judgement
    rows = []
    for task in tasks:
        attempt = latest.get(task.pk)
        judgement = judgements.get(attempt.pk) if attempt else None
        if for_student and attempt and not attempt.feedback_released_at:
            judgement = None
        rows.append(RecordTask(task_progress(task, enrolment, attempt, today), judgement))
    results = list(
        UnitResult.objects.filter(enrolment=enrolment)
        .select_related(
            "outcome",
            "acknowledgement",
            "assessor",
            "correction",
            "appeal__assignment__reviewer",
            "appeal__decision",
        )
        .order_by("-signed_at", "-pk")
    )
    return UnitRecord(enrolment, rows, results)


def current_results(enrolments):
    """Map each enrolment's pk to its unit result in force (the newest), in one query."""
    results = {}
    for result in (
        UnitResult.objects.filter(enrolment__in=enrolments)
        .select_related("outcome")
        .order_by("signed_at", "pk")
    ):
        results[result.enrolment_id] = result
    return results


def observations_to_start(assessor, limit=25):
    """Return (enrolment, task) pairs in the assessor's cohorts whose observation could start now.

    Oldest enrolments first; a pair with an attempt under way, Satisfactory, or out of attempts is left out.
    """
    busy = Attempt.objects.filter(
        enrolment=models.OuterRef("pk"), task=models.OuterRef("observed_task")
    ).exclude(status__in=[Attempt.Status.DRAFT, Attempt.Status.NOT_SATISFACTORY])
    used_up = (
        Attempt.objects.filter(enrolment=models.OuterRef("pk"), task=models.OuterRef("observed_task"))
        .values("task")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    enrolments = (
        Enrolment.objects.filter(cohort__assessors=assessor, tool__tasks__type=Task.Type.OBSERVATION)
        .annotate(observed_task=models.F("tool__tasks"), max_attempts=models.F("tool__tasks__max_attempts"))
        .exclude(models.Exists(busy))
        .annotate(attempts_made=Coalesce(models.Subquery(used_up), 0))
        .filter(attempts_made__lt=models.F("max_attempts"))
        .select_related("student", "tool__unit", "cohort")
        .order_by("enrolled_on", "pk", "observed_task")[:limit]
    )
    enrolments = list(enrolments)
    tasks = Task.objects.in_bulk({enrolment.observed_task for enrolment in enrolments})
    return [(enrolment, tasks[enrolment.observed_task]) for enrolment in enrolments]


def criteria_completed(enrolment, *, for_student):
    """Map each criterion code the assessor signed Yes to the judgement that did, earliest first.

    Only judgements in force count (a corrected one does not); a student's view counts only those
    whose feedback has reached them. Two queries however many attempts.
    """
    judgements = Judgement.objects.filter(attempt__enrolment=enrolment, correction__isnull=True)
    if for_student:
        judgements = judgements.filter(attempt__feedback_released_at__isnull=False)
    completed = {}
    for judgement in judgements.order_by("signed_at", "pk"):
        for mark in judgement.marks:
            if mark["answer"] == CriterionMark.Answer.YES:
                completed.setdefault(mark["criterion"], judgement)
    return completed


def recent_exports(cohort, limit=5):
    """The cohort's latest downloads, newest first, for its grid: one query."""
    return list(
        DocumentExport.objects.filter(cohort=cohort).select_related("requested_by", "task__tool__unit")[
            :limit
        ]
    )


APPEAL_ROWS = (
    "result__enrolment__student",
    "result__enrolment__tool__unit",
    "result__enrolment__cohort",
    "result__outcome",
    "assignment__reviewer",
    "decision",
)


def appeals_for(viewer, *, decided):
    """Return the appeals the viewer works on (admins: every one; a reviewer: those assigned to them).

    Open ones oldest first, the order they are heard in; decided ones newest first. One query for
    each page of them, with everything its rows show.
    """
    appeals = Appeal.objects.select_related(*APPEAL_ROWS).filter(decision__isnull=not decided)
    if not viewer.is_rto_admin:
        appeals = appeals.filter(assignment__reviewer=viewer)
    return appeals.order_by("-signed_at", "-pk") if decided else appeals.order_by("signed_at", "pk")


def appeal_reviewers():
    """Return the active assessors who may be asked to review an appeal, by name."""
    from assessor_portal.models import User

    return list(
        User.objects.filter(role=User.Role.ASSESSOR, is_active=True).order_by("last_name", "first_name")
    )
