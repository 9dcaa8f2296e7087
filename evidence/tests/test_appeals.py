"""Appeals: a student appeals a signed unit result, an admin assigns a different assessor, who decides."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from evidence.models import Appeal, AppealAssignment, AppealDecision, Attempt, SignedRecordError, UnitResult
from evidence.selectors import appeals_for
from evidence.services.appeals import AppealError, assign_appeal_reviewer, decide_appeal, lodge_appeal
from evidence.services.marking import record_unit_result
from evidence.tests.journeys import satisfactory

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def result(enrolment, charlie, bob):
    """Charlie's FNSPIM409 portfolio judged Satisfactory and the unit signed Competent by Bob."""
    satisfactory(enrolment, 1, charlie, bob)
    return record_unit_result(
        enrolment, by=bob, outcome="20", typed_name="Bob Taylor", password=bob.raw_password
    )


@pytest.fixture
def appeal(result, charlie):
    return lodge_appeal(
        result, by=charlie, grounds="My portfolio showed 1.3 too.", typed_name="Charlie Wilson"
    )


@pytest.fixture
def assigned(appeal, alice, erin):
    """Erin, an assessor of other cohorts, reviews Charlie's appeal."""
    assign_appeal_reviewer(appeal, by=alice, reviewer=erin)
    return appeal


def decide(appeal, reviewer, outcome="dismissed", tasks=()):
    return decide_appeal(
        appeal,
        by=reviewer,
        outcome=outcome,
        reasons="The evidence was judged fairly.",
        typed_name=reviewer.get_full_name(),
        password=reviewer.raw_password,
        reassessed_tasks=tasks,
    )


def test_student_lodges_an_appeal_signed_with_their_name_and_the_admins_are_told(
    result, charlie, alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice.email = "alice@rto.example.edu.au"
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        appeal = lodge_appeal(result, by=charlie, grounds="  1.3 was shown.  ", typed_name="charlie wilson")

    assert (appeal.result, appeal.student, appeal.assessor, appeal.grounds) == (
        result,
        charlie,
        result.assessor,
        "1.3 was shown.",
    )
    assert len(appeal.sha256) == 64
    [email] = mailoutbox
    assert email.to == ["alice@rto.example.edu.au"]
    assert "Charlie Wilson has appealed their result for FNSPIM409" in email.body


def test_an_appeal_after_the_period_is_refused_with_the_day_it_ended(result, charlie, settings):
    settings.APPEAL_PERIOD_DAYS = 28
    signed = timezone.now() - datetime.timedelta(days=29)
    UnitResult.objects.filter(pk=result.pk).update(signed_at=signed)
    result.refresh_from_db()
    ended = timezone.localdate(signed) + datetime.timedelta(days=28)

    with pytest.raises(AppealError, match=f"ended on {ended:%d/%m/%Y}"):
        lodge_appeal(result, by=charlie, grounds="Late.", typed_name="Charlie Wilson")
    assert not Appeal.objects.exists()


def test_an_appeal_on_the_last_day_of_the_period_is_lodged(result, charlie, settings):
    settings.APPEAL_PERIOD_DAYS = 28
    UnitResult.objects.filter(pk=result.pk).update(signed_at=timezone.now() - datetime.timedelta(days=28))
    result.refresh_from_db()

    lodge_appeal(result, by=charlie, grounds="Just in time.", typed_name="Charlie Wilson")

    assert Appeal.objects.count() == 1


def test_a_second_appeal_against_the_same_result_is_refused(appeal, result, charlie):
    with pytest.raises(AppealError, match="already appealed"):
        lodge_appeal(result, by=charlie, grounds="Again.", typed_name="Charlie Wilson")
    assert Appeal.objects.count() == 1


def test_the_database_refuses_a_second_appeal_against_one_result(appeal, result, charlie):
    with pytest.raises(IntegrityError):
        Appeal.objects.create(
            result=result,
            student=charlie,
            assessor=result.assessor,
            grounds="x",
            typed_name="Charlie Wilson",
            signed_at=timezone.now(),
            sha256="0" * 64,
        )


def test_only_the_student_may_appeal_their_result(result, dana):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        lodge_appeal(result, by=dana, grounds="Not mine.", typed_name="Dana Lee")


def test_the_assessor_who_signed_the_result_cannot_review_the_appeal(appeal, alice, bob):
    with pytest.raises(AppealError, match="choose a different assessor"):
        assign_appeal_reviewer(appeal, by=alice, reviewer=bob)
    assert not AppealAssignment.objects.exists()


def test_the_database_refuses_the_results_assessor_as_reviewer(appeal, alice, bob):
    with pytest.raises(IntegrityError):
        AppealAssignment.objects.create(
            appeal=appeal, reviewer=bob, result_assessor=bob, assigned_by=alice, assigned_at=timezone.now()
        )


def test_the_reviewer_is_told_and_can_read_the_students_work(
    appeal, alice, erin, client, mailoutbox, django_capture_on_commit_callbacks
):
    erin.email = "erin@rto.example.edu.au"
    erin.save()
    with django_capture_on_commit_callbacks(execute=True):
        assign_appeal_reviewer(appeal, by=alice, reviewer=erin)

    assert mailoutbox[-1].to == ["erin@rto.example.edu.au"]
    client.force_login(erin)
    attempt = Attempt.objects.get(enrolment=appeal.result.enrolment)
    assert client.get(reverse("evidence:attempt_review", args=[attempt.pk])).status_code == 200
    assert client.get(reverse("evidence:enrolment_record", args=[attempt.enrolment_id])).status_code == 200


def test_a_dismissed_appeal_leaves_the_result_standing_and_tells_the_student(
    assigned, erin, charlie, mailoutbox, django_capture_on_commit_callbacks
):
    charlie.email = "charlie@student.example.edu.au"
    charlie.save()

    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(assigned, erin)

    assert decision.outcome == AppealDecision.Outcome.DISMISSED
    assert list(decision.reassessed_tasks.all()) == []
    assert Attempt.objects.filter(enrolment=assigned.result.enrolment).count() == 1
    assert mailoutbox[-1].to == ["charlie@student.example.edu.au"]
    assert "was dismissed: the result stands" in mailoutbox[-1].body


def test_an_upheld_appeal_opens_a_new_attempt_even_past_the_tasks_maximum(assigned, erin, portfolio):
    portfolio.max_attempts = 1
    portfolio.save()

    decide(assigned, erin, outcome="upheld", tasks=[portfolio])

    attempts = Attempt.objects.filter(enrolment=assigned.result.enrolment, task=portfolio).order_by("number")
    assert [(a.number, a.status) for a in attempts] == [(1, "S"), (2, "draft")]


def test_an_upheld_appeal_names_the_tasks_to_assess_again(assigned, erin):
    with pytest.raises(AppealError, match="Name the tasks"):
        decide(assigned, erin, outcome="upheld")
    assert not AppealDecision.objects.exists()


def test_only_the_assigned_reviewer_decides(assigned, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        decide(assigned, bob)


def test_a_second_decision_is_refused(assigned, erin):
    decide(assigned, erin)
    with pytest.raises(AppealError, match="already been decided"):
        decide(assigned, erin, outcome="upheld")


def test_a_decision_needs_the_reviewers_password(assigned, erin):
    with pytest.raises(Exception, match="password"):
        decide_appeal(
            assigned,
            by=erin,
            outcome="dismissed",
            reasons="x",
            typed_name="Erin Park",
            password="wrong",
        )
    assert not AppealDecision.objects.exists()


def test_appeal_records_never_change(assigned, erin):
    decision = decide(assigned, erin)
    for record in (assigned, assigned.assignment, decision):
        with pytest.raises(SignedRecordError):
            record.save()


def test_student_lodges_from_the_record_page_and_reads_the_status(result, client, charlie):
    client.force_login(charlie)
    record = reverse("evidence:enrolment_record", args=[result.enrolment_id])
    page = text(client.get(record))
    closes = timezone.localdate(result.signed_at) + datetime.timedelta(days=28)
    assert f"you may appeal it until <strong>{closes:%d/%m/%Y}</strong>" in page

    response = client.post(
        reverse("evidence:appeal_lodge", args=[result.pk]),
        {"grounds": "1.3 was shown.", "typed_name": "Charlie Wilson"},
    )

    appeal = Appeal.objects.get()
    assert response.url == appeal.get_absolute_url()
    assert "Waiting for a reviewer" in text(client.get(record))
    assert "Appeal this result" not in text(client.get(record))


def test_double_submitted_appeal_form_says_it_was_lodged_already(appeal, client, charlie):
    client.force_login(charlie)
    response = client.post(
        reverse("evidence:appeal_lodge", args=[appeal.result_id]),
        {"grounds": "Again.", "typed_name": "Charlie Wilson"},
    )
    assert response.status_code == 302
    assert "You have already appealed this result" in text(client.get(response.url))
    assert Appeal.objects.count() == 1


def test_another_student_gets_404_for_the_appeal(appeal, client, dana):
    client.force_login(dana)
    assert client.get(appeal.get_absolute_url()).status_code == 404


def test_an_assessor_of_other_cohorts_not_reviewing_gets_404(appeal, client, erin):
    client.force_login(erin)
    assert client.get(appeal.get_absolute_url()).status_code == 404


def test_admin_assigns_from_the_list(appeal, client, alice, erin):
    client.force_login(alice)
    page = text(client.get(reverse("evidence:appeal_list")))
    assert "Charlie Wilson" in page
    assert "Bob Taylor" not in page  # the result's assessor is not offered as reviewer

    client.post(reverse("evidence:appeal_assign", args=[appeal.pk]), {f"appeal{appeal.pk}-reviewer": erin.pk})

    assert AppealAssignment.objects.get().reviewer == erin


def test_reviewer_decides_on_the_appeal_page(assigned, client, erin, portfolio):
    client.force_login(erin)
    response = client.post(
        reverse("evidence:appeal_decide", args=[assigned.pk]),
        {
            "outcome": "upheld",
            "reasons": "1.3 was shown in the portfolio.",
            "reassessed_tasks": [portfolio.pk],
            "typed_name": "Erin Park",
            "password": erin.raw_password,
        },
    )
    assert response.status_code == 302
    page = text(client.get(assigned.get_absolute_url()))
    assert "Upheld: re-assessment" in page
    assert "Task 1: " in page


def test_the_appeal_list_reads_in_one_query_per_page_however_many(
    alice, enrolment, django_assert_num_queries
):
    # The appeals of many results: one query for the page's rows and one to count them.
    _many_appeals(enrolment, 5)
    with django_assert_num_queries(1):
        rows = list(appeals_for(alice, decided=False)[:25])
    assert len(rows) == 5
    _many_appeals(enrolment, 10)
    with django_assert_num_queries(1):
        rows = [
            (a.result.enrolment.student.get_full_name(), a.status) for a in appeals_for(alice, decided=False)
        ]
    assert len(rows) == 15


def _many_appeals(enrolment, count):
    from evidence.models import OutcomeCode

    outcome = OutcomeCode.objects.get(code="20")
    for _ in range(count):
        result = UnitResult.objects.create(
            enrolment=enrolment,
            outcome=outcome,
            assessor=enrolment.cohort.assessors.get(),
            typed_name="Bob Taylor",
            signed_at=timezone.now(),
            sha256="0" * 64,
        )
        Appeal.objects.create(
            result=result,
            student=enrolment.student,
            assessor=result.assessor,
            grounds="x",
            typed_name="Charlie Wilson",
            signed_at=timezone.now(),
            sha256="0" * 64,
        )


def test_the_appeals_page_reads_the_same_number_of_queries_however_many(enrolment, client, alice, erin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_appeals(enrolment, 2)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("evidence:appeal_list"))
    _many_appeals(enrolment, 8)
    with CaptureQueriesContext(connection) as ten:
        page = text(client.get(reverse("evidence:appeal_list")))

    assert page.count("Waiting for a reviewer") == 10
    assert len(ten) == len(two)


def test_the_admin_site_shows_appeals_but_cannot_change_them(assigned, erin, client, alice):
    decision = decide(assigned, erin)
    client.force_login(alice)

    assert "Charlie Wilson" in text(client.get(reverse("admin:evidence_appeal_changelist")))
    assert client.get(reverse("admin:evidence_appealdecision_change", args=[decision.pk])).status_code == 200
    assert client.post(reverse("admin:evidence_appeal_delete", args=[assigned.pk])).status_code == 403
    assert client.get(reverse("admin:evidence_appealassignment_add")).status_code == 403


def test_a_double_submitted_decision_says_it_was_decided_already(assigned, client, erin):
    decide(assigned, erin)
    client.force_login(erin)
    response = client.post(
        reverse("evidence:appeal_decide", args=[assigned.pk]),
        {"outcome": "upheld", "reasons": "Again.", "typed_name": "Erin Park", "password": erin.raw_password},
    )
    assert response.status_code == 302
    assert "This appeal has already been decided" in text(client.get(response.url))
    assert AppealDecision.objects.get().outcome == "dismissed"


def test_the_appeal_list_pages_25_at_a_time(enrolment, client, alice):
    _many_appeals(enrolment, 26)
    client.force_login(alice)

    first = text(client.get(reverse("evidence:appeal_list")))
    second = text(client.get(reverse("evidence:appeal_list"), {"page": 2}))

    assert first.count("Waiting for a reviewer") == 25
    assert "Page 1 of 2" in first
    assert 'href="?page=2">Next</a>' in first
    assert second.count("Waiting for a reviewer") == 1
