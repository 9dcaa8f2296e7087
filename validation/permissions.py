"""Who may see and do what in a validation of assessment.

RTO admins plan validations and see every plan. A validator sees the plans they validate and,
while a plan is open, the sampled attempts read-only (the evidence, the signed marks, the tool):
that access comes from the plan, not from a cohort, and ends when the plan is signed. Nobody else,
students included, learns that a plan exists: fetchers answer 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from evidence.models import EvidenceItem

from .models import ValidationItem, ValidationPlan


def can_manage_validation(user):
    """Let only RTO admins plan validations and act on their findings."""
    return user.is_authenticated and user.is_rto_admin


def can_be_validator(user):
    """Let active assessors and admins validate; a student never does."""
    return user.is_active and (user.is_rto_admin or user.is_assessor)


def can_view_plan(user, plan):
    """Let admins and the plan's validator see a plan and its report."""
    return user.is_authenticated and (can_manage_validation(user) or plan.validator_id == user.pk)


def can_review_plan(user, plan):
    """Let only the plan's validator record findings and sign, while the plan is open."""
    return user.is_authenticated and plan.validator_id == user.pk and plan.is_open


def can_see_sampled_work(user, plan):
    """Let admins, and the validator while the plan is open, read the sampled attempts."""
    return can_manage_validation(user) or can_review_plan(user, plan)


def get_plan_for(user, pk):
    """Fetch a plan the user may see, or 404."""
    plan = get_object_or_404(
        ValidationPlan.objects.select_related("unit", "validator", "created_by", "sign_off"), pk=pk
    )
    if not can_view_plan(user, plan):
        raise Http404
    return plan


def get_item_for(user, pk):
    """Fetch a sampled attempt the user may read (admins; the validator while the plan is open), or 404."""
    item = get_object_or_404(
        ValidationItem.objects.select_related(
            "plan__unit",
            "plan__validator",
            "plan__sign_off",
            "judgement",
            "assessor",
            "attempt__task__tool__unit",
            "attempt__enrolment__student",
        ),
        pk=pk,
    )
    if not (user.is_authenticated and can_see_sampled_work(user, item.plan)):
        raise Http404
    return item


def get_item_evidence_for(user, item_pk, evidence_pk):
    """Fetch a piece of evidence of a sampled attempt the user may read, or 404."""
    item = get_item_for(user, item_pk)
    return item, get_object_or_404(EvidenceItem, pk=evidence_pk, attempt_id=item.attempt_id)
