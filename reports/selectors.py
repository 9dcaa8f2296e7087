"""Reads the reports need: where students stand, what was completed when, and the exceptions a
compliance manager follows up. Each runs in a fixed number of queries however many students:
the counting is done by the database, and only a page of rows is ever turned into objects.

A viewer sees the cohorts they may follow: admins every cohort (and enrolments made outside
one), an assessor only the cohorts they assess.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, TruncMonth
from django.utils import timezone

from evidence.models import COMPETENT, Attempt, Cohort, Enrolment, EvidenceItem, Judgement, UnitResult
from units.models import AssessmentTool, Task, Unit


@dataclass(frozen=True)
class ReportFilters:
    """What the viewer narrowed the report to; every field optional."""

    cohort: Cohort | None = None
    no_cohort: bool = False  # only the enrolments made outside any cohort (admins see those)
    unit: str = ""  # a unit code: every release of it
    assessor: object = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def narrowed(self):
        """Whether any filter is set."""
        return bool(
            self.cohort or self.no_cohort or self.unit or self.assessor or self.date_from or self.date_to
        )


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    colour: str


# Each stage's colour on the chart. The stages (in the order a unit is worked through) and the
# rule that puts a student at one are in evidence/services/progress.py.
COLOURS = {
    Enrolment.Stage.NEW: "#6c757d",
    Enrolment.Stage.DRAFT: "#8a6d00",
    Enrolment.Stage.SUBMITTED: "#0b5ed7",
    Enrolment.Stage.ASSESSING: "#5a3d9a",
    Enrolment.Stage.SATISFACTORY: "#198754",
    Enrolment.Stage.NOT_SATISFACTORY: "#b02a37",
    Enrolment.Stage.RESUBMIT: "#c4520a",
    Enrolment.Stage.COMPETENT: "#0f5132",
    Enrolment.Stage.NOT_YET_COMPETENT: "#842029",
    Enrolment.Stage.OTHER: "#41464b",
}
STAGES = [Stage(stage.value, stage.label, COLOURS[stage]) for stage in Enrolment.Stage]
STAGE_LABELS = {stage.key: stage.label for stage in STAGES}
WAITING = [Attempt.Status.SUBMITTED, Attempt.Status.BEING_ASSESSED]


def visible_cohorts(viewer):
    """Return the cohorts the viewer may report on: all for admins, their own for an assessor."""
    if viewer.is_rto_admin:
        return Cohort.objects.all()
    if viewer.is_assessor:
        return Cohort.objects.filter(assessors=viewer)
    return Cohort.objects.none()


def filter_choices(viewer):
    """Return the cohorts, units (code, title) and assessors the viewer's reports can be narrowed to."""
    from assessor_portal.models import User

    cohorts = list(visible_cohorts(viewer).order_by("code"))
    enrolled = Enrolment.objects.filter(tool__unit=OuterRef("pk"))
    if not viewer.is_rto_admin:
        enrolled = enrolled.filter(cohort__in=visible_cohorts(viewer))
    units = sorted(set(Unit.objects.filter(Exists(enrolled)).values_list("code", "title")))
    assessors = list(
        User.objects.filter(assessed_cohorts__in=visible_cohorts(viewer))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    return cohorts, units, assessors


def enrolments_in_scope(viewer, filters, *, dates=True):
    """Return the enrolments the viewer may see, narrowed by the filters (enrolled between the dates)."""
    enrolments = Enrolment.objects.all()
    if not viewer.is_rto_admin:
        enrolments = enrolments.filter(cohort__in=visible_cohorts(viewer))
    if filters.cohort:
        enrolments = enrolments.filter(cohort=filters.cohort)
    if filters.no_cohort:
        enrolments = enrolments.filter(cohort__isnull=True)
    if filters.unit:
        enrolments = enrolments.filter(tool__unit__code=filters.unit)
    if filters.assessor:
        enrolments = enrolments.filter(cohort__in=Cohort.objects.filter(assessors=filters.assessor))
    if dates and filters.date_from:
        enrolments = enrolments.filter(enrolled_on__gte=filters.date_from)
    if dates and filters.date_to:
        enrolments = enrolments.filter(enrolled_on__lte=filters.date_to)
    return enrolments


def in_scope(field, enrolments):
    """Return a Q keeping rows whose `field` (a path to an enrolment) is among the enrolments.

    Every enrolment (an admin's unfiltered report) needs no check: none is asked of the database.
    """
    if not enrolments.query.where:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__in": enrolments})


def results_in_force():
    """Unit results not corrected by a later one: the outcome that stands.

    NOT EXISTS, not a left join to the correction: PostgreSQL estimated the join's "IS NULL" at one
    row, and planned the reports' anti joins on it as nested loops (2 s for the inactive list at
    scale); it estimates NOT EXISTS right.
    """
    return UnitResult.objects.exclude(Exists(UnitResult.objects.filter(corrects=OuterRef("pk"))))


# -- progress ---------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    """One cohort's students in one unit, counted by stage (in STAGES order)."""

    cohort_id: int | None
    cohort_code: str
    cohort_name: str
    unit_code: str
    unit_title: str
    counts: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def cohort_label(self):
        """The cohort as a screen reader hears it with each figure: its code, or "No cohort"."""
        return self.cohort_code or self.cohort_name

    @property
    def cells(self):
        return [(stage, self.counts.get(stage.key, 0)) for stage in STAGES]

    @property
    def counts_in_order(self):
        return [self.counts.get(stage.key, 0) for stage in STAGES]


@dataclass
class ProgressReport:
    rows: list  # [ProgressRow], by cohort then unit
    totals: list  # [(Stage, count)] over every row

    @property
    def total(self):
        return sum(count for _, count in self.totals)


def progress_report(viewer, filters):
    """Count the viewer's students in each unit of each cohort by stage (kept on each enrolment)."""
    grouped = (
        enrolments_in_scope(viewer, filters)
        .order_by()
        .values_list("cohort_id", "tool_id", "stage")
        .annotate(Count("pk"))
    )
    cohorts = Cohort.objects.in_bulk({cohort_id for cohort_id, *_ in grouped if cohort_id})
    tools = AssessmentTool.objects.select_related("unit").in_bulk({tool_id for _, tool_id, *_ in grouped})
    rows = {}
    totals = dict.fromkeys(STAGE_LABELS, 0)
    for cohort_id, tool_id, stage, students in grouped:
        cohort, unit = cohorts.get(cohort_id), tools[tool_id].unit
        key = (cohort.code if cohort else "", unit.code, cohort_id or 0)
        row = rows.setdefault(
            key,
            ProgressRow(
                cohort_id,
                cohort.code if cohort else "",
                cohort.name if cohort else "No cohort",
                unit.code,
                unit.title,
            ),
        )
        row.counts[stage] = row.counts.get(stage, 0) + students
        totals[stage] += students
    return ProgressReport(
        [rows[key] for key in sorted(rows)], [(stage, totals[stage.key]) for stage in STAGES]
    )


def students_at_stage(viewer, filters, stage):
    """Return the enrolments at the stage (a queryset, by student), for the list behind a figure."""
    return (
        enrolments_in_scope(viewer, filters)
        .filter(stage=stage)
        .select_related("student", "cohort", "tool__unit")
        .order_by("student__last_name", "student__first_name", "tool__unit__code", "pk")
    )


class KeyedPages:
    """A long list as a sequence a Paginator can page through, read in two steps: the keys of the
    rows, in order, from a narrow query (no wide rows dragged through the joins and the sort),
    then the page's own rows, fetched by key.

    With `all_keys`, every key is read once (for a list whose query is costly to run twice: two
    queries a page); without, the count and the page's keys are asked for apart (three). Every key
    is read in one fetch from the cursor: through the queryset, reading 36,000 keys (the overdue
    list at scale) in chunks of a hundred rows, each made a tuple and then a value, took 100 ms.
    """

    def __init__(self, keys, fetch, *, all_keys):
        self.keys, self.fetch, self.all_keys = keys, fetch, all_keys
        self._keys = None

    def _every_key(self):
        if self._keys is None:
            sql, params = self.keys.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._keys = [key for (key,) in cursor.fetchall()]
        return self._keys

    def count(self):
        return len(self._every_key()) if self.all_keys else self.keys.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return self.fetch(self._every_key()[index] if self.all_keys else list(self.keys[index]))


def stage_pages(enrolments):
    """Page through enrolments (students_at_stage()) by id: the stage query runs once."""

    def fetch(ids):
        rows = Enrolment.objects.select_related("student", "cohort", "tool__unit").in_bulk(ids)
        return [rows[pk] for pk in ids]

    return KeyedPages(enrolments.values_list("pk", flat=True), fetch, all_keys=True)


# An (enrolment, task) pair as one number, enrolment * PAIR + task: task ids stay below it.
PAIR = 2**32


def overdue_pages(pairs):
    """Page through (enrolment, task) pairs (overdue_tasks()) by their keys.

    Every key is read at once: counting the pairs apart ran the costly query twice (45 ms more at
    scale). Each key is one number, not a tuple: 36,000 tuples kept through the request set off the
    garbage collector's full passes (a p95 of 189 ms against a p50 of 117); numbers it does not
    track.
    """

    def fetch(keys):
        wanted = [divmod(key, PAIR) for key in keys]
        rows = {(pair.pk, pair.task_pk): pair for pair in pairs.filter(pk__in={pk for pk, _ in wanted})}
        return [rows[key] for key in wanted]

    keys = pairs.annotate(key=F("pk") * Value(PAIR, output_field=models.BigIntegerField()) + F("task_pk"))
    return KeyedPages(keys.values_list("key", flat=True), fetch, all_keys=True)


def inactive_pages(enrolments):
    """Page through inactive enrolments (inactive_students()) by id; only the page's rows are
    annotated with their last activity (sorting every enrolment with it took 0.7 s at scale)."""

    def fetch(ids):
        rows = with_last_activity(
            Enrolment.objects.select_related("student", "cohort", "tool__unit")
        ).in_bulk(ids)
        return [rows[pk] for pk in ids]

    return KeyedPages(enrolments.values_list("pk", flat=True), fetch, all_keys=False)


@dataclass
class MonthCount:
    month: datetime.date
    results: int
    competent: int


def completions(viewer, filters, *, today=None):
    """Count the unit results in force signed each month (Australia/Sydney), in one query.

    The months are those of the date range, or the twelve up to this one.
    """
    today = today or timezone.localdate()
    last = (filters.date_to or today).replace(day=1)
    first = (filters.date_from or _months_before(last, 11)).replace(day=1)
    if first > last:
        first = last
    signed = results_in_force().filter(
        in_scope("enrolment", enrolments_in_scope(viewer, filters, dates=False)),
        signed_at__date__gte=first,
        signed_at__date__lt=_months_before(last, -1),
    )
    counts = {
        row["month"]: row
        for row in signed.order_by()
        .annotate(month=TruncMonth("signed_at", output_field=models.DateField()))
        .values("month")
        .annotate(results=Count("pk"), competent=Count("pk", filter=Q(outcome=COMPETENT)))
    }
    months, month = [], first
    while month <= last:
        row = counts.get(month, {})
        months.append(MonthCount(month, row.get("results", 0), row.get("competent", 0)))
        month = _months_before(month, -1)
    return months


def _months_before(month, count):
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def results_signed_in(viewer, filters, month):
    """Return the unit results in force signed in the month (a queryset), for the list behind a bar."""
    return (
        results_in_force()
        .filter(
            in_scope("enrolment", enrolments_in_scope(viewer, filters, dates=False)),
            signed_at__date__gte=month,
            signed_at__date__lt=_months_before(month, -1),
        )
        .select_related(
            "enrolment__student", "enrolment__cohort", "enrolment__tool__unit", "outcome", "assessor"
        )
        .order_by("signed_at", "pk")
    )


# -- exceptions -------------------------------------------------------------------------------


def overdue_tasks(viewer, filters, *, today=None):
    """Return (enrolment, task) pairs past their due date with nothing handed in, as enrolments
    annotated with the task (`task_pk`, `task_number`, `task_title`), by due date, then student.

    A task's due date is the tool's date, or so many days after the student starts (the cohort's
    start, or the enrolment if later), as on the student's page. A unit with a result is closed.
    """
    today = today or timezone.localdate()
    pairs = (
        enrolments_in_scope(viewer, filters)
        # Open units only, by the stage kept on each enrolment: not one with a result, nor one
        # whose every task is Satisfactory (each handed in).
        .exclude(stage__in=[*Enrolment.RESULT_STAGES, Enrolment.Stage.SATISFACTORY])
        .annotate(
            task_pk=F("tool__tasks__pk"),
            task_number=F("tool__tasks__number"),
            task_title=F("tool__tasks__title"),
            task_due_date=F("tool__tasks__due_date"),
            task_due_days=F("tool__tasks__due_days_after_enrolment"),
            starts=Greatest(Coalesce("cohort__start_date", "enrolled_on"), "enrolled_on"),
        )
        .filter(task_pk__isnull=False)
    )
    overdue = Q(task_due_date__lt=today)
    day_counts = Task.objects.filter(due_days_after_enrolment__isnull=False).values_list(
        "due_days_after_enrolment", flat=True
    )
    # The due date in SQL, for the order: a tool's date, or the start plus the task's days (one
    # case each: the days differ from task to task, and a date plus a column of days is not
    # portable).
    due = [When(task_due_date__isnull=False, then=F("task_due_date"))]
    for days in sorted(set(day_counts)):
        overdue |= Q(task_due_days=days, starts__lt=today - datetime.timedelta(days=days))
        due.append(When(task_due_days=days, then=F("starts") + datetime.timedelta(days=days)))
    # Work on a task is handed in once attempt 1 is (any later attempt follows a judgement of it),
    # as the enrolment keeps: task n is bit n - 1 of `handed_in`.
    task_bit = Cast(Value(1), models.BigIntegerField()).bitleftshift(F("task_number") - 1)
    # Most overdue first, then by cohort and student (by id: in creation order). By student name,
    # sorting every pair by collated text took 80 ms of the list's 140 at scale (36,000 overdue
    # tasks); even as a tie-break, 35 ms: a cohort's students share every due date.
    return (
        pairs.filter(overdue)
        .alias(task_handed_in=F("handed_in").bitand(task_bit))
        .filter(task_handed_in=0)
        .alias(due=Case(*due, output_field=models.DateTimeField()))
        .select_related("student", "cohort", "tool__unit")
        .order_by("due", "cohort_id", "student_id", "pk", "task_number")
    )


def due_date(pair):
    """Return the due date of an (enrolment, task) pair from overdue_tasks()."""
    if pair.task_due_date:
        return pair.task_due_date
    return pair.starts + datetime.timedelta(days=pair.task_due_days)


def waiting_attempts(viewer, filters):
    """Return the submitted work waiting for an assessor's judgement in the viewer's scope."""
    return Attempt.objects.filter(
        in_scope("enrolment", enrolments_in_scope(viewer, filters)), status__in=WAITING
    )


def waiting_longer_than(viewer, filters, days, *, now=None):
    """Return the work waiting for marking more than `days` days, oldest first (a queryset)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        waiting_attempts(viewer, filters)
        .filter(submitted_at__lt=cutoff)
        .select_related("enrolment__student", "enrolment__cohort", "enrolment__tool__unit", "task")
        .order_by("submitted_at", "pk")
    )


@dataclass
class Workload:
    assessor: object
    waiting: int
    late: int
    oldest: datetime.datetime | None


def workload(viewer, filters, days, *, now=None):
    """Count the work waiting in each assessor's cohorts, and how much of it waits over `days` days.

    Work in a cohort with two assessors counts for both: either may mark it. Three queries: the
    waiting work counted by cohort, each cohort's assessors, and those people (not a copy of each
    for every cohort they assess); the figures add up in Python.
    Joining every waiting attempt to each of its cohort's assessors in SQL made 60,000 rows to
    group at scale (60 ms); by cohort there are a few hundred.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    by_cohort = {
        row["enrolment__cohort"]: row
        for row in waiting_attempts(viewer, filters)
        .filter(enrolment__cohort__isnull=False)
        .order_by()
        .values("enrolment__cohort")
        .annotate(
            waiting=Count("pk"),
            late=Count("pk", filter=Q(submitted_at__lt=cutoff)),
            oldest=Min("submitted_at"),
        )
    }
    links = list(
        Cohort.assessors.through.objects.filter(cohort__in=list(by_cohort)).values_list("cohort", "user")
    )
    assessors = get_user_model().objects.in_bulk({user for _, user in links})
    rows = {}
    for cohort_pk, user_pk in links:
        cohort = by_cohort[cohort_pk]
        row = rows.setdefault(user_pk, Workload(assessors[user_pk], 0, 0, None))
        row.waiting += cohort["waiting"]
        row.late += cohort["late"]
        row.oldest = min(row.oldest or cohort["oldest"], cohort["oldest"])
    return sorted(rows.values(), key=lambda row: (-row.late, -row.waiting, row.assessor.get_full_name()))


def not_satisfactory_twice(viewer, filters):
    """Return, for each student and task judged Not satisfactory two times or more, the latest such
    attempt (a queryset, by student).

    An attempt after the first opens only after a Not satisfactory one, so a Not satisfactory
    attempt numbered n is the n-th on its task: n of 2 or more is the rule's "twice".
    """
    next_not_satisfactory = Attempt.objects.filter(
        enrolment=OuterRef("enrolment"),
        task=OuterRef("task"),
        number__gt=OuterRef("number"),
        status=Attempt.Status.NOT_SATISFACTORY,
    )
    return (
        Attempt.objects.filter(
            in_scope("enrolment", enrolments_in_scope(viewer, filters)),
            status=Attempt.Status.NOT_SATISFACTORY,
            number__gte=2,
        )
        .exclude(Exists(next_not_satisfactory))
        .select_related("enrolment__student", "enrolment__cohort", "enrolment__tool__unit", "task")
        .order_by(
            "enrolment__student__last_name", "enrolment__student__first_name", "enrolment_id", "task__number"
        )
    )


def inactive_students(viewer, filters, days, *, now=None):
    """Return the enrolments with no activity for `days` days (a queryset, longest idle first).

    Activity is starting an attempt, adding evidence or submitting. A unit with a result, or with
    work waiting for the assessor, is not the student's to move.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    mine = {"enrolment": OuterRef("pk")}
    recent = Attempt.objects.filter(Q(created_at__gte=cutoff) | Q(submitted_at__gte=cutoff), **mine)
    recent_evidence = EvidenceItem.objects.filter(attempt__enrolment=OuterRef("pk"), created_at__gte=cutoff)
    return (
        enrolments_in_scope(viewer, filters)
        .filter(enrolled_on__lt=timezone.localdate(cutoff))
        .exclude(stage__in=Enrolment.RESULT_STAGES)
        .exclude(Exists(Attempt.objects.filter(status__in=WAITING, **mine)))
        .exclude(Exists(recent))
        .exclude(Exists(recent_evidence))
        .select_related("student", "cohort", "tool__unit")
        .order_by("enrolled_on", "pk")
    )


def with_last_activity(enrolments):
    """Annotate a page of enrolments with their last attempt, submission and evidence times."""
    mine = {"enrolment": OuterRef("pk")}
    return enrolments.annotate(
        last_started=Subquery(
            Attempt.objects.filter(**mine).order_by("-created_at").values("created_at")[:1]
        ),
        last_submitted=Subquery(
            Attempt.objects.filter(submitted_at__isnull=False, **mine)
            .order_by("-submitted_at")
            .values("submitted_at")[:1]
        ),
        last_evidence=Subquery(
            EvidenceItem.objects.filter(attempt__enrolment=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        ),
    )


def last_activity(enrolment):
    """Return the latest of an annotated enrolment's activity times, or None if it never started."""
    times = [enrolment.last_started, enrolment.last_submitted, enrolment.last_evidence]
    return max((time for time in times if time), default=None)


def waiting_quality_check(viewer, filters):
    """Return the judgements in force held for a second assessor's check, oldest first (a queryset).

    None while quality checks are off (MARKING_QUALITY_CHECK): feedback is then released at once.
    """
    if not settings.MARKING_QUALITY_CHECK:
        return Judgement.objects.none()
    return (
        Judgement.objects.filter(
            in_scope("attempt__enrolment", enrolments_in_scope(viewer, filters)),
            attempt__status__in=Attempt.JUDGED,
            attempt__feedback_released_at__isnull=True,
            quality_check__isnull=True,
            correction__isnull=True,
        )
        .select_related(
            "attempt__enrolment__student", "attempt__enrolment__cohort", "attempt__enrolment__tool__unit"
        )
        .select_related("attempt__task", "assessor")
        .order_by("signed_at", "pk")
    )


def superseded_tools(viewer, filters):
    """Return the assessment tools written for a superseded unit release still in use (a queryset).

    In use: published, or with students enrolled in the viewer's scope; each is annotated with
    `enrolled` (in scope) and `open` (of those, without a result).
    """
    scope = enrolments_in_scope(viewer, filters)
    scoped = in_scope("enrolments", scope)
    tools = (
        AssessmentTool.objects.filter(unit__status=Unit.Status.SUPERSEDED)
        .exclude(status=AssessmentTool.Status.DRAFT)
        .annotate(
            enrolled=Count("enrolments", filter=scoped, distinct=True),
            open=Count(
                "enrolments",
                filter=scoped & ~Q(enrolments__in=results_in_force().values("enrolment")),
                distinct=True,
            ),
        )
    )
    if viewer.is_rto_admin and not filters.narrowed:
        tools = tools.filter(Q(enrolled__gt=0) | Q(status=AssessmentTool.Status.PUBLISHED))
    else:
        tools = tools.filter(enrolled__gt=0)
    return tools.select_related("unit__superseded_by").order_by("unit__code", "unit__release", "pk")
