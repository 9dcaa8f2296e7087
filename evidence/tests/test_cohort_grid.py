"""The cohort grid: every student's latest attempt at every task, for the cohort's assessors and admins."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from evidence.models import Attempt, Enrolment
from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt

pytestmark = pytest.mark.django_db


def enrol(cohort, tool, username):
    student = make_user(username, "student", first_name=username.title(), last_name="Student")
    cohort.students.add(student)
    return Enrolment.objects.create(
        student=student, tool=tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )


def submit(enrolment, number):
    student = enrolment.student
    attempt = open_attempt(enrolment, enrolment.tool.tasks.get(number=number), by=student)
    add_text_evidence(attempt, by=student, title="Answer", text="Mine")
    attempt.refresh_from_db()
    return submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)


def grid(client, cohort):
    return client.get(reverse("evidence:cohort_grid", args=[cohort.pk])).content.decode()


def test_grid_shows_each_students_latest_attempt_per_task(client, bob, cohort, tools):
    ann = enrol(cohort, tools["FNSCUS504"], "ann")
    enrol(cohort, tools["FNSCUS504"], "ben")
    first = submit(ann, 1)
    Attempt.objects.filter(pk=first.pk).update(
        status="NS", feedback="More", feedback_released_at=timezone.now()
    )
    second = submit(ann, 1)
    client.force_login(bob)
    page = grid(client, cohort)
    row = page[page.index("Ann Student") : page.index("</tr>", page.index("Ann Student"))]
    assert f'<a href="{second.get_marking_url()}">Submitted (2)</a>' in row
    assert row.count("Not started") == 2
    other = page[page.index("Ben Student") : page.index("</tr>", page.index("Ben Student"))]
    assert other.count("Not started") == 3


def test_grid_takes_as_many_queries_for_twenty_students_as_for_two(client, bob, cohort, tools):
    client.force_login(bob)
    for name in ("a01", "a02"):
        submit(enrol(cohort, tools["FNSCUS504"], name), 1)
    grid(client, cohort)
    with CaptureQueriesContext(connection) as two:
        grid(client, cohort)
    for n in range(3, 21):
        submit(enrol(cohort, tools["FNSPIM409"], f"a{n:02d}"), 1)
    with CaptureQueriesContext(connection) as twenty:
        page = grid(client, cohort)
    assert page.count("Submitted") == 20
    assert len(two) == len(twenty)
