"""Validation of assessment (Standards for RTOs 2025): a sample of judged attempts, reviewed and signed.

A plan samples the judgements in force of one unit release at random, stratified by assessor, from
a seed it keeps, so the same seed and the same judgements draw the same sample again. Its validator
(never the assessor of a judgement they review) records a finding on each, then signs the plan;
a recommended change to the tool becomes an action: a new version of the tool.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from evidence.models import SignedRecord, SignedRecordError


class ValidationPlan(models.Model):
    """A validation of one unit release's judged attempts: the sample drawn, by whom, for whom."""

    unit = models.ForeignKey("units.Unit", models.PROTECT, related_name="validation_plans")
    validator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="validation_plans")
    sample_size = models.PositiveSmallIntegerField(help_text="How many judged attempts were asked for.")
    # The random generator's seed: with the same judgements in force it draws the same sample again.
    seed = models.PositiveBigIntegerField()
    population_count = models.PositiveIntegerField(help_text="Judged attempts the sample was drawn from.")
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Judgements signed by the validator, left out of the population."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # From the form that asked for it: a second press of the same form's button is refused.
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="validation_plan_samples_one"),
        ]

    def __str__(self):
        return f"Validation of {self.unit.code} release {self.unit.release} by {self.validator}"

    def get_absolute_url(self):
        return reverse("validation:plan_detail", args=[self.pk])

    @property
    def sign_off_or_none(self):
        try:
            return self.sign_off
        except ValidationSignOff.DoesNotExist:
            return None

    @property
    def is_open(self):
        return self.sign_off_or_none is None


class ValidationItem(models.Model):
    """One sampled judgement and the validator's finding on it: agree or disagree, and why."""

    plan = models.ForeignKey(ValidationPlan, models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    judgement = models.ForeignKey("evidence.Judgement", models.PROTECT, related_name="validation_items")
    attempt = models.ForeignKey("evidence.Attempt", models.PROTECT, related_name="validation_items")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    agrees = models.BooleanField(null=True, blank=True)
    comments = models.TextField(blank=True)
    recommended_change = models.TextField("recommended change to the tool", blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Every change to a finding before the plan is signed: who, when, from what.
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "judgement"], name="validation_item_unique_judgement"),
            models.UniqueConstraint(fields=["plan", "position"], name="validation_item_unique_position"),
            models.CheckConstraint(
                condition=Q(agrees__isnull=True, reviewed_at__isnull=True)
                | Q(agrees__isnull=False, reviewed_at__isnull=False),
                name="validation_item_reviewed_has_finding",
            ),
            models.CheckConstraint(
                condition=~Q(agrees=False) | ~Q(comments=""), name="validation_item_disagreement_says_why"
            ),
        ]

    def __str__(self):
        return f"Sample {self.position} of {self.plan}"

    def get_absolute_url(self):
        return reverse("validation:item_review", args=[self.pk])

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None


class ValidationSignOff(SignedRecord):
    """The validator's signature on the plan's findings; after it nothing in the plan changes."""

    plan = models.OneToOneField(ValidationPlan, models.PROTECT, related_name="sign_off")
    validator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.plan} signed by {self.typed_name}"


class ValidationAction(models.Model):
    """A finding's recommended change acted on: the new version of the tool made for it."""

    item = models.OneToOneField(ValidationItem, models.PROTECT, related_name="action")
    tool = models.ForeignKey("units.AssessmentTool", models.PROTECT, related_name="+")
    new_tool = models.ForeignKey("units.AssessmentTool", models.PROTECT, related_name="validation_actions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.new_tool} made from {self.item}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedRecordError("A validation action is a record of what was done and never changes.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError("A validation action is a record of what was done and is never deleted.")
