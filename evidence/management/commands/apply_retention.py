"""Delete evidence files kept past the retention period; list them first (dry run by default)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from evidence.services.retention import (
    apply_retention,
    describe_retention_period,
    evidence_holds,
    schedule_retention,
)


class Command(BaseCommand):
    help = (
        "List the evidence files whose retention period has ended (EVIDENCE_RETENTION_MONTHS after "
        "the judgement that closed their attempt) and, with --apply, delete them from storage. Each "
        "row keeps the file's name, size and SHA-256. Evidence under an open appeal or in a "
        "validation sample is kept. Unit results, judgements and record sheets are records kept "
        f"{settings.RECORDS_RETENTION_YEARS} years: this command never deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Delete the files (without it, only list them)."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only make sure the worker's daily run is queued, once; delete nothing now.",
        )

    def handle(self, *args, apply=False, schedule=False, verbosity=1, **options):
        if schedule:
            waiting = schedule_retention()
            if verbosity:
                self.stdout.write(
                    f"The daily retention run is queued ({waiting})."
                    if waiting
                    else "The task queue keeps no tasks for later: run apply_retention --apply daily instead."
                )
            return
        now = timezone.now()
        if verbosity:
            self.stdout.write(
                f"Evidence files are kept {describe_retention_period()} after the judgement; held while: "
                f"{', '.join(evidence_holds())}. Results and record sheets are kept "
                f"{settings.RECORDS_RETENTION_YEARS} years and never deleted here."
            )
        run = apply_retention(now, apply=apply, on_item=self._line if verbosity else None)
        if apply:
            self.stdout.write(
                f"Removed {len(run.removed)} file{'s' if len(run.removed) != 1 else ''} ({filesizeformat(sum(item.size for item in run.removed))})."
            )
        else:
            self.stdout.write(
                f"Dry run: {len(run.found)} file{'s' if len(run.found) != 1 else ''} "
                f"({filesizeformat(run.bytes_found)}) would be removed. Run with --apply to remove them."
            )

    def _line(self, item):
        enrolment = item.attempt.enrolment
        self.stdout.write(
            "\t".join(
                [
                    str(item.pk),
                    timezone.localtime(item.closed_at).strftime("%d/%m/%Y"),
                    enrolment.student.student_id or enrolment.student.username,
                    enrolment.tool.unit.code,
                    f"task {item.attempt.task.number} attempt {item.attempt.number}",
                    item.title,
                    str(item.size),
                    item.sha256,
                ]
            )
        )
