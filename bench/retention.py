"""Evidence retention benchmark: a dry run, then the real run, over thousands of evidence files.

    .venv/bin/python bench/retention.py      # or: make bench

Uses a throwaway test database (SQLite by default, or a test copy of DATABASE_URL's PostgreSQL),
never the shared scale database, and a throwaway media folder. It makes ATTEMPTS judged attempts with
one file each: every third judged seven months ago (expired), the others two months ago, and the
expired files of HELD students kept by an open appeal. Exits 1 unless the dry run lists exactly the
expired files and deletes nothing, the real run deletes exactly those files from storage (their rows
kept with name, size and SHA-256), a second run finds nothing, and the real run stays within
SECONDS_GOAL.
"""

import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor_portal.settings")
MEDIA = tempfile.TemporaryDirectory(prefix="bench-retention-")
os.environ["MEDIA_ROOT"] = MEDIA.name

import django  # noqa: E402
from harness import run_on_test_database  # noqa: E402

ATTEMPTS = int(os.environ.get("BENCH_RETENTION_ATTEMPTS", "10000"))
HELD = 25
SECONDS_GOAL = 60


def main():
    django.setup()
    try:
        run_on_test_database(run, passed="Retention benchmark within its limits.")
    finally:
        MEDIA.cleanup()


def run():
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from evidence.models import EvidenceItem
    from evidence.services.retention import apply_retention

    expired, held = make_evidence()
    kept_files = {
        item.pk: item.file.name for item in EvidenceItem.objects.exclude(pk__in=expired).only("pk", "file")
    }
    expired_files = dict(EvidenceItem.objects.filter(pk__in=expired).values_list("pk", "file"))
    now = timezone.now()
    failures = []

    started = time.perf_counter()
    dry = apply_retention(now)
    dry_seconds = time.perf_counter() - started
    found = {item.pk for item in dry.found}
    if found != expired:
        failures.append(f"the dry run listed {len(found)} files, not the {len(expired)} expired")
    if not all(default_storage.exists(name) for name in expired_files.values()):
        failures.append("the dry run deleted files")

    started = time.perf_counter()
    real = apply_retention(now, apply=True)
    real_seconds = time.perf_counter() - started
    removed = {item.pk for item in real.removed}
    if removed != expired:
        failures.append(f"the real run removed {len(removed)} files, not the {len(expired)} expired")
    still_there = [name for name in expired_files.values() if default_storage.exists(name)]
    if still_there:
        failures.append(f"{len(still_there)} expired files are still in storage")
    gone = [pk for pk, name in kept_files.items() if not default_storage.exists(name)]
    if gone:
        failures.append(f"{len(gone)} files that were not expired are gone")
    rows = EvidenceItem.objects.filter(pk__in=expired)
    if (
        rows.count() != len(expired)
        or rows.filter(file_removed_at__isnull=True).exists()
        or rows.filter(sha256="").exists()
    ):
        failures.append("the removed files' rows were not all kept with their SHA-256 and date")

    started = time.perf_counter()
    again = apply_retention(now, apply=True)
    again_seconds = time.perf_counter() - started
    if again.found:
        failures.append(f"a second run found {len(again.found)} files")

    print(
        f"\nEvidence retention over {ATTEMPTS} files ({len(expired)} expired, {held} more held by open appeals)"
    )
    print(f"dry run     {dry_seconds:6.2f} s  listed {len(found)}")
    print(
        f"real run    {real_seconds:6.2f} s  removed {len(removed)} ({real_seconds / max(len(removed), 1) * 1000:.1f} ms a file; goal ≤ {SECONDS_GOAL} s)"
    )
    print(f"second run  {again_seconds:6.2f} s  found {len(again.found)}")
    if real_seconds > SECONDS_GOAL:
        failures.append(f"the real run took {real_seconds:.1f} s > {SECONDS_GOAL} s")
    return failures


def make_evidence():
    """Make the attempts and files; return the pks of the expired files and how many more are held."""
    import datetime

    from dateutil.relativedelta import relativedelta
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from assessor_portal.models import User
    from evidence.models import (
        Appeal,
        Attempt,
        Cohort,
        Enrolment,
        EvidenceItem,
        Judgement,
        OutcomeCode,
        UnitResult,
    )
    from units.demo import load_demo_tool
    from units.importing import parse_unit_source
    from units.services import import_unit

    now = timezone.now()
    with transaction.atomic():
        admin = User.objects.create_user("bench-admin", role="admin", first_name="Bench", last_name="Admin")
        assessor = User.objects.create_user(
            "bench-assessor", role="assessor", first_name="Bea", last_name="Assessor"
        )
        path = next((settings.BASE_DIR / "fixtures" / "units").glob("FNSPIM409*.json"))
        import_unit(parse_unit_source(path.read_bytes(), filename=path.name))
        tool_path = next((settings.BASE_DIR / "fixtures" / "tools").glob("FNSPIM409*.json"))
        tool, _ = load_demo_tool(tool_path, by=admin)
        task = tool.tasks.get(number=1)
        cohort = Cohort.objects.create(
            name="Retention bench", code="BENCH-RET", start_date=datetime.date(2025, 1, 6)
        )
        cohort.assessors.add(assessor)
        students = User.objects.bulk_create(
            User(
                username=f"bench-student-{n}",
                role="student",
                first_name="Student",
                last_name=str(n),
                student_id=f"B{n:06d}",
            )
            for n in range(ATTEMPTS)
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(student=student, tool=tool, cohort=cohort, enrolled_on=datetime.date(2025, 1, 6))
            for student in students
        )
        attempts = Attempt.objects.bulk_create(
            Attempt(
                enrolment=enrolment,
                task=task,
                number=1,
                status="S",
                submitted_at=now - relativedelta(months=8),
                feedback_released_at=now - relativedelta(months=7),
            )
            for enrolment in enrolments
        )
        ages = [relativedelta(months=7) if n % 3 == 0 else relativedelta(months=2) for n in range(ATTEMPTS)]
        Judgement.objects.bulk_create(
            Judgement(
                attempt=attempt,
                result="S",
                assessor=assessor,
                typed_name="Bea Assessor",
                signed_at=now - age,
                sha256="0" * 64,
            )
            for attempt, age in zip(attempts, ages, strict=True)
        )
        items = []
        for n, attempt in enumerate(attempts):
            content = f"%PDF-1.4 bench evidence {n}\n".encode()
            name = default_storage.save(
                f"evidence/{attempt.enrolment_id}/bench-{n}.pdf", ContentFile(content)
            )
            items.append(
                EvidenceItem(
                    attempt=attempt,
                    kind="file",
                    title=f"evidence-{n}.pdf",
                    file=name,
                    size=len(content),
                    content_type="application/pdf",
                    sha256=hashlib.sha256(content).hexdigest(),
                )
            )
        items = EvidenceItem.objects.bulk_create(items)
        # The first HELD expired students have appealed their result: their files stay.
        outcome = OutcomeCode.objects.get(code="20")
        held_enrolments = [enrolments[n] for n in range(0, ATTEMPTS, 3)][:HELD]
        for enrolment in held_enrolments:
            result = UnitResult.objects.create(
                enrolment=enrolment,
                outcome=outcome,
                assessor=assessor,
                typed_name="Bea Assessor",
                signed_at=now,
                sha256="1" * 64,
            )
            Appeal.objects.create(
                result=result,
                student=enrolment.student,
                assessor=assessor,
                grounds="Bench.",
                typed_name="x",
                signed_at=now,
                sha256="2" * 64,
            )
    held_pks = {enrolment.pk for enrolment in held_enrolments}
    expired = {
        item.pk for n, item in enumerate(items) if n % 3 == 0 and item.attempt.enrolment_id not in held_pks
    }
    return expired, len(held_pks)


if __name__ == "__main__":
    main()
