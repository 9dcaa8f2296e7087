"""Every write of a validation: the plan and its sample, the findings, the signature and the actions.

One function per state change; each checks who acts, locks what it changes and refuses with a
ValidationPlanError whose message says why.
"""

import random
import secrets
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessor_portal.revisions import lock_row
from evidence.models import Attempt, Judgement
from evidence.services.marking import content_hash
from evidence.signing import signer_refusal
from units.permissions import can_author_tools
from units.services.tools import ToolError, new_tool_version

from .models import ValidationAction, ValidationItem, ValidationPlan, ValidationSignOff
from .permissions import can_be_validator, can_manage_validation, can_review_plan

# Seeds are drawn below 2**31 so that a person can type one back into the form.
SEED_LIMIT = 2**31


class ValidationPlanError(Exception):
    """The change to a validation plan is refused; the message says why."""


def judged_population(unit):
    """The judgements in force on the unit release's attempts: signed, not corrected, not reopened."""
    return Judgement.objects.filter(
        correction__isnull=True,
        attempt__status__in=Attempt.JUDGED,
        attempt__enrolment__tool__unit=unit,
    )


def allocate(strata_sizes, size, rng):
    """Share `size` draws among strata in proportion to their sizes, each stratum at least one if possible.

    Proportional quotas are rounded by largest remainder (ties by the stratum's order); where
    that leaves a stratum out and there are draws enough, it gets one, taken from the stratum
    furthest above its quota. With fewer draws than strata, `rng` picks which strata get one.
    """
    total = sum(strata_sizes)
    size = min(size, total)
    count = len(strata_sizes)
    if size < count:
        chosen = set(rng.sample(range(count), size))
        return [1 if index in chosen else 0 for index in range(count)]
    quotas = [size * n / total for n in strata_sizes]
    shares = [int(quota) for quota in quotas]
    by_remainder = sorted(range(count), key=lambda i: (-(quotas[i] - shares[i]), i))
    for index in by_remainder[: size - sum(shares)]:
        shares[index] += 1
    for index in range(count):
        if shares[index] == 0:
            donor = max((i for i in range(count) if shares[i] > 1), key=lambda i: (shares[i] - quotas[i], -i))
            shares[donor] -= 1
            shares[index] = 1
    return shares


def draw_sample(population, *, size, seed):
    """Draw a random sample of judgements, stratified by assessor, reproducible from the seed.

    `population` is any iterable of judgements; the draw depends only on the seed and on which
    judgements (by primary key) and assessors it holds, never on the order they come in.
    """
    strata = defaultdict(list)
    for judgement in sorted(population, key=lambda j: j.pk):
        strata[judgement.assessor_id].append(judgement)
    keys = sorted(strata)
    rng = random.Random(seed)
    shares = allocate([len(strata[key]) for key in keys], size, rng)
    sample = []
    for key, share in zip(keys, shares, strict=True):
        sample.extend(rng.sample(strata[key], share))
    return sorted(sample, key=lambda j: j.pk)


@transaction.atomic
def create_plan(unit, *, by, validator, sample_size, token, seed=None):
    """Plan a validation of the unit release: draw the sample now and keep the seed it came from.

    The validator's own judgements are left out of the population, since no one validates their
    own assessment; the plan keeps how many were left out.
    """
    if not can_manage_validation(by):
        raise PermissionDenied
    if not can_be_validator(validator):
        raise ValidationPlanError("A validator must be an active assessor or admin.")
    if sample_size < 1:
        raise ValidationPlanError("The sample needs at least one judged attempt.")
    judged = list(judged_population(unit).only("pk", "assessor_id", "attempt_id"))
    own = [j for j in judged if j.assessor_id == validator.pk]
    population = [j for j in judged if j.assessor_id != validator.pk]
    if not population:
        raise ValidationPlanError(
            f"{unit.code} release {unit.release} has no judged attempts for {validator} to validate"
            + (f": all {len(own)} were judged by {validator}." if own else ".")
        )
    seed = secrets.randbelow(SEED_LIMIT) if seed is None else seed
    sample = draw_sample(population, size=sample_size, seed=seed)
    try:
        with transaction.atomic():
            plan = ValidationPlan.objects.create(
                unit=unit,
                validator=validator,
                sample_size=sample_size,
                seed=seed,
                population_count=len(population),
                skipped_count=len(own),
                created_by=by,
                token=token,
            )
    except IntegrityError as error:
        raise ValidationPlanError("This plan has already been created: it is listed below.") from error
    ValidationItem.objects.bulk_create(
        ValidationItem(
            plan=plan, position=position, judgement=j, attempt_id=j.attempt_id, assessor_id=j.assessor_id
        )
        for position, j in enumerate(sample, start=1)
    )
    return plan


def _lock_open_plan(plan_pk, by):
    plan = lock_row(ValidationPlan.objects.select_related("unit", "sign_off"), plan_pk)
    if plan.validator_id != by.pk:
        raise PermissionDenied
    if not can_review_plan(by, plan):
        raise ValidationPlanError(
            f"This plan was signed on {timezone.localtime(plan.sign_off.signed_at):%d/%m/%Y}: "
            "its findings no longer change."
        )
    return plan


@transaction.atomic
def review_item(item, *, by, agrees, comments, recommended_change=""):
    """Record the validator's finding on a sampled judgement: agree or disagree, and why."""
    plan = _lock_open_plan(item.plan_id, by)
    item = lock_row(ValidationItem.objects, item.pk)
    comments, recommended_change = (comments or "").strip(), (recommended_change or "").strip()
    if agrees is None:
        raise ValidationPlanError("Say whether you agree with the judgement.")
    if not agrees and not comments:
        raise ValidationPlanError("Say in the comments why you disagree with the judgement.")
    item.agrees, item.comments, item.recommended_change = agrees, comments, recommended_change
    item.reviewed_at = timezone.now()
    item.full_clean()
    item.save()
    item.plan = plan
    return item


def signed_content(plan, items, *, by, signed_at):
    """Everything the validator signs, in one canonical form: its SHA-256 proves it later."""
    return {
        "plan": plan.pk,
        "unit": plan.unit.code,
        "release": plan.unit.release,
        "seed": plan.seed,
        "validator": by.pk,
        "signed_at": signed_at.isoformat(),
        "findings": [
            {
                "judgement": item.judgement_id,
                "judgement_sha256": item.judgement.sha256,
                "agrees": item.agrees,
                "comments": item.comments,
                "recommended_change": item.recommended_change,
            }
            for item in items
        ],
    }


@transaction.atomic
def sign_plan(plan, *, by, typed_name, password):
    """Sign the plan's findings as its validator, once every sampled judgement has one."""
    plan = _lock_open_plan(plan.pk, by)
    items = list(plan.items.select_related("judgement").order_by("position"))
    waiting = [str(item.position) for item in items if not item.is_reviewed]
    if waiting:
        raise ValidationPlanError(
            "Record a finding on every sampled judgement before you sign; still waiting: "
            + ", ".join(waiting)
            + "."
        )
    refusal = signer_refusal(by, typed_name, password)
    if refusal:
        raise ValidationPlanError(refusal)
    now = timezone.now()
    return ValidationSignOff.objects.create(
        plan=plan,
        validator=by,
        typed_name=typed_name.strip(),
        signed_at=now,
        sha256=content_hash(signed_content(plan, items, by=by, signed_at=now)),
    )


@transaction.atomic
def act_on_finding(item, *, by):
    """Make the new version of the tool a signed finding recommends changing, and record it.

    Several findings on the same tool in one plan share one new version: the first makes it.
    """
    if not (can_manage_validation(by) and can_author_tools(by)):
        raise PermissionDenied
    # The plan's row, not the item's: two findings on one tool pressed at once make one version.
    plan = lock_row(ValidationPlan.objects.select_related("sign_off"), item.plan_id)
    item = ValidationItem.objects.select_related("attempt__enrolment__tool").get(pk=item.pk)
    if plan.is_open:
        raise ValidationPlanError("Act on the findings once the validator has signed the plan.")
    if not item.recommended_change:
        raise ValidationPlanError("This finding recommends no change to the tool.")
    done = ValidationAction.objects.filter(item=item).select_related("new_tool").first()
    if done:
        raise ValidationPlanError(f"Version {done.new_tool.version} was already made for this finding.")
    tool = item.attempt.enrolment.tool
    earlier = ValidationAction.objects.filter(item__plan=plan, tool=tool).select_related("new_tool").first()
    try:
        new_tool = earlier.new_tool if earlier else new_tool_version(tool, by=by)
    except ToolError as error:
        raise ValidationPlanError(str(error)) from error
    return ValidationAction.objects.create(item=item, tool=tool, new_tool=new_tool, created_by=by)
