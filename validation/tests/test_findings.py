"""The validator's findings, the signature that closes the plan, and the actions on the tool."""

import pytest
from django.core.exceptions import PermissionDenied

from evidence.models import Attempt, SignedRecordError
from units.models import AssessmentTool
from validation.models import ValidationAction, ValidationSignOff
from validation.selectors import held_attempt_ids
from validation.services import ValidationPlanError, act_on_finding, review_item, sign_plan

pytestmark = pytest.mark.django_db


def review_all(plan, by, **finding):
    for item in plan.items.order_by("position"):
        review_item(item, by=by, **({"agrees": True, "comments": "Sufficient and current."} | finding))


def sign(plan, by, **signature):
    return sign_plan(
        plan, by=by, **({"typed_name": by.get_full_name(), "password": by.raw_password} | signature)
    )


def test_a_finding_is_saved_with_its_comments_and_recommendation(plan, vera):
    item = plan.items.first()

    review_item(
        item,
        by=vera,
        agrees=False,
        comments="Task 1 never asks for KE 3.",
        recommended_change="Add a question on KE 3.",
    )

    item.refresh_from_db()
    assert (item.agrees, item.comments, item.recommended_change) == (
        False,
        "Task 1 never asks for KE 3.",
        "Add a question on KE 3.",
    )
    assert item.reviewed_at is not None
    assert item.history.count() == 1


def test_a_disagreement_needs_comments(plan, vera):
    item = plan.items.first()

    with pytest.raises(ValidationPlanError, match="why you disagree"):
        review_item(item, by=vera, agrees=False, comments="  ")
    item.refresh_from_db()
    assert item.reviewed_at is None


def test_only_the_validator_records_findings(plan, alice, bob):
    for someone in (alice, bob):
        with pytest.raises(PermissionDenied):
            review_item(plan.items.first(), by=someone, agrees=True, comments="")


def test_the_plan_is_signed_only_once_every_judgement_has_a_finding(plan, vera):
    review_item(plan.items.first(), by=vera, agrees=True, comments="")

    with pytest.raises(ValidationPlanError, match="still waiting: 2, 3"):
        sign(plan, vera)
    assert not ValidationSignOff.objects.exists()


def test_signing_records_who_signed_what_and_when(plan, vera):
    review_all(plan, vera)

    signed = sign(plan, vera, typed_name=" vera  SINGH ")

    assert (signed.plan, signed.validator, signed.typed_name) == (plan, vera, "vera  SINGH")
    assert len(signed.sha256) == 64
    plan.refresh_from_db()
    assert not plan.is_open


def test_signing_needs_the_validators_own_password(plan, vera):
    review_all(plan, vera)

    with pytest.raises(ValidationPlanError, match="password is not right"):
        sign(plan, vera, password="guess")
    with pytest.raises(ValidationPlanError, match=r"exactly as it is on your account \(Vera Singh\)"):
        sign(plan, vera, typed_name="Someone Else")


def test_a_plan_is_signed_once(plan, vera):
    review_all(plan, vera)
    sign(plan, vera)

    with pytest.raises(ValidationPlanError, match="was signed on"):
        sign(plan, vera)
    assert ValidationSignOff.objects.count() == 1


def test_findings_no_longer_change_once_the_plan_is_signed(plan, vera):
    review_all(plan, vera)
    sign(plan, vera)
    item = plan.items.first()

    with pytest.raises(ValidationPlanError, match="no longer change"):
        review_item(item, by=vera, agrees=False, comments="Changed my mind.")
    item.refresh_from_db()
    assert (item.agrees, item.comments) == (True, "Sufficient and current.")


def test_the_signature_itself_never_changes(plan, vera):
    review_all(plan, vera)
    signed = sign(plan, vera)
    signed.typed_name = "Someone Else"

    with pytest.raises(SignedRecordError):
        signed.save()
    with pytest.raises(SignedRecordError):
        signed.delete()


def test_a_recommended_change_makes_a_new_draft_version_of_the_tool(plan, alice, vera, pim409):
    review_all(plan, vera)
    item = plan.items.first()
    review_item(
        item, by=vera, agrees=True, comments="", recommended_change="Ask for two complaints, not one."
    )
    sign(plan, vera)

    action = act_on_finding(item, by=alice)

    assert action.tool == pim409
    assert (action.new_tool.version, action.new_tool.status) == ("1.1", AssessmentTool.Status.DRAFT)
    assert action.new_tool.previous_version == pim409
    assert action.created_by == alice


def test_two_findings_on_one_tool_share_the_new_version(plan, alice, vera):
    review_all(plan, vera, recommended_change="Reword task 1.")
    sign(plan, vera)
    first, second = plan.items.order_by("position")[:2]

    made = act_on_finding(first, by=alice)
    shared = act_on_finding(second, by=alice)

    assert shared.new_tool == made.new_tool
    assert AssessmentTool.objects.filter(previous_version=made.tool).count() == 1


def test_a_finding_is_acted_on_once(plan, alice, vera):
    review_all(plan, vera, recommended_change="Reword task 1.")
    sign(plan, vera)
    item = plan.items.first()
    act_on_finding(item, by=alice)

    with pytest.raises(ValidationPlanError, match="already made for this finding"):
        act_on_finding(item, by=alice)
    assert ValidationAction.objects.count() == 1


def test_no_action_before_the_plan_is_signed(plan, alice, vera):
    review_all(plan, vera, recommended_change="Reword task 1.")

    with pytest.raises(ValidationPlanError, match="once the validator has signed"):
        act_on_finding(plan.items.first(), by=alice)


def test_no_action_on_a_finding_that_recommends_no_change(plan, alice, vera):
    review_all(plan, vera)
    sign(plan, vera)

    with pytest.raises(ValidationPlanError, match="recommends no change"):
        act_on_finding(plan.items.first(), by=alice)


def test_only_an_admin_acts_on_findings(plan, vera):
    review_all(plan, vera, recommended_change="Reword task 1.")
    sign(plan, vera)

    with pytest.raises(PermissionDenied):
        act_on_finding(plan.items.first(), by=vera)


def test_sampled_attempts_are_held_from_retention_until_the_plan_is_signed(plan, vera):
    sampled = set(plan.items.values_list("attempt_id", flat=True))

    held = set(Attempt.objects.filter(pk__in=held_attempt_ids()).values_list("pk", flat=True))

    assert held == sampled
    assert Attempt.objects.exclude(pk__in=held_attempt_ids()).count() == 3  # judged, not sampled
    review_all(plan, vera)
    sign(plan, vera)
    assert not Attempt.objects.filter(pk__in=held_attempt_ids()).exists()
