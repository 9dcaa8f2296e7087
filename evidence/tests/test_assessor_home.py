"""The assessor's home: the work waiting in their cohorts, oldest first, a page at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from evidence.models import Enrolment
from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt

pytestmark = pytest.mark.django_db


def submit_work_from(count, cohort, tool):
    """`count` more students of the cohort, each with their portfolio submitted."""
    task = tool.tasks.get(number=1)
    start = cohort.students.count()
    for n in range(start, start + count):
        student = make_user(f"student{n:03d}", "student", first_name="Student", last_name=f"{n:03d}")
        cohort.students.add(student)
        enrolment = Enrolment.objects.create(
            student=student, tool=tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
        )
        attempt = open_attempt(enrolment, task, by=student)
        add_text_evidence(attempt, by=student, title="Answer", text="My answer")
        attempt.refresh_from_db()
        submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)


def waiting_page(client, number=1):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("assessor_home"), {"page": number}).content.decode()
    return page, len(queries)


def test_waiting_work_comes_a_page_at_a_time_oldest_first(client, bob, cohort, tools):
    submit_work_from(30, cohort, tools["FNSPIM409"])
    client.force_login(bob)
    first, _ = waiting_page(client)
    second, _ = waiting_page(client, 2)
    assert "Submitted work waiting (30)" in first
    assert "Page 1 of 2" in first
    assert "Student 000:" in first
    assert "Student 024:" in first
    assert "Student 025:" not in first
    assert "Student 029:" in second
    assert "task 1, Evidence portfolio: maintaining customer relationships, attempt 1" in first


def test_waiting_page_takes_as_many_queries_for_thirty_as_for_one(client, bob, cohort, tools):
    client.force_login(bob)
    submit_work_from(1, cohort, tools["FNSPIM409"])
    client.get(reverse("assessor_home"))
    _, one = waiting_page(client)
    submit_work_from(29, cohort, tools["FNSPIM409"])
    _, thirty = waiting_page(client)
    assert one == thirty
