"""When a task is due: a fixed date, or days after the student starts (cohort start or enrolment)."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Cohort, Enrolment
from evidence.selectors import student_progress

pytestmark = pytest.mark.django_db


def due_dates(student):
    return [task.due for unit in student_progress(student) for task in unit.tasks]


def enrol(charlie, tool, *, cohort_start, enrolled_on):
    cohort = Cohort.objects.create(name="Summer intake", code="FNS-S1", start_date=cohort_start)
    cohort.students.add(charlie)
    return Enrolment.objects.create(student=charlie, tool=tool, cohort=cohort, enrolled_on=enrolled_on)


def test_days_count_from_the_cohort_start_when_enrolled_before_it(client, charlie, tools):
    # FNSPIM409's portfolio is due 60 days after the student starts.
    enrol(
        charlie,
        tools["FNSPIM409"],
        cohort_start=datetime.date(2027, 2, 1),
        enrolled_on=datetime.date(2026, 11, 24),
    )
    assert due_dates(charlie) == [datetime.date(2027, 4, 2)]
    client.force_login(charlie)
    assert "02/04/2027" in client.get(reverse("student_home")).content.decode()


def test_days_count_from_the_enrolment_when_the_student_joined_late(charlie, tools):
    enrol(
        charlie,
        tools["FNSPIM409"],
        cohort_start=datetime.date(2026, 10, 5),
        enrolled_on=datetime.date(2026, 11, 2),
    )
    assert due_dates(charlie) == [datetime.date(2027, 1, 1)]


def test_days_count_from_the_enrolment_without_a_cohort(charlie, tools):
    Enrolment.objects.create(student=charlie, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 11, 2))
    assert due_dates(charlie) == [datetime.date(2027, 1, 1)]


def test_a_fixed_due_date_is_the_same_for_everyone(charlie, tools):
    task = tools["FNSPIM409"].tasks.get()
    tools["FNSPIM409"].tasks.filter(pk=task.pk).update(
        due_date=datetime.date(2026, 12, 18), due_days_after_enrolment=None
    )
    enrol(
        charlie,
        tools["FNSPIM409"],
        cohort_start=datetime.date(2027, 2, 1),
        enrolled_on=datetime.date(2026, 11, 24),
    )
    assert due_dates(charlie) == [datetime.date(2026, 12, 18)]
