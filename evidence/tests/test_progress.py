"""Each enrolment keeps the stage the student is at: every service that moves the work on stores it.

After each step the stored stage is compared with the one the enrolment's attempts and result
make (the same query the reports once ran on every request), and with the stage a person would
name.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from evidence.models import Enrolment
from evidence.services.appeals import assign_appeal_reviewer, decide_appeal, lodge_appeal
from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt
from evidence.services.marking import check_judgement, record_unit_result, reopen_judgement, save_mark
from evidence.services.observations import start_observation
from evidence.services.progress import refresh_stages, stage_sql
from evidence.tests.journeys import mark_all, satisfactory, sign, submitted
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db


def stored_and_computed(enrolment, column):
    """Return (stored, computed): the column kept on the enrolment and what its rows make now."""
    enrolment.refresh_from_db()
    sql, params = stage_sql(Enrolment.objects.filter(pk=enrolment.pk))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM ({sql}) s", params)
        (computed,) = cursor.fetchone()
    return getattr(enrolment, column), computed


def stages(enrolment):
    """Return (stored, computed): the stage kept on the enrolment and the one its rows make now."""
    return stored_and_computed(enrolment, "stage")


def at(stage):
    return stage, stage


def handed_in(enrolment):
    """Return (stored, computed): the tasks handed in kept on the enrolment (task n as bit n - 1)
    and those its attempts make now."""
    return stored_and_computed(enrolment, "handed_in")


def test_a_unit_worked_through_to_competent_stores_each_stage(enrolment, portfolio, charlie, bob):
    assert stages(enrolment) == at("new")
    attempt = open_attempt(enrolment, portfolio, by=charlie)
    assert stages(enrolment) == at("draft")
    add_text_evidence(attempt, by=charlie, title="My work", text="Work for the portfolio")
    attempt.refresh_from_db()
    submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)
    assert stages(enrolment) == at("submitted")
    first_criterion = checklist_criteria(portfolio)[0]
    save_mark(attempt.pk, first_criterion.pk, by=bob, answer="N", comment="", version=0)
    assert stages(enrolment) == at("assessing")
    mark_all_but_first(attempt, bob)
    sign(
        attempt,
        bob,
        result="NS",
        feedback="Show 1.3.",
        resubmit_by=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert stages(enrolment) == at("resubmit")

    second = submitted(enrolment, 1, charlie)
    assert second.number == 2
    assert stages(enrolment) == at("submitted")
    mark_all(second, bob)
    sign(second, bob, result="S", feedback="Well done.")
    assert stages(enrolment) == at("S")
    record_unit_result(enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password)
    assert stages(enrolment) == at("C")


def mark_all_but_first(attempt, assessor):
    for criterion in checklist_criteria(attempt.task)[1:]:
        save_mark(attempt.pk, criterion.pk, by=assessor, answer="Y", comment="", version=0)


def test_not_satisfactory_without_a_date_then_a_new_draft(enrolment, portfolio, charlie, bob):
    attempt = submitted(enrolment, 1, charlie)
    mark_all(attempt, bob, answer="N")
    sign(attempt, bob, result="NS", feedback="Not yet.")
    assert stages(enrolment) == at("NS")
    open_attempt(enrolment, portfolio, by=charlie)
    assert stages(enrolment) == at("draft")


def test_a_reopened_judgement_is_being_assessed_again(enrolment, charlie, bob):
    judgement = satisfactory(enrolment, 1, charlie, bob)
    assert stages(enrolment) == at("S")
    reopen_judgement(judgement.attempt, by=bob)
    assert stages(enrolment) == at("assessing")


def test_a_judgement_sent_back_by_the_quality_check_is_being_assessed_again(
    enrolment, charlie, bob, erin, settings
):
    settings.MARKING_QUALITY_CHECK = True
    enrolment.cohort.assessors.add(erin)
    judgement = satisfactory(enrolment, 1, charlie, bob)
    assert stages(enrolment) == at("S")
    check_judgement(
        judgement,
        by=erin,
        approved=False,
        comment="Say which criterion the evidence shows.",
        typed_name="Erin Park",
        password=erin.raw_password,
    )
    assert stages(enrolment) == at("assessing")


def test_an_observation_the_assessor_starts_is_being_assessed(fnscus504, bob):
    start_observation(fnscus504, fnscus504.tool.tasks.get(number=3), by=bob)
    assert stages(fnscus504) == at("assessing")


def test_an_upheld_appeal_leaves_the_result_standing_until_a_new_one(enrolment, charlie, bob, alice, erin):
    satisfactory(enrolment, 1, charlie, bob)
    result = record_unit_result(
        enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
    )
    appeal = lodge_appeal(
        result, by=charlie, grounds="The record misses task 1's feedback.", typed_name="Charlie Wilson"
    )
    assign_appeal_reviewer(appeal, by=alice, reviewer=erin)
    decide_appeal(
        appeal,
        by=erin,
        outcome="upheld",
        reasons="Assess the portfolio again.",
        typed_name="Erin Park",
        password=erin.raw_password,
        reassessed_tasks=[enrolment.tool.tasks.get(number=1)],
    )
    assert enrolment.attempts.count() == 2
    assert stages(enrolment) == at("C")


def test_the_tasks_handed_in_are_kept_beside_the_stage(fnscus504, charlie, bob):
    """The overdue tasks report reads them: task n is bit n - 1, set once attempt 1 is handed in."""
    assert handed_in(fnscus504) == (0, 0)
    questions = fnscus504.tool.tasks.get(number=1)
    draft = open_attempt(fnscus504, questions, by=charlie)
    assert handed_in(fnscus504) == (0, 0)  # a draft is not handed in
    add_text_evidence(draft, by=charlie, title="Answers", text="My answers")
    draft.refresh_from_db()
    first = submit_attempt(draft, by=charlie, typed_name="Charlie Wilson", revision=draft.revision)
    assert handed_in(fnscus504) == (0b001, 0b001)
    start_observation(fnscus504, fnscus504.tool.tasks.get(number=3), by=bob)
    assert handed_in(fnscus504) == (0b101, 0b101)
    mark_all(first, bob, answer="N")
    sign(first, bob, result="NS", feedback="Answer question 4.")
    open_attempt(fnscus504, questions, by=charlie)  # attempt 2, a draft: task 1 was handed in
    assert handed_in(fnscus504) == (0b101, 0b101)
    assert stages(fnscus504) == at("assessing")  # the observation


def test_refreshing_finds_nothing_to_change_once_the_services_have_stored_it(
    enrolment, fnscus504, charlie, bob
):
    satisfactory(enrolment, 1, charlie, bob)
    submitted(fnscus504, 1, charlie)
    assert refresh_stages(Enrolment.objects.all()) == 0
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="new")  # as a bulk write would leave it
    Enrolment.objects.filter(pk=fnscus504.pk).update(handed_in=0)
    assert refresh_stages(Enrolment.objects.all()) == 2
    assert stages(enrolment) == at("S")
    assert handed_in(fnscus504) == (0b001, 0b001)
