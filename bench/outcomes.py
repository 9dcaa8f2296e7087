"""Outcomes out at scale: 10,000 unit results to the SMS as CSV, and as AVETMISS NAT00120/NAT00060.

    .venv/bin/python bench/outcomes.py      # or: make bench

Uses a throwaway test database (SQLite by default, or a test copy of DATABASE_URL's PostgreSQL),
never the shared scale database: the 10,000 students, enrolments and signed results are made there
with bulk_create. Times, each from the same data:
- the SMS export: `export_outcomes` as the page calls it (choosing the results, writing the CSV,
  logging the file and the 10,000 results it holds);
- the AVETMISS files: `avetmiss_batch` (choosing and checking) and writing both files as a ZIP.
Exits 1 when either takes more than 10 seconds, or the files do not hold 10,000 lines.
"""

import datetime
import io
import os
import sys
import time
import uuid
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from harness import run_on_test_database  # noqa: E402

RESULTS = 10_000
TIME_GOAL_S = 10.0
SYDNEY = ZoneInfo("Australia/Sydney")


def main():
    django.setup()
    run_on_test_database(run, passed="Outcome exports within their limits.")


def run():
    from evidence.models import OutcomeExport
    from evidence.services.avetmiss import CollectionPeriod, avetmiss_batch
    from evidence.services.outcomes import export_outcomes

    admin_user = build_results()
    settings.AVETMISS.update(training_organisation_id="90001", delivery_location_id="CAMPUS1")
    failures = []

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        export = export_outcomes(by=admin_user, scope=OutcomeExport.Scope.SINCE_LAST, token=uuid.uuid4())
    sms_seconds = time.perf_counter() - started
    sms_queries = len(queries)

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        batch = avetmiss_batch(
            period=CollectionPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        )
        archive = batch.zip()
    avetmiss_seconds = time.perf_counter() - started
    avetmiss_queries = len(queries)
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        activity = files.read("NAT00120.txt")

    print(f"\nOutcome exports of {RESULTS:,} unit results ({connection.vendor})")
    print(f"{'export':<34} {'seconds':>8} {'queries':>8} {'size':>12}")
    print(
        f"{'SMS CSV (export_outcomes, logged)':<34} {sms_seconds:>8.2f} {sms_queries:>8} {len(export.content):>10,} B"
    )
    print(
        f"{'AVETMISS NAT00120 + NAT00060 ZIP':<34} {avetmiss_seconds:>8.2f} {avetmiss_queries:>8} {len(archive):>10,} B"
    )

    if export.row_count != RESULTS:
        failures.append(f"the SMS CSV holds {export.row_count} rows, not {RESULTS}")
    if batch.failures or activity.count(b"\r\n") != RESULTS:
        failures.append(
            f"NAT00120 holds {activity.count(b'\\r\\n')} lines and {len(batch.failures)} failures"
        )
    for name, seconds in (("SMS CSV", sms_seconds), ("AVETMISS", avetmiss_seconds)):
        if seconds > TIME_GOAL_S:
            failures.append(f"{name} export took {seconds:.1f} s (goal {TIME_GOAL_S:.0f} s)")
    return failures


def build_results():
    """10,000 students, each enrolled in a demo unit and signed off, made with bulk_create."""
    from django.contrib.auth.hashers import make_password

    from assessor_portal.models import User
    from evidence.models import Cohort, Enrolment, UnitResult
    from units.demo import load_demo_tool
    from units.importing import parse_unit_source
    from units.models import Unit
    from units.services import import_unit

    admin_user = User.objects.create_user("bench-admin", role="admin", is_staff=True, is_superuser=True)
    assessor = User.objects.create_user(
        "bench-assessor", role="assessor", first_name="Bench", last_name="Assessor"
    )
    for path in sorted((ROOT / "fixtures" / "units").glob("*.json")):
        import_unit(parse_unit_source(path.read_bytes(), filename=path.name))
    tools = [
        load_demo_tool(path, by=admin_user)[0]
        for path in sorted((ROOT / "fixtures" / "tools").glob("*.json"))
    ]
    Unit.objects.update(nominal_hours=30, field_of_education="081101")
    cohort = Cohort.objects.create(name="Bench", code="BENCH-OUT", start_date=datetime.date(2026, 2, 2))
    unusable = make_password(None)
    students = User.objects.bulk_create(
        User(
            username=f"bench{number:05}",
            password=unusable,
            role="student",
            student_id=f"B{number:05}",
            first_name="Student",
            last_name=f"Número {number:05}",
        )
        for number in range(RESULTS)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            student=student, tool=tools[number % len(tools)], cohort=cohort, enrolled_on=cohort.start_date
        )
        for number, student in enumerate(students)
    )
    signed_at = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SYDNEY)
    UnitResult.objects.bulk_create(
        UnitResult(
            enrolment=enrolment,
            outcome_id=("20", "30", "40", "51")[number % 4],
            assessor=assessor,
            signed_at=signed_at,
            typed_name="Bench Assessor",
            sha256="0" * 64,
        )
        for number, enrolment in enumerate(enrolments)
    )
    return admin_user


if __name__ == "__main__":
    main()
