import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class Unit(models.Model):
    """One release of a unit of competency, as published on training.gov.au."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"
        DELETED = "deleted", "Deleted"

    code = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    release = models.PositiveSmallIntegerField(default=1)
    application = models.TextField(blank=True)
    licensing = models.TextField("licensing note", blank=True)
    foundation_skills = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.CURRENT)
    superseded_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_format = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["code", "-release"]
        constraints = [
            models.UniqueConstraint(fields=["code", "release"], name="unit_unique_code_release"),
            models.CheckConstraint(condition=Q(release__gte=1), name="unit_release_from_1"),
            models.CheckConstraint(condition=~Q(superseded_by=F("pk")), name="unit_not_superseded_by_itself"),
        ]

    def __str__(self):
        return f"{self.code} - {self.title}"

    def get_absolute_url(self):
        return reverse("units:unit_detail", args=[self.code, self.release])

    def is_in_use(self):
        """Say whether a published or retired tool maps this release: its rows are then a record.

        Students' evidence and judgements point at its criteria, so editing or deleting them
        would silently change what was assessed.
        """
        return self.tools.exclude(status=AssessmentTool.Status.DRAFT).exists()

    def requirement_lists(self):
        """Return [(kind label, [ItemNode …])] for PE, KE and conditions, nested, in one query."""
        nodes, roots = {}, {kind: [] for kind in RequirementItem.Kind}
        for item in self.requirement_items.order_by("kind", "sequence"):
            node = nodes[item.pk] = ItemNode(item, [])
            if item.parent_id:
                nodes[item.parent_id].children.append(node)
            else:
                roots[item.kind].append(node)
        return [(kind.label, roots[kind]) for kind in RequirementItem.Kind]


class Element(models.Model):
    """An essential outcome of a unit, numbered 1, 2, 3 …"""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

    class Meta:
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="element_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="element_number_from_1"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class CriterionManager(models.Manager):
    """Fetch each criterion with its element, which its code (1.1) and its ordering need anyway.

    Related managers and prefetches (`item.criteria.all()`) build on this one, so a page listing
    the criteria a piece of evidence demonstrates never fetches their elements one by one.
    """

    def get_queryset(self):
        return super().get_queryset().select_related("element")


class PerformanceCriterion(models.Model):
    """A performance criterion, numbered element.n (1.1, 1.2 …)."""

    element = models.ForeignKey(Element, models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = CriterionManager()

    class Meta:
        verbose_name_plural = "performance criteria"
        ordering = ["element__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["element", "number"], name="criterion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="criterion_number_from_1"),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    @property
    def code(self):
        return f"{self.element.number}.{self.number}"


class RequirementItem(models.Model):
    """An item of the performance evidence, knowledge evidence or assessment conditions.

    Items keep their order (position within their parent) and can nest one item deep or more:
    FNSPIM409's "describe key features of:" has four sub-items.
    """

    class Kind(models.TextChoices):
        PERFORMANCE_EVIDENCE = "PE", "Performance evidence"
        KNOWLEDGE_EVIDENCE = "KE", "Knowledge evidence"
        ASSESSMENT_CONDITION = "AC", "Assessment conditions"

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="requirement_items")
    kind = models.CharField(max_length=2, choices=Kind)
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    position = models.PositiveSmallIntegerField()
    # Depth-first order within the unit and kind, so a whole list reads back in one query.
    sequence = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["unit", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "position"],
                condition=Q(parent__isnull=True),
                name="item_unique_top_position",
            ),
            models.UniqueConstraint(
                fields=["parent", "position"],
                condition=Q(parent__isnull=False),
                name="item_unique_child_position",
            ),
            models.UniqueConstraint(fields=["unit", "kind", "sequence"], name="item_unique_sequence"),
            models.CheckConstraint(condition=Q(position__gte=1), name="item_position_from_1"),
            models.CheckConstraint(condition=Q(kind__in=["PE", "KE", "AC"]), name="item_kind_known"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gte=1),
                name="item_depth_matches_parent",
            ),
        ]

    def __str__(self):
        return self.text


@dataclass
class ItemNode:
    """A requirement item with its sub-items, for display."""

    item: RequirementItem
    children: list["ItemNode"]

    @property
    def text(self):
        return self.item.text


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
