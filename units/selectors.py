"""Reads the pages need from the catalogue and the tools, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .diff import REMOVED, REWORDED, Row, diff_rows, rows_from_snapshot
from .matrix import build_matrix, unit_rows
from .models import AssessmentTool, Element, PerformanceCriterion, Task, Unit


def linkable_criteria(task):
    """Return the criteria a student may link evidence for the task to, in unit order, in one query.

    They are the criteria the task maps; a task that maps none (written questions mapped only to
    knowledge evidence) offers every criterion of its unit.
    """
    rows = list(
        PerformanceCriterion.objects.filter(element__unit__tools=task.tool_id)
        .annotate(
            mapped=Exists(
                Task.criteria.through.objects.filter(task_id=task.pk, performancecriterion_id=OuterRef("pk"))
            )
        )
        .order_by("element__number", "number")
    )
    return [pc for pc in rows if pc.mapped] or rows


def search_units(query):
    """Return unit releases whose code or title contains the query, with their criteria counts."""
    units = Unit.objects.annotate(criteria_count=Count("elements__criteria"))
    if query:
        units = units.filter(Q(code__icontains=query) | Q(title__icontains=query))
    return units.order_by("code", "-release")


def elements_with_criteria(unit_id):
    """Return a unit's elements, each with its criteria in order, in two queries."""
    return Element.objects.filter(unit=unit_id).prefetch_related(
        Prefetch("criteria", queryset=PerformanceCriterion.objects.order_by("number"))
    )


def tools_for_list():
    """Return every assessment tool with its unit and number of tasks, newest version first."""
    return (
        AssessmentTool.objects.select_related("unit")
        .annotate(task_count=Count("tasks"))
        .order_by("unit__code", "-version_major", "-version_minor")
    )


def tasks_with_criteria(tool):
    """Return a tool's tasks in order, each with the criteria it maps in unit order."""
    return tool.tasks.order_by("number").prefetch_related(
        Prefetch("criteria", queryset=PerformanceCriterion.objects.order_by("element__number", "number"))
    )


# -- a new release against the one it supersedes ------------------------------------------------


@dataclass
class TaskImpact:
    """A task of a tool for the older release: the rows it maps that the new release removes or rewords."""

    task: Task
    lost: list = field(default_factory=list)
    to_decide: list = field(default_factory=list)


@dataclass
class ToolImpact:
    """A tool written for the older release, task by task, and the removed rows any of them maps."""

    tool: AssessmentTool
    tasks: list = field(default_factory=list)
    lost: list = field(default_factory=list)


@dataclass
class ReleaseDiff:
    """How a unit about to be imported differs from the release it supersedes, and what that changes."""

    older: Unit
    diff: object  # units.diff.UnitDiff
    tools: list
    stated_equivalence: str = ""  # what the new unit's mapping note says, in words


@dataclass
class Decision:
    """Why a row of a tool carried over to a new release has no tick yet: it is new, or reworded."""

    change: object  # units.diff.Change
    old_tasks: list  # numbers of the older tool's tasks that mapped the old wording

    @property
    def explanation(self):
        change = self.change
        if change.old is None:
            return "New in this release: no task mapped it before. Tick the tasks that address it."
        was = f" (was {change.old.label})" if change.renumbered else ""
        if self.old_tasks:
            tasks = ", ".join(str(number) for number in self.old_tasks)
            mapped = f"Task{'s' if len(self.old_tasks) > 1 else ''} {tasks} mapped the old wording"
        else:
            mapped = "No task mapped the old wording"
        return f"Reworded in this release{was}. {mapped}; that tick was not carried over. Decide which tasks address it now."


def release_rows(unit_id):
    """Return a saved unit release's rows for comparing releases, in two queries."""
    return [
        Row(row.kind, row.label, row.text, is_heading=row.is_heading, pk=row.pk) for row in unit_rows(unit_id)
    ]


def superseded_release(parsed):
    """Return the saved release a parsed unit supersedes: the same code's latest lower release, else
    the latest release of the code its mapping note names; None when there is neither."""
    older = (
        Unit.objects.filter(code=parsed.code, release__lt=parsed.effective_release)
        .order_by("-release")
        .first()
    )
    if older is None and parsed.supersedes_code:
        older = Unit.objects.filter(code=parsed.supersedes_code).order_by("-release").first()
    return older


def release_diff_for(parsed):
    """Return a parsed unit's diff against the release it supersedes, with the tools written for that
    release and the rows each would lose; None when it supersedes nothing in the catalogue.

    At most eight queries, however many rows and tools.
    """
    older = superseded_release(parsed)
    if older is None:
        return None
    diff = diff_rows(release_rows(older.pk), rows_from_snapshot(parsed.snapshot()))
    stated = Unit.Equivalence(parsed.equivalence).label if parsed.equivalence else ""
    return ReleaseDiff(older=older, diff=diff, tools=_tool_impacts(older, diff), stated_equivalence=stated)


def _tool_impacts(older, diff):
    tools = list(
        AssessmentTool.objects.filter(unit=older)
        .exclude(status=AssessmentTool.Status.RETIRED)
        .annotate(enrolment_count=Count("enrolments"))
        .order_by("-version_major", "-version_minor")
    )
    if not tools:
        return []
    by_tool = {tool.pk: ToolImpact(tool) for tool in tools}
    tasks = Task.objects.filter(tool__in=list(by_tool))
    impacts = {}
    for task in tasks.order_by("number"):
        impacts[task.pk] = TaskImpact(task)
        by_tool[task.tool_id].tasks.append(impacts[task.pk])
    mapped = _tasks_by_row(tasks)
    for change in diff.changes:
        for task_id in mapped.get(change.old.key, ()) if change.old else ():
            impact = impacts[task_id]
            if change.status == REMOVED:
                impact.lost.append(change)
                tool_lost = by_tool[impact.task.tool_id].lost
                if change not in tool_lost:
                    tool_lost.append(change)
            elif change.status == REWORDED and change.is_mappable:
                impact.to_decide.append(change)
    return list(by_tool.values())


def _tasks_by_row(tasks):
    """Return {matrix row key: [task pk …]} for every tick of the given tasks, in two queries."""
    mapped = {}
    criteria = Task.criteria.through.objects.filter(task__in=tasks)
    for task_id, pc_id in criteria.values_list("task_id", "performancecriterion_id"):
        mapped.setdefault(f"pc-{pc_id}", []).append(task_id)
    items = Task.items.through.objects.filter(task__in=tasks)
    for task_id, item_id, kind in items.values_list("task_id", "requirementitem_id", "requirementitem__kind"):
        mapped.setdefault(f"{kind.lower()}-{item_id}", []).append(task_id)
    return mapped


def release_decisions(tool):
    """Return {matrix row key: Decision} for a draft carried over from a tool of an older release.

    The rows are those the new release adds or rewords: no mapping was carried to them. Empty for
    any other tool: a published one, or a draft made from a tool of the same release.
    """
    if not tool.is_draft or tool.previous_version_id is None:
        return {}
    previous = AssessmentTool.objects.only("unit_id").get(pk=tool.previous_version_id)
    if previous.unit_id == tool.unit_id:
        return {}
    diff = diff_rows(release_rows(previous.unit_id), release_rows(tool.unit_id))
    numbers = dict(previous.tasks.values_list("pk", "number"))
    mapped = _tasks_by_row(previous.tasks.all())
    return {
        change.new.key: Decision(
            change, sorted(numbers[pk] for pk in mapped.get(change.old.key, ())) if change.old else []
        )
        for change in diff.changes
        if change.needs_decision
    }


def matrix_with_decisions(tool):
    """Return the tool's matrix, each row new or reworded since the release it was carried from
    marked with the decision it needs."""
    matrix = build_matrix(tool)
    decisions = release_decisions(tool)
    for row in matrix.rows:
        row.decision = decisions.get(row.key)
    matrix.decisions = [row.decision for row in matrix.rows if row.decision]
    return matrix


def newer_release_for(tool):
    """Return (the release that supersedes the tool's unit, the version made for it from this tool),
    or (None, None) while the tool's release is current."""
    successor = tool.unit.superseded_by if tool.unit.superseded_by_id else None
    if successor is None:
        return None, None
    return successor, AssessmentTool.objects.filter(unit=successor, previous_version=tool).first()


@dataclass
class ReportingChange:
    """The unit's AVETMISS reporting details as saved at one time, and by whom."""

    when: object
    by: str  # the person's name; empty when no one signed in made it (an import command, a migration)
    nominal_hours: int | None
    field_of_education: str
    vet_flag: bool
    first: bool  # the first recorded: as imported, or as the unit stood when its history began


def reporting_changes(unit):
    """Return the unit's reporting details each time they changed, newest first: as first recorded,
    then every save that changed one of them (its other changes, such as being superseded, left out)."""
    changes, last = [], None
    for record in unit.history.select_related("history_user").order_by("history_date", "history_id"):
        values = (record.nominal_hours, record.field_of_education, record.vet_flag)
        if values != last:
            by = str(record.history_user or "")  # a person's name, as User.__str__ gives it
            changes.append(ReportingChange(record.history_date, by, *values, first=last is None))
            last = values
    return changes[::-1]
