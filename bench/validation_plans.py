"""Validation benchmarks: drawing a sample from 5,000 judged attempts, and the plan page and its PDF
report for a sample of 5 against 200.

    .venv/bin/python bench/validation_plans.py

Uses a throwaway test database (SQLite by default, or a test copy of DATABASE_URL's PostgreSQL).
Exits 1 when the plan page's query count grows with the sample, drawing the sample takes longer
than DRAW_GOAL seconds, or the plan page of 200 takes longer than PAGE_GOAL seconds.
"""

import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from harness import run_on_test_database

JUDGED = 5_000
ASSESSORS = 20
SAMPLES = (5, 200)
DRAW_GOAL = 2.0
PAGE_GOAL = 0.15
REPEATS = 9


def main():
    django.setup()
    run_on_test_database(run, passed="Validation benchmarks within their limits.")


def run():
    from validation.services import create_plan

    admin, validator, unit = judged_population()
    failures = []
    start = time.perf_counter()
    plans = {
        size: create_plan(
            unit, by=admin, validator=validator, sample_size=size, seed=size, token=uuid.uuid4()
        )
        for size in SAMPLES
    }
    draw = (time.perf_counter() - start) / len(SAMPLES)
    print(
        f"Drawing a sample from {JUDGED:,} judged attempts by {ASSESSORS} assessors: {draw:.2f} s (goal {DRAW_GOAL})"
    )
    if draw > DRAW_GOAL:
        failures.append(f"drawing a sample takes {draw:.2f} s")

    client = Client()
    client.force_login(validator)
    counts = {}
    print("Plan page (GET /validation/<n>/) and report PDF:")
    for size, plan in plans.items():
        url = plan.get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[size] = len(queries)
        page = median_time(lambda url=url: client.get(url))
        start = time.perf_counter()
        assert client.get(f"/validation/{plan.pk}/report.pdf").status_code == 200
        pdf = time.perf_counter() - start
        print(f"  sample {size:>3}: {counts[size]} queries, page {page * 1000:6.1f} ms, PDF {pdf:5.2f} s")
        if size == max(SAMPLES) and page > PAGE_GOAL:
            failures.append(f"plan page of {size} takes {page * 1000:.0f} ms")
    if len(set(counts.values())) != 1:
        failures.append(f"plan page queries grow with the sample ({counts})")
    return failures


def judged_population():
    """A published one-task tool with JUDGED students' attempts, judged by ASSESSORS assessors in turn."""
    from django.utils import timezone

    from assessor_portal.models import User
    from evidence.models import Attempt, Enrolment, Judgement
    from units.services import add_task, create_tool, publish_tool, set_mapping
    from units.tests.factories import make_unit

    admin = User.objects.create_user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    validator = User.objects.create_user(
        "bench-validator", role="assessor", first_name="Val", last_name="Idator"
    )
    assessors = User.objects.bulk_create(
        User(username=f"bench-assessor-{n}", role="assessor", first_name="Assessor", last_name=str(n))
        for n in range(ASSESSORS)
    )
    unit = make_unit(code="BENCHV001", elements=3, criteria=5)
    tool = create_tool(unit, by=admin)
    task = add_task(tool, by=admin, title="Project", type="project", evidence_required="A report.")
    for element in unit.elements.all():
        for pc in element.criteria.all():
            set_mapping(task, pc, by=admin, mapped=True)
    from units.models import RequirementItem

    for item in RequirementItem.objects.filter(unit=unit, children__isnull=True):
        set_mapping(task, item, by=admin, mapped=True)
    tool = publish_tool(tool, by=admin)
    students = User.objects.bulk_create(
        User(username=f"bench-student-{n}", role="student", first_name="Student", last_name=str(n))
        for n in range(JUDGED)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(student=student, tool=tool, enrolled_on=datetime.date(2026, 1, 5)) for student in students
    )
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(enrolment=e, task=task, number=1, status="S", submitted_at=now, feedback_released_at=now)
        for e in enrolments
    )
    Judgement.objects.bulk_create(
        Judgement(
            attempt=attempt,
            result="S",
            marks=[],
            assessor=assessors[n % ASSESSORS],
            signed_at=now,
            typed_name="Assessor",
            sha256=f"{n:064x}",
        )
        for n, attempt in enumerate(attempts)
    )
    return admin, validator, unit


def median_time(action):
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
