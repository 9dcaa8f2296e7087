"""The reports on the demo data and on the scale data, under the production server.

    .venv/bin/python bench/report_pages.py            # or: make bench

1. Query counts of each report page, on `make run`'s demo data (SQLite) and on the scale data
   (PostgreSQL, 10,000 students in 300 cohorts): they must be the same, or the script exits 1.
2. p50/p95 of each on the scale data, served by gunicorn with DEBUG=0 as `make serve` does, one
   request at a time; the goal is a p95 of 150 ms or less for each page (the script exits 1 past
   it). Downloads ("(file)") are timed too, without the goal: they write every row.

The lists behind the figures are measured for time only: on the demo data several are empty, and
an empty page skips the query for its rows (their counts are pinned by reports/tests).
Everything is bench/scale.py's: the databases, the server, the sessions and the measuring.
"""

import datetime
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import report  # noqa: E402
from pages import Page, query_counts  # noqa: E402
from scale import (  # noqa: E402
    GOAL_P95_MS,
    SCALE_DATABASE_URL,
    demo_database,
    ensure_scale_database,
    print_counts,
    print_latencies,
    production_server,
    run,
    session_cookies,
)


def pick_pages():
    """Return the report pages to compare and time, for an admin and an assessor with a cohort."""
    from assessor_portal.models import User
    from evidence.models import Cohort

    cohort = Cohort.objects.filter(enrolments__isnull=False, assessors__isnull=False).order_by("pk").first()
    if cohort is None:
        raise SystemExit("No cohort with enrolments and an assessor: load the demo or the scale data first.")
    admin = User.objects.filter(role="admin").order_by("pk").first().username
    assessor = cohort.assessors.order_by("pk").first().username
    compared = [
        Page("progress", "/reports/", admin),
        Page("progress, 1 cohort", f"/reports/?cohort={cohort.pk}", admin),
        Page("progress, assessor", "/reports/", assessor),
        Page("progress XLSX (file)", "/reports/?download=xlsx", admin),
        Page("exceptions", "/reports/exceptions/", admin),
        Page("exceptions, assessor", "/reports/exceptions/", assessor),
        Page("exceptions CSV (file)", "/reports/exceptions/?download=csv", admin),
        Page("submitted list", "/reports/progress/students/?stage=submitted", admin),
    ]
    month = datetime.date.today().strftime("%Y-%m")
    timed = [
        # Not a report: the portal's own cohort list, timed in the same run to show the machine's load.
        Page("(cohort list)", "/cohorts/", admin),
        Page("results list", f"/reports/progress/results/?month={month}", admin),
        *[
            Page(f"{kind} list", f"/reports/exceptions/{kind}/", admin)
            for kind in (
                "overdue",
                "waiting",
                "not-satisfactory-twice",
                "inactive",
                "quality-check",
                "superseded",
            )
        ],
    ]
    return compared, timed


def counts(database_url):
    """Run this script against one database for its pages and their query counts."""
    out = run(["bench/report_pages.py", "--counts"], database_url, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def print_counts_only():
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    compared, timed = pick_pages()
    print(
        json.dumps(
            {
                "pages": [asdict(page) for page in compared + timed],
                "queries": query_counts(compared),
            }
        )
    )


def main():
    demo = demo_database()
    ensure_scale_database()
    demo_counts, scale_counts = counts(demo), counts(SCALE_DATABASE_URL)
    grew = print_counts(demo_counts, scale_counts)
    with production_server(SCALE_DATABASE_URL) as base_url:
        pages = scale_counts["pages"]
        cookies = session_cookies(SCALE_DATABASE_URL, sorted({page["username"] for page in pages}))
        over = print_latencies(base_url, pages, cookies)
    failures = [
        f"{name}: {demo_counts['queries'][name]} queries on the demo, {scale} at scale"
        for name, scale in grew
    ]
    # The goal is for pages; files are timed to be seen, and the reference page is not a report.
    failures += [f"{name}: p95 over {GOAL_P95_MS} ms" for name in over if "(" not in name]
    report(
        failures,
        passed=f"Report query counts equal on demo and scale data; every p95 within {GOAL_P95_MS} ms.",
    )


if __name__ == "__main__":
    if "--counts" in sys.argv:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")
        print_counts_only()
    else:
        main()
