"""What the validation pages read, in a fixed number of queries however large the sample."""

from dataclasses import dataclass

from django.db.models import Count, Q

from units.matrix import checklist_criteria

from .models import ValidationAction, ValidationItem, ValidationPlan


def held_attempt_ids():
    """Attempt ids sampled by plans not yet signed off: their evidence must be kept (retention).

    A queryset of ids, to use as `pk__in=held_attempt_ids()` or `.exclude(attempt__in=…)`.
    """
    return ValidationItem.objects.filter(plan__sign_off__isnull=True).values("attempt_id")


def plans_for(user):
    """The plans the user may see: every plan for an admin, a validator's own otherwise; newest first."""
    plans = (
        ValidationPlan.objects.select_related("unit", "validator", "sign_off")
        .annotate(sampled=Count("items"), reviewed=Count("items", filter=Q(items__reviewed_at__isnull=False)))
        .order_by("-created_at", "-pk")
    )
    if user.is_rto_admin:
        return plans
    return plans.filter(validator=user)


def plan_items(plan):
    """The plan's sample in order, with each attempt, its student and task, the assessor and any action."""
    return list(
        ValidationItem.objects.filter(plan=plan)
        .select_related(
            "judgement",
            "assessor",
            "attempt__task",
            "attempt__enrolment__student",
            "attempt__enrolment__tool",
            "action__new_tool",
            "action__created_by",
        )
        .order_by("position")
    )


@dataclass
class PlanReport:
    """A plan's sample, findings, actions and signature: what its page and its report show."""

    plan: ValidationPlan
    items: list

    @property
    def sign_off(self):
        return self.plan.sign_off_or_none

    @property
    def reviewed(self):
        return [item for item in self.items if item.is_reviewed]

    @property
    def agreed(self):
        return [item for item in self.items if item.agrees is True]

    @property
    def disagreed(self):
        return [item for item in self.items if item.agrees is False]

    @property
    def all_reviewed(self):
        return len(self.reviewed) == len(self.items)

    @property
    def recommendations(self):
        return [item for item in self.items if item.recommended_change]

    @property
    def actions(self):
        return [item.action for item in self.items if _action(item)]

    @property
    def assessors(self):
        """Each assessor in the sample, with how many of their judgements it holds."""
        counts = {}
        for item in self.items:
            counts[item.assessor] = counts.get(item.assessor, 0) + 1
        return sorted(counts.items(), key=lambda pair: str(pair[0]))


def _action(item):
    try:
        return item.action
    except ValidationAction.DoesNotExist:
        return None


def plan_report(plan):
    """Return the plan's report: its sample with findings and the actions taken."""
    return PlanReport(plan, plan_items(plan))


@dataclass
class SampledWork:
    """A sampled attempt as the validator reads it: the evidence, the marks as signed and the task."""

    evidence: list
    marks: list  # (code, criterion text, answer label, comment)
    criteria: list
    mapped_items: list


ANSWERS = {"Y": "Yes", "N": "No", "": "Not answered"}


def sampled_work(item):
    """Return what the validator reviews for a sampled judgement, in a fixed number of queries."""
    attempt, task = item.attempt, item.attempt.task
    criteria = checklist_criteria(task)
    texts = {pc.code: pc.text for pc in criteria}
    return SampledWork(
        evidence=list(attempt.evidence.prefetch_related("criteria")),
        marks=[
            (
                mark["criterion"],
                texts.get(mark["criterion"], ""),
                ANSWERS.get(mark["answer"], ""),
                mark["comment"],
            )
            for mark in item.judgement.marks
        ],
        criteria=criteria,
        mapped_items=list(task.items.order_by("kind", "sequence")),
    )
