"""`make run`'s demo data: loaded twice it changes nothing, and every role has something to see."""

import pytest
from django.core.management import call_command

from assessor_portal.models import User
from evidence.models import Appeal, Attempt, Cohort, Enrolment
from units.models import AssessmentTool, PerformanceCriterion, Unit

pytestmark = pytest.mark.django_db


def row_counts():
    return tuple(
        model.objects.count()
        for model in (Unit, PerformanceCriterion, AssessmentTool, User, Cohort, Enrolment, Attempt)
    )


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = row_counts()
    call_command("load_demo")
    assert row_counts() == before == (2, 25, 2, 6, 1, 6, 7)
    assert "demo-admin-2026" in capsys.readouterr().out


def test_demo_assessor_has_submitted_work_waiting(client):
    call_command("load_demo")
    client.force_login(User.objects.get(username="assessor"))
    page = client.get("/assessor/").content.decode()
    assert "Charlie Wilson" in page
    attempt = Attempt.objects.get(status="submitted")
    assert (attempt.status, attempt.task.tool.unit.code, attempt.evidence.count()) == (
        "submitted",
        "FNSCUS504",
        3,
    )
    assert attempt.declaration.typed_name == "Charlie Wilson"


def test_demo_shows_every_state_of_the_marking_journey(client):
    """Waiting work, an observation to start, S with feedback, NS to resubmit and a unit result."""
    call_command("load_demo")
    client.force_login(User.objects.get(username="assessor"))
    queue = client.get("/queue/").content.decode()
    assert "<strong>1</strong> attempt waiting" in queue
    assert "Observations ready to start" in queue
    for name in ("Charlie Wilson", "Dana Lee", "Ethan Brown"):
        assert f"of {name}, task 3" in queue

    dana = User.objects.get(username="student2")
    client.force_login(dana)
    home = client.get("/student/").content.decode().replace("&#x27;", "'")
    assert "Clear answers with good examples from your own branch." in home
    assert "Not satisfactory — resubmit by" in home
    assert "Add a short report against last quarter's targets" in home

    ethan = User.objects.get(username="student3")
    client.force_login(ethan)
    enrolment = Enrolment.objects.get(student=ethan, tool__unit__code="FNSPIM409")
    record = client.get(f"/enrolments/{enrolment.pk}/record/").content.decode()
    assert '<strong class="fs-5">Competency achieved</strong>' in record
    assert "Acknowledge your result" in record


def test_demo_evidence_guide_is_filled_in_with_linked_evidence(client):
    call_command("load_demo", stdout=None)
    ethan = User.objects.get(username="student3")
    client.force_login(ethan)
    enrolment = Enrolment.objects.get(student=ethan, tool__unit__code="FNSPIM409")
    guide = client.get(f"/enrolments/{enrolment.pk}/evidence-guide/").content.decode()
    assert guide.count("(task 1, attempt 1)") == 10  # each of the ten criteria has a piece linked
    assert "None linked" not in guide
    assert guide.count('aria-label="Completed: ticked"') == 10


def test_demo_has_an_appeal_and_a_validation_plan_for_grace_to_work_on(client):
    call_command("load_demo", stdout=None)
    dana = User.objects.get(username="student2")
    client.force_login(dana)
    enrolment = Enrolment.objects.get(student=dana, tool__unit__code="FNSPIM409")
    record = client.get(f"/enrolments/{enrolment.pk}/record/").content.decode()
    assert "Competency not achieved" in record
    assert "With the reviewer" in record
    appeal = Appeal.objects.get(result__enrolment=enrolment)
    assert "my CRM records include a contact plan" in client.get(f"/appeals/{appeal.pk}/").content.decode()

    client.force_login(User.objects.get(username="assessor2"))
    appeals = client.get("/appeals/").content.decode()
    assert "Dana Lee" in appeals
    plans = client.get("/validation/").content.decode()
    assert "FNSPIM409" in plans
    assert "Grace Kim" in plans
