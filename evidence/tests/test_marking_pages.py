"""The marking page as an assessor uses it: marks saved one by one, conflicts, the signature."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Attempt, CriterionMark, Enrolment, Judgement
from evidence.tests.journeys import submitted
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db
JSON = {"accept": "application/json"}


@pytest.fixture
def observation(tools, cohort, charlie):
    """Charlie's FNSCUS504 observation task (8 criteria), started by Bob, with Charlie's session notes."""
    cohort.students.add(charlie)
    enrolment = Enrolment.objects.create(
        student=charlie, tool=tools["FNSCUS504"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 5)
    )
    return submitted(enrolment, 3, charlie)


def save(client, attempt, pc, answer, version, comment=""):
    url = reverse("evidence:attempt_mark_save", args=[attempt.pk, pc.pk])
    return client.post(url, {"answer": answer, "comment": comment, "version": version}, headers=JSON)


def test_marking_page_lists_every_checklist_criterion_with_its_text(client, bob, observation):
    client.force_login(bob)
    page = client.get(observation.get_marking_url()).content.decode()
    criteria = checklist_criteria(observation.task)
    assert len(criteria) == 8
    for pc in criteria:
        assert f'<span class="pc-number">{pc.code}</span> {pc.text}' in page
    assert "Not signed yet. The student signs the record once you have signed the judgement." in page
    assert "Work for task 3" in page  # the student's supporting notes, uploaded before
    assert "Arrange the observation with the workplace supervisor." in page


def test_each_change_saves_at_once_and_answers_with_the_new_version(client, bob, observation):
    client.force_login(bob)
    pc = checklist_criteria(observation.task)[0]
    first = save(client, observation, pc, "Y", 0)
    second = save(client, observation, pc, "N", 1, comment="Not seen")
    assert (first.status_code, first.json()["version"]) == (200, 1)
    assert (second.status_code, second.json()["version"]) == (200, 2)
    assert second.json()["saved"].startswith("Saved ")
    assert CriterionMark.objects.values_list("answer", "comment").get() == ("N", "Not seen")


def test_stale_save_answers_409_with_the_other_assessors_values(client, bob, erin, observation):
    observation.enrolment.cohort.assessors.add(erin)
    pc = checklist_criteria(observation.task)[0]
    client.force_login(erin)
    save(client, observation, pc, "N", 0, comment="Erin: not observed")
    client.force_login(bob)
    response = save(client, observation, pc, "Y", 0)
    assert response.status_code == 409
    assert response.json()["answer"] == "N"
    assert response.json()["comment"] == "Erin: not observed"
    assert response.json()["version"] == 1
    assert "Erin Park changed" in response.json()["error"]


def test_signing_satisfactory_with_a_no_keeps_the_form_and_says_which(client, bob, observation):
    client.force_login(bob)
    criteria = checklist_criteria(observation.task)
    for pc in criteria:
        save(client, observation, pc, "Y", 0)
    save(client, observation, criteria[2], "N", 1)
    response = client.post(
        reverse("evidence:attempt_sign", args=[observation.pk]),
        {"result": "S", "feedback": "Well done", "typed_name": "Bob Taylor", "password": bob.raw_password},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"not yet: {criteria[2].code}." in page
    assert "Well done" in page
    assert not Judgement.objects.exists()


def test_signed_judgement_locks_the_page_and_reaches_the_student(client, bob, charlie, observation):
    client.force_login(bob)
    for pc in checklist_criteria(observation.task):
        save(client, observation, pc, "Y", 0)
    response = client.post(
        reverse("evidence:attempt_sign", args=[observation.pk]),
        {
            "result": "S",
            "feedback": "Confident with every customer.",
            "typed_name": "Bob Taylor",
            "password": bob.raw_password,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Signed: Satisfactory. The feedback is with the student." in page
    assert "Judgement: Satisfactory" in page
    assert "Sign judgement" not in page
    assert Attempt.objects.get(pk=observation.pk).status == "S"
    client.force_login(charlie)
    home = client.get(reverse("student_home")).content.decode()
    assert "Satisfactory" in home
    assert "Confident with every customer." in home


def test_unreleased_result_shows_the_student_being_assessed(
    client, bob, erin, charlie, observation, settings
):
    settings.MARKING_QUALITY_CHECK = True
    client.force_login(bob)
    client.post(
        reverse("evidence:attempt_sign", args=[observation.pk]),
        {
            "result": "NS",
            "feedback": "Complaint not resolved.",
            "typed_name": "Bob Taylor",
            "password": bob.raw_password,
        },
        follow=True,
    )
    client.force_login(charlie)
    home = client.get(reverse("student_home")).content.decode()
    assert "Being assessed" in home
    assert "Not satisfactory" not in home
    assert "Complaint not resolved." not in home


def test_marking_page_queries_do_not_grow_with_marks_attempts_or_waiting_work(
    client, bob, charlie, dana, tools, cohort, observation, django_assert_num_queries
):
    client.force_login(bob)
    url = observation.get_marking_url()
    client.get(url)
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200
    # Now every criterion marked, and Dana's work waiting next, with her name on the "next" button.
    for pc in checklist_criteria(observation.task):
        save(client, observation, pc, "Y", 0, comment="Seen")
    cohort.students.add(dana)
    other = Enrolment.objects.create(
        student=dana, tool=tools["FNSCUS504"], cohort=cohort, enrolled_on=datetime.date(2026, 10, 6)
    )
    submitted(other, 1, dana)
    with django_assert_num_queries(13):
        page = client.get(url).content.decode()
    assert "Next waiting: Dana" in page
