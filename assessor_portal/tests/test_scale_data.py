"""The benchmarks' scale data: rows the services could have made, the same for the same seed."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from assessor_portal.scale import ScaleSize, make_scale_data
from evidence.models import (
    Appeal,
    Attempt,
    Declaration,
    Enrolment,
    EvidenceItem,
    Judgement,
    QualityCheck,
    UnitResult,
)
from evidence.services.marking import content_hash, signed_content, unit_result_rule
from evidence.services.progress import refresh_stages
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 11, 25)
SMALL = ScaleSize(students=120, cohorts=4, units=3, assessors=5, units_per_cohort=2, until=UNTIL)


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


def test_scale_data_stores_each_enrolment_s_stage():
    make_scale_data(SMALL)
    stored = set(Enrolment.objects.values_list("stage", flat=True))
    assert {"new", "draft", "submitted", "assessing", "S"} <= stored  # not every one left at "new"
    assert refresh_stages(Enrolment.objects.all()) == 0  # each already the stage its rows make


def test_scale_data_rows_pass_the_models_own_validation():
    make_scale_data(SMALL)
    for model in (Attempt, Declaration, EvidenceItem, Judgement, QualityCheck, UnitResult, Appeal):
        for row in model.objects.order_by("?")[:40]:
            # sign_judgement too saves [] for a task with no checklist, which blank=False would refuse.
            row.full_clean(exclude={"marks"} if model is Judgement else None)


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


def test_every_judged_attempt_has_the_judgement_sign_judgement_would_have_saved():
    make_scale_data(SMALL)
    judged = Attempt.objects.filter(status__in=Attempt.JUDGED).select_related("enrolment__tool__unit", "task")
    assert judged.count() > 100
    for attempt in judged:
        judgement = attempt.judgements.order_by("-signed_at", "-pk").first()
        assert (judgement.result, judgement.feedback) == (attempt.status, attempt.feedback)
        assert [mark["criterion"] for mark in judgement.marks] == [
            pc.code for pc in checklist_criteria(attempt.task)
        ]
        assert judgement.assessor in attempt.enrolment.cohort.assessors.all()
        assert judgement.typed_name == judgement.assessor.get_full_name()
        content = signed_content(
            attempt,
            result=judgement.result,
            feedback=judgement.feedback,
            marks=judgement.marks,
            assessor=judgement.assessor,
            signed_at=judgement.signed_at,
            corrects=judgement.corrects.sha256 if judgement.corrects else "",
        )
        assert judgement.sha256 == content_hash(content)
    assert not Judgement.objects.exclude(attempt__status__in=Attempt.JUDGED).exists()


def test_satisfactory_judgements_have_every_criterion_yes_and_not_satisfactory_one_no():
    make_scale_data(SMALL)
    for judgement in Judgement.objects.exclude(marks=[]):
        answers = {mark["answer"] for mark in judgement.marks}
        assert answers == (
            {"Y"} if judgement.result == "S" else {"Y", "N"} if len(judgement.marks) > 1 else {"N"}
        )


def test_some_judgements_are_corrected_checked_or_waiting_for_a_quality_check():
    make_scale_data(ScaleSize(**{**SMALL.__dict__, "students": 400}))
    corrections = Judgement.objects.filter(corrects__isnull=False)
    assert corrections.exists()
    assert all(
        judgement.reason and judgement.corrects.signed_at < judgement.signed_at for judgement in corrections
    )
    checks = QualityCheck.objects.select_related("judgement")
    assert checks.exists()
    assert all(check.approved and check.checker_id != check.judgement.assessor_id for check in checks)
    waiting = Attempt.objects.filter(status__in=Attempt.JUDGED, feedback_released_at__isnull=True)
    assert waiting.exists()
    assert not QualityCheck.objects.filter(judgement__attempt__in=waiting).exists()


def test_unit_results_are_only_those_the_attempts_allow():
    make_scale_data(ScaleSize(**{**SMALL.__dict__, "students": 400}))
    results = UnitResult.objects.select_related("enrolment")
    assert set(results.values_list("outcome", flat=True)) == {"20", "30"}
    for result in results:
        assert unit_result_rule(result.enrolment)[result.outcome_id] == ""
    assert Appeal.objects.filter(result__outcome="30").count() == Appeal.objects.count()


def test_some_not_yet_competent_results_are_under_an_open_appeal():
    make_scale_data(ScaleSize(**{**SMALL.__dict__, "students": 1000, "cohorts": 8}))
    appeals = Appeal.objects.select_related("result")
    assert appeals.exists()
    assert all(appeal.result.outcome_id == "30" and not hasattr(appeal, "decision") for appeal in appeals)


def test_judgements_are_signed_over_the_year_before_until_about_half_older_than_six_months():
    make_scale_data(SMALL)
    until = datetime.datetime.combine(UNTIL, datetime.time(), tzinfo=datetime.UTC)
    signed = list(Judgement.objects.values_list("signed_at", flat=True))
    assert until - datetime.timedelta(days=366) < min(signed) < max(signed) < until
    older = sum(1 for moment in signed if moment < until - datetime.timedelta(days=183))
    assert 0.3 < older / len(signed) < 0.7


def test_attempts_and_evidence_are_dated_when_the_student_did_the_work_not_when_the_data_was_built():
    make_scale_data(SMALL)
    last = datetime.datetime.combine(UNTIL, datetime.time(12), tzinfo=datetime.UTC)
    attempts = Attempt.objects.all()
    started = [attempt.created_at for attempt in attempts]
    assert last - datetime.timedelta(days=366) < min(started) < max(started) <= last
    assert len({moment.date() for moment in started}) > 10
    assert all(a.created_at < a.submitted_at for a in attempts.exclude(submitted_at=None))
    for item in EvidenceItem.objects.select_related("attempt")[:200]:
        assert item.attempt.created_at < item.created_at <= last
        if item.attempt.submitted_at:
            assert item.created_at < item.attempt.submitted_at


def test_the_inactive_report_finds_some_students_of_the_scale_data_but_not_all():
    from assessor_portal.models import User
    from reports.selectors import ReportFilters, inactive_students

    make_scale_data(SMALL)
    admin = User.objects.get(username="scale-admin")
    now = datetime.datetime.combine(UNTIL, datetime.time(12), tzinfo=datetime.UTC)
    idle = inactive_students(admin, ReportFilters(), 30, now=now)
    # Not only those who never started: students who started and then stopped, too.
    started_then_stopped = idle.filter(attempts__isnull=False).distinct().count()
    assert 0 < started_then_stopped < Attempt.objects.values("enrolment").distinct().count()
