"""The unit record page: the assessor signs the unit result, corrects it, the student acknowledges it."""

import pytest
from django.urls import reverse

from evidence.models import ResultAcknowledgement, UnitResult
from evidence.tests.journeys import mark_all, satisfactory, sign, submitted

pytestmark = pytest.mark.django_db


def record_url(enrolment):
    return reverse("evidence:enrolment_record", args=[enrolment.pk])


def sign_result(client, enrolment, user, outcome, reason=""):
    return client.post(
        reverse("evidence:enrolment_result", args=[enrolment.pk]),
        {
            "outcome": outcome,
            "reason": reason,
            "typed_name": user.get_full_name(),
            "password": user.raw_password,
        },
    )


def text(response):
    return response.content.decode().replace("&#x27;", "'")


def all_satisfactory(enrolment, student, assessor):
    for number in (1, 2, 3):
        satisfactory(enrolment, number, student, assessor)


def test_assessor_records_competent_and_the_student_signs_that_they_have_read_it(
    client, fnscus504, charlie, bob
):
    all_satisfactory(fnscus504, charlie, bob)
    client.force_login(bob)
    record = text(client.get(record_url(fnscus504)))
    assert "Record the unit result" in record
    assert record.count('<span class="status status-S">Satisfactory</span>') == 3
    response = sign_result(client, fnscus504, bob, "20")
    assert response.status_code == 302
    page = text(client.get(record_url(fnscus504)))
    assert "Signed: Competency achieved (20)." in page
    assert '<strong class="fs-5">Competency achieved</strong>' in page
    assert "Signed by <strong>Bob Taylor</strong>" in page
    assert "Not yet acknowledged by the student." in page

    client.force_login(charlie)
    student_page = text(client.get(record_url(fnscus504)))
    assert "Competency achieved" in student_page
    assert "Acknowledge your result" in student_page
    assert "Record the unit result" not in student_page
    wrong = client.post(
        reverse("evidence:result_acknowledge", args=[UnitResult.objects.get().pk]), {"typed_name": "C W"}
    )
    assert wrong.status_code == 400
    assert "Type your full name exactly as it is on your enrolment (Charlie Wilson) to sign." in text(wrong)
    client.post(
        reverse("evidence:result_acknowledge", args=[UnitResult.objects.get().pk]),
        {"typed_name": "Charlie Wilson"},
    )
    signed = text(client.get(record_url(fnscus504)))
    assert "Acknowledged by the student, Charlie Wilson, on" in signed
    assert "Acknowledge your result" not in signed
    assert ResultAcknowledgement.objects.get().student == charlie


def test_competent_is_refused_on_the_page_while_a_task_is_not_satisfactory(client, fnscus504, charlie, bob):
    satisfactory(fnscus504, 1, charlie, bob)
    client.force_login(bob)
    page = text(client.get(record_url(fnscus504)))
    assert "Competent needs every task Satisfactory; not yet: task 2, task 3." in page
    response = sign_result(client, fnscus504, bob, "20")
    assert response.status_code == 400
    assert "Competent needs every task Satisfactory; not yet: task 2, task 3." in text(response)
    assert not UnitResult.objects.exists()


def test_a_correction_needs_a_reason_and_both_results_stay_on_the_record(client, fnscus504, charlie, bob):
    client.force_login(bob)
    sign_result(client, fnscus504, bob, "40")
    refused = sign_result(client, fnscus504, bob, "60")
    assert "40 Withdrawn is already recorded: give a reason to correct it." in text(refused)
    sign_result(client, fnscus504, bob, "60", reason="Credit transfer evidence arrived from the other RTO.")
    page = text(client.get(record_url(fnscus504)))
    assert "Correct the unit result" in page
    assert '<s>Withdrawn</s> <span class="badge text-bg-secondary">corrected</span>' in page
    assert "Reason for the correction:</strong> Credit transfer evidence arrived from the other RTO." in page
    assert list(UnitResult.objects.order_by("pk").values_list("outcome", "corrects__outcome")) == [
        ("40", None),
        ("60", "40"),
    ]


def test_only_the_cohorts_assessor_records_and_only_the_student_acknowledges(
    client, fnscus504, charlie, dana, bob, erin, alice
):
    client.force_login(bob)
    sign_result(client, fnscus504, bob, "40")
    result = UnitResult.objects.get()
    client.force_login(erin)
    assert client.get(record_url(fnscus504)).status_code == 404
    assert sign_result(client, fnscus504, erin, "60", reason="x").status_code == 404
    client.force_login(charlie)
    assert sign_result(client, fnscus504, charlie, "60", reason="x").status_code == 403
    client.force_login(alice)
    admin_page = text(client.get(record_url(fnscus504)))
    assert "Withdrawn" in admin_page
    assert "Record the unit result" not in admin_page
    assert sign_result(client, fnscus504, alice, "60", reason="x").status_code == 403
    client.force_login(dana)
    ack = reverse("evidence:result_acknowledge", args=[result.pk])
    assert client.post(ack, {"typed_name": "Dana Lee"}).status_code == 404
    client.force_login(bob)
    assert client.post(ack, {"typed_name": "Bob Taylor"}).status_code == 403
    assert UnitResult.objects.count() == 1
    assert not ResultAcknowledgement.objects.exists()


def test_student_never_sees_a_judgement_held_for_quality_check(client, fnscus504, charlie, bob, settings):
    settings.MARKING_QUALITY_CHECK = True
    attempt = submitted(fnscus504, 1, charlie)
    mark_all(attempt, bob, answer="N")
    sign(attempt, bob, result="NS", feedback="HELD-FEEDBACK question 3 needs an example")
    client.force_login(charlie)
    page = text(client.get(record_url(fnscus504)))
    assert "HELD-FEEDBACK" not in page
    assert "Not satisfactory" not in page
    assert "Being assessed" in page
    assert "Bob Taylor" not in page
