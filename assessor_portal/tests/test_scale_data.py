"""The benchmarks' scale data: rows the services could have made, the same for the same seed."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from assessor_portal.scale import ScaleSize, make_scale_data
from evidence.models import Attempt, Declaration, EvidenceItem

pytestmark = pytest.mark.django_db

SMALL = ScaleSize(students=120, cohorts=4, units=3, assessors=5, units_per_cohort=2)


def snapshot():
    return (
        list(
            Attempt.objects.order_by("pk").values_list(
                "enrolment__student__username", "task__title", "number", "status"
            )
        ),
        list(
            EvidenceItem.objects.order_by("pk", "criteria__element__number", "criteria__number").values_list(
                "kind", "sha256", "criteria__element__number", "criteria__number"
            )
        ),
    )


def test_scale_data_has_every_status_and_each_submission_its_declaration():
    report = make_scale_data(SMALL)
    statuses = set(Attempt.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "assessing", "S", "NS"}
    submitted = Attempt.objects.exclude(status="draft")
    assert Declaration.objects.count() == submitted.count() == report.counts["declarations"]
    assert not submitted.filter(declaration__isnull=True).exists()
    assert EvidenceItem.objects.count() == 3 * Attempt.objects.count()


def test_scale_data_rows_pass_the_models_own_validation():
    make_scale_data(SMALL)
    for model in (Attempt, Declaration, EvidenceItem):
        for row in model.objects.order_by("?")[:40]:
            row.full_clean()


def test_scale_data_files_are_stored_with_their_hash():
    make_scale_data(SMALL)
    files = EvidenceItem.objects.filter(kind="file")
    assert files.count() > 100
    for item in files[:50]:
        with item.file.open("rb") as stored:
            content = stored.read()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (item.size, item.sha256)


def test_same_seed_makes_the_same_data_and_another_seed_does_not():
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            make_scale_data(ScaleSize(**{**SMALL.__dict__, "seed": seed}))
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_command_refuses_a_database_that_already_has_the_scale_data(capsys):
    call_command("make_scale_data", students=20, cohorts=2, units=1, assessors=2)
    assert "Built in" in capsys.readouterr().out
    with pytest.raises(Exception, match="already has the scale data"):
        call_command("make_scale_data", students=20, cohorts=2, units=1, assessors=2)
