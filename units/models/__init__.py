"""Units of competency (catalogue) and the assessment tools written against them (tools)."""

from .catalogue import CriterionManager, Element, ItemNode, PerformanceCriterion, RequirementItem, Unit
from .tools import AssessmentTool, Task

__all__ = [
    "AssessmentTool",
    "CriterionManager",
    "Element",
    "ItemNode",
    "PerformanceCriterion",
    "RequirementItem",
    "Task",
    "Unit",
]
