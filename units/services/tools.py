"""Every write to an assessment tool: its details, tasks, mapping matrix, publishing and versions.

One function per state change; each locks the tool's row and refuses any change to a tool that is
no longer a draft.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessor_portal.revisions import bump_revision, is_stale, lock_row

from ..models import AssessmentTool, PerformanceCriterion, Task, Unit
from ..permissions import can_author_tools


class ToolError(Exception):
    """The change to an assessment tool is refused; the message says why."""


TOOL_FIELDS = ("issue_date", "purpose", "target_group", "evidence_required")
TASK_FIELDS = (
    "title",
    "type",
    "due_date",
    "due_days_after_enrolment",
    "instructions",
    "evidence_required",
    "satisfactory_standard",
    "assessor_guidance",
    "max_attempts",
)


def _save_fields(row, fields, names):
    """Set the named fields that were given, validate the whole row and save it."""
    for name in names:
        if name in fields:
            setattr(row, name, fields[name])
    row.full_clean()
    row.save()
    return row


def _lock_draft(tool, *, by, revision=None):
    """Lock the tool's row and refuse unless it is a draft the user may author.

    With the revision a form was opened at, refuse too when someone changed the tool since.
    """
    if not can_author_tools(by):
        raise PermissionDenied
    tool = lock_row(AssessmentTool.objects.select_related("unit"), tool.pk)
    if refusal := tool.change_refusal():
        raise ToolError(refusal)
    if is_stale(tool, revision):
        raise ToolError(
            "Someone changed this tool after you opened this page, so your changes were not saved. "
            "They are still in the form below: compare them with the tool and save again."
        )
    return tool


@transaction.atomic
def create_tool(unit, *, by, **fields):
    """Start a draft assessment tool for a unit release, numbered after any earlier tools."""
    if not can_author_tools(by):
        raise PermissionDenied
    Unit.objects.select_for_update().get(pk=unit.pk)
    latest = AssessmentTool.objects.filter(unit=unit).aggregate(major=Max("version_major"))["major"]
    tool = AssessmentTool(unit=unit, version_major=(latest or 0) + 1, created_by=by)
    return _save_fields(tool, fields, TOOL_FIELDS)


@transaction.atomic
def update_tool(tool, *, by, revision=None, **fields):
    """Change a draft tool's details."""
    tool = _lock_draft(tool, by=by, revision=revision)
    tool.revision += 1
    return _save_fields(tool, fields, TOOL_FIELDS)


@transaction.atomic
def add_task(tool, *, by, **fields):
    """Add a task at the end of a draft tool."""
    tool = _lock_draft(tool, by=by)
    task = Task(tool=tool, number=tool.tasks.count() + 1)
    bump_revision(tool)
    return _save_fields(task, fields, TASK_FIELDS)


@transaction.atomic
def update_task(task, *, by, revision=None, **fields):
    """Change a task of a draft tool."""
    bump_revision(_lock_draft(task.tool, by=by, revision=revision))
    task = Task.objects.get(pk=task.pk)
    return _save_fields(task, fields, TASK_FIELDS)


@transaction.atomic
def delete_task(task, *, by):
    """Remove a task from a draft tool; the tasks after it move up a number."""
    tool = _lock_draft(task.tool, by=by)
    bump_revision(tool)
    Task.objects.filter(pk=task.pk).delete()
    _renumber(tool, [t.pk for t in tool.tasks.order_by("number")])


@transaction.atomic
def move_task(task, *, by, offset):
    """Move a task up (-1) or down (+1) in a draft tool; the numbering follows."""
    tool = _lock_draft(task.tool, by=by)
    order = list(tool.tasks.order_by("number").values_list("pk", flat=True))
    index = order.index(task.pk)
    target = index + offset
    if not 0 <= target < len(order):
        raise ToolError(f"Task {index + 1} is already {'first' if offset < 0 else 'last'}.")
    order[index], order[target] = order[target], order[index]
    bump_revision(tool)
    _renumber(tool, order)


def _renumber(tool, order):
    # Two passes keep the (tool, number) constraint true after every statement.
    tasks = list(tool.tasks.all())
    by_pk = {task.pk: task for task in tasks}
    offset = len(order) + 1000
    for task in tasks:
        task.number += offset
    Task.objects.bulk_update(tasks, ["number"])
    for number, pk in enumerate(order, start=1):
        by_pk[pk].number = number
    Task.objects.bulk_update(tasks, ["number"])


@transaction.atomic
def set_mapping(task, row, *, by, mapped):
    """Make one cell of the matrix ticked or not, whatever it was.

    The matrix page sends the state the person saw change to, so a double click or a stale tab
    repeats a choice instead of undoing someone else's.
    """
    _lock_draft(task.tool, by=by)
    through, link = _mapping(task, row)
    if mapped:
        through.objects.get_or_create(**link)
    else:
        through.objects.filter(**link).delete()
    return mapped


def _mapping(task, row):
    if isinstance(row, PerformanceCriterion):
        return Task.criteria.through, {"task_id": task.pk, "performancecriterion_id": row.pk}
    return Task.items.through, {"task_id": task.pk, "requirementitem_id": row.pk}


@transaction.atomic
def publish_tool(tool, *, by):
    """Publish a draft tool, refusing while any row is unmapped or an observation maps no criterion."""
    from ..matrix import build_matrix

    tool = _lock_draft(tool, by=by)
    matrix = build_matrix(tool)
    problems = []
    if not matrix.tasks:
        problems.append("the tool has no tasks")
    if matrix.gaps:
        problems.append("no task addresses " + ", ".join(f"{row.label}" for row in matrix.gaps))
    for task in matrix.tasks:
        if not task.evidence_required.strip():
            problems.append(f"task {task.number} ({task.title}) does not say what evidence is required")
    for task in matrix.observation_tasks_without_criteria:
        problems.append(f"observation task {task.number} ({task.title}) maps no performance criterion")
    if problems:
        raise ToolError("Version " + tool.version + " cannot be published: " + "; ".join(problems) + ".")
    tool.status = AssessmentTool.Status.PUBLISHED
    tool.published_at, tool.published_by = timezone.now(), by
    if tool.issue_date is None:
        tool.issue_date = timezone.localdate()
    tool.save()
    return tool


@transaction.atomic
def new_tool_version(tool, *, by):
    """Copy a published or retired tool, its tasks and every mapping, into the next draft version."""
    if not can_author_tools(by):
        raise PermissionDenied
    tool = AssessmentTool.objects.select_for_update().get(pk=tool.pk)
    if tool.is_draft:
        raise ToolError(f"Version {tool.version} is still a draft: change it directly.")
    major = tool.version_major
    minor = (
        AssessmentTool.objects.filter(unit=tool.unit_id, version_major=major).aggregate(
            m=Max("version_minor")
        )["m"]
        + 1
    )
    draft = AssessmentTool.objects.create(
        unit_id=tool.unit_id,
        version_major=major,
        version_minor=minor,
        purpose=tool.purpose,
        target_group=tool.target_group,
        evidence_required=tool.evidence_required,
        previous_version=tool,
        created_by=by,
    )
    old_tasks = list(tool.tasks.order_by("number"))
    new_tasks = Task.objects.bulk_create(
        Task(tool=draft, **{name: getattr(task, name) for name in ("number", *TASK_FIELDS)})
        for task in old_tasks
    )
    new_pk = {old.pk: new.pk for old, new in zip(old_tasks, new_tasks, strict=True)}
    for through, column in (
        (Task.criteria.through, "performancecriterion_id"),
        (Task.items.through, "requirementitem_id"),
    ):
        rows = through.objects.filter(task__tool=tool).values_list("task_id", column)
        through.objects.bulk_create(
            through(task_id=new_pk[task_id], **{column: target}) for task_id, target in rows
        )
    return draft


@transaction.atomic
def retire_tool(tool, *, by):
    """Retire a published tool: it stays readable but is no longer used for new enrolments."""
    if not can_author_tools(by):
        raise PermissionDenied
    tool = AssessmentTool.objects.select_for_update().get(pk=tool.pk)
    if tool.status != AssessmentTool.Status.PUBLISHED:
        raise ToolError(f"Only a published tool can be retired; version {tool.version} is {tool.status}.")
    tool.status, tool.retired_at = AssessmentTool.Status.RETIRED, timezone.now()
    tool.save()
    return tool
