"""Quality checks and corrections on the marking page: every signed judgement stays on the record."""

import pytest
from django.urls import reverse

from evidence.models import Attempt, Judgement, QualityCheck
from evidence.services.marking import MarkingError, reopen_judgement, save_mark
from evidence.tests.journeys import mark_all, sign, submitted
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def post_sign(client, attempt, user, result, feedback="", reason=""):
    return client.post(
        reverse("evidence:attempt_sign", args=[attempt.pk]),
        {
            "result": result,
            "feedback": feedback,
            "reason": reason,
            "typed_name": user.get_full_name(),
            "password": user.raw_password,
        },
    )


def post_check(client, attempt, user, approved, comment=""):
    return client.post(
        reverse("evidence:attempt_check", args=[attempt.pk]),
        {
            "approved": "yes" if approved else "no",
            "comment": comment,
            "typed_name": user.get_full_name(),
            "password": user.raw_password,
        },
    )


def test_reopened_judgement_is_signed_again_with_a_reason_and_both_stay(client, fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 3, charlie)
    mark_all(attempt, bob, answer="N")
    sign(attempt, bob, result="NS", feedback="FIRST: the complaint was not resolved.")
    client.force_login(bob)
    assert "Reopen to correct this judgement" in text(client.get(attempt.get_marking_url()))
    client.post(reverse("evidence:attempt_reopen", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert (attempt.status, attempt.feedback_released_at) == ("assessing", None)
    for pc in checklist_criteria(attempt.task):
        save_mark(attempt.pk, pc.pk, by=bob, answer="Y", comment="", version=1)
    refused = post_sign(client, attempt, bob, "S", feedback="SECOND: all observed.")
    assert refused.status_code == 400
    assert "give a reason for the new judgement" in text(refused)
    post_sign(
        client, attempt, bob, "S", feedback="SECOND: all observed.", reason="The supervisor's notes show 4.3."
    )
    page = text(client.get(attempt.get_marking_url()))
    assert "Judgement: Satisfactory" in page
    assert "Corrected judgement: Not satisfactory" in page
    assert "FIRST: the complaint was not resolved." in page
    assert "Reason for this judgement:</strong> The supervisor's notes show 4.3." in page
    first, second = Judgement.objects.order_by("pk")
    assert (second.corrects, second.result, first.result) == (first, "S", "NS")
    assert [mark["answer"] for mark in first.marks] == ["N"] * 8
    assert attempt.history.filter(status="assessing", history_user=bob).exists()


def test_an_attempt_the_student_has_moved_on_from_cannot_be_reopened(fnscus504, charlie, bob):
    attempt = submitted(fnscus504, 1, charlie)
    mark_all(attempt, bob, answer="N")
    sign(attempt, bob, result="NS", feedback="Question 3 needs an example.")
    submitted(fnscus504, 1, charlie)
    with pytest.raises(MarkingError, match="The student has started attempt 2"):
        reopen_judgement(attempt, by=bob)
    assert Attempt.objects.get(pk=attempt.pk).status == "NS"


def test_quality_check_sent_back_then_approved_releases_the_feedback(
    client, fnscus504, charlie, bob, erin, settings
):
    settings.MARKING_QUALITY_CHECK = True
    fnscus504.cohort.assessors.add(erin)
    attempt = submitted(fnscus504, 1, charlie)
    mark_all(attempt, bob)
    sign(attempt, bob, result="S", feedback="HELD: good answers.")

    client.force_login(bob)
    own = text(client.get(attempt.get_marking_url()))
    assert "feedback waiting for a quality check" in own
    assert "Sign the check" not in own
    assert "Waiting for your quality check" not in text(client.get(reverse("evidence:marking_queue")))

    client.force_login(erin)
    queue = text(client.get(reverse("evidence:marking_queue")))
    assert "Waiting for your quality check" in queue
    assert "Charlie Wilson" in queue
    assert "Sign the check" in text(client.get(attempt.get_marking_url()))
    refused = post_check(client, attempt, erin, approved=False)
    assert refused.status_code == 400
    assert "Say why the judgement goes back to its assessor." in text(refused)
    post_check(client, attempt, erin, approved=False, comment="Question 6 cites the wrong Act.")

    client.force_login(bob)
    page = text(client.get(attempt.get_marking_url()))
    assert "sent back by Erin Park" in page
    assert "Question 6 cites the wrong Act." in page
    assert "Sent back by the quality check: Question 6 cites the wrong Act." in page  # the reason, filled in
    client.force_login(charlie)
    assert "HELD" not in text(client.get(reverse("student_home")))

    client.force_login(bob)
    post_sign(
        client, attempt, bob, "S", feedback="RELEASED: good answers.", reason="Sent back: checked question 6."
    )
    client.force_login(erin)
    post_check(client, attempt, erin, approved=True)
    assert QualityCheck.objects.filter(approved=True).count() == 1
    client.force_login(charlie)
    home = text(client.get(reverse("student_home")))
    assert "RELEASED: good answers." in home
    assert "HELD" not in home


def test_the_judgements_own_assessor_cannot_check_it_even_by_a_crafted_post(
    client, fnscus504, charlie, bob, settings
):
    settings.MARKING_QUALITY_CHECK = True
    attempt = submitted(fnscus504, 1, charlie)
    mark_all(attempt, bob)
    sign(attempt, bob, result="S")
    client.force_login(bob)
    assert post_check(client, attempt, bob, approved=True).status_code == 403
    attempt.refresh_from_db()
    assert attempt.feedback_released_at is None
    assert not QualityCheck.objects.exists()
