"""Build the demo assessment tools from fixtures/tools/*.json through the real services."""

import json

from .matrix import build_matrix, get_matrix_row
from .models import AssessmentTool, Unit
from .services import add_task, create_tool, publish_tool, set_mapping


def load_demo_tool(path, *, by):
    """Create and publish the tool a fixture describes, unless its unit already has one."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    unit = Unit.objects.get(code=spec["unit"], release=spec["release"])
    existing = AssessmentTool.objects.filter(unit=unit).first()
    if existing:
        return existing, False
    tool = create_tool(
        unit,
        by=by,
        **{key: spec[key] for key in ("issue_date", "purpose", "target_group", "evidence_required")},
    )
    rows = {row.label: row for row in build_matrix(tool).rows if not row.is_heading}
    for task_spec in spec["tasks"]:
        fields = {key: value for key, value in task_spec.items() if key not in {"criteria", "items"}}
        task = add_task(tool, by=by, **fields)
        wanted = _labels(task_spec["criteria"], rows, "PC") + _labels(task_spec["items"], rows, "items")
        for label in wanted:
            set_mapping(task, get_matrix_row(tool, rows[label].key), by=by, mapped=True)
    return publish_tool(tool, by=by), True


def _labels(value, rows, kind):
    if value != "all":
        return value
    return [label for label, row in rows.items() if (row.kind == "PC") == (kind == "PC")]
