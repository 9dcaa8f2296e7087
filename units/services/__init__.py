"""Every write to units: the catalogue (importing) and assessment tools."""

from .catalogue import ImportOutcome, UnitImportError, import_unit, set_unit_reporting, unit_snapshot
from .tools import (
    TASK_FIELDS,
    TOOL_FIELDS,
    ReleaseVersion,
    ToolError,
    add_task,
    create_tool,
    delete_task,
    move_task,
    new_tool_version,
    new_tool_version_for_release,
    publish_tool,
    retire_tool,
    set_mapping,
    update_task,
    update_tool,
)

__all__ = [
    "TASK_FIELDS",
    "TOOL_FIELDS",
    "ImportOutcome",
    "ReleaseVersion",
    "ToolError",
    "UnitImportError",
    "add_task",
    "create_tool",
    "delete_task",
    "import_unit",
    "move_task",
    "new_tool_version",
    "new_tool_version_for_release",
    "publish_tool",
    "retire_tool",
    "set_mapping",
    "set_unit_reporting",
    "unit_snapshot",
    "update_task",
    "update_tool",
]
