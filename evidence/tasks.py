"""Background work on students' records, run by the task worker (`manage.py db_worker`)."""

from django.db import transaction
from django.tasks import task


@task
def archive_record_sheet_task(result_pk):
    """Make the archival copy of a unit result's record sheet."""
    # Imported here: the records service reads the selectors, which the marking service (the
    # one queueing this task) is itself imported by.
    from evidence.models import UnitResult
    from evidence.services.records import archive_record_sheet

    archive_record_sheet(UnitResult.objects.select_related("enrolment").get(pk=result_pk))


def queue_record_sheet_copy(result):
    """Queue the archival copy of the result's record sheet for when the current transaction commits."""
    transaction.on_commit(lambda: archive_record_sheet_task.enqueue(result.pk))


@task
def build_export_task(export_pk):
    """Build a cohort's documents into the export's one file."""
    from evidence.models import DocumentExport
    from evidence.services.exports import build_export

    build_export(DocumentExport.objects.get(pk=export_pk))


def queue_export(export):
    """Queue the export's build for when the current transaction commits."""
    transaction.on_commit(lambda: build_export_task.enqueue(export.pk))


@task
def apply_retention_task():
    """Delete the evidence files past their retention period, then queue tomorrow's run."""
    from evidence.services.retention import apply_retention, schedule_retention

    try:
        run = apply_retention(apply=True)
    finally:
        # Queued even when this run failed: a file that cannot be deleted today must not stop
        # every later run.
        schedule_retention()
    return len(run.removed)
