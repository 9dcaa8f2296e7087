"""The real task queue: mail queued in the database waits there until the worker sends it."""

import datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from evidence.models import Cohort
from evidence.services.students import add_student

# The worker closes its database connection between tasks, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_invitation_waits_in_the_queue_until_the_worker_sends_it(alice, database_queue, mailoutbox):
    cohort = Cohort.objects.create(name="Term 1", code="FNS-T1", start_date=datetime.date(2027, 2, 1))
    add_student(
        cohort,
        by=alice,
        site_url="http://testserver",
        given_name="Priya",
        family_name="Sharma",
        email="priya.sharma@example.edu.au",
        student_id="S1001",
    )
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert mailoutbox == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    [email] = mailoutbox
    assert email.to == ["priya.sharma@example.edu.au"]
    assert "Your username is: s1001" in email.body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
