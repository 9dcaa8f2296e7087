"""Evidence retention: files are deleted a set time after the judgement that closed their attempt.

The Standards for RTOs ask for completed assessment evidence to be kept at least six months
after the judgement (EVIDENCE_RETENTION_MONTHS, or EVIDENCE_RETENTION_DAYS); records of results
(unit results, judgements, record sheets) are kept RECORDS_RETENTION_YEARS (30) and nothing here
touches them. Only a file goes: its row stays with the original name, size and SHA-256 of what
was handed in, and the day the file was removed.

An attempt's evidence expires once the judgement in force on it (the latest signed, which
corrects any before it) is older than the retention period and its feedback has reached the
student. An attempt never judged, reopened for correction, or held for a quality check has no
judgement closing it, so its evidence never expires. Evidence is held, whatever its age, while:
- an appeal against the unit result of its enrolment is open (lodged and not yet decided);
- its attempt is in a validation sample (the validation app's `held_attempt_ids()`).
"""

import datetime
import logging
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from assessor_portal.revisions import lock_row
from evidence.models import Appeal, Attempt, EvidenceItem, Judgement

logger = logging.getLogger(__name__)
# Any number that no other advisory lock of the portal uses.
SCHEDULE_LOCK_KEY = 120_130
# Evidence rows read at a time.
CHUNK = 500
# The daily run starts at this hour, Sydney time, when nobody is marking.
DAILY_AT = datetime.time(2, 30)


def retention_period():
    """The time evidence is kept after its judgement, as the RTO set it."""
    if settings.EVIDENCE_RETENTION_DAYS is not None:
        return relativedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    return relativedelta(months=settings.EVIDENCE_RETENTION_MONTHS)


def describe_retention_period():
    """The retention period in words: "6 months", "200 days"."""
    if settings.EVIDENCE_RETENTION_DAYS is not None:
        days = settings.EVIDENCE_RETENTION_DAYS
        return f"{days} day{'s' if days != 1 else ''}"
    months = settings.EVIDENCE_RETENTION_MONTHS
    return f"{months} month{'s' if months != 1 else ''}"


def evidence_holds():
    """What keeps evidence past its time, by name: each an exclusion on EvidenceItem rows."""
    holds = {
        "open appeal": models.Exists(
            Appeal.objects.filter(
                result__enrolment=models.OuterRef("attempt__enrolment"), decision__isnull=True
            )
        ),
    }
    if apps.is_installed("validation"):
        # Imported here: the validation app is optional, and may be absent from a checkout.
        from validation.selectors import held_attempt_ids

        holds["validation sample"] = models.Q(attempt_id__in=held_attempt_ids())
    return holds


def expired_evidence(now):
    """Return the evidence files whose retention period has ended and that nothing holds, oldest first.

    One query, however many rows: it carries the student, unit and task each line shows.
    """
    closed_at = models.Subquery(
        Judgement.objects.filter(attempt=models.OuterRef("attempt"))
        .order_by("-signed_at", "-pk")
        .values("signed_at")[:1]
    )
    items = (
        EvidenceItem.objects.filter(
            kind=EvidenceItem.Kind.FILE,
            file_removed_at__isnull=True,
            attempt__status__in=Attempt.JUDGED,
            attempt__feedback_released_at__isnull=False,
        )
        .annotate(closed_at=closed_at)
        .filter(closed_at__lte=now - retention_period())
    )
    for hold in evidence_holds().values():
        items = items.exclude(hold)
    return items.select_related(
        "attempt__enrolment__student", "attempt__enrolment__tool__unit", "attempt__task"
    ).order_by("closed_at", "pk")


@dataclass
class RetentionRun:
    """What one run of the retention found, and what it removed."""

    applied: bool
    found: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def bytes_found(self):
        return sum(item.size for item in self.found)


def apply_retention(now=None, *, apply=False, on_item=None):
    """List the expired evidence files, and with `apply` delete each from storage.

    A dry run lists exactly what a real run at the same moment removes. `on_item(item)` is
    called for each file found, as it is found, so a long list streams out.
    """
    now = now or timezone.now()
    run = RetentionRun(applied=apply)
    # The ids first, then the rows a chunk at a time: no cursor stays open across the deletions.
    expired_ids = list(expired_evidence(now).values_list("pk", flat=True))
    for start in range(0, len(expired_ids), CHUNK):
        for item in expired_evidence(now).filter(pk__in=expired_ids[start : start + CHUNK]):
            run.found.append(item)
            if apply and remove_evidence_file(item, now=now):
                run.removed.append(item)
            if on_item:
                on_item(item)
    return run


@transaction.atomic
def remove_evidence_file(item, *, now):
    """Delete the evidence's file from storage and record when; keep its name, size and SHA-256.

    Rechecked under the row's lock: an appeal lodged since the list was read holds the file.
    The file goes before the row says so: were the commit to fail, the next run finds the row
    again and finishes (deleting a file already gone is not an error, on disk or S3).
    """
    locked = lock_row(EvidenceItem.objects.all(), item.pk)
    if not expired_evidence(now).filter(pk=locked.pk).exists():
        return False
    locked.file.storage.delete(locked.file.name)
    EvidenceItem.objects.filter(pk=locked.pk).update(file="", file_removed_at=now)
    item.file_removed_at = now
    logger.info(
        "Removed evidence %s (%s, %s bytes) under the retention policy", item.pk, item.sha256, item.size
    )
    return True


def removed_evidence():
    """Return the evidence files removed under the retention policy, newest removal first (one query)."""
    return (
        EvidenceItem.objects.filter(file_removed_at__isnull=False)
        .select_related("attempt__enrolment__student", "attempt__enrolment__tool__unit", "attempt__task")
        .order_by("-file_removed_at", "-pk")
    )


def next_daily_run(now=None):
    """The next DAILY_AT in Sydney after `now`."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


@transaction.atomic
def schedule_retention(now=None):
    """Make sure the daily run of the retention waits in the task queue once; return its id.

    Called when the worker starts (bin/with-worker) and by each run for the next, so a worker
    restarted ten times still has one run waiting. Without a queue that keeps tasks for later
    (the database queue does), nothing is scheduled and None is returned.
    """
    from django_tasks_db.models import DBTaskResult

    from evidence.tasks import apply_retention_task

    if not apply_retention_task.get_backend().supports_defer:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK_KEY])
    waiting = (
        DBTaskResult.objects.filter(task_path=apply_retention_task.module_path, status="READY")
        .values_list("pk", flat=True)
        .first()
    )
    if waiting is not None:
        return str(waiting)
    return apply_retention_task.using(run_after=next_daily_run(now)).enqueue().id
