"""Document benchmarks, on the scale data (PostgreSQL):

1. One record sheet's render time (the portal's whole path: the rows, the template, the archival
   PDF/A with its attachment) as a ratio to bare WeasyPrint writing the same HTML, in one run.
   The goal is 1.2 or less.
2. 1,000 record sheets archived by the task worker: the tasks are queued in the database and two
   `manage.py db_worker --batch` processes (one per core) work through them. The goal is two
   minutes or less.

    .venv/bin/python bench/documents.py      # or: make bench

The scale database is the one bench/scale.py builds (SCALE_DATABASE_URL). The first run adds a
signed Competent result to 1,000 enrolments whose every task is Satisfactory or, where the scale
data has too few, to the first enrolments without one (a benchmark's data: signed, hashed and
dated as the service would, by the cohort's assessor). Archival copies made by earlier runs are
removed first, so every run renders all 1,000.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import report  # noqa: E402
from scale import MEDIA_ROOT, SCALE_DATABASE_URL, ensure_scale_database  # noqa: E402

RECORD_SHEETS = 1000
WORKERS = 2
RATIO_GOAL = 1.2
WORKER_GOAL_SECONDS = 120
REPEATS = 7


def main():
    ensure_scale_database()
    os.environ["DATABASE_URL"] = SCALE_DATABASE_URL
    os.environ["MEDIA_ROOT"] = str(MEDIA_ROOT)
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")
    import django

    django.setup()
    results = ensure_results(RECORD_SHEETS)
    report(
        bench_render_ratio(results[0]) + bench_worker(results),
        passed="Document benchmarks within their limits.",
    )


def ensure_results(count):
    """Return `count` signed unit results on the scale data, adding them the first time."""
    from django.db import transaction
    from django.utils import timezone

    from evidence.models import Enrolment, OutcomeCode, UnitResult
    from evidence.services.marking import content_hash

    have = list(UnitResult.objects.filter(correction__isnull=True).order_by("pk")[:count])
    if len(have) >= count:
        return have
    outcome = OutcomeCode.objects.get(code="20")
    missing = count - len(have)
    enrolments = (
        Enrolment.objects.filter(results__isnull=True, cohort__isnull=False)
        .select_related("tool__unit", "cohort")
        .order_by("pk")[:missing]
    )
    print(f"Adding {missing} signed unit results to the scale data (once)…", flush=True)
    now = timezone.now()
    rows = []
    for enrolment in enrolments:
        assessor = enrolment.cohort.assessors.order_by("pk").first()
        content = {
            "enrolment": enrolment.pk,
            "student": enrolment.student_id,
            "unit": enrolment.tool.unit.code,
            "outcome": outcome.code,
            "assessor": assessor.pk,
            "corrects": "",
            "reason": "",
            "signed_at": now.isoformat(),
        }
        rows.append(
            UnitResult(
                enrolment=enrolment,
                outcome=outcome,
                assessor=assessor,
                typed_name=assessor.get_full_name(),
                signed_at=now,
                sha256=content_hash(content),
            )
        )
    with transaction.atomic():
        UnitResult.objects.bulk_create(rows)
    return list(UnitResult.objects.filter(correction__isnull=True).order_by("pk")[:count])


def bench_render_ratio(result):
    """The portal's render of one record sheet against bare WeasyPrint on the same HTML."""
    from assessor_portal import pdf
    from evidence.documents import record_sheet
    from evidence.services.records import RECORD_SHEET, record_sheet_context, render_record_sheet

    sheet = record_sheet(result.enrolment)
    html = pdf.render_html(RECORD_SHEET, record_sheet_context(sheet))
    # Bare WeasyPrint: the same HTML written as the same PDF/A with the same attachment, reading the
    # same stylesheet and fonts through the fetcher (which only maps their addresses to files),
    # without the portal's own work: reading the rows and rendering the template.

    def portal():
        return render_record_sheet(record_sheet(result.enrolment))

    archival = pdf.Archival(
        record_json=sheet.as_json(), signed_at=sheet.dated, identifier=sheet.result.sha256
    )

    def bare():
        return pdf.html_to_pdf(html, archival=archival)

    portal(), bare()
    portal_times, bare_times = [], []
    for _ in range(REPEATS):
        for run, times in ((portal, portal_times), (bare, bare_times)):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    portal_ms, bare_ms = statistics.median(portal_times) * 1000, statistics.median(bare_times) * 1000
    ratio = portal_ms / bare_ms
    print("One record sheet (median of 7):")
    print(f"  portal (rows, template, PDF/A with record.json) {portal_ms:7.1f} ms")
    print(f"  bare WeasyPrint on the same HTML, same PDF/A   {bare_ms:7.1f} ms")
    print(f"  ratio {ratio:.2f} (goal {RATIO_GOAL})")
    return [] if ratio <= RATIO_GOAL else [f"record sheet render ratio {ratio:.2f} over {RATIO_GOAL}"]


def bench_worker(results):
    """Queue an archival copy for each result and time two workers making them all."""
    from evidence.models import RecordSheetCopy
    from evidence.tasks import archive_record_sheet_task

    earlier = RecordSheetCopy.objects.filter(result__in=results)
    for copy in earlier:
        copy.pdf.delete(save=False)
    earlier.delete()
    for result in results:
        archive_record_sheet_task.enqueue(result.pk)
    env = {**os.environ}
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.wait()
    took = time.perf_counter() - started
    made = RecordSheetCopy.objects.filter(result__in=results).count()
    print(
        f"\n{len(results)} record sheets archived by {WORKERS} workers: {made} made in {took:.1f} s "
        f"({took / max(made, 1) * 1000:.0f} ms each; goal {WORKER_GOAL_SECONDS} s for all)"
    )
    failures = []
    if made != len(results):
        failures.append(f"only {made} of {len(results)} record sheets archived")
    if took > WORKER_GOAL_SECONDS:
        failures.append(f"{took:.0f} s to archive {len(results)} record sheets, over {WORKER_GOAL_SECONDS} s")
    return failures


if __name__ == "__main__":
    main()
