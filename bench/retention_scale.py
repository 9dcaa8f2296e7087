"""Evidence retention on the scale data: a dry run and a real run on a COPY of the scale database.

    .venv/bin/python bench/retention_scale.py      # or: make bench

The shared scale database (bench/scale.py builds it) and its media folder are never touched: the
database is copied with `CREATE DATABASE … TEMPLATE assessor_portal_scale` and its media folder
into a temporary one (hard links where the disk allows: the retention only unlinks names, so the
originals stay), both dropped at the end. On the copy:

1. the expected files are worked out independently of evidence/services/retention.py, by one SQL
   query written from the rule: a file whose attempt's latest signed judgement is older than the
   retention period, whose feedback has reached the student, with no open appeal against the
   enrolment's result and not in a validation sample still open;
2. the dry run must list exactly those and delete nothing;
3. the real run must remove exactly those, from the rows and from the copy's disk (every other
   file still there), keeping each row's name, size and SHA-256 with the date it was removed;
4. a second run must find nothing.

Any mismatch exits 1. Prints the counts and times, and the machine's load beside them.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import MEDIA_ROOT, SCALE_DATABASE_URL, ensure_scale_database

COPY_NAME = f"{SCALE_DATABASE_URL.rsplit('/', 1)[1]}_retention_{os.getpid()}"
COPY_URL = f"{SCALE_DATABASE_URL.rsplit('/', 1)[0]}/{COPY_NAME}"
SERVER_URL = SCALE_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"


def main():
    ensure_scale_database()
    media = Path(tempfile.mkdtemp(prefix="bench-retention-scale-"))
    try:
        started = time.perf_counter()
        psql(f'CREATE DATABASE "{COPY_NAME}" TEMPLATE "{SCALE_DATABASE_URL.rsplit("/", 1)[1]}"')
        copy_media(MEDIA_ROOT, media / "media")
        print(f"Copied the scale database and its media in {time.perf_counter() - started:.0f} s ({load()})")
        os.environ.update(
            DATABASE_URL=COPY_URL,
            MEDIA_ROOT=str(media / "media"),
            DJANGO_SETTINGS_MODULE="assessor_portal.settings",
        )
        import django

        django.setup()
        from harness import report

        try:
            failures = run(media / "media")
        finally:
            from django.db import connections

            connections.close_all()
        report(failures, passed="Retention on the scale data removed exactly the expired files.")
    finally:
        psql(f'DROP DATABASE IF EXISTS "{COPY_NAME}"')
        shutil.rmtree(media, ignore_errors=True)


def psql(sql):
    subprocess.run(["psql", SERVER_URL, "-qc", sql], check=True)


def copy_media(source, target):
    """Copy the media folder: hard links on the same disk (deleting a link leaves the original)."""
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)


def load():
    return "load average " + " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def files_on_disk(media):
    root = media / "evidence"
    return {str(path.relative_to(media)) for path in root.rglob("*") if path.is_file()}


def expected_expired(now, *, holds=True):
    """The evidence files retention must remove at `now`, {pk: file name}, from the rule in plain SQL.

    Without `holds`: every file past its time, held or not.
    """
    from dateutil.relativedelta import relativedelta
    from django.conf import settings
    from django.db import connection

    from evidence.models import Appeal, AppealDecision, Attempt, EvidenceItem, Judgement, UnitResult
    from validation.models import ValidationItem, ValidationSignOff

    if settings.EVIDENCE_RETENTION_DAYS is not None:
        cutoff = now - relativedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    else:
        cutoff = now - relativedelta(months=settings.EVIDENCE_RETENTION_MONTHS)
    tables = {
        model.__name__: model._meta.db_table
        for model in (
            Appeal,
            AppealDecision,
            Attempt,
            EvidenceItem,
            Judgement,
            UnitResult,
            ValidationItem,
            ValidationSignOff,
        )
    }
    sql = """
        SELECT e.id, e.file FROM {EvidenceItem} e
        JOIN {Attempt} a ON a.id = e.attempt_id
        WHERE e.kind = 'file' AND e.file_removed_at IS NULL
          AND a.status IN ('S', 'NS') AND a.feedback_released_at IS NOT NULL
          AND (SELECT j.signed_at FROM {Judgement} j WHERE j.attempt_id = a.id
               ORDER BY j.signed_at DESC, j.id DESC LIMIT 1) <= %s
    """
    if holds:
        sql += """
          AND NOT EXISTS (
              SELECT 1 FROM {Appeal} ap JOIN {UnitResult} r ON r.id = ap.result_id
              WHERE r.enrolment_id = a.enrolment_id
                AND NOT EXISTS (SELECT 1 FROM {AppealDecision} d WHERE d.appeal_id = ap.id))
          AND NOT EXISTS (
              SELECT 1 FROM {ValidationItem} v
              WHERE v.attempt_id = a.id
                AND NOT EXISTS (SELECT 1 FROM {ValidationSignOff} s WHERE s.plan_id = v.plan_id))
        """
    sql = sql.format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [cutoff])
        return dict(cursor.fetchall())


def run(media):
    from django.utils import timezone

    from evidence.models import EvidenceItem
    from evidence.services.retention import apply_retention

    now = timezone.now()
    failures = []
    files = EvidenceItem.objects.filter(kind="file")
    expected = expected_expired(now)
    on_disk = files_on_disk(media)
    if set(expected.values()) - on_disk:
        return [f"{len(set(expected.values()) - on_disk)} expected files are missing from the copied media"]
    held = files.filter(
        attempt__enrolment__results__appeal__isnull=False, file_removed_at__isnull=True
    ).count()
    print(
        f"\nEvidence retention on a copy of the scale data: {files.count():,} files, "
        f"{len(expected):,} expired by the rule ({held:,} more past their time but held by an open appeal or validation sample)"
    )

    started, before = time.perf_counter(), load()
    dry = apply_retention(now)
    dry_seconds = time.perf_counter() - started
    found = {item.pk for item in dry.found}
    if found != set(expected):
        failures.append(
            f"the dry run listed {len(found - set(expected))} files not expired and missed {len(set(expected) - found)}"
        )
    if files_on_disk(media) != on_disk:
        failures.append("the dry run deleted files")
    print(f"dry run     {dry_seconds:7.1f} s  listed  {len(found):,}  ({before})")

    started, before = time.perf_counter(), load()
    real = apply_retention(now, apply=True)
    real_seconds = time.perf_counter() - started
    removed = {item.pk for item in real.removed}
    if removed != set(expected):
        failures.append(
            f"the real run removed {len(removed - set(expected))} files not expired and missed {len(set(expected) - removed)}"
        )
    left = files_on_disk(media)
    if on_disk - left != set(expected.values()):
        failures.append(
            f"{len(on_disk - left):,} files went from disk, not the {len(expected):,} expired "
            f"({len(set(expected.values()) - (on_disk - left)):,} of them still there)"
        )
    rows = EvidenceItem.objects.filter(pk__in=list(expected))
    kept = rows.filter(file="", file_removed_at=now, size__gt=0).exclude(sha256="").exclude(title="").count()
    if kept != len(expected):
        failures.append(f"{len(expected) - kept} removed files' rows lost their name, size, SHA-256 or date")
    print(
        f"real run    {real_seconds:7.1f} s  removed {len(removed):,} "
        f"({real_seconds / max(len(removed), 1) * 1000:.1f} ms a file; {len(left):,} files left)  ({before})"
    )

    started = time.perf_counter()
    again = apply_retention(now, apply=True)
    again_seconds = time.perf_counter() - started
    if again.found or files_on_disk(media) != left:
        failures.append(f"a second run found {len(again.found)} files")
    print(f"second run  {again_seconds:7.1f} s  found   {len(again.found):,}")
    return failures


if __name__ == "__main__":
    main()
