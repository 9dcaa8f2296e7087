"""Reads the pages need from the catalogue and the tools, each in a fixed number of queries."""

from django.db.models import Exists, OuterRef

from .models import PerformanceCriterion, Task


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
