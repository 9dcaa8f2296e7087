"""Validation pages: who sees what, 404 for strangers, a page's queries, the report as HTML and PDF."""

import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from validation.models import ValidationPlan
from validation.services import review_item, sign_plan

from .conftest import judged, plan_of, with_file

pytestmark = pytest.mark.django_db


def signed_off(plan, vera):
    for item in plan.items.all():
        review_item(item, by=vera, agrees=True, comments="")
    sign_plan(plan, by=vera, typed_name="Vera Singh", password=vera.raw_password)


def urls(plan):
    item = plan.items.first()
    evidence = item.attempt.evidence.get()
    return {
        "plan": reverse("validation:plan_detail", args=[plan.pk]),
        "report": reverse("validation:plan_report", args=[plan.pk]),
        "report_pdf": reverse("validation:plan_report_pdf", args=[plan.pk]),
        "item": reverse("validation:item_review", args=[item.pk]),
        "evidence": reverse("validation:item_evidence", args=[item.pk, evidence.pk]),
    }


def test_the_validator_reads_a_sampled_attempts_evidence_while_the_plan_is_open(client, plan, vera):
    client.force_login(vera)

    response = client.get(urls(plan)["evidence"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the student's portfolio"
    assert response["Cache-Control"] == "private, no-store"


def test_the_validators_access_to_the_attempts_ends_when_the_plan_is_signed(client, plan, vera):
    paths = urls(plan)
    signed_off(plan, vera)
    client.force_login(vera)

    assert client.get(paths["item"]).status_code == 404
    assert client.get(paths["evidence"]).status_code == 404
    assert client.get(paths["plan"]).status_code == 200
    assert client.get(paths["report"]).status_code == 200


def test_evidence_of_an_attempt_outside_the_sample_is_404_through_a_sampled_item(
    client, plan, vera, pim409, bob
):
    other = with_file(judged(pim409, bob))
    item = plan.items.first()
    client.force_login(vera)

    assert client.get(reverse("validation:item_evidence", args=[item.pk, other.pk])).status_code == 404


def test_the_validator_gains_no_access_to_the_students_pages_elsewhere(client, plan, vera):
    item = plan.items.first()
    evidence = item.attempt.evidence.get()
    client.force_login(vera)

    assert client.get(reverse("evidence:attempt_review", args=[item.attempt_id])).status_code == 404
    assert client.get(reverse("evidence:evidence_download", args=[evidence.pk])).status_code == 404
    assert (
        client.get(reverse("evidence:enrolment_record", args=[item.attempt.enrolment_id])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["erin", "charlie", "dana"])
def test_strangers_get_404_for_every_page_of_a_plan(client, plan, persona, request):
    """Erin assessed part of the sample but does not validate; Charlie and Dana are students."""
    client.force_login(request.getfixturevalue(persona))

    for name, path in urls(plan).items():
        assert client.get(path).status_code == 404, name


def test_a_student_whose_work_was_sampled_never_sees_the_plan(client, plan):
    student = plan.items.first().attempt.enrolment.student
    client.force_login(student)

    assert client.get(reverse("validation:plan_list")).status_code == 404
    for name, path in urls(plan).items():
        assert client.get(path).status_code == 404, name


def test_another_assessor_sees_no_plans_in_the_list(client, plan, erin):
    client.force_login(erin)

    response = client.get(reverse("validation:plan_list"))

    assert "No validation plans name you as their validator." in response.text
    assert "FNSPIM409" not in response.text


def test_the_plan_list_shows_25_plans_a_page_newest_first(client, plan, alice):
    ValidationPlan.objects.bulk_create(
        ValidationPlan(
            unit=plan.unit,
            validator=plan.validator,
            sample_size=1,
            seed=n,
            population_count=1,
            created_by=alice,
            token=uuid.uuid4(),
        )
        for n in range(29)
    )
    client.force_login(alice)

    first = client.get(reverse("validation:plan_list")).text
    second = client.get(reverse("validation:plan_list"), {"page": 2}).text

    assert first.count('href="/validation/') - first.count('href="/validation/new/') == 25
    assert "Page 1 of 2" in first
    assert second.count('href="/validation/') - second.count('href="/validation/new/') == 5
    assert f'href="{plan.get_absolute_url()}"' in second


def test_the_admin_makes_a_plan_from_the_form(client, alice, pim409, bob, vera):
    for _ in range(3):
        judged(pim409, bob)
    client.force_login(alice)
    form = {"unit": pim409.unit.pk, "validator": vera.pk, "sample_size": 2, "seed": "", "token": uuid.uuid4()}

    response = client.post(reverse("validation:plan_create"), form, follow=True)

    plan = ValidationPlan.objects.get()
    assert (plan.validator, plan.items.count()) == (vera, 2)
    assert "Plan made: 2 judged attempts sampled." in response.text
    assert client.post(reverse("validation:plan_create"), form).status_code == 400
    assert ValidationPlan.objects.count() == 1


def test_a_plan_that_cannot_be_drawn_says_why_and_keeps_the_choices(client, alice, pim409, bob):
    judged(pim409, bob)
    client.force_login(alice)
    form = {"unit": pim409.unit.pk, "validator": bob.pk, "sample_size": 2, "token": uuid.uuid4()}

    response = client.post(reverse("validation:plan_create"), form)

    assert response.status_code == 400
    assert "no judged attempts for Bob Taylor to validate: all 1 were judged by Bob Taylor." in response.text
    assert f'<option value="{bob.pk}" selected>' in response.text


def test_an_assessor_cannot_open_the_new_plan_form(client, vera):
    client.force_login(vera)

    assert client.get(reverse("validation:plan_create")).status_code == 404


def test_the_plan_page_explains_the_validators_own_judgements_were_left_out(client, alice, pim409, bob, erin):
    judged(pim409, bob)
    judged(pim409, erin)
    plan = plan_of(pim409.unit, alice, bob, size=2)
    client.force_login(bob)

    response = client.get(plan.get_absolute_url())

    assert (
        "1 judgement signed by Bob Taylor was left out of the sample: a validator does not validate their own judgements."
        in response.text
    )


def test_the_validator_saves_a_finding_and_goes_on_to_the_next(client, plan, vera):
    first, second = plan.items.order_by("position")[:2]
    client.force_login(vera)

    response = client.post(first.get_absolute_url(), {"agrees": "no", "comments": "No evidence for 2.3."})

    assert response.url == second.get_absolute_url()
    first.refresh_from_db()
    assert (first.agrees, first.comments) == (False, "No evidence for 2.3.")


def test_a_disagreement_without_comments_is_refused_and_nothing_is_saved(client, plan, vera):
    item = plan.items.first()
    client.force_login(vera)

    response = client.post(item.get_absolute_url(), {"agrees": "no", "comments": ""})

    assert response.status_code == 400
    assert "Say in the comments why you disagree with the judgement." in response.text
    item.refresh_from_db()
    assert item.reviewed_at is None


def test_an_admin_reads_the_sample_but_records_no_finding(client, plan, alice):
    item = plan.items.first()
    client.force_login(alice)

    assert "Your finding" not in client.get(item.get_absolute_url()).text
    assert client.post(item.get_absolute_url(), {"agrees": "yes"}).status_code == 404


def test_the_plan_page_reads_the_same_number_of_queries_whatever_the_sample_size(
    client, alice, pim409, bob, erin, vera, django_assert_num_queries
):
    for _ in range(6):
        judged(pim409, bob)
        judged(pim409, erin)
    small, large = plan_of(pim409.unit, alice, vera, size=2), plan_of(pim409.unit, alice, vera, size=10)
    client.force_login(vera)
    client.get(small.get_absolute_url())  # the session is cached after the first page

    # The user, the plan, and its sample with everything each row shows.
    with django_assert_num_queries(3):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(3):
        response = client.get(large.get_absolute_url())

    assert response.text.count('data-label="Finding"') == 10


def report_text(client, plan):
    response = client.get(reverse("validation:plan_report_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_report_lists_sample_findings_actions_and_signature_with_sydney_dates(
    client, plan, vera, alice
):
    items = list(plan.items.order_by("position"))
    review_item(
        items[0],
        by=vera,
        agrees=False,
        comments="<script>alert('x')</script> evidence is thin",
        recommended_change="Ask for two complaints.",
    )
    for item in items[1:]:
        review_item(item, by=vera, agrees=True, comments="")
    signed = sign_plan(plan, by=vera, typed_name="Vera Singh", password=vera.raw_password)
    client.force_login(alice)

    text = report_text(client, plan)

    assert "Validation of Assessment Report" in text
    assert "FNSPIM409" in text
    assert "<script>alert('x')</script> evidence is thin" in text
    assert "Ask for two complaints." in text
    assert "2 agree, 1 disagree" in text
    assert "Signed electronically as “Vera Singh”" in text
    assert timezone.localtime(signed.signed_at).strftime("%d/%m/%Y") in text
    assert "Not acted on yet" in text
    assert "Page 1 of" in text


def test_the_html_report_escapes_what_the_validator_typed(client, plan, vera):
    review_item(plan.items.first(), by=vera, agrees=False, comments="<script>alert('x')</script>")
    client.force_login(vera)

    response = client.get(reverse("validation:plan_report", args=[plan.pk]))

    assert "<script>alert(" not in response.text
    assert "&lt;script&gt;alert(" in response.text


def test_a_sampled_attempts_page_reads_the_same_number_of_queries_however_much_evidence(
    client, plan, vera, django_assert_num_queries
):
    one, many = plan.items.order_by("position")[:2]
    for n in range(5):
        with_file(many.judgement, content=f"page {n}".encode())
    client.force_login(vera)
    client.get(one.get_absolute_url())

    # The user, the item with its attempt, evidence, their criteria, the task's criteria and items.
    with django_assert_num_queries(6):
        client.get(one.get_absolute_url())
    with django_assert_num_queries(6):
        response = client.get(many.get_absolute_url())

    assert response.text.count("portfolio.pdf") == 6
