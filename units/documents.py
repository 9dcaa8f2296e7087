"""What the tool's blank forms show: the rows of an observation checklist before anyone marks it."""

from dataclasses import dataclass

from units.matrix import checklist_criteria

# The answers a checklist row can carry; evidence.CriterionMark stores the same letters.
YES, NO = "Y", "N"


@dataclass
class ChecklistRow:
    """One criterion of an observation checklist, with its Yes / No and comment (blank on a blank form)."""

    code: str
    text: str
    answer: str = ""
    comment: str = ""

    @property
    def yes(self):
        return self.answer == YES

    @property
    def no(self):
        return self.answer == NO


def blank_checklist(task):
    """The task's checklist as the blank form: every criterion it maps, nothing ticked."""
    return [ChecklistRow(pc.code, pc.text) for pc in checklist_criteria(task)]


def observation_checklists(tasks):
    """Pair each observation task with its blank checklist, from the criteria fetched with the tasks."""
    return [
        (task, [ChecklistRow(pc.code, pc.text) for pc in task.criteria.all()])
        for task in tasks
        if task.is_observation
    ]
