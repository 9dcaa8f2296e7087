"""Every write to the unit catalogue."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assessor_portal.revisions import bump_revision, is_stale, lock_row

from .importing.parsed import REQUIREMENT_KINDS
from .models import AssessmentTool, Element, PerformanceCriterion, RequirementItem, Task, Unit
from .permissions import can_author_tools, can_import_units


class UnitImportError(Exception):
    """The unit cannot be imported; the message says why, for the person importing it."""


@dataclass
class ImportOutcome:
    unit: Unit
    created: bool
    message: str


def unit_snapshot(unit):
    """Return a saved unit as the same plain data a parsed unit gives (the portal's JSON)."""
    elements = unit.elements.prefetch_related("criteria")
    items = list(unit.requirement_items.order_by("kind", "sequence"))
    by_parent = {}
    for item in items:
        by_parent.setdefault((item.kind, item.parent_id), []).append(item)

    def tree(kind, parent_id):
        return [
            {"text": item.text, **({"items": kids} if (kids := tree(kind, item.pk)) else {})}
            for item in by_parent.get((kind, parent_id), [])
        ]

    return {
        "code": unit.code,
        "title": unit.title,
        "release": unit.release,
        "application": unit.application,
        "licensing": unit.licensing,
        "foundation_skills": unit.foundation_skills,
        "elements": [
            {
                "number": element.number,
                "title": element.title,
                "criteria": [{"number": pc.number, "text": pc.text} for pc in element.criteria.all()],
            }
            for element in elements
        ],
        **{name: tree(kind, None) for name, kind in REQUIREMENT_KINDS.items()},
    }


def import_unit(parsed, *, by=None):
    """Save a parsed unit as a new release, or say it is already in the catalogue unchanged.

    A bad unit saves nothing. The newest release of a code is current; older ones are marked
    superseded by it, and keep their rows (old enrolments were assessed against them).
    """
    if by is not None and not can_import_units(by):
        raise PermissionDenied
    if parsed.errors:
        raise UnitImportError("The unit has errors and was not imported: " + "; ".join(parsed.errors))
    try:
        return _import_unit(parsed, by=by)
    except IntegrityError:
        # Two admins importing the same release at once: the second finds the first's row.
        return _import_unit(parsed, by=by)


@transaction.atomic
def _import_unit(parsed, *, by):
    release = parsed.effective_release
    existing = Unit.objects.select_for_update().filter(code=parsed.code, release=release).first()
    if existing:
        if unit_snapshot(existing) == parsed.snapshot():
            return ImportOutcome(
                existing,
                created=False,
                message=f"{existing.code} release {release} is already in the catalogue; "
                "nothing was changed.",
            )
        raise UnitImportError(
            f"{parsed.code} release {release} is already in the catalogue with different text. "
            "A changed unit is a new release: give the release number training.gov.au shows."
        )
    unit = Unit.objects.create(
        code=parsed.code,
        title=parsed.title,
        release=release,
        application=parsed.application,
        licensing=parsed.licensing,
        foundation_skills=parsed.foundation_skills,
        imported_by=by,
        source_format=parsed.source_format,
    )
    elements = Element.objects.bulk_create(
        Element(unit=unit, number=element.number, title=element.title) for element in parsed.elements
    )
    PerformanceCriterion.objects.bulk_create(
        PerformanceCriterion(element=element, number=pc.number, text=pc.text)
        for element, parsed_element in zip(elements, parsed.elements, strict=True)
        for pc in parsed_element.criteria
    )
    for name, kind in REQUIREMENT_KINDS.items():
        _create_items(unit, kind, getattr(parsed, name))
    _mark_superseded(unit.code)
    unit.refresh_from_db()
    return ImportOutcome(unit, created=True, message=_created_message(unit, parsed))


def _create_items(unit, kind, parsed_items):
    """Save a nested list level by level, so each child knows its parent's key."""
    sequence = 0
    ordered = []

    def walk(items, depth, parent_index):
        nonlocal sequence
        for position, item in enumerate(items, start=1):
            sequence += 1
            ordered.append((item, depth, parent_index, position, sequence))
            walk(item.children, depth + 1, len(ordered) - 1)

    walk(parsed_items, 0, None)
    rows = [None] * len(ordered)
    for level in range(max((depth for _, depth, *_ in ordered), default=-1) + 1):
        batch = [
            (
                index,
                RequirementItem(
                    unit=unit,
                    kind=kind,
                    parent=rows[parent_index] if parent_index is not None else None,
                    position=position,
                    sequence=seq,
                    depth=depth,
                    text=item.text,
                ),
            )
            for index, (item, depth, parent_index, position, seq) in enumerate(ordered)
            if depth == level
        ]
        created = RequirementItem.objects.bulk_create(row for _, row in batch)
        for (index, _), row in zip(batch, created, strict=True):
            rows[index] = row


def _mark_superseded(code):
    releases = Unit.objects.filter(code=code)
    newest = releases.aggregate(newest=Max("release"))["newest"]
    current = releases.get(release=newest)
    releases.filter(pk=current.pk).update(status=Unit.Status.CURRENT, superseded_by=None)
    releases.exclude(pk=current.pk).update(status=Unit.Status.SUPERSEDED, superseded_by=current)


def _created_message(unit, parsed):
    message = (
        f"Imported {unit.code} {unit.title}, release {unit.release}: "
        f"{len(parsed.elements)} elements, {parsed.criteria_count} performance criteria."
    )
    older = unit.supersedes.order_by("-release").first()
    if older:
        message += f" Release {older.release} is now marked superseded."
    elif unit.status == Unit.Status.SUPERSEDED:
        message += f" A newer release ({unit.superseded_by.release}) is current."
    return message


# -- assessment tools ---------------------------------------------------------------------


class ToolError(Exception):
    """The change to an assessment tool is refused; the message says why."""


TOOL_FIELDS = ("issue_date", "purpose", "target_group", "evidence_required")
TASK_FIELDS = (
    "title",
    "type",
    "due_date",
    "due_days_after_enrolment",
    "instructions",
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
    from .matrix import build_matrix

    tool = _lock_draft(tool, by=by)
    matrix = build_matrix(tool)
    problems = []
    if not matrix.tasks:
        problems.append("the tool has no tasks")
    if matrix.gaps:
        problems.append("no task addresses " + ", ".join(f"{row.label}" for row in matrix.gaps))
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
