"""`make run`'s demo data: loaded twice it changes nothing, and every role has something to see."""

import pytest
from django.core.management import call_command

from assessor_portal.models import User
from evidence.models import Attempt, Cohort, Enrolment
from units.models import AssessmentTool, PerformanceCriterion, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row_counts():
    return tuple(
        model.objects.count()
        for model in (Unit, PerformanceCriterion, AssessmentTool, User, Cohort, Enrolment, Attempt)
    )


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    before = row_counts()
    call_command("load_demo")
    assert row_counts() == before == (2, 25, 2, 3, 1, 2, 1)
    assert "demo-admin-2026" in capsys.readouterr().out


def test_demo_assessor_has_submitted_work_waiting(client):
    call_command("load_demo")
    client.force_login(User.objects.get(username="assessor"))
    page = client.get("/assessor/").content.decode()
    assert "Charlie Wilson" in page
    attempt = Attempt.objects.get()
    assert (attempt.status, attempt.task.tool.unit.code, attempt.evidence.count()) == (
        "submitted",
        "FNSCUS504",
        3,
    )
    assert attempt.declaration.typed_name == "Charlie Wilson"
