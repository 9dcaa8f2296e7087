"""Observation tasks: nothing to submit; the assessor starts and marks them; the student signs after."""

import pytest
from django.urls import reverse

from evidence.models import Attempt, Declaration
from evidence.services.attempts import AttemptError, add_text_evidence, open_attempt, submit_attempt
from evidence.services.marking import MarkingError
from evidence.services.observations import start_observation
from evidence.tests.journeys import mark_all, sign
from units.matrix import checklist_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def observation_task(fnscus504):
    return fnscus504.tool.tasks.get(number=3)


def text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def start(client, enrolment, task):
    return client.post(reverse("evidence:observation_start", args=[enrolment.pk, task.pk]))


def test_student_sees_what_will_be_observed_and_no_submit_box(client, fnscus504, observation_task, charlie):
    client.force_login(charlie)
    page = text(client.get(reverse("evidence:task_detail", args=[fnscus504.pk, observation_task.pk])))
    assert "What your assessor will observe" in page
    assert "There is nothing to submit" in page
    for pc in checklist_criteria(observation_task):
        assert f'<li><span class="pc-number">{pc.code}</span> {pc.text}</li>' in page
    assert page.count('<li><span class="pc-number">') == 8
    assert "Upload files" in page  # supporting photos and notes stay possible
    assert "Sign and submit" not in page
    attempt = open_attempt(fnscus504, observation_task, by=charlie)
    add_text_evidence(attempt, by=charlie, title="Photo notes", text="Notes")
    attempt.refresh_from_db()
    with pytest.raises(AttemptError, match="An observation is not submitted"):
        submit_attempt(attempt, by=charlie, typed_name="Charlie Wilson", revision=attempt.revision)
    assert Attempt.objects.get().status == "draft"


def test_assessor_starts_from_the_queue_and_the_students_notes_come_along(
    client, fnscus504, observation_task, charlie, bob
):
    attempt = open_attempt(fnscus504, observation_task, by=charlie)
    add_text_evidence(attempt, by=charlie, title="Photo notes", text="PHOTO-NOTES of the branch")
    client.force_login(bob)
    queue = text(client.get(reverse("evidence:marking_queue")))
    assert "Observations ready to start" in queue
    assert 'Start observation<span class="visually-hidden"> of Charlie Wilson, task 3' in queue
    response = start(client, fnscus504, observation_task)
    attempt.refresh_from_db()
    assert response.url == attempt.get_marking_url()
    assert (attempt.number, attempt.status) == (1, "assessing")
    assert attempt.submitted_at is not None
    again = start(client, fnscus504, observation_task)  # a double tap opens the same attempt
    assert again.url == attempt.get_marking_url()
    assert Attempt.objects.count() == 1
    page = text(client.get(attempt.get_marking_url()))
    assert "PHOTO-NOTES of the branch" in page
    assert "Observations ready to start" not in text(client.get(reverse("evidence:marking_queue")))


def test_assessor_starts_from_the_students_row_of_the_grid(client, fnscus504, observation_task, bob, alice):
    grid = reverse("evidence:cohort_grid", args=[fnscus504.cohort.pk])
    client.force_login(alice)
    assert "Start observation" not in text(client.get(grid))
    client.force_login(bob)
    page = text(client.get(grid))
    assert page.count("Start observation<span") == 1
    start(client, fnscus504, observation_task)
    assert "Start observation<span" not in text(client.get(grid))
    assert Attempt.objects.get().status == "assessing"


def test_only_an_observation_of_the_assessors_own_cohort_starts(
    client, fnscus504, observation_task, erin, bob
):
    client.force_login(erin)
    assert start(client, fnscus504, observation_task).status_code == 404
    project = fnscus504.tool.tasks.get(number=2)
    with pytest.raises(MarkingError, match=r"Task 2 is not an observation of this unit\."):
        start_observation(fnscus504, project, by=bob)
    assert not Attempt.objects.exists()


def test_student_signs_on_the_assessors_tablet_with_their_password(
    client, fnscus504, observation_task, charlie, bob
):
    attempt = start_observation(fnscus504, observation_task, by=bob)
    mark_all(attempt, bob)
    sign(attempt, bob, result="S", feedback="Handled the complaint calmly.")
    client.force_login(bob)
    page = text(client.get(attempt.get_marking_url()))
    assert "Student signs the observation" in page
    url = reverse("evidence:observation_sign", args=[attempt.pk])
    form = {"agree": "on", "typed_name": "Charlie Wilson"}
    wrong = client.post(url, form | {"password": "not-charlies"}, follow=True)
    assert "That is not Charlie Wilson's password. Nothing was signed." in text(wrong)
    assert not Declaration.objects.exists()
    client.post(url, form | {"password": charlie.raw_password})
    declaration = Declaration.objects.get()
    assert declaration.student == charlie
    assert declaration.wording.startswith("I confirm that Bob Taylor observed me performing this task on ")
    signed = text(client.get(attempt.get_marking_url()))
    assert "Signed by <strong>Charlie Wilson</strong>" in signed
    assert "Student signs the observation" not in signed
    assert int(client.session["_auth_user_id"]) == bob.pk  # the assessor is still the one signed in


def test_student_reads_the_record_and_signs_it_on_their_own_device(
    client, fnscus504, observation_task, charlie, bob
):
    attempt = start_observation(fnscus504, observation_task, by=bob)
    mark_all(attempt, bob)
    sign(attempt, bob, result="S", feedback="Handled the complaint calmly.")
    client.force_login(charlie)
    task_url = reverse("evidence:task_detail", args=[fnscus504.pk, observation_task.pk])
    page = text(client.get(task_url))
    assert "The assessor's record: Satisfactory" in page
    assert page.count('<td data-label="Demonstrated">Yes</td>') == 8
    assert "Handled the complaint calmly." in page
    assert "Sign the observation record" in page
    client.post(
        reverse("evidence:observation_sign", args=[attempt.pk]),
        {"agree": "on", "typed_name": "Charlie Wilson"},
    )
    assert Declaration.objects.get().typed_name == "Charlie Wilson"
    assert "Sign the observation record" not in text(client.get(task_url))
