"""Unit outcomes out to the student management system (SMS), as a CSV the RTO imports there.

Only the result in force for each enrolment goes out: the newest, not corrected by a later one.
"Since the last export" sends every result in force that has not gone out yet; a date range sends
those signed on those days (Australia/Sydney), whether they went out before or not. Either way a
result correcting one that went out before is flagged as corrected since, and goes out again with
its new outcome. Every file is kept as it went out, with the results it held.
"""

import codecs
import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from assessor_portal.spreadsheets import csv_bytes
from evidence.models import OutcomeExport, UnitResult
from evidence.permissions import can_export_outcomes

HEADER = [
    "Student ID",
    "USI",
    "Family name",
    "Given name",
    "Unit code",
    "Outcome code",
    "Activity start date",
    "Activity end date",
    "Assessor",
]
# Any number that no other advisory lock of the portal uses.
EXPORT_LOCK_KEY = 120_060
# The same file pressed for twice within this time is taken as one press too many.
SAME_FILE_WITHIN = datetime.timedelta(minutes=1)


class OutcomeExportError(Exception):
    """The export was refused; the message says why."""


@dataclass(frozen=True)
class OutcomeRow:
    """One result in force going out, and what went out before for its enrolment, if it differs."""

    result: UnitResult
    sent_before: UnitResult | None  # the result this one replaces in the SMS

    @property
    def corrected(self):
        return self.sent_before is not None

    def cells(self):
        student = self.result.enrolment.student
        return [
            student.student_id,
            student.usi,
            student.last_name,
            student.first_name,
            self.result.enrolment.tool.unit.code,
            self.result.outcome_id,
            dmy(self.result.enrolment.enrolled_on),
            dmy(timezone.localdate(self.result.signed_at)),
            self.result.assessor.get_full_name() or self.result.assessor.username,
        ]


@dataclass(frozen=True)
class OutcomeBatch:
    """The rows an export would send, in the order the file lists them."""

    rows: list

    @property
    def corrected(self):
        return [row for row in self.rows if row.corrected]

    def csv(self, *, bom=False):
        """The file's bytes: UTF-8, and with a byte-order mark if asked, which Excel on Windows
        needs to read accented names as UTF-8 rather than its own code page."""
        return (codecs.BOM_UTF8 if bom else b"") + csv_bytes(HEADER, [row.cells() for row in self.rows])


def dmy(day):
    return day.strftime("%d/%m/%Y")


def outcomes_to_export(*, scope, signed_from=None, signed_to=None):
    """Return the batch an export of this scope would send now, in two queries however many rows."""
    results = UnitResult.objects.filter(correction__isnull=True)
    if scope == OutcomeExport.Scope.SINCE_LAST:
        results = results.filter(~models.Exists(sent(models.OuterRef("pk"))))
    else:
        start, end = day_start(signed_from), day_start(signed_to + datetime.timedelta(days=1))
        results = results.filter(signed_at__gte=start, signed_at__lt=end)
    results = list(
        results.select_related("enrolment__student", "enrolment__tool__unit", "outcome", "assessor").order_by(
            "enrolment__student__last_name",
            "enrolment__student__first_name",
            "enrolment__student__student_id",
            "enrolment__tool__unit__code",
            "pk",
        )
    )
    last_sent = {}
    for result in (
        UnitResult.objects.filter(enrolment__in={result.enrolment_id for result in results})
        .filter(models.Exists(sent(models.OuterRef("pk"))))
        .select_related("outcome")
        .order_by("signed_at", "pk")
    ):
        last_sent[result.enrolment_id] = result
    rows = []
    for result in results:
        before = last_sent.get(result.enrolment_id)
        rows.append(OutcomeRow(result, before if before and before.pk != result.pk else None))
    return OutcomeBatch(rows)


def sent(result_ref):
    return OutcomeExport.results.through.objects.filter(unitresult=result_ref)


def day_start(day):
    """The first instant of a day in Sydney."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def hold_export_lock():
    """Let one export run at a time, until its transaction ends.

    Two admins pressing at once would otherwise both send the results not sent yet, and one
    admin's second press would not see the first's token. SQLite's IMMEDIATE transactions
    (settings.py) already serialise every writer from BEGIN; PostgreSQL takes an advisory lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EXPORT_LOCK_KEY])


@transaction.atomic
def export_outcomes(*, by, scope, token, signed_from=None, signed_to=None, bom=False):
    """Write the CSV of the results in scope, log what went out, and return the export."""
    if not can_export_outcomes(by):
        raise PermissionDenied
    hold_export_lock()
    if OutcomeExport.objects.filter(token=token).exists():
        raise OutcomeExportError("This export has already been downloaded: it is listed below.")
    if scope == OutcomeExport.Scope.SINCE_LAST:
        signed_from = signed_to = None
    batch = outcomes_to_export(scope=scope, signed_from=signed_from, signed_to=signed_to)
    if not batch.rows:
        raise OutcomeExportError("No unit results to export: nothing has been signed in that time.")
    content = batch.csv(bom=bom)
    sha256 = hashlib.sha256(content).hexdigest()
    if OutcomeExport.objects.filter(
        sha256=sha256, created_at__gte=timezone.now() - SAME_FILE_WITHIN
    ).exists():
        raise OutcomeExportError(
            "The same file was exported less than a minute ago: download it again from the list below."
        )
    try:
        with transaction.atomic():
            export = OutcomeExport.objects.create(
                exported_by=by,
                scope=scope,
                signed_from=signed_from,
                signed_to=signed_to,
                row_count=len(batch.rows),
                corrected_count=len(batch.corrected),
                sha256=sha256,
                content=content,
                token=token,
            )
    except IntegrityError as error:
        raise OutcomeExportError("This export has already been downloaded: it is listed below.") from error
    export.results.set([row.result for row in batch.rows])
    return export


def export_filename(export):
    """Name the file for when it went out: outcomes-2026-11-25-1430-7.csv."""
    return f"outcomes-{timezone.localtime(export.created_at):%Y-%m-%d-%H%M}-{export.pk}.csv"
