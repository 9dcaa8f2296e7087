"""The demo tools, Bob's cohort and a way to put students at any stage quickly."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from evidence.models import Attempt, Cohort, Enrolment
from evidence.services.progress import refresh_stage
from evidence.tests.conftest import cohort, tools  # noqa: F401  (fixtures)


@pytest.fixture
def pim409(tools):  # noqa: F811
    """FNSPIM409's tool: one task, a portfolio."""
    return tools["FNSPIM409"]


def enrol(cohort, tool, username, *, enrolled_on=None, first_name=None):  # noqa: F811
    """Enrol a new student in the tool through the cohort and return the enrolment."""
    student = make_user(
        username,
        "student",
        first_name=first_name or username.title(),
        last_name="Student",
        student_id=username.upper(),
    )
    cohort.students.add(student)
    return Enrolment.objects.create(
        student=student, tool=tool, cohort=cohort, enrolled_on=enrolled_on or datetime.date(2026, 10, 5)
    )


def attempt(enrolment, *, number=1, task=1, status="draft", days_ago=0, resubmit_by=None):
    """Save an attempt as the services would have left it: submitted ones with their date, and
    the enrolment's stage stored."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    made = Attempt.objects.create(
        enrolment=enrolment,
        task=enrolment.tool.tasks.get(number=task),
        number=number,
        status=status,
        submitted_at=None if status == "draft" else when,
        resubmit_by=resubmit_by,
    )
    Attempt.objects.filter(pk=made.pk).update(created_at=when)
    refresh_stage(enrolment.pk)
    return made


def assert_queries_do_not_grow(client, url, *, cohort, tool, assessor, add_students, assert_num_queries):  # noqa: F811
    """Count the page's queries with a few students, add many more (in a second cohort too), count
    again: the same number, which is returned."""
    add_students(cohort, tool, 2, "a")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_students(cohort, tool, 30, "b")
    other = Cohort.objects.create(name="Evening", code="FNS-EV", start_date=datetime.date(2026, 10, 5))
    other.assessors.add(assessor)
    add_students(other, tool, 10, "c")
    with assert_num_queries(len(few)):
        client.get(url)
    return len(few)
