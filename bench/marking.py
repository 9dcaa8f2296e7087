"""Marking benchmarks: the marking page's queries for 15 and 150 criteria, one autosave's statements,
and the page's server time as a ratio to Django's admin change form with inlines for the same rows.

    .venv/bin/python bench/marking.py      # or: make bench

Uses a throwaway test database (SQLite by default, or a test copy of DATABASE_URL's PostgreSQL).
Exits 1 when the page's query count grows with the criteria or one autosave takes more than 4 queries
(BEGIN and COMMIT not counted). The admin form is a benchmark-only
AdminSite (never mounted by the portal) editing the attempt with its marks as a tabular inline.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from harness import run_on_test_database

REPEATS = 15
AUTOSAVE_GOAL = 4
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}
RATIO_GOAL = 0.2

urlpatterns = []  # this module is the URL conf while it runs: the portal's, plus the admin below


def mount_bench_admin():
    """An AdminSite for the benchmark only: the attempt with its marks as an editable inline."""
    from django.contrib import admin

    from assessor_portal import urls as portal_urls
    from evidence.models import Attempt, CriterionMark

    site = admin.AdminSite(name="benchadmin")

    class MarkInline(admin.TabularInline):
        model = CriterionMark
        fields = ["criterion", "answer", "comment", "version"]
        raw_id_fields = ["criterion"]
        extra = 0

    class AttemptBenchAdmin(admin.ModelAdmin):
        inlines = [MarkInline]
        raw_id_fields = ["enrolment", "task"]

    site.register(Attempt, AttemptBenchAdmin)
    urlpatterns[:] = [path("bench-admin/", site.urls), path("", include(portal_urls))]


def main():
    django.setup()
    mount_bench_admin()
    run_on_test_database(run_with_bench_admin, passed="Marking benchmarks within their limits.")


def run_with_bench_admin():
    with override_settings(ROOT_URLCONF=__name__):
        return run()


def run():
    from assessor_portal.models import User
    from evidence.models import Cohort

    admin_user = User.objects.create_user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    assessor = User.objects.create_user(
        "bench-assessor", role="assessor", first_name="Bench", last_name="Assessor"
    )
    cohort = Cohort.objects.create(name="Bench", code="BENCH", start_date=datetime.date(2026, 1, 5))
    cohort.assessors.add(assessor)
    attempts = {
        "15 PCs": marked_attempt("BENCHM015", 3, 5, cohort, admin_user, assessor),
        "150 PCs": marked_attempt("BENCHM150", 10, 15, cohort, admin_user, assessor),
    }
    failures = []
    client = Client()
    client.force_login(assessor)
    print("Marking page (GET /attempts/<n>/mark/):")
    counts, times = {}, {}
    for label, attempt in attempts.items():
        url = attempt.get_marking_url()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[label] = len(queries)
        times[label] = best_of(lambda url=url: client.get(url))
        print(f"  {label:<8} {counts[label]:>3} queries  {times[label] * 1000:7.1f} ms")
    if len(set(counts.values())) != 1:
        failures.append(f"marking page queries grow with criteria ({counts})")

    admin_client = Client()
    admin_client.force_login(admin_user)
    attempt = attempts["150 PCs"]
    admin_url = f"/bench-admin/evidence/attempt/{attempt.pk}/change/"
    assert admin_client.get(admin_url).status_code == 200
    admin_time = best_of(lambda: admin_client.get(admin_url))
    ratio = times["150 PCs"] / admin_time
    print(f"  admin change form, 150 mark inlines: {admin_time * 1000:7.1f} ms")
    print(f"  ratio marking page / admin form: {ratio:.2f} (goal {RATIO_GOAL})")

    pc = attempt.marks.order_by("pk").first()
    url = f"/attempts/{attempt.pk}/marks/{pc.criterion_id}/"
    version = pc.version
    statements = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url,
                {"answer": "N" if version % 2 else "Y", "comment": "", "version": version},
                headers={"accept": "application/json"},
            )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
        statements = [q["sql"].split()[0] for q in queries]
    # BEGIN and COMMIT open and close the transaction: they are not queries.
    counted = [word for word in statements if word not in TRANSACTION_CONTROL]
    print(
        f"One autosave (POST …/marks/<pc>/): {len(counted)} queries (goal {AUTOSAVE_GOAL}): "
        f"{' '.join(statements)}"
    )
    if len(counted) > AUTOSAVE_GOAL:
        failures.append(f"one autosave takes {len(counted)} queries, over the goal of {AUTOSAVE_GOAL}")
    return failures


def marked_attempt(code, elements, criteria, cohort, admin_user, assessor):
    """A submitted attempt at a one-task tool mapping every criterion, every criterion marked Yes."""
    from assessor_portal.models import User
    from evidence.models import Enrolment
    from evidence.services.attempts import add_text_evidence, open_attempt, submit_attempt
    from evidence.services.marking import save_mark
    from units.matrix import checklist_criteria
    from units.models import RequirementItem
    from units.services import add_task, create_tool, publish_tool, set_mapping
    from units.tests.factories import make_unit

    unit = make_unit(code=code, elements=elements, criteria=criteria)
    tool = create_tool(unit, by=admin_user)
    task = add_task(tool, by=admin_user, title="Observation", type="project", evidence_required="A report.")
    for element in unit.elements.all():
        for pc in element.criteria.all():
            set_mapping(task, pc, by=admin_user, mapped=True)
    for item in RequirementItem.objects.filter(unit=unit, children__isnull=True):
        set_mapping(task, item, by=admin_user, mapped=True)
    student = User.objects.create_user(f"student-{code}", role="student", first_name="Bench", last_name=code)
    cohort.students.add(student)
    enrolment = Enrolment.objects.create(
        student=student,
        tool=publish_tool(tool, by=admin_user),
        cohort=cohort,
        enrolled_on=datetime.date(2026, 1, 5),
    )
    attempt = open_attempt(enrolment, task, by=student)
    add_text_evidence(attempt, by=student, title="Report", text="Work")
    attempt.refresh_from_db()
    attempt = submit_attempt(attempt, by=student, typed_name=f"Bench {code}", revision=attempt.revision)
    for pc in checklist_criteria(task):
        save_mark(attempt.pk, pc.pk, by=assessor, answer="Y", comment="Seen", version=0)
    return attempt


def best_of(action, repeats=REPEATS):
    """The median of several timed runs: one slow run (a GC pause) does not decide the figure."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    main()
