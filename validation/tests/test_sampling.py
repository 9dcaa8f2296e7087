"""The sample: random, stratified by assessor, reproducible from the plan's seed, never the validator's own."""

import random
import uuid
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from evidence.models import Attempt, Judgement
from validation.models import ValidationPlan
from validation.services import ValidationPlanError, allocate, create_plan, draw_sample, judged_population

from .conftest import judged, plan_of

pytestmark = pytest.mark.django_db


def sampled(plan):
    return [item.judgement_id for item in plan.items.order_by("position")]


def test_the_same_seed_and_judgements_draw_the_same_sample(pim409, alice, bob, erin, vera):
    for _ in range(8):
        judged(pim409, bob)
    for _ in range(4):
        judged(pim409, erin)

    first = plan_of(pim409.unit, alice, vera, size=5, seed=2026)
    again = plan_of(pim409.unit, alice, vera, size=5, seed=2026)

    assert sampled(first) == sampled(again)
    assert again.seed == 2026


def test_a_different_seed_draws_another_sample(pim409, alice, bob, vera):
    for _ in range(20):
        judged(pim409, bob)

    one = plan_of(pim409.unit, alice, vera, size=5, seed=1)
    other = plan_of(pim409.unit, alice, vera, size=5, seed=2)

    assert sampled(one) != sampled(other)


def test_a_plan_without_a_seed_stores_the_one_it_drew_with(pim409, alice, bob, vera):
    for _ in range(10):
        judged(pim409, bob)
    plan = create_plan(pim409.unit, by=alice, validator=vera, sample_size=4, token=uuid.uuid4())

    again = plan_of(pim409.unit, alice, vera, size=4, seed=plan.seed)

    assert sampled(again) == sampled(plan)


def test_the_draw_does_not_depend_on_the_order_judgements_come_in(pim409, bob, erin):
    population = [judged(pim409, bob) for _ in range(6)] + [judged(pim409, erin) for _ in range(3)]
    shuffled = population[:]
    random.Random(5).shuffle(shuffled)

    assert draw_sample(population, size=4, seed=99) == draw_sample(shuffled, size=4, seed=99)


def test_the_sample_is_shared_among_assessors_in_proportion(pim409, alice, bob, erin, frank, vera):
    for assessor, count in ((bob, 6), (erin, 3), (frank, 3)):
        for _ in range(count):
            judged(pim409, assessor)

    plan = plan_of(pim409.unit, alice, vera, size=4)

    assert Counter(item.assessor_id for item in plan.items.all()) == {bob.pk: 2, erin.pk: 1, frank.pk: 1}


def test_an_assessor_with_few_judgements_still_gets_one_in_the_sample(pim409, alice, bob, erin, vera):
    for _ in range(10):
        judged(pim409, bob)
    judged(pim409, erin)

    plan = plan_of(pim409.unit, alice, vera, size=3)

    assert Counter(item.assessor_id for item in plan.items.all()) == {bob.pk: 2, erin.pk: 1}


def test_with_fewer_draws_than_assessors_each_draw_comes_from_another_assessor():
    assert sorted(allocate([5, 5, 5, 5], 2, random.Random(3))) == [0, 0, 1, 1]


def test_a_sample_larger_than_the_judgements_takes_every_one(pim409, alice, bob, vera):
    judgements = [judged(pim409, bob) for _ in range(3)]

    plan = plan_of(pim409.unit, alice, vera, size=10)

    assert sampled(plan) == [j.pk for j in judgements]
    assert (plan.sample_size, plan.population_count) == (10, 3)


def test_the_validators_own_judgements_are_left_out_and_counted(pim409, alice, bob, erin):
    for _ in range(3):
        judged(pim409, bob)
    for _ in range(3):
        judged(pim409, erin)

    plan = plan_of(pim409.unit, alice, bob, size=6)

    assert {item.assessor_id for item in plan.items.all()} == {erin.pk}
    assert (plan.population_count, plan.skipped_count) == (3, 3)


def test_a_plan_is_refused_when_the_validator_judged_every_attempt(pim409, alice, bob):
    judged(pim409, bob)

    with pytest.raises(ValidationPlanError, match="all 1 were judged by Bob Taylor"):
        plan_of(pim409.unit, alice, bob)
    assert not ValidationPlan.objects.exists()


def test_only_judgements_in_force_are_sampled(pim409, bob):
    kept = judged(pim409, bob)
    corrected = judged(pim409, bob)
    Judgement.objects.create(
        attempt=corrected.attempt,
        result="S",
        assessor=bob,
        corrects=corrected,
        reason="Marked against the wrong evidence.",
        signed_at=corrected.signed_at,
        typed_name="Bob Taylor",
        sha256="1" * 64,
    )
    reopened = judged(pim409, bob)
    Attempt.objects.filter(pk=reopened.attempt_id).update(status=Attempt.Status.BEING_ASSESSED)

    population = set(judged_population(pim409.unit))

    assert kept in population
    assert corrected not in population
    assert corrected.correction in population
    assert reopened not in population


def test_a_student_cannot_be_the_validator(pim409, alice, bob, charlie):
    judged(pim409, bob)

    with pytest.raises(ValidationPlanError, match="active assessor or admin"):
        plan_of(pim409.unit, alice, charlie)


def test_only_an_admin_makes_a_plan(pim409, bob, erin):
    judged(pim409, bob)

    with pytest.raises(PermissionDenied):
        plan_of(pim409.unit, erin, erin)


def test_the_same_form_pressed_twice_makes_one_plan(pim409, alice, bob, vera):
    judged(pim409, bob)
    token = uuid.uuid4()
    create_plan(pim409.unit, by=alice, validator=vera, sample_size=1, token=token)

    with pytest.raises(ValidationPlanError, match="already been created"):
        create_plan(pim409.unit, by=alice, validator=vera, sample_size=1, token=token)
    assert ValidationPlan.objects.count() == 1
