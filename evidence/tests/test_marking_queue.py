"""The marking queue: the work waiting in an assessor's cohorts, filtered, oldest first, overdue marked."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from evidence.models import Attempt, Cohort, Enrolment
from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt

pytestmark = pytest.mark.django_db


def submit(cohort, tool, username, *, number=1, days_ago=0):
    student = make_user(username, "student", first_name=username.title(), last_name="Student")
    cohort.students.add(student)
    enrolment = Enrolment.objects.create(
        student=student, tool=tool, cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    attempt = open_attempt(enrolment, tool.tasks.get(number=number), by=student)
    add_text_evidence(attempt, by=student, title="Answer", text="My answer")
    attempt.refresh_from_db()
    submit_attempt(attempt, by=student, typed_name=student.get_full_name(), revision=attempt.revision)
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return attempt


def queue(client, **filters):
    """The queue page down to its list of waiting work (the sections below list other things)."""
    page = client.get(reverse("evidence:marking_queue"), filters).content.decode()
    return page.split('id="observations-heading"')[0]


def test_queue_lists_the_assessors_cohorts_only_oldest_first_with_overdue_marked(
    client, bob, erin, cohort, tools
):
    other = Cohort.objects.create(name="Evening", code="FNS-E1", start_date=datetime.date(2026, 10, 5))
    other.assessors.add(erin)
    submit(cohort, tools["FNSPIM409"], "newer", days_ago=1)
    submit(cohort, tools["FNSCUS504"], "older", days_ago=20)
    submit(other, tools["FNSPIM409"], "elsewhere")
    client.force_login(bob)
    page = queue(client)
    assert "<strong>2</strong> attempts waiting" in page
    assert "1 waiting more than 14 days" in page
    assert page.index("Older Student") < page.index("Newer Student")
    assert "Elsewhere" not in page
    assert page.count('badge text-bg-danger">Overdue') == 1


def test_queue_filters_by_unit_and_task(client, bob, cohort, tools):
    submit(cohort, tools["FNSPIM409"], "portfolio")
    submit(cohort, tools["FNSCUS504"], "questions", number=1)
    submit(cohort, tools["FNSCUS504"], "project", number=2)
    client.force_login(bob)
    by_unit = queue(client, unit="FNSCUS504")
    assert "<strong>2</strong> attempts waiting" in by_unit
    assert "Portfolio Student" not in by_unit
    by_task = queue(client, unit="FNSCUS504", task="2")
    assert "Project Student" in by_task
    assert "Questions Student" not in by_task


def test_another_assessors_cohort_cannot_be_chosen_as_a_filter(client, bob, erin, cohort, tools):
    submit(cohort, tools["FNSPIM409"], "mine")
    client.force_login(erin)
    page = queue(client, cohort=str(cohort.pk))
    assert "<strong>0</strong> attempts waiting" in page
    assert "Mine Student" not in page


def test_queue_takes_as_many_queries_for_twenty_as_for_one(client, bob, cohort, tools):
    client.force_login(bob)
    submit(cohort, tools["FNSPIM409"], "first")
    queue(client)
    with CaptureQueriesContext(connection) as one:
        queue(client)
    for n in range(19):
        submit(cohort, tools["FNSPIM409"], f"more{n:02d}")
    with CaptureQueriesContext(connection) as twenty:
        page = queue(client)
    assert "<strong>20</strong> attempts waiting" in page
    assert len(one) == len(twenty)
