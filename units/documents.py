"""What the blank forms show: the rows of an observation checklist and of an evidence guide before anyone marks them."""

from dataclasses import dataclass, field

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


@dataclass
class GuideRow:
    """One criterion of an evidence guide: the evidence offered for it and the judgement that signed it Yes."""

    code: str
    text: str
    offered: list = field(default_factory=list)
    completed: object = None  # evidence.Judgement, once an assessor has signed the criterion Yes


@dataclass
class GuideElement:
    number: int
    title: str
    rows: list


@dataclass
class EvidenceGuide:
    """A unit's evidence guide (seed 004): blank, or filled in for an enrolment by evidence.documents."""

    elements: list  # GuideElement
    declaration: object = None  # evidence.Declaration: the student's latest own-work declaration
    result: object = None  # evidence.UnitResult in force: the guide's "Assessed"


def guide_elements(elements, offered=None, completed=None):
    """Lay the unit's elements out as an evidence guide; blank when nothing is offered or completed.

    `elements` come from units.selectors.elements_with_criteria (criteria prefetched); `offered` maps a
    criterion's pk to its evidence items, `completed` a criterion's code to its judgement.
    """
    offered, completed = offered or {}, completed or {}
    return [
        GuideElement(
            element.number,
            element.title,
            [
                GuideRow(pc.code, pc.text, offered.get(pc.pk, []), completed.get(pc.code))
                for pc in element.criteria.all()
            ],
        )
        for element in elements
    ]
