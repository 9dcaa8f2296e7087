"""Steps of the marking journeys the tests share: submit, mark every criterion, sign."""

from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt
from evidence.services.marking import save_mark, sign_judgement
from evidence.services.observations import start_observation
from units.matrix import checklist_criteria


def submitted(enrolment, number, student):
    """Hand in the task's work; an observation is started by the cohort's assessor instead."""
    task = enrolment.tool.tasks.get(number=number)
    attempt = open_attempt(enrolment, task, by=student)
    add_text_evidence(attempt, by=student, title="My work", text=f"Work for task {number}")
    attempt.refresh_from_db()
    if task.is_observation:
        return start_observation(enrolment, task, by=enrolment.cohort.assessors.order_by("pk").first())
    return submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)


def mark_all(attempt, assessor, answer="Y"):
    for pc in checklist_criteria(attempt.task):
        save_mark(attempt.pk, pc.pk, by=assessor, answer=answer, comment="", version=0)


def sign(attempt, assessor, result="S", feedback="", **extra):
    return sign_judgement(
        attempt,
        by=assessor,
        result=result,
        feedback=feedback,
        typed_name=assessor.get_full_name(),
        password=assessor.raw_password,
        **extra,
    )


def satisfactory(enrolment, number, student, assessor):
    attempt = submitted(enrolment, number, student)
    mark_all(attempt, assessor)
    return sign(attempt, assessor, feedback="Well done.")
