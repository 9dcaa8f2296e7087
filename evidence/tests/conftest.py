"""Enrolled students, their cohort and its assessor, on the demo tools."""

import datetime

import pytest
from django.conf import settings

from evidence.models import Cohort, Enrolment
from evidence.tests.s3 import s3, s3_server  # noqa: F401  (a real S3 server and a fresh bucket)
from units.demo import load_demo_tool


@pytest.fixture
def tools(seed_units, alice):
    """The published demo tools: FNSPIM409's portfolio and FNSCUS504's three tasks."""
    folder = settings.BASE_DIR / "fixtures" / "tools"
    return {
        path.stem.split("-")[0]: load_demo_tool(path, by=alice)[0] for path in sorted(folder.glob("*.json"))
    }


@pytest.fixture
def cohort(db, bob):
    """Bob assesses this cohort."""
    cohort = Cohort.objects.create(
        name="Financial services T4", code="FNS-T4", start_date=datetime.date(2026, 10, 5)
    )
    cohort.assessors.add(bob)
    return cohort


@pytest.fixture
def enrolment(tools, cohort, charlie):
    """Charlie, enrolled in FNSPIM409 in Bob's cohort."""
    cohort.students.add(charlie)
    return Enrolment.objects.create(
        student=charlie, tool=tools["FNSPIM409"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )


@pytest.fixture
def dana_enrolment(tools, dana):
    """Dana, enrolled in FNSPIM409 in no cohort of Bob's."""
    return Enrolment.objects.create(
        student=dana, tool=tools["FNSPIM409"], enrolled_on=datetime.date(2026, 10, 5)
    )


@pytest.fixture
def portfolio(enrolment):
    return enrolment.tool.tasks.get(number=1)


@pytest.fixture
def fnscus504(tools, cohort, charlie):
    """Charlie, enrolled in FNSCUS504 (questions, project, observation) in Bob's cohort."""
    cohort.students.add(charlie)
    return Enrolment.objects.create(
        student=charlie, tool=tools["FNSCUS504"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
