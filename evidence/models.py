"""A student's enrolments, attempts, evidence and declarations."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Cohort(models.Model):
    """A class of students taught and assessed together, with its assessors."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=40, unique=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assessed_cohorts",
        limit_choices_to={"role": "assessor"},
    )
    students = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="cohorts")
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed the cohort's details or its assessors, when, from what. Not its students: a
    # snapshot of thousands of members on every change would cost more than it tells.
    history = HistoricalRecords(m2m_fields=[assessors])

    class Meta:
        ordering = ["-start_date", "code"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="cohort_unique_code_any_case"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cohort_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("evidence:cohort_detail", args=[self.pk])


class Enrolment(models.Model):
    """A student enrolled in a unit through one published assessment tool."""

    class Stage(models.TextChoices):
        """Where the student stands in the unit, in the order a unit is worked through (see
        evidence/services/progress.py for the rule)."""

        NEW = "new", "Not started"
        DRAFT = "draft", "Drafting"
        SUBMITTED = "submitted", "Submitted"
        ASSESSING = "assessing", "Being assessed"
        SATISFACTORY = "S", "Satisfactory"
        NOT_SATISFACTORY = "NS", "Not satisfactory"
        RESUBMIT = "resubmit", "Resubmission due"
        COMPETENT = "C", "Competent"
        NOT_YET_COMPETENT = "NYC", "Not yet competent"
        OTHER = "other", "Other result"

    # A unit with a result in force is closed: nothing in it is overdue or the student's to move.
    RESULT_STAGES = [Stage.COMPETENT, Stage.NOT_YET_COMPETENT, Stage.OTHER]

    student = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="enrolments")
    tool = models.ForeignKey("units.AssessmentTool", models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, models.PROTECT, null=True, blank=True, related_name="enrolments")
    enrolled_on = models.DateField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by the services that change attempts and results (progress.refresh_stages), in their
    # transaction: the reports count students by stage without reading every attempt. Not in the
    # history: it follows from rows that have their own.
    stage = models.CharField(max_length=9, choices=Stage, default=Stage.NEW, editable=False)
    # Kept with the stage: the tasks handed in (attempt 1 submitted), task n as bit n - 1 (a tool
    # has at most Task.MAX_PER_TOOL tasks). The overdue tasks are then a filter on the enrolment,
    # not a search of every attempt.
    handed_in = models.BigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["stage", "handed_in"])

    class Meta:
        # Orderings that join other tables cost every query that forgets its own order_by.
        ordering = ["pk"]
        indexes = [models.Index(fields=["stage"], name="enrolment_stage")]
        constraints = [
            models.UniqueConstraint(fields=["student", "tool"], name="enrolment_unique_student_tool"),
        ]

    def __str__(self):
        return f"{self.student} in {self.tool.unit.code}"

    @property
    def starts_on(self):
        """The day the student starts the unit: the cohort's start, or the enrolment if later."""
        if self.cohort_id is None:
            return self.enrolled_on
        return max(self.cohort.start_date, self.enrolled_on)


class Attempt(models.Model):
    """One submission of a task by a student; frozen once submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        BEING_ASSESSED = "assessing", "Being assessed"
        SATISFACTORY = "S", "Satisfactory"
        NOT_SATISFACTORY = "NS", "Not satisfactory"

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="attempts")
    task = models.ForeignKey("units.Task", models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # Bumped by every change, so a stale tab's form can be recognised and refused.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    resubmit_by = models.DateField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    feedback_released_at = models.DateTimeField(null=True, blank=True)
    # Every change of status, feedback and release: who reopened a judged attempt, and when.
    history = HistoricalRecords(excluded_fields=["revision"])

    class Meta:
        ordering = ["enrolment_id", "task_id", "number"]
        indexes = [
            # The assessors' waiting lists: submitted work, oldest first.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "assessing"]),
                name="attempt_waiting",
            ),
            # The inactive students report: who started or handed in anything since a date.
            models.Index(fields=["created_at"], name="attempt_created"),
            models.Index(fields=["submitted_at"], name="attempt_submitted"),
            # The exceptions report: the enrolments with work waiting (not inactive) and the work
            # waiting in each cohort, read from the index alone.
            models.Index(
                fields=["enrolment", "submitted_at"],
                condition=Q(status__in=["submitted", "assessing"]),
                name="attempt_waiting_enrolment",
            ),
            # The Not satisfactory twice report, which looks for a later Not satisfactory attempt.
            models.Index(
                fields=["enrolment", "task", "number"],
                condition=Q(status="NS"),
                name="attempt_not_satisfactory",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "task", "number"], name="attempt_unique_number"),
            models.UniqueConstraint(
                fields=["enrolment", "task"], condition=Q(status="draft"), name="attempt_one_open_draft"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_from_1"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "assessing", "S", "NS"]),
                name="attempt_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="attempt_submitted_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.task} — attempt {self.number} by {self.enrolment.student}"

    def get_absolute_url(self):
        return reverse("evidence:task_detail", args=[self.enrolment_id, self.task_id])

    def get_marking_url(self):
        return reverse("evidence:attempt_mark", args=[self.pk])

    JUDGED = (Status.SATISFACTORY, Status.NOT_SATISFACTORY)

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_judged(self):
        return self.status in self.JUDGED

    def student_status(self):
        """Return the status the student may see: a result reaches them with its released feedback."""
        if self.is_judged and not self.feedback_released_at:
            return self.Status.BEING_ASSESSED
        return self.Status(self.status)


def evidence_upload_to(instance, filename):
    """Store each file under a random name; the original name is kept in the row for display."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.attempt.enrolment_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceItem(models.Model):
    """A file, written answer or link a student offers as evidence, linked to criteria."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        TEXT = "text", "Written answer"
        LINK = "link", "Link"

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=4, choices=Kind)
    title = models.CharField(max_length=255, help_text="The file's original name, or the answer's heading.")
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    criteria = models.ManyToManyField("units.PerformanceCriterion", blank=True, related_name="evidence")
    created_at = models.DateTimeField(auto_now_add=True)
    # When `manage.py apply_retention` deleted the file from storage; its name, size and
    # SHA-256 stay on the row, so the record still says what was handed in.
    file_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "created_at", "pk"]
        # The inactive students report: who added evidence since a date.
        indexes = [models.Index(fields=["created_at"], name="evidence_created")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(sha256="") & (~Q(file="") | Q(file_removed_at__isnull=False)))
                | (Q(kind="text") & ~Q(text=""))
                | (Q(kind="link") & ~Q(url="")),
                name="evidence_has_its_content",
            ),
            models.CheckConstraint(
                condition=Q(file_removed_at__isnull=True) | Q(kind="file", file=""),
                name="evidence_removed_file_is_gone",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evidence:evidence_download", args=[self.pk])

    @property
    def file_removed(self):
        return self.file_removed_at is not None


class Declaration(models.Model):
    """The student's signed own-work declaration for an attempt: who, when and from where."""

    WORDING = "I declare that the assessment tasks submitted for this unit are my own work."

    attempt = models.OneToOneField(Attempt, models.PROTECT, related_name="declaration")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    wording = models.TextField(default=WORDING)
    typed_name = models.CharField(max_length=200)
    signature = models.FileField(upload_to="signatures/", blank=True)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"Declaration by {self.typed_name} for {self.attempt}"


# -- marking: marks, judgements and results ---------------------------------------------------


# The two outcomes an assessor decides from the evidence (AVETMISS codes).
COMPETENT, NOT_YET_COMPETENT = "20", "30"


class OutcomeCode(models.Model):
    """A national (AVETMISS) unit outcome code. Kept as rows, not literals: states add their own."""

    code = models.CharField(max_length=2, primary_key=True)
    label = models.CharField(max_length=120)
    meaning = models.TextField(blank=True)
    # Which outcomes an assessor records at the end of a unit (C, NYC, RPL, CT, withdrawn,
    # continuing); the others come from the student management system.
    recordable = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class SignedRecordError(Exception):
    """A signed record was about to change in place."""


class SignedRecord(models.Model):
    """A signed record: written once, never changed or deleted; a correction is a newer record."""

    signed_at = models.DateTimeField()
    typed_name = models.CharField(max_length=200)
    # SHA-256 of exactly what was signed, in canonical JSON: any later change is detectable.
    sha256 = models.CharField(max_length=64)
    reason = models.TextField(blank=True, help_text="Why this record corrects an earlier one.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedRecordError(
                f"{self._meta.verbose_name.capitalize()} records are signed and never change."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError(
            f"{self._meta.verbose_name.capitalize()} records are signed and never deleted."
        )


class CriterionMark(models.Model):
    """The assessor's Yes or No, and comment, on one performance criterion of one attempt."""

    class Answer(models.TextChoices):
        YES = "Y", "Yes"
        NO = "N", "No"

    attempt = models.ForeignKey(Attempt, models.CASCADE, related_name="marks")
    criterion = models.ForeignKey("units.PerformanceCriterion", models.PROTECT, related_name="+")
    answer = models.CharField(max_length=1, choices=Answer, blank=True)
    comment = models.TextField(blank=True)
    # Bumped by every save: a save based on an older version is refused. The check holds on
    # SQLite too, whose IMMEDIATE transactions (settings.py) serialise every writer from BEGIN.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()
    # Who changed what, when, from what: every save of a mark is kept.
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "criterion"], name="mark_unique_criterion"),
            models.CheckConstraint(condition=Q(answer__in=["", "Y", "N"]), name="mark_answer_known"),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.get_answer_display() or 'not answered'}"


class Judgement(SignedRecord):
    """An assessor's signed decision on an attempt, Satisfactory or Not satisfactory."""

    class Result(models.TextChoices):
        SATISFACTORY = "S", "Satisfactory"
        NOT_SATISFACTORY = "NS", "Not satisfactory"

    attempt = models.ForeignKey(Attempt, models.PROTECT, related_name="judgements")
    result = models.CharField(max_length=2, choices=Result)
    feedback = models.TextField(blank=True)
    # The marks as they were signed: [{"criterion": "1.1", "answer": "Y", "comment": "…"}].
    marks = models.JSONField(default=list)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signature = models.FileField(upload_to="signatures/", blank=True)
    corrects = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="correction")

    class Meta:
        ordering = ["attempt", "signed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(result__in=["S", "NS"]), name="judgement_result_known"),
            models.CheckConstraint(
                condition=Q(result="S") | ~Q(feedback=""), name="judgement_not_satisfactory_has_feedback"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="judgement_correction_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_result_display()} for {self.attempt}, signed by {self.typed_name}"

    @property
    def satisfactory(self):
        return self.result == self.Result.SATISFACTORY

    @property
    def not_satisfactory(self):
        return self.result == self.Result.NOT_SATISFACTORY


class UnitResult(SignedRecord):
    """The unit's outcome for an enrolment (Competent, Not yet competent, RPL …), signed."""

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="results")
    outcome = models.ForeignKey(OutcomeCode, models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    corrects = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="correction")

    class Meta:
        ordering = ["enrolment", "signed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="result_correction_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.outcome} for {self.enrolment}"


class QualityCheck(SignedRecord):
    """A second assessor's check of a judgement before its feedback reaches the student."""

    judgement = models.OneToOneField(Judgement, models.PROTECT, related_name="quality_check")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    approved = models.BooleanField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(approved=True) | ~Q(comment=""), name="quality_return_has_comment"
            ),
        ]

    def __str__(self):
        return f"{'Approved' if self.approved else 'Sent back'}: {self.judgement}"


class ResultAcknowledgement(SignedRecord):
    """The student's signature that they have read their unit result."""

    result = models.OneToOneField(UnitResult, models.PROTECT, related_name="acknowledgement")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.result} acknowledged by {self.typed_name}"


class RecordSheetCopy(models.Model):
    """The archival PDF/A copy of a signed assessment record sheet, made once for each state it was in.

    A record sheet changes twice: when the unit result is signed, and when the student
    acknowledges it. Each state gets its copy, byte for byte what the student and the RTO download,
    so the verify page can tell a true copy from an altered one by its SHA-256.
    """

    result = models.ForeignKey(UnitResult, models.PROTECT, related_name="sheet_copies")
    acknowledged = models.BooleanField()
    pdf = models.FileField(upload_to="records/")
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "acknowledged"], name="sheet_copy_one_per_state"),
        ]

    def __str__(self):
        state = "acknowledged" if self.acknowledged else "signed"
        return f"Record sheet copy ({state}) of {self.result}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedRecordError("An archival copy of a record sheet never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError("An archival copy of a record sheet is never deleted.")


# -- exports: a cohort's documents in one download --------------------------------------------


def export_upload_to(instance, filename):
    """Store each export under a random name; the download names it for the cohort."""
    return f"exports/{instance.cohort_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:5]}"


class DocumentExport(models.Model):
    """A cohort's documents gathered into one file by the task worker, with its progress."""

    class Kind(models.TextChoices):
        RECORD_SHEETS = "record_sheets", "Record sheets"
        COVER_SHEETS = "cover_sheets", "Cover sheets"  # of one task: `task` says which

    class Format(models.TextChoices):
        ZIP = "zip", "ZIP of one PDF per student"
        PDF = "pdf", "One PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind)
    task = models.ForeignKey("units.Task", models.PROTECT, null=True, blank=True, related_name="+")
    format = models.CharField(max_length=3, choices=Format)
    status = models.CharField(max_length=7, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, blank=True, max_length=255)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The worker's last sign of life: set when it starts and at every document it adds.
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="record_sheets", task__isnull=True)
                | Q(kind="cover_sheets", task__isnull=False),
                name="export_kind_known_cover_sheets_name_a_task",
            ),
            models.CheckConstraint(condition=Q(format__in=["zip", "pdf"]), name="export_format_known"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="export_status_known"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="export_done_within_total"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"], finished_at__isnull=True)
                | Q(status__in=["done", "failed"], finished_at__isnull=False),
                name="export_finished_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & ~Q(file="") & Q(done=F("total")))
                | (~Q(status="done") & Q(file="")),
                name="export_done_has_every_document",
            ),
            models.CheckConstraint(
                condition=(Q(status="failed") & ~Q(error="")) | (~Q(status="failed") & Q(error="")),
                name="export_failed_says_why",
            ),
            # Pressing the button twice before the worker starts asks for the same file once.
            models.UniqueConstraint(
                fields=["cohort", "requested_by", "kind", "format"],
                condition=Q(status="queued", kind="record_sheets"),
                name="export_one_queued_per_request",
            ),
            models.UniqueConstraint(
                fields=["cohort", "requested_by", "task", "format"],
                condition=Q(status="queued", kind="cover_sheets"),
                name="export_one_queued_per_task_request",
            ),
        ]

    def __str__(self):
        return f"{self.title} of {self.cohort} as {self.format.upper()}"

    def get_absolute_url(self):
        return reverse("evidence:export_detail", args=[self.pk])

    @property
    def title(self):
        """What the file holds, as a sentence reads it: "record sheets", "FNSCUS504 task 2 cover sheets"."""
        if self.kind == self.Kind.COVER_SHEETS:
            return f"{self.task.tool.unit.code} task {self.task.number} cover sheets"
        return self.get_kind_display().lower()

    @property
    def stalled(self):
        """True when the worker has shown no sign of life for a while: it has stopped, or never started."""
        if not self.in_progress:
            return False
        last_sign = self.progressed_at or self.created_at
        return timezone.now() - last_sign > settings.EXPORT_STALLED_AFTER

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    @property
    def in_progress(self):
        return self.status in self.IN_PROGRESS

    @property
    def is_done(self):
        return self.status == self.Status.DONE

    @property
    def is_failed(self):
        return self.status == self.Status.FAILED


# -- outcomes out to the student management system --------------------------------------------


class OutcomeExport(models.Model):
    """A CSV of unit outcomes sent to the student management system: who, when, which results.

    Kept byte for byte as it went out, so it can be downloaded again and checked by its SHA-256;
    never changed or deleted.
    """

    class Scope(models.TextChoices):
        SINCE_LAST = "since_last", "Since the last export"
        DATE_RANGE = "date_range", "Signed in a date range"

    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    scope = models.CharField(max_length=10, choices=Scope)
    # The days (Australia/Sydney) the results were signed on, for a date range export.
    signed_from = models.DateField(null=True, blank=True)
    signed_to = models.DateField(null=True, blank=True)
    row_count = models.PositiveIntegerField()
    corrected_count = models.PositiveIntegerField(help_text="Rows correcting a result sent before.")
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    # From the form that asked for it: a second press of the same form's button is refused.
    token = models.UUIDField(unique=True)
    results = models.ManyToManyField(UnitResult, related_name="exports")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="since_last", signed_from__isnull=True, signed_to__isnull=True)
                | Q(scope="date_range", signed_from__isnull=False, signed_to__isnull=False)
                & Q(signed_to__gte=F("signed_from")),
                name="outcome_export_scope_has_its_range",
            ),
            models.CheckConstraint(
                condition=Q(corrected_count__lte=F("row_count")), name="outcome_export_corrected_within_rows"
            ),
        ]

    def __str__(self):
        return f"Outcome export {self.pk} of {self.row_count} rows by {self.exported_by}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedRecordError("An outcome export went out as it is and never changes.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("evidence:outcome_export_download", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise SignedRecordError("An outcome export is kept as the record of what went out.")


# -- appeals: a student's appeal against a unit result, its review and decision ---------------


class ImmutableRecord(models.Model):
    """A dated, attributed entry that is written once: never changed, never deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedRecordError(f"{self._meta.verbose_name.capitalize()} records never change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError(f"{self._meta.verbose_name.capitalize()} records are never deleted.")


class Appeal(SignedRecord):
    """A student's signed appeal against a unit result, lodged within the RTO's appeal period.

    One appeal per result: once decided, the result stands or is re-assessed, and a result
    corrected after the re-assessment is a new result, which may be appealed in turn.
    """

    result = models.OneToOneField(UnitResult, models.PROTECT, related_name="appeal")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # Who signed the result appealed against: the review goes to someone else.
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    grounds = models.TextField()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(grounds=""), name="appeal_has_grounds"),
        ]

    def __str__(self):
        return f"Appeal by {self.typed_name} against {self.result}"

    def get_absolute_url(self):
        return reverse("evidence:appeal_detail", args=[self.pk])

    @property
    def status(self):
        """Where the appeal stands, in words (with `assignment` and `decision` selected)."""
        decision = getattr(self, "decision", None)
        if decision is not None:
            return decision.get_outcome_display()
        if getattr(self, "assignment", None) is not None:
            return "With the reviewer"
        return "Waiting for a reviewer"


class AppealAssignment(ImmutableRecord):
    """An admin's choice of the assessor who reviews an appeal."""

    appeal = models.OneToOneField(Appeal, models.PROTECT, related_name="assignment")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="appeal_reviews")
    # The assessor who signed the result, copied from the appeal so that the database itself
    # refuses them as its reviewer: an appeal is reviewed by a different assessor.
    result_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(reviewer=F("result_assessor")), name="appeal_reviewer_not_the_assessor"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} reviews {self.appeal}"


class AppealDecision(SignedRecord):
    """The reviewer's signed decision: upheld (the named tasks are assessed again) or dismissed."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld: re-assessment"
        DISMISSED = "dismissed", "Dismissed: the result stands"

    appeal = models.OneToOneField(Appeal, models.PROTECT, related_name="decision")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    result_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=9, choices=Outcome)
    reasons = models.TextField()
    # Upheld: the tasks whose new attempt the decision opened for the re-assessment.
    reassessed_tasks = models.ManyToManyField("units.Task", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["upheld", "dismissed"]), name="appeal_decision_outcome_known"
            ),
            models.CheckConstraint(condition=~Q(reasons=""), name="appeal_decision_has_reasons"),
            models.CheckConstraint(
                condition=~Q(reviewer=F("result_assessor")), name="appeal_decided_not_by_the_assessor"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.appeal}"

    @property
    def upheld(self):
        return self.outcome == self.Outcome.UPHELD
