"""Reads the pages need from the catalogue and the tools, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from .diff import REMOVED, REWORDED, Row, diff_rows, rows_from_snapshot
from .matrix import unit_rows
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
