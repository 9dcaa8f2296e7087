"""The identical-file flag: assessors are warned, students are never told about anyone else."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Cohort, Enrolment
from evidence.services.attempts import add_file_evidence, open_attempt, submit_attempt
from evidence.tests.files import PDF, upload

pytestmark = pytest.mark.django_db


def hand_in(enrolment, student, *, submit=True):
    """The student's first attempt at the portfolio with the same PDF as everyone else."""
    task = enrolment.tool.tasks.get(number=1)
    attempt = open_attempt(enrolment, task, by=student)
    add_file_evidence(attempt, upload("customer-records.pdf", PDF), by=student)
    attempt.refresh_from_db()
    if submit:
        submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)
    return attempt


def review_page(client, user, attempt):
    client.force_login(user)
    return client.get(reverse("evidence:attempt_review", args=[attempt.pk])).content.decode()


@pytest.fixture
def dana_in_bobs_cohort(cohort, tools, dana):
    cohort.students.add(dana)
    return Enrolment.objects.create(
        student=dana, tool=tools["FNSPIM409"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )


@pytest.fixture
def dana_in_erins_cohort(tools, dana, erin):
    other = Cohort.objects.create(name="Evening class", code="FNS-E1", start_date=datetime.date(2026, 10, 5))
    other.assessors.add(erin)
    other.students.add(dana)
    return Enrolment.objects.create(
        student=dana, tool=tools["FNSPIM409"], cohort=other, enrolled_on=datetime.date(2026, 10, 5)
    )


def test_student_never_sees_the_flag_or_another_students_name(
    client, charlie, dana, enrolment, dana_in_bobs_cohort
):
    hand_in(dana_in_bobs_cohort, dana)
    page = review_page(client, charlie, hand_in(enrolment, charlie))
    assert "customer-records.pdf" in page
    assert "Same file as another student" not in page
    assert "Dana" not in page


def test_assessor_is_told_the_name_of_a_student_in_a_cohort_they_assess(
    client, bob, charlie, dana, enrolment, dana_in_bobs_cohort
):
    hand_in(dana_in_bobs_cohort, dana)
    page = review_page(client, bob, hand_in(enrolment, charlie))
    assert "Same file as another student's:</strong> Dana Lee handed in an identical file." in page


def test_assessor_is_not_told_the_name_of_a_student_in_another_cohort(
    client, bob, charlie, dana, enrolment, dana_in_erins_cohort
):
    hand_in(dana_in_erins_cohort, dana)
    page = review_page(client, bob, hand_in(enrolment, charlie))
    assert "a student in another cohort handed in an identical file." in page
    assert "Dana" not in page


def test_another_students_unsubmitted_draft_is_not_matched(
    client, bob, charlie, dana, enrolment, dana_in_bobs_cohort
):
    hand_in(dana_in_bobs_cohort, dana, submit=False)
    page = review_page(client, bob, hand_in(enrolment, charlie))
    assert "Same file as another student" not in page


def test_draft_being_worked_on_is_not_flagged(client, bob, charlie, dana, enrolment, dana_in_bobs_cohort):
    hand_in(dana_in_bobs_cohort, dana)
    page = review_page(client, bob, hand_in(enrolment, charlie, submit=False))
    assert "customer-records.pdf" in page
    assert "Same file as another student" not in page


def test_admin_is_told_every_name(client, alice, charlie, dana, enrolment, dana_in_erins_cohort):
    hand_in(dana_in_erins_cohort, dana)
    page = review_page(client, alice, hand_in(enrolment, charlie))
    assert "Dana Lee handed in an identical file." in page
