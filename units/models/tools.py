"""What an RTO writes against a unit release: assessment tools and their tasks."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .catalogue import PerformanceCriterion, RequirementItem, Unit


class AssessmentTool(models.Model):
    """An RTO's assessment tool (the seed's "Assessor Resource") for one unit release."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Purpose(models.TextChoices):
        FORMATIVE = "formative", "Formative"
        SUMMATIVE = "summative", "Summative"
        RECOGNITION = "recognition", "Recognition (RPL)"

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="tools")
    version_major = models.PositiveSmallIntegerField(default=1)
    version_minor = models.PositiveSmallIntegerField(default=0)
    issue_date = models.DateField(null=True, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose, default=Purpose.SUMMATIVE)
    target_group = models.TextField(blank=True)
    evidence_required = models.TextField(
        blank=True, help_text="The assessment methods, context and resources, in plain English."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # Bumped by every change to the details or tasks, so a form opened before it is refused.
    revision = models.PositiveIntegerField(default=0)
    previous_version = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    # Who changed the tool, when, from what (the request's user, through HistoryRequestMiddleware).
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "-version_major", "-version_minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "version_major", "version_minor"], name="tool_unique_version"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="tool_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]), name="tool_status_known"
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} assessment tool v{self.version}"

    def get_absolute_url(self):
        return reverse("units:tool_detail", args=[self.pk])

    @property
    def version(self):
        return f"{self.version_major}.{self.version_minor}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def change_refusal(self):
        """Say why the tool cannot be changed, or "" while it is a draft: a used tool is a record."""
        if self.is_draft:
            return ""
        return (
            f"Version {self.version} is {self.get_status_display().lower()} and cannot be changed. "
            "Make a new version to change it."
        )


class Task(models.Model):
    """An assessment task of a tool, mapped to the criteria and evidence it addresses."""

    class Type(models.TextChoices):
        PROJECT = "project", "Project"
        OBSERVATION = "observation", "Observation / demonstration"
        WRITTEN_QUESTIONS = "questions", "Written questions"
        ESSAY = "essay", "Essay"
        ASSIGNMENT = "assignment", "Assignment"
        CASE_STUDY = "case_study", "Case study"
        CHECKLIST = "checklist", "Checklist"
        PORTFOLIO = "portfolio", "Portfolio"
        THIRD_PARTY_REPORT = "third_party", "Third-party report"
        ROLE_PLAY = "role_play", "Role play"

    # Far more than any unit needs; each task is a bit in a 64-bit number (Enrolment.handed_in).
    MAX_PER_TOOL = 40

    tool = models.ForeignKey(AssessmentTool, models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=12, choices=Type)
    due_date = models.DateField(null=True, blank=True)
    due_days_after_enrolment = models.PositiveSmallIntegerField(
        "due (days after the student starts)",
        null=True,
        blank=True,
        help_text="Counted from the cohort's start date, or from the enrolment if the student joined later.",
    )
    instructions = models.TextField(
        blank=True, help_text="How, when and where the task is done; conditions; resources."
    )
    evidence_required = models.TextField(
        "evidence required",
        blank=True,
        help_text="What the student produces or submits, or what the assessor sees them do. "
        "Needed before the tool is published.",
    )
    satisfactory_standard = models.TextField(
        "standard for a satisfactory result",
        blank=True,
        help_text="What a satisfactory performance looks like.",
    )
    assessor_guidance = models.TextField(
        "assessor-only guidance", blank=True, help_text="Never shown to students."
    )
    max_attempts = models.PositiveSmallIntegerField("maximum attempts", default=2)
    criteria = models.ManyToManyField(PerformanceCriterion, blank=True, related_name="tasks")
    items = models.ManyToManyField(RequirementItem, blank=True, related_name="tasks")
    history = HistoricalRecords()

    class Meta:
        ordering = ["tool", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="task_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="task_number_from_1"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="task_at_least_one_attempt"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_days_after_enrolment__isnull=True),
                name="task_one_kind_of_due_date",
            ),
        ]

    def __str__(self):
        return f"Assessment task {self.number}: {self.title}"

    @property
    def is_observation(self):
        return self.type == self.Type.OBSERVATION

    @property
    def due_rule(self):
        """Say when the task is due, as the tool states it: a date, or days after the student starts."""
        if self.due_date:
            return self.due_date.strftime("%d/%m/%Y")
        if self.due_days_after_enrolment is not None:
            return f"{self.due_days_after_enrolment} days after the student starts"
        return ""

    def due_for(self, starts_on):
        """Return the date the task is due for a student who starts on `starts_on`, or None."""
        if self.due_date:
            return self.due_date
        if self.due_days_after_enrolment is not None:
            return starts_on + datetime.timedelta(days=self.due_days_after_enrolment)
        return None
