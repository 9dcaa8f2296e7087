"""The curriculum as training.gov.au publishes it: units, elements, criteria and evidence items."""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Unit(models.Model):
    """One release of a unit of competency, as published on training.gov.au."""

    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"
        DELETED = "deleted", "Deleted"

    class Equivalence(models.TextChoices):
        EQUIVALENT = "equivalent", "Equivalent"
        NOT_EQUIVALENT = "not_equivalent", "Not equivalent"

    class EquivalenceSource(models.TextChoices):
        MAPPING_NOTE = "mapping_note", "as the unit's mapping information states"
        ADMIN = "admin", "as set on import"

    code = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=300)
    release = models.PositiveSmallIntegerField(default=1)
    application = models.TextField(blank=True)
    licensing = models.TextField("licensing note", blank=True)
    foundation_skills = models.TextField(blank=True)
    # Units written before 2013 carry these instead of the assessment requirements of today's units.
    range_statement = models.TextField(blank=True)
    evidence_guide = models.TextField(blank=True)
    # Not assessed, but part of the unit: what a student needs first, and what this unit replaces.
    prerequisites = models.TextField("prerequisite units", blank=True)
    mapping_note = models.TextField("unit mapping information", blank=True)
    supersedes_code = models.CharField(
        "supersedes", max_length=20, blank=True, help_text="The unit code the mapping information names."
    )
    equivalence = models.CharField(
        max_length=16,
        choices=Equivalence,
        blank=True,
        help_text="To the release or unit this one supersedes: equivalent outcomes, or not.",
    )
    equivalence_source = models.CharField(max_length=12, choices=EquivalenceSource, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.CURRENT)
    superseded_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_format = models.CharField(max_length=10, blank=True)
    # What the national VET data standard (AVETMISS 8.0, Subject NAT00060 file) reports about the
    # unit; training.gov.au's unit text does not carry them, so the RTO sets them.
    nominal_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9999)],
        help_text="The hours the state training authority sets for the unit (1 to 9999).",
    )
    field_of_education = models.CharField(
        "field of education identifier",
        max_length=6,
        blank=True,
        help_text="The six-digit ASCED field of education code, e.g. 080301.",
    )
    vet_flag = models.BooleanField(
        "VET", default=True, help_text="Vocational (not a non-vocational or general education subject)."
    )
    # Who changed what the RTO reports to the national collection, and when (and any other change).
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-release"]
        constraints = [
            models.UniqueConstraint(fields=["code", "release"], name="unit_unique_code_release"),
            models.CheckConstraint(condition=Q(release__gte=1), name="unit_release_from_1"),
            models.CheckConstraint(
                condition=Q(nominal_hours__isnull=True) | Q(nominal_hours__gte=1, nominal_hours__lte=9999),
                name="unit_nominal_hours_fit_avetmiss",
            ),
            models.CheckConstraint(condition=~Q(superseded_by=F("pk")), name="unit_not_superseded_by_itself"),
            models.CheckConstraint(
                condition=Q(equivalence__in=["", "equivalent", "not_equivalent"]),
                name="unit_equivalence_known",
            ),
            models.CheckConstraint(
                condition=Q(equivalence="", equivalence_source="")
                | (~Q(equivalence="") & Q(equivalence_source__in=["mapping_note", "admin"])),
                name="unit_equivalence_has_source",
            ),
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
        return self.tools.exclude(status=self.tools.model.Status.DRAFT).exists()

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
