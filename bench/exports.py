"""A cohort's record sheets in one download, 30 students against 120, on the scale data (PostgreSQL).

The same worker function the task worker runs (`build_export`) builds each export in a process of its
own, so each run's peak memory (its maximum resident set size) is its own. Each size is built as a
ZIP and as one merged PDF. The goals: 120 students take at most 4.4 times as long as 30 (linear, with
room for noise), and a ZIP's peak memory does not grow with the cohort (at most 1.15 times).

    .venv/bin/python bench/exports.py      # or: make bench

Two cohorts of new students (BENCH-EXPORT-30 and -120), enrolled in one scale tool, are added to the
scale database the first time; every run renders every sheet afresh (none of them is signed, so no
archival copy is read instead).
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import report  # noqa: E402
from scale import MEDIA_ROOT, SCALE_DATABASE_URL, ensure_scale_database  # noqa: E402

SIZES = (30, 120)
FORMATS = ("zip", "pdf")
TIME_RATIO_GOAL = 4.4
ZIP_MEMORY_RATIO_GOAL = 1.15
COHORT_PREFIX = "BENCH-EXPORT-"


def setup_django():
    os.environ["DATABASE_URL"] = SCALE_DATABASE_URL
    os.environ["MEDIA_ROOT"] = str(MEDIA_ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")
    import django

    django.setup()


def main():
    ensure_scale_database()
    setup_django()
    cohorts = {size: ensure_cohort(size) for size in SIZES}
    # A first build loads fonts and templates once per process; every measured build is in a fresh
    # process, so each pays it alike. This one only checks the path works before measuring.
    measure(cohorts[SIZES[0]], "zip")
    figures = {(size, fmt): measure(cohorts[size], fmt) for fmt in FORMATS for size in SIZES}

    failures = []
    small, large = SIZES
    print(f"\nBulk export of record sheets, {small} vs {large} students (build_export in its own process)")
    print(f"{'format':<6} {'students':>8} {'seconds':>8} {'per sheet':>10} {'peak RSS':>10}")
    for fmt in FORMATS:
        for size in SIZES:
            seconds, rss = figures[(size, fmt)]
            print(
                f"{fmt:<6} {size:>8} {seconds:>8.1f} {seconds / size * 1000:>8.0f} ms {rss / 1024:>7.0f} MB"
            )
        time_ratio = figures[(large, fmt)][0] / figures[(small, fmt)][0]
        memory_ratio = figures[(large, fmt)][1] / figures[(small, fmt)][1]
        growth = (figures[(large, fmt)][1] - figures[(small, fmt)][1]) / 1024
        print(
            f"{fmt}: time ratio {time_ratio:.2f} (goal ≤ {TIME_RATIO_GOAL}), "
            f"peak memory ratio {memory_ratio:.2f} ({growth:+.0f} MB)"
        )
        if time_ratio > TIME_RATIO_GOAL:
            failures.append(f"{fmt} time ratio {time_ratio:.2f} > {TIME_RATIO_GOAL}")
        if fmt == "zip" and memory_ratio > ZIP_MEMORY_RATIO_GOAL:
            failures.append(f"zip peak memory ratio {memory_ratio:.2f} > {ZIP_MEMORY_RATIO_GOAL}")
    report(failures, passed="Export benchmarks within their limits.")


def ensure_cohort(size):
    """Return a cohort of `size` new students, each enrolled in the same scale tool; made once."""
    from django.db import transaction

    from assessor_portal.models import User
    from evidence.models import Cohort, Enrolment
    from units.models import AssessmentTool

    code = f"{COHORT_PREFIX}{size}"
    cohort = Cohort.objects.filter(code=code).first()
    if cohort is not None:
        return cohort
    tool = AssessmentTool.objects.filter(status="published").order_by("pk").first()
    admin = User.objects.filter(role="admin").order_by("pk").first()
    start = datetime.date(2026, 10, 5)
    with transaction.atomic():
        cohort = Cohort.objects.create(name=f"Export benchmark, {size} students", code=code, start_date=start)
        students = User.objects.bulk_create(
            User(
                username=f"bench-export-{size}-{number}",
                role="student",
                first_name="Bench",
                last_name=f"Student {number:03d}",
                student_id=f"BX{size}{number:04d}",
            )
            for number in range(size)
        )
        cohort.students.set(students)
        Enrolment.objects.bulk_create(
            Enrolment(student=student, tool=tool, cohort=cohort, enrolled_on=start, enrolled_by=admin)
            for student in students
        )
    return cohort


def measure(cohort, fmt):
    """Build one export of the cohort in a fresh process; return (seconds building, peak RSS in KB)."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--build", str(cohort.pk), fmt],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"The export build for {cohort.code} as {fmt} failed ({child.returncode}).")
    report = json.loads(output.strip().splitlines()[-1])
    return report["seconds"], usage.ru_maxrss


def build(cohort_pk, fmt):
    """The child: ask for the export and build it as the worker would, then delete it."""
    import time

    # Nothing else runs the export: the queued task goes nowhere, and this process builds it.
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    setup_django()
    from assessor_portal.models import User
    from evidence.models import Cohort
    from evidence.services.exports import build_export, request_export

    cohort = Cohort.objects.get(pk=cohort_pk)
    admin = User.objects.filter(role="admin").order_by("pk").first()
    export = request_export(cohort, by=admin, kind="record_sheets", format=fmt)
    started = time.perf_counter()
    export = build_export(export)
    seconds = time.perf_counter() - started
    if export is None or export.status != "done" or export.done != export.total:
        raise SystemExit(f"The export did not finish: {export and export.error}")
    export.file.delete(save=False)
    export.delete()
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        build(int(sys.argv[2]), sys.argv[3])
    else:
        main()
