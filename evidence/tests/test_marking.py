"""Marking: marks saved per criterion, signed judgements, quality checks and unit results."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse

from evidence.models import Attempt, CriterionMark, Judgement, SignedRecordError, UnitResult
from evidence.services.attempts import open_attempt
from evidence.services.marking import (
    MarkingError,
    StaleMark,
    acknowledge_result,
    canonical_marks,
    check_judgement,
    content_hash,
    record_unit_result,
    save_mark,
    sign_judgement,
    signed_content,
)
from evidence.tests.journeys import mark_all, satisfactory, sign, submitted
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db


def test_first_mark_saves_version_one_starts_assessing_and_keeps_history(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 2, charlie)
    pc = checklist_criteria(attempt.task)[0]
    mark = save_mark(attempt.pk, pc.pk, by=bob, answer="N", comment="Segment criteria not stated", version=0)
    save_mark(attempt.pk, pc.pk, by=bob, answer="Y", comment="Stated on page 2", version=1)
    mark.refresh_from_db()
    assert (mark.answer, mark.comment, mark.version, mark.updated_by) == ("Y", "Stated on page 2", 2, bob)
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.BEING_ASSESSED
    history = list(mark.history.order_by("history_date").values_list("answer", "comment", "history_user"))
    assert history == [("N", "Segment criteria not stated", bob.pk), ("Y", "Stated on page 2", bob.pk)]


def test_save_based_on_an_older_version_is_refused_with_the_other_persons_values(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 2, charlie)
    pc = checklist_criteria(attempt.task)[0]
    save_mark(attempt.pk, pc.pk, by=bob, answer="Y", comment="Seen in the CRM export", version=0)
    with pytest.raises(StaleMark) as stale:
        save_mark(attempt.pk, pc.pk, by=bob, answer="N", comment="", version=0)
    assert stale.value.mark.comment == "Seen in the CRM export"
    assert "Bob Taylor changed 1.1" in str(stale.value)
    assert CriterionMark.objects.get().answer == "Y"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("marked_before", [False, True], ids=["first mark", "changing a mark"])
def test_two_assessors_saving_one_criterion_at_once_never_lose_a_save_silently(
    fnscus504, charlie, bob, erin, marked_before
):
    fnscus504.cohort.assessors.add(erin)
    attempt = submitted(fnscus504, 2, charlie)
    pc = checklist_criteria(attempt.task)[0]
    if marked_before:
        save_mark(attempt.pk, pc.pk, by=bob, answer="N", comment="", version=0)
    start, outcomes = threading.Barrier(2), []

    def save(assessor, answer):
        try:
            start.wait(timeout=10)
            save_mark(
                attempt.pk,
                pc.pk,
                by=assessor,
                answer=answer,
                comment=assessor.first_name,
                version=int(marked_before),
            )
            outcomes.append("saved")
        except StaleMark:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in ((bob, "Y"), (erin, "N"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved", "stale"]
    mark = CriterionMark.objects.get()
    assert mark.version == 1 + marked_before
    assert mark.history.count() == 1 + marked_before
    saved = mark.history.first()
    assert (saved.answer, saved.comment, saved.history_user) == (mark.answer, mark.comment, mark.updated_by)


def test_only_an_assessor_of_the_cohort_may_mark(fnscus504, charlie, erin):
    attempt = submitted(fnscus504, 2, charlie)
    pc = checklist_criteria(attempt.task)[0]
    # An assessor of other cohorts learns nothing; the student may read but not mark.
    for stranger, refusal in ((erin, Http404), (charlie, PermissionDenied)):
        with pytest.raises(refusal):
            save_mark(attempt.pk, pc.pk, by=stranger, answer="Y", comment="", version=0)
    assert not CriterionMark.objects.exists()


def test_a_criterion_off_the_checklist_cannot_be_marked(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    off = next(
        pc
        for pc in checklist_criteria(fnscus504.tool.tasks.get(number=2))
        if pc not in checklist_criteria(attempt.task)
    )
    with pytest.raises(MarkingError, match=f"{off.code} is not on this task's checklist"):
        save_mark(attempt.pk, off.pk, by=bob, answer="Y", comment="", version=0)


def test_satisfactory_is_refused_while_a_criterion_is_no_or_unanswered(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    criteria = checklist_criteria(attempt.task)
    mark_all(attempt, bob)
    save_mark(attempt.pk, criteria[1].pk, by=bob, answer="N", comment="Not observed", version=1)
    with pytest.raises(MarkingError, match=f"not yet: {criteria[1].code}\\."):
        sign(attempt, bob)
    save_mark(attempt.pk, criteria[1].pk, by=bob, answer="Y", comment="Observed on second visit", version=2)
    judgement = sign(attempt, bob, feedback="All observed.")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.feedback) == ("S", "All observed.")
    assert attempt.feedback_released_at == judgement.signed_at
    assert [mark["answer"] for mark in judgement.marks] == ["Y"] * len(criteria)


def test_signature_hash_is_of_exactly_what_was_signed(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    mark_all(attempt, bob)
    judgement = sign(attempt, bob, feedback="All observed.")
    content = signed_content(
        attempt,
        result="S",
        feedback="All observed.",
        marks=canonical_marks(attempt),
        assessor=bob,
        signed_at=judgement.signed_at,
    )
    assert judgement.sha256 == content_hash(content)
    assert content_hash({**content, "feedback": "All observed!"}) != judgement.sha256


def test_not_satisfactory_needs_feedback_and_opens_a_resubmission(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 1, charlie)
    with pytest.raises(MarkingError, match="Say in the feedback what is missing"):
        sign(attempt, bob, result="NS")
    sign(
        attempt,
        bob,
        result="NS",
        feedback="Question 3 needs an example.",
        resubmit_by=datetime.date(2026, 12, 1),
    )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.resubmit_by) == ("NS", datetime.date(2026, 12, 1))
    second = open_attempt(fnscus504, attempt.task, by=charlie)
    assert (second.number, second.status) == (2, "draft")


@pytest.mark.parametrize(
    ("typed_name", "password", "message"),
    [("Bob Taylor", "wrong", "password is not right"), ("Robert", None, "Type your full name exactly")],
)
def test_signing_needs_the_assessors_password_and_full_name(
    fnscus504, charlie, bob, typed_name, password, message
):
    attempt = submitted(fnscus504, 1, charlie)
    with pytest.raises(MarkingError, match=message):
        sign_judgement(
            attempt,
            by=bob,
            result="NS",
            feedback="Question 3 needs an example.",
            typed_name=typed_name,
            password=password or bob.raw_password,
        )
    assert not Judgement.objects.exists()


def test_signed_attempt_and_judgement_never_change(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    mark_all(attempt, bob)
    judgement = sign(attempt, bob)
    pc = checklist_criteria(attempt.task)[0]
    with pytest.raises(MarkingError, match="marks can no longer change"):
        save_mark(attempt.pk, pc.pk, by=bob, answer="N", comment="", version=1)
    with pytest.raises(MarkingError, match="can no longer change"):
        sign(attempt, bob, result="NS", feedback="Changed my mind")
    judgement.feedback = "Quietly changed"
    with pytest.raises(SignedRecordError):
        judgement.save()
    with pytest.raises(SignedRecordError):
        judgement.delete()
    assert Judgement.objects.get().feedback == ""


def test_quality_check_holds_feedback_until_a_second_assessor_approves(
    fnscus504, charlie, bob, erin, settings
):
    settings.MARKING_QUALITY_CHECK = True
    fnscus504.cohort.assessors.add(erin)
    attempt = submitted(fnscus504, 1, charlie)
    judgement = sign(attempt, bob, result="NS", feedback="Question 3 needs an example.")
    assert Attempt.objects.get(pk=attempt.pk).feedback_released_at is None
    with pytest.raises(PermissionDenied):
        check_judgement(
            judgement, by=bob, approved=True, comment="", typed_name="Bob Taylor", password=bob.raw_password
        )
    check_judgement(
        judgement, by=erin, approved=True, comment="", typed_name="Erin Park", password=erin.raw_password
    )
    assert Attempt.objects.get(pk=attempt.pk).feedback_released_at is not None


def test_quality_check_sends_a_judgement_back_with_a_comment(fnscus504, charlie, bob, erin, settings):
    settings.MARKING_QUALITY_CHECK = True
    fnscus504.cohort.assessors.add(erin)
    attempt = submitted(fnscus504, 1, charlie)
    judgement = sign(attempt, bob, result="NS", feedback="Wrong.")
    with pytest.raises(MarkingError, match="Say why"):
        check_judgement(
            judgement, by=erin, approved=False, comment="", typed_name="Erin Park", password=erin.raw_password
        )
    check_judgement(
        judgement,
        by=erin,
        approved=False,
        comment="Feedback must say what is missing.",
        typed_name="Erin Park",
        password=erin.raw_password,
    )
    attempt.refresh_from_db()
    assert (attempt.status, attempt.feedback_released_at) == ("assessing", None)


def test_competent_only_when_every_task_is_satisfactory(fnscus504, charlie, bob):
    def record():
        return record_unit_result(
            fnscus504, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
        )

    satisfactory(fnscus504, 1, charlie, bob)
    satisfactory(fnscus504, 2, charlie, bob)
    with pytest.raises(MarkingError, match="not yet: task 3"):
        record()
    satisfactory(fnscus504, 3, charlie, bob)
    result = record()
    assert (result.outcome.code, result.outcome.label) == ("20", "Competency achieved")


def test_not_yet_competent_only_once_a_task_has_used_up_its_attempts(fnscus504, charlie, bob):
    def record():
        return record_unit_result(
            fnscus504, by=bob, outcome="30", typed_name="Bob Taylor", password=bob.raw_password
        )

    first = submitted(fnscus504, 1, charlie)
    sign(first, bob, result="NS", feedback="Incomplete.")
    with pytest.raises(MarkingError, match="attempts used up"):
        record()
    second = submitted(fnscus504, 1, charlie)
    sign(second, bob, result="NS", feedback="Still incomplete.")
    assert record().outcome.code == "30"


def test_second_result_needs_a_reason_and_keeps_the_first_visible(fnscus504, charlie, bob):
    first = record_unit_result(
        fnscus504, by=bob, outcome="51", typed_name="Bob Taylor", password=bob.raw_password
    )
    with pytest.raises(MarkingError, match="give a reason to correct it"):
        record_unit_result(
            fnscus504, by=bob, outcome="52", typed_name="Bob Taylor", password=bob.raw_password
        )
    second = record_unit_result(
        fnscus504,
        by=bob,
        outcome="52",
        typed_name="Bob Taylor",
        password=bob.raw_password,
        reason="RPL evidence was not current.",
    )
    assert second.corrects == first
    assert list(UnitResult.objects.order_by("pk").values_list("outcome", flat=True)) == ["51", "52"]


def test_outcomes_outside_the_assessors_list_are_refused(fnscus504, bob):
    with pytest.raises(MarkingError, match="Choose one of the outcomes listed"):
        record_unit_result(
            fnscus504, by=bob, outcome="85", typed_name="Bob Taylor", password=bob.raw_password
        )


def test_student_acknowledges_their_result_once(fnscus504, charlie, dana, bob):
    result = record_unit_result(
        fnscus504, by=bob, outcome="60", typed_name="Bob Taylor", password=bob.raw_password
    )
    with pytest.raises(PermissionDenied):
        acknowledge_result(result, by=dana, typed_name="Dana Lee")
    acknowledgement = acknowledge_result(result, by=charlie, typed_name="charlie  wilson")
    assert acknowledgement.typed_name == "charlie  wilson"
    with pytest.raises(MarkingError, match="already signed"):
        acknowledge_result(result, by=charlie, typed_name="Charlie Wilson")


def test_django_admin_shows_signed_records_and_refuses_every_change(client, fnscus504, charlie, bob, alice):
    judgement = satisfactory(fnscus504, 3, charlie, bob)
    client.force_login(alice)
    change_url = reverse("admin:evidence_judgement_change", args=[judgement.pk])
    shown = client.get(change_url).content.decode()
    assert judgement.sha256 in shown
    assert 'name="_save"' not in shown
    assert 'name="feedback"' not in shown
    tampered = client.post(change_url, {"result": "NS", "feedback": "Changed in the admin"})
    assert tampered.status_code == 403
    assert client.post(reverse("admin:evidence_judgement_delete", args=[judgement.pk])).status_code == 403
    assert client.get(reverse("admin:evidence_unitresult_add")).status_code == 403
    assert list(Judgement.objects.values_list("result", "feedback")) == [("S", "Well done.")]
    history = client.get(
        reverse("admin:evidence_criterionmark_history", args=[judgement.attempt.marks.first().pk])
    )
    assert "Bob" in history.content.decode()
