"""What the database itself refuses in cohorts and attempts, whatever code path writes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from evidence.models import Attempt, Cohort, Enrolment

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_cohort_codes_are_unique_in_any_case(db):
    Cohort.objects.create(name="Term 1", code="FNS-T1", start_date=datetime.date(2027, 2, 1))
    refused(lambda: Cohort.objects.create(name="Again", code="fns-t1", start_date=datetime.date(2027, 2, 1)))


def test_attempt_status_must_be_one_of_its_choices(charlie, tools):
    enrolment = Enrolment.objects.create(
        student=charlie, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 10, 5)
    )
    task = enrolment.tool.tasks.get()
    refused(lambda: Attempt.objects.create(enrolment=enrolment, task=task, number=1, status="approved"))
