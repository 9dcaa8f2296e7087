"""The assessment matrix: tasks as columns, every criterion and requirement item as rows.

Every performance criterion and every performance evidence, knowledge evidence and
assessment-condition item must be addressed by at least one task; an unmapped row is an audit
finding. Rows with sub-items (an element, "describe key features of:") are headings: their
sub-items are what tasks map to.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.http import Http404

from .models import PerformanceCriterion, RequirementItem, Task

KIND_ORDER = ["PC", "PE", "KE", "AC"]
KIND_LABELS = {
    "PC": "Performance criteria",
    "PE": "Performance evidence",
    "KE": "Knowledge evidence",
    "AC": "Assessment conditions",
}
SUMMARY_LABELS = {"PC": "PCs", "PE": "PE", "KE": "KE", "AC": "conditions"}


@dataclass
class MatrixRow:
    kind: str
    pk: int | None
    label: str
    text: str
    depth: int = 0
    is_heading: bool = False
    task_ids: set = field(default_factory=set)
    cells: list = field(default_factory=list)
    # For a tool carried over to a new release: why this row needs the author's decision.
    decision: object = None

    @property
    def key(self):
        return f"{self.kind.lower()}-{self.pk}"

    @property
    def covered(self):
        return bool(self.task_ids)

    @property
    def count(self):
        return len(self.task_ids)


@dataclass
class MatrixCell:
    task: Task
    mapped: bool


@dataclass
class Coverage:
    """How many rows of one kind (performance criteria, PE, KE, conditions) the tasks address."""

    label: str
    covered: int
    total: int

    @property
    def gaps(self):
        return self.total - self.covered


@dataclass
class Matrix:
    tasks: list
    sections: list  # [(kind, label, [MatrixRow])]
    summary: list  # [(label, covered, total)]
    decisions: list = field(default_factory=list)  # rows a tool carried to a new release left to decide

    @cached_property
    def rows(self):
        return [row for _, _, rows in self.sections for row in rows]

    @cached_property
    def gaps(self):
        return [row for row in self.rows if not row.is_heading and not row.covered]

    @cached_property
    def coverage(self):
        """Return the printed matrix's summary: per kind of row, how many are covered, in full words."""
        result = []
        for kind, _, rows in self.sections:
            leaves = [row for row in rows if not row.is_heading]
            if leaves:
                result.append(Coverage(KIND_LABELS[kind], sum(row.covered for row in leaves), len(leaves)))
        return result

    @cached_property
    def task_totals(self):
        """Return each task with the number of rows it addresses, for the printed matrix's key."""
        leaves = [row for row in self.rows if not row.is_heading]
        return [(task, sum(task.pk in row.task_ids for row in leaves)) for task in self.tasks]

    @property
    def summary_text(self):
        return " · ".join(f"{label} {covered}/{total}" for label, covered, total in self.summary)

    @cached_property
    def observation_tasks_without_criteria(self):
        mapped = {task_id for row in self.rows if row.kind == "PC" for task_id in row.task_ids}
        return [task for task in self.tasks if task.is_observation and task.pk not in mapped]


def build_matrix(tool):
    """Return the tool's matrix in a fixed number of queries, however many rows and tasks."""
    tasks = list(tool.tasks.order_by("number"))
    criteria_map, items_map = {}, {}
    for task_id, pc_id in Task.criteria.through.objects.filter(task__tool=tool).values_list(
        "task_id", "performancecriterion_id"
    ):
        criteria_map.setdefault(pc_id, set()).add(task_id)
    for task_id, item_id in Task.items.through.objects.filter(task__tool=tool).values_list(
        "task_id", "requirementitem_id"
    ):
        items_map.setdefault(item_id, set()).add(task_id)

    sections = [("PC", KIND_LABELS["PC"], _criterion_rows(tool.unit_id, criteria_map))]
    sections += _item_sections(tool.unit_id, items_map)
    summary = []
    for kind, _, rows in sections:
        for row in rows:
            if not row.is_heading:
                row.cells = [MatrixCell(task, task.pk in row.task_ids) for task in tasks]
        leaves = [row for row in rows if not row.is_heading]
        if leaves:
            summary.append((SUMMARY_LABELS[kind], sum(row.covered for row in leaves), len(leaves)))
    return Matrix(tasks=tasks, sections=sections, summary=summary)


def unit_rows(unit_id):
    """Return a unit's rows as the matrix numbers them, headings included, nothing mapped, in two queries."""
    rows = _criterion_rows(unit_id, {})
    for _, _, item_rows in _item_sections(unit_id, {}):
        rows += item_rows
    return rows


def _criterion_rows(unit_id, criteria_map):
    rows, element_id = [], None
    criteria = PerformanceCriterion.objects.filter(element__unit_id=unit_id).select_related("element")
    for pc in criteria.order_by("element__number", "number"):
        if pc.element_id != element_id:
            element_id = pc.element_id
            element = pc.element
            rows.append(MatrixRow("EL", element.pk, f"{element.number}.", element.title, is_heading=True))
        rows.append(MatrixRow("PC", pc.pk, pc.code, pc.text, 1, task_ids=criteria_map.get(pc.pk, set())))
    return rows


def _item_sections(unit_id, items_map):
    items = list(RequirementItem.objects.filter(unit_id=unit_id).order_by("kind", "sequence"))
    parents = {item.parent_id for item in items if item.parent_id}
    labels = {}
    by_kind = {kind: [] for kind in ("PE", "KE", "AC")}
    for item in items:
        prefix = labels[item.parent_id] + "." if item.parent_id else f"{item.kind} "
        labels[item.pk] = f"{prefix}{item.position}"
        by_kind[item.kind].append(
            MatrixRow(
                item.kind,
                item.pk,
                labels[item.pk],
                item.text,
                item.depth,
                is_heading=item.pk in parents,
                task_ids=set() if item.pk in parents else items_map.get(item.pk, set()),
            )
        )
    return [(kind, KIND_LABELS[kind], by_kind[kind]) for kind in ("PE", "KE", "AC")]


def checklist_criteria(task):
    """Return the performance criteria an observation task maps, in unit order."""
    return list(task.criteria.select_related("element").order_by("element__number", "number"))


def get_matrix_row(tool, key):
    """Return the criterion or leaf item a matrix row key ("pc-12", "ke-40") names, or 404."""
    kind, _, pk = key.partition("-")
    if not pk.isdigit():
        raise Http404
    if kind == "pc":
        found = PerformanceCriterion.objects.filter(element__unit_id=tool.unit_id, pk=pk).first()
    else:
        found = RequirementItem.objects.filter(
            unit_id=tool.unit_id, kind=kind.upper(), pk=pk, children__isnull=True
        ).first()
    if found is None:
        raise Http404
    return found


def parse_cell(value):
    """Split a matrix button's value, "<task pk> <row key> <1|0>", into its parts ('' if missing)."""
    task_pk, row_key, wanted = [*value.split(" "), "", "", ""][:3]
    return task_pk, row_key, wanted
