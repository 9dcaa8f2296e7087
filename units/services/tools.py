"""Every write to an assessment tool: its details, tasks, mapping matrix, publishing and versions.

One function per state change; each locks the tool's row and refuses any change to a tool that is
no longer a draft.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import pluralize
from django.utils import timezone

from assessor_portal.revisions import bump_revision, is_stale, lock_row

from ..diff import diff_rows
from ..models import AssessmentTool, PerformanceCriterion, Task, Unit
from ..permissions import can_author_tools
from ..selectors import release_rows


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
    count = tool.tasks.count()
    if count >= Task.MAX_PER_TOOL:
        raise ToolError(f"A tool has at most {Task.MAX_PER_TOOL} tasks: this one has {count}.")
    task = Task(tool=tool, number=count + 1)
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
    draft, _ = _copy_tool(tool, by=by, unit_id=tool.unit_id, major=major, minor=minor)
    return draft


@dataclass
class ReleaseVersion:
    """The draft made for a new release from a tool of the one it supersedes."""

    tool: AssessmentTool
    created: bool
    carried: int = 0  # mappings carried over
    to_decide: int = 0  # rows new or reworded in the new release, left for the author

    @property
    def message(self):
        tool, unit = self.tool, self.tool.unit
        if not self.created:
            return (
                f"Version {tool.version} for {unit.code} release {unit.release} was already made "
                "from this version: nothing new was made."
            )
        tasks = tool.tasks.count()
        return (
            f"Draft version {tool.version} for {unit.code} release {unit.release} made from version "
            f"{tool.previous_version.version}: {tasks} task{pluralize(tasks)} "
            f"and {self.carried} mapping{pluralize(self.carried)} carried over. {self.to_decide} "
            f"row{pluralize(self.to_decide)} new or reworded in this release "
            f"{'needs' if self.to_decide == 1 else 'need'} your decision: see the assessment matrix."
        )


@transaction.atomic
def new_tool_version_for_release(tool, *, by):
    """Copy a tool of a superseded release, as a draft for the release that supersedes it.

    Every task is copied; a mapping is carried only when its row reads the same in the new release,
    even under a new number. Reworded and new rows are left unticked for the author to decide, and
    rows the new release removes go with their ticks. Enrolments stay on the tool they started.
    A second press returns the draft the first made.
    """
    if not can_author_tools(by):
        raise PermissionDenied
    tool = lock_row(AssessmentTool.objects.select_related("unit__superseded_by"), tool.pk)
    unit = tool.unit.superseded_by
    if unit is None:
        raise ToolError(
            f"{tool.unit.code} release {tool.unit.release} is current: there is no newer release "
            "to make a version for."
        )
    made = AssessmentTool.objects.filter(unit=unit, previous_version=tool).first()
    if made:
        return ReleaseVersion(made, created=False)
    diff = diff_rows(release_rows(tool.unit_id), release_rows(unit.pk))
    carry = {"criteria": {}, "items": {}}
    for change in diff.changes:
        if change.carries_mapping:
            carry["criteria" if change.kind == "PC" else "items"][change.old.pk] = change.new.pk
    # The numbering goes on across releases, so "v2.0" names one tool whichever release is meant.
    latest = AssessmentTool.objects.filter(unit__code__in={unit.code, tool.unit.code}).aggregate(
        major=Max("version_major")
    )["major"]
    draft, carried = _copy_tool(tool, by=by, unit_id=unit.pk, major=latest + 1, minor=0, carry=carry)
    return ReleaseVersion(
        draft, created=True, carried=carried, to_decide=sum(change.needs_decision for change in diff.changes)
    )


def _copy_tool(tool, *, by, unit_id, major, minor, carry=None):
    """Copy a tool's details and tasks into a new draft, and its mappings: every one, or with `carry`
    ({"criteria" or "items": {old row pk: new row pk}}) only those it takes to a row of the new unit.

    Return the draft and the number of mappings copied.
    """
    draft = AssessmentTool.objects.create(
        unit_id=unit_id,
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
    copied = 0
    for through, column, rows in (
        (Task.criteria.through, "performancecriterion_id", "criteria"),
        (Task.items.through, "requirementitem_id", "items"),
    ):
        targets = None if carry is None else carry[rows]
        mapped = through.objects.filter(task__tool=tool).values_list("task_id", column)
        copied += len(
            through.objects.bulk_create(
                through(task_id=new_pk[task_id], **{column: target if targets is None else targets[target]})
                for task_id, target in mapped
                if targets is None or target in targets
            )
        )
    return draft, copied


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
