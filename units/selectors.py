"""Reads the pages need from the catalogue and the tools, each in a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

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
