"""What each printed form of a student's work shows, read in a fixed number of queries.

The forms (templates/documents/) are the sector's paper forms; these functions gather their rows.
A student's copy shows a judgement only once its feedback has been released to them.
"""

from evidence.selectors import current_judgement, mark_rows
from units.documents import ChecklistRow, blank_checklist
from units.matrix import checklist_criteria

UNRELEASED_NOTICE = "Your assessor's marks show here once your result has been released to you."
UNSIGNED_NOTICE = "Not signed yet: these are the marks so far, and they may still change."


def attempt_checklist(attempt, *, for_student):
    """Return the attempt's checklist rows, the judgement that signed them and a notice for the reader.

    A signed attempt shows the marks exactly as signed (the judgement's own copy); an unsigned one
    shows the marks so far, to its assessors only.
    """
    judgement = current_judgement(attempt)
    released = attempt.feedback_released_at is not None
    if for_student and not released:
        return blank_checklist(attempt.task), None, UNRELEASED_NOTICE
    if judgement is None or not attempt.is_judged:
        rows = [
            ChecklistRow(row.criterion.code, row.criterion.text, row.answer, row.comment)
            for row in mark_rows(attempt)
        ]
        return rows, None, UNSIGNED_NOTICE
    signed = {mark["criterion"]: mark for mark in judgement.marks}
    rows = []
    for pc in checklist_criteria(attempt.task):
        mark = signed.get(pc.code, {})
        rows.append(ChecklistRow(pc.code, pc.text, mark.get("answer", ""), mark.get("comment", "")))
    return rows, judgement, ""
